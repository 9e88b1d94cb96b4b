ALTER TABLE "achievements" ALTER COLUMN "code" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "achievements" ADD CONSTRAINT "achievements_code_unique" UNIQUE("code");--> statement-breakpoint
ALTER TABLE "achievements" ADD CONSTRAINT "achievements_code_format" CHECK ("achievements"."code" ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND char_length("achievements"."code") BETWEEN 2 AND 64);