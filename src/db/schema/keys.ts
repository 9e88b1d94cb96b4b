import { sql } from 'drizzle-orm';
import { pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { centres } from './centres.js';

/**
 * Ed25519 keys the service signs with. `centreId` null means a platform key. The private part is a
 * JWE encrypted under the master key and is set to null when the key is retired (destroyed).
 */
export const signingKeys = pgTable(
  'signing_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    centreId: uuid('centre_id').references(() => centres.id),
    purpose: text('purpose', { enum: ['assertion', 'access-token'] }).notNull(),
    publicKeyMultibase: text('public_key_multibase').notNull().unique(),
    encryptedPrivateKey: text('encrypted_private_key'),
    status: text('status', { enum: ['active', 'retired', 'compromised'] }).notNull().default('active'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    retiredAt: timestamp('retired_at', { withTimezone: true }),
    compromisedAt: timestamp('compromised_at', { withTimezone: true }),
    compromiseReason: text('compromise_reason'),
  },
  (table) => [
    // One active key per owner and purpose; concurrent first starts race on this and the loser re-reads.
    uniqueIndex('signing_keys_one_active')
      .on(table.purpose, sql`coalesce(${table.centreId}, '00000000-0000-0000-0000-000000000000'::uuid)`)
      .where(sql`${table.status} = 'active'`),
  ],
);
