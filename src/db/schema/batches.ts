import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { achievements } from './achievements.js';
import { centres } from './centres.js';
import { apiClients } from './clients.js';
import { staffMembers } from './staff.js';
import { credentials } from './credentials.js';

export const BATCH_STATES = ['queued', 'running', 'completed', 'completed-with-errors', 'cancelled'] as const;
export type BatchState = (typeof BATCH_STATES)[number];
/** pending: not yet worked · issued: a new credential · existing: its externalId + course was issued before · failed · cancelled */
export const BATCH_ROW_STATES = ['pending', 'issued', 'existing', 'failed', 'cancelled'] as const;
export type BatchRowState = (typeof BATCH_ROW_STATES)[number];

/** A cohort upload: one spreadsheet (or JSON list) of learners issued as credentials by the job queue. */
export const batches = pgTable(
  'batches',
  {
    id: uuid('id').primaryKey(),
    centreId: uuid('centre_id').notNull().references(() => centres.id),
    createdByClientId: uuid('created_by_client_id').references(() => apiClients.id),
    createdByStaffId: uuid('created_by_staff_id').references(() => staffMembers.id),
    state: text('state').$type<BatchState>().notNull().default('queued'),
    /** where the rows came from: csv, xlsx or json, and the uploaded file's name */
    source: text('source').notNull(),
    fileName: text('file_name'),
    /** the course of rows that name none */
    defaultAchievementId: uuid('default_achievement_id').references(() => achievements.id),
    /** whether each new credential is e-mailed to its learner */
    deliver: boolean('deliver').notNull().default(false),
    totalRows: integer('total_rows').notNull(),
    requestId: text('request_id'),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true, precision: 3 }),
    finishedAt: timestamp('finished_at', { withTimezone: true, precision: 3 }),
  },
  (table) => [index('batches_centre_created').on(table.centreId, table.createdAt)],
);

/**
 * The rows of a batch, validated at upload: each is worked once, and its outcome is written in the same
 * transaction as the credential it issues, so a worker killed at any moment leaves nothing half done.
 */
export const batchRows = pgTable(
  'batch_rows',
  {
    batchId: uuid('batch_id').notNull().references(() => batches.id),
    /** the row as the spreadsheet shows it (the header is row 1); JSON rows count from 1 */
    rowNumber: integer('row_number').notNull(),
    /** the validated issuance request of this row */
    input: jsonb('input').$type<Record<string, unknown>>().notNull(),
    state: text('state').$type<BatchRowState>().notNull().default('pending'),
    credentialId: uuid('credential_id').references(() => credentials.id),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
    /** what the error's message is made of (a value, a limit), so the results can say it in the reader's language */
    errorParams: jsonb('error_params').$type<Record<string, string | number>>(),
    updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3 }),
  },
  (table) => [primaryKey({ columns: [table.batchId, table.rowNumber] }), index('batch_rows_batch_state').on(table.batchId, table.state)],
);

/**
 * A cohort file uploaded in the console and checked, waiting for its uploader to confirm it (the dry-run page reads
 * it again; confirming turns it into a batch and deletes it). It holds learners' names and addresses, so it lives
 * an hour at most: expired uploads are deleted whenever another is stored.
 */
export const batchUploads = pgTable(
  'batch_uploads',
  {
    id: uuid('id').primaryKey(),
    centreId: uuid('centre_id').notNull().references(() => centres.id),
    staffId: uuid('staff_id').notNull().references(() => staffMembers.id),
    /** the rows as read from the file (BatchSource): what the batch is made of once confirmed */
    source: jsonb('source').$type<Record<string, unknown>>().notNull(),
    /** the course of rows that name none, and whether to e-mail each credential: as chosen on upload */
    defaultAchievementId: uuid('default_achievement_id').references(() => achievements.id),
    deliver: boolean('deliver').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true, precision: 3 }).notNull(),
  },
  (table) => [index('batch_uploads_expires').on(table.expiresAt)],
);
