CREATE TABLE "batch_uploads" (
	"id" uuid PRIMARY KEY NOT NULL,
	"centre_id" uuid NOT NULL,
	"staff_id" uuid NOT NULL,
	"source" jsonb NOT NULL,
	"default_achievement_id" uuid,
	"deliver" boolean DEFAULT false NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "batch_uploads" ADD CONSTRAINT "batch_uploads_centre_id_centres_id_fk" FOREIGN KEY ("centre_id") REFERENCES "public"."centres"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "batch_uploads" ADD CONSTRAINT "batch_uploads_staff_id_staff_members_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff_members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "batch_uploads" ADD CONSTRAINT "batch_uploads_default_achievement_id_achievements_id_fk" FOREIGN KEY ("default_achievement_id") REFERENCES "public"."achievements"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "batch_uploads_expires" ON "batch_uploads" USING btree ("expires_at");