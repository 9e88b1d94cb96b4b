CREATE TABLE "status_entries" (
	"status_list_id" uuid NOT NULL,
	"status_list_index" integer NOT NULL,
	CONSTRAINT "status_entries_status_list_id_status_list_index_pk" PRIMARY KEY("status_list_id","status_list_index")
);
--> statement-breakpoint
CREATE TABLE "vcalm_credentials" (
	"id" uuid PRIMARY KEY NOT NULL,
	"centre_id" uuid NOT NULL,
	"signing_key_id" uuid NOT NULL,
	"issued_by_client_id" uuid,
	"credential_id_url" text,
	"caller_credential_id" text,
	"document" text NOT NULL,
	"issued_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"status_list_id" uuid NOT NULL,
	"status_list_index" integer NOT NULL,
	"revoked_at" timestamp with time zone,
	"revocation_reason" text
);
--> statement-breakpoint
ALTER TABLE "status_entries" ADD CONSTRAINT "status_entries_status_list_id_status_lists_id_fk" FOREIGN KEY ("status_list_id") REFERENCES "public"."status_lists"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vcalm_credentials" ADD CONSTRAINT "vcalm_credentials_centre_id_centres_id_fk" FOREIGN KEY ("centre_id") REFERENCES "public"."centres"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vcalm_credentials" ADD CONSTRAINT "vcalm_credentials_signing_key_id_signing_keys_id_fk" FOREIGN KEY ("signing_key_id") REFERENCES "public"."signing_keys"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vcalm_credentials" ADD CONSTRAINT "vcalm_credentials_issued_by_client_id_api_clients_id_fk" FOREIGN KEY ("issued_by_client_id") REFERENCES "public"."api_clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vcalm_credentials" ADD CONSTRAINT "vcalm_credentials_status_list_id_status_lists_id_fk" FOREIGN KEY ("status_list_id") REFERENCES "public"."status_lists"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "vcalm_credentials_status_entry" ON "vcalm_credentials" USING btree ("status_list_id","status_list_index");--> statement-breakpoint
CREATE INDEX "vcalm_credentials_centre_id_url" ON "vcalm_credentials" USING btree ("centre_id","credential_id_url");--> statement-breakpoint
CREATE INDEX "vcalm_credentials_centre_caller_id" ON "vcalm_credentials" USING btree ("centre_id","caller_credential_id");--> statement-breakpoint
-- the entries already held by course credentials (hand-written, after the generated statements)
INSERT INTO "status_entries" ("status_list_id", "status_list_index") SELECT "status_list_id", "status_list_index" FROM "credentials" WHERE "status_list_id" IS NOT NULL ON CONFLICT DO NOTHING;