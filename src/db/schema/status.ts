import { integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { centres } from './centres.js';

/**
 * W3C Bitstring Status Lists, one sequence per centre and purpose. Credentials take random entries of the
 * current list; `allocated` counts them, so the service can start the next list before this one fills up.
 * `document` is the signed BitstringStatusListCredential exactly as served, re-signed only when a bit changes
 * or its validity nears its end; `version` counts those signatures (the ETag and caches key on it).
 */
export const statusLists = pgTable(
  'status_lists',
  {
    id: uuid('id').primaryKey(),
    centreId: uuid('centre_id').notNull().references(() => centres.id),
    purpose: text('purpose', { enum: ['revocation'] }).notNull(),
    sequence: integer('sequence').notNull(),
    size: integer('size').notNull(),
    allocated: integer('allocated').notNull().default(0),
    document: text('document'),
    version: integer('version').notNull().default(0),
    validUntil: timestamp('valid_until', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('status_lists_centre_purpose_sequence').on(table.centreId, table.purpose, table.sequence)],
);
