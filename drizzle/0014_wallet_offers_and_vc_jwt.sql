CREATE TABLE "holder_copies" (
	"id" uuid PRIMARY KEY NOT NULL,
	"credential_id" uuid NOT NULL,
	"offer_id" uuid,
	"holder_did" text,
	"document" text,
	"issued_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "wallet_nonces" (
	"nonce_hash" text PRIMARY KEY NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "wallet_offers" (
	"id" uuid PRIMARY KEY NOT NULL,
	"credential_id" uuid NOT NULL,
	"protocol" text NOT NULL,
	"code_hash" text NOT NULL,
	"challenge" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"redeemed_at" timestamp with time zone,
	"access_token_hash" text,
	"access_token_expires_at" timestamp with time zone,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "centres" ADD COLUMN "vcalm_securing" text DEFAULT 'data-integrity' NOT NULL;--> statement-breakpoint
ALTER TABLE "holder_copies" ADD CONSTRAINT "holder_copies_credential_id_credentials_id_fk" FOREIGN KEY ("credential_id") REFERENCES "public"."credentials"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "holder_copies" ADD CONSTRAINT "holder_copies_offer_id_wallet_offers_id_fk" FOREIGN KEY ("offer_id") REFERENCES "public"."wallet_offers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wallet_offers" ADD CONSTRAINT "wallet_offers_credential_id_credentials_id_fk" FOREIGN KEY ("credential_id") REFERENCES "public"."credentials"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "holder_copies_credential" ON "holder_copies" USING btree ("credential_id");--> statement-breakpoint
CREATE UNIQUE INDEX "wallet_offers_code" ON "wallet_offers" USING btree ("code_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "wallet_offers_access_token" ON "wallet_offers" USING btree ("access_token_hash");--> statement-breakpoint
CREATE INDEX "wallet_offers_credential" ON "wallet_offers" USING btree ("credential_id");