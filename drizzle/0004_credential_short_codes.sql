ALTER TABLE "credentials" ADD COLUMN "short_code" text;--> statement-breakpoint
ALTER TABLE "credentials" ADD CONSTRAINT "credentials_short_code_unique" UNIQUE("short_code");