import { boolean, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { centres } from './centres.js';

/** OAuth2 client-credentials clients. Secrets are stored only as scrypt hashes. */
export const apiClients = pgTable('api_clients', {
  id: uuid('id').primaryKey().defaultRandom(),
  clientId: text('client_id').notNull().unique(),
  secretHash: text('secret_hash').notNull(),
  centreId: uuid('centre_id').references(() => centres.id),
  name: text('name').notNull(),
  scopes: text('scopes').array().notNull(),
  status: text('status', { enum: ['active', 'disabled'] }).notNull().default('active'),
  isDemo: boolean('is_demo').notNull().default(false),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  secretRotatedAt: timestamp('secret_rotated_at', { withTimezone: true }),
  disabledAt: timestamp('disabled_at', { withTimezone: true }),
});
