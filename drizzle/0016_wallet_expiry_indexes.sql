CREATE INDEX "wallet_nonces_expires" ON "wallet_nonces" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "wallet_offers_expires" ON "wallet_offers" USING btree ("expires_at");