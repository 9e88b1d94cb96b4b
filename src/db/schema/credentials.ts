import { sql } from 'drizzle-orm';
import { type AnyPgColumn, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { achievements } from './achievements.js';
import { centres } from './centres.js';
import { apiClients } from './clients.js';
import { staffMembers } from './staff.js';
import { signingKeys } from './keys.js';
import { statusLists } from './status.js';

/**
 * Issued credentials. `document` is the signed credential exactly as issued (text, not jsonb, so the bytes
 * served later are the bytes signed and returned at issuance). The email is kept only for delivery.
 * An erased credential (its holder asked for their personal data to go) keeps only what is not personal: its
 * dates, course, status entry and short code; `document` is null exactly then (the signed document names the
 * learner), `recipientName` is '' and the other personal columns are null.
 */
export const credentials = pgTable(
  'credentials',
  {
    id: uuid('id').primaryKey(),
    centreId: uuid('centre_id').notNull().references(() => centres.id),
    achievementId: uuid('achievement_id').notNull().references(() => achievements.id),
    signingKeyId: uuid('signing_key_id').notNull().references(() => signingKeys.id),
    issuedByClientId: uuid('issued_by_client_id').references(() => apiClients.id),
    /** '' once erased: kept not null so every credential still in force is sure to have a name */
    recipientName: text('recipient_name').notNull(),
    recipientEmail: text('recipient_email'),
    recipientDid: text('recipient_did'),
    language: text('language').notNull(),
    achievementVersion: integer('achievement_version').notNull().default(1),
    validFrom: timestamp('valid_from', { withTimezone: true }).notNull(),
    validUntil: timestamp('valid_until', { withTimezone: true }),
    /** the signed credential; null once erased */
    document: text('document'),
    issuedAt: timestamp('issued_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    /** the revocation entry the signed credential carries (absent only on credentials issued before status lists) */
    statusListId: uuid('status_list_id').references(() => statusLists.id),
    statusListIndex: integer('status_list_index'),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revocationReason: text('revocation_reason'),
    /** a hold kept by the service (outside verifiers see only revocation); lifts itself at suspendedUntil */
    suspendedAt: timestamp('suspended_at', { withTimezone: true }),
    suspendedUntil: timestamp('suspended_until', { withTimezone: true }),
    suspensionReason: text('suspension_reason'),
    /** the short typable code (e.g. EG-7K4Q-92MX-3TRA-K) printed on certificates and encoded in the QR link */
    shortCode: text('short_code').unique(),
    /** corrections: the credential that replaced this one, and the one this one replaced */
    supersededBy: uuid('superseded_by').references((): AnyPgColumn => credentials.id),
    supersedes: uuid('supersedes').references((): AnyPgColumn => credentials.id),
    /** the centre's own learner or enrolment id: with the course, names one credential (corrections carry it on) */
    externalId: text('external_id'),
    /** when the learner's personal data were erased at their request (the credential is then revoked for good) */
    erasedAt: timestamp('erased_at', { withTimezone: true }),
  },
  (table) => [
    index('credentials_centre_issued').on(table.centreId, table.issuedAt),
    uniqueIndex('credentials_status_entry').on(table.statusListId, table.statusListIndex),
    // One original credential per centre, course and externalId: a re-run or a retried upload issues nothing twice.
    // A correction (supersedes set) carries the externalId on without claiming it again.
    uniqueIndex('credentials_external_id').on(table.centreId, table.achievementId, table.externalId).where(sql`external_id is not null and supersedes is null`),
    // the readers of `document` rely on it: absent exactly when erased, and an erased credential is revoked
    check('credentials_erased_without_document', sql`(erased_at is null) = (document is not null) and (erased_at is null or revoked_at is not null)`),
  ],
);

/** Idempotency-Key records: a retried request with the same key and body returns the same credential. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    clientId: uuid('client_id').notNull().references(() => apiClients.id),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    credentialId: uuid('credential_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.clientId, table.key] })],
);

export const ACTOR_KINDS = ['client', 'staff', 'cli', 'system'] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

/** Append-only audit trail of what happened to credentials and by whom. */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    centreId: uuid('centre_id').references(() => centres.id),
    credentialId: uuid('credential_id').references(() => credentials.id),
    /** who acted: an API client, a staff member in the console, an operator at the CLI, or the service itself */
    actorKind: text('actor_kind').$type<ActorKind>().notNull(),
    actorClientId: uuid('actor_client_id').references(() => apiClients.id),
    actorStaffId: uuid('actor_staff_id').references(() => staffMembers.id),
    action: text('action').notNull(),
    /** what the action was done to, e.g. "centre:pakistan", "client:iioe_…", "credential:<uuid>" */
    target: text('target'),
    requestId: text('request_id'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (table) => [
    index('audit_events_credential').on(table.credentialId, table.createdAt),
    index('audit_events_centre').on(table.centreId, table.createdAt),
  ],
);
