import { index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { centres } from './centres.js';
import { apiClients } from './clients.js';
import { credentials } from './credentials.js';

export const DELIVERY_STATES = ['queued', 'sent', 'failed'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/** Each e-mail of a credential to its learner (a re-send is a new row): what happened to it and why. */
export const deliveries = pgTable(
  'deliveries',
  {
    id: uuid('id').primaryKey(),
    credentialId: uuid('credential_id').notNull().references(() => credentials.id),
    centreId: uuid('centre_id').notNull().references(() => centres.id),
    recipientEmail: text('recipient_email').notNull(),
    state: text('state').$type<DeliveryState>().notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    /** why the last attempt failed (temporary failures are retried) */
    lastError: text('last_error'),
    messageId: text('message_id'),
    requestedByClientId: uuid('requested_by_client_id').references(() => apiClients.id),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true, precision: 3 }),
  },
  (table) => [index('deliveries_credential').on(table.credentialId, table.createdAt), index('deliveries_centre_created').on(table.centreId, table.createdAt)],
);
