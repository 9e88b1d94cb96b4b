import { index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { centres } from './centres.js';
import { apiClients } from './clients.js';
import { signingKeys } from './keys.js';
import { statusLists } from './status.js';

/**
 * Every entry of a status list held by a credential, whichever table keeps the credential. Both issuance paths
 * (course credentials, VCALM's other credentials) insert here first, in the statement or transaction that stores
 * the credential: the one key both see, so two processes can never give one entry to two credentials.
 */
export const statusEntries = pgTable(
  'status_entries',
  {
    statusListId: uuid('status_list_id').notNull().references(() => statusLists.id),
    statusListIndex: integer('status_list_index').notNull(),
  },
  (table) => [primaryKey({ columns: [table.statusListId, table.statusListIndex] })],
);

/**
 * VC 2.0 credentials signed through VCALM issue with a status entry that are not credentials of an IIOE course
 * (those are in `credentials`): kept so they can be revoked (VCALM POST /credentials/status) and their bit set.
 * `credentialIdUrl` is the credential's own `id` (any URL, or absent), `callerCredentialId` VCALM's
 * options.credentialId: what a caller names it by. `document` is the signed credential as returned.
 */
export const vcalmCredentials = pgTable(
  'vcalm_credentials',
  {
    id: uuid('id').primaryKey(),
    centreId: uuid('centre_id').notNull().references(() => centres.id),
    signingKeyId: uuid('signing_key_id').notNull().references(() => signingKeys.id),
    issuedByClientId: uuid('issued_by_client_id').references(() => apiClients.id),
    credentialIdUrl: text('credential_id_url'),
    callerCredentialId: text('caller_credential_id'),
    document: text('document').notNull(),
    issuedAt: timestamp('issued_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    statusListId: uuid('status_list_id').notNull().references(() => statusLists.id),
    statusListIndex: integer('status_list_index').notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revocationReason: text('revocation_reason'),
  },
  (table) => [
    uniqueIndex('vcalm_credentials_status_entry').on(table.statusListId, table.statusListIndex),
    index('vcalm_credentials_centre_id_url').on(table.centreId, table.credentialIdUrl),
    index('vcalm_credentials_centre_caller_id').on(table.centreId, table.callerCredentialId),
  ],
);
