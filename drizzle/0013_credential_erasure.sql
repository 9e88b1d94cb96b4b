ALTER TABLE "credentials" ALTER COLUMN "document" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "credentials" ADD COLUMN "erased_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "credentials" ADD CONSTRAINT "credentials_erased_without_document" CHECK ((erased_at is null) = (document is not null) and (erased_at is null or revoked_at is not null));