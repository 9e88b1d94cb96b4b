import { index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { credentials } from './credentials.js';

/**
 * One-time offers to take a credential into a wallet (OpenID4VCI pre-authorised code, or a VCALM exchange that
 * the DCC Learner Credential Wallet speaks). Only hashes of the secrets are kept: the pre-authorised code (or the
 * exchange id's secret part) and, once redeemed, the access token it was exchanged for.
 */
export const walletOffers = pgTable(
  'wallet_offers',
  {
    id: uuid('id').primaryKey(),
    credentialId: uuid('credential_id').notNull().references(() => credentials.id),
    protocol: text('protocol', { enum: ['oid4vci', 'vcapi'] }).notNull(),
    /** SHA-256 (base64url) of the pre-authorised code or of the exchange's secret */
    codeHash: text('code_hash').notNull(),
    /** the challenge a wallet's DID authentication must sign (VCALM exchanges) */
    challenge: text('challenge'),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    /** when the code was exchanged (offers are single-use) */
    redeemedAt: timestamp('redeemed_at', { withTimezone: true }),
    accessTokenHash: text('access_token_hash'),
    accessTokenExpiresAt: timestamp('access_token_expires_at', { withTimezone: true }),
    /** when the credential was handed out under this offer */
    completedAt: timestamp('completed_at', { withTimezone: true }),
  },
  (table) => [
    uniqueIndex('wallet_offers_code').on(table.codeHash),
    uniqueIndex('wallet_offers_access_token').on(table.accessTokenHash),
    index('wallet_offers_credential').on(table.credentialId),
    // each new offer deletes the long-expired ones: without it, every delivery e-mail would scan the table
    index('wallet_offers_expires').on(table.expiresAt),
  ],
);

/** Nonces for wallets' proofs of possession (OpenID4VCI Nonce Endpoint): single use, short-lived. */
export const walletNonces = pgTable(
  'wallet_nonces',
  {
    /** SHA-256 (base64url) of the nonce */
    nonceHash: text('nonce_hash').primaryKey(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
  },
  // each new nonce deletes the expired ones
  (table) => [index('wallet_nonces_expires').on(table.expiresAt)],
);

/**
 * Copies of a credential bound to a holder's DID (`credentialSubject.id`), signed when a wallet proved
 * possession of that DID. A copy carries the original's status entry, so revoking the original revokes it
 * too; `document` is personal data and is deleted with the original's on erasure (null then).
 */
export const holderCopies = pgTable(
  'holder_copies',
  {
    id: uuid('id').primaryKey(),
    credentialId: uuid('credential_id').notNull().references(() => credentials.id),
    offerId: uuid('offer_id').references(() => walletOffers.id),
    holderDid: text('holder_did'),
    document: text('document'),
    issuedAt: timestamp('issued_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (table) => [index('holder_copies_credential').on(table.credentialId)],
);
