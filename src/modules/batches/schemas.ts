import { z } from 'zod';
import { pageQuerySchema } from '../../lib/pagination.js';
import { booleanQuery, languageSchema } from '../../lib/schemas.js';
import { BATCH_COLUMNS } from './intake/columns.js';
import { BATCH_STATES } from '../../db/schema/index.js';

export const submitBatchQuerySchema = z.object({
  dryRun: booleanQuery.default(false).describe('validate every row and answer the report; nothing is issued'),
  achievementId: z.string().trim().min(1).max(100).optional().describe('the course (id or code) of rows that name none'),
  deliver: booleanQuery.default(false).describe('e-mail each new credential to its learner'),
  skipInvalidRows: booleanQuery.default(false).describe('issue the valid rows even if others are invalid (those are reported as failed)'),
  encoding: z.string().trim().min(1).max(40).optional().describe('the CSV file\'s encoding when detection guesses wrong: utf-8, utf-16le, windows-1256, windows-1252…'),
  lang: languageSchema.optional().describe('the language of the report\'s messages (else Accept-Language)'),
});

const cell = z.string().max(20_000).optional();
/** JSON rows: the same columns as a file, as text (a JSON number is welcome for externalId). */
export const jsonRowSchema = z.strictObject(
  Object.fromEntries(BATCH_COLUMNS.map((column) => [column, column === 'externalId' ? z.union([cell, z.number().int().transform(String)]) : cell])) as Record<(typeof BATCH_COLUMNS)[number], typeof cell>,
);
export const jsonBatchBodySchema = z.strictObject({
  rows: z.array(jsonRowSchema).min(1, 'give at least one row'),
});

const issueSchema = z.object({
  row: z.number().int(),
  column: z.string().nullable(),
  code: z.string(),
  severity: z.enum(['error', 'warning']),
  message: z.string(),
});
export const reportSchema = z.object({
  format: z.enum(['csv', 'xlsx', 'json']),
  encoding: z.string().nullable(),
  totalRows: z.number().int(),
  toIssue: z.number().int(),
  alreadyIssued: z.number().int(),
  invalidRows: z.number().int(),
  unknownColumns: z.array(z.string()),
  issues: z.array(issueSchema),
});

export const batchViewSchema = z.object({
  id: z.uuid(),
  state: z.enum(BATCH_STATES),
  source: z.string(),
  fileName: z.string().nullable(),
  deliver: z.boolean(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  totals: z.object({ rows: z.number(), pending: z.number(), issued: z.number(), alreadyIssued: z.number(), failed: z.number(), cancelled: z.number() }),
  progress: z.number().describe('share of rows worked, 0 to 1'),
  deliveries: z.object({ queued: z.number(), sent: z.number(), failed: z.number() }),
  links: z.object({ self: z.string(), results: z.string() }),
});

export const batchParamsSchema = z.object({ id: z.string().max(100) });
export const batchListQuerySchema = pageQuerySchema;
export const resultsQuerySchema = z.object({
  format: z.enum(['csv', 'json']).optional().describe('else from Accept: text/csv or JSON'),
  lang: languageSchema.optional().describe('the language of the rows\' error messages (else Accept-Language)'),
});
export const templateQuerySchema = z.object({
  language: languageSchema.default('en').describe('the language of the header row and the example'),
  format: z.enum(['csv', 'xlsx']).default('xlsx'),
});
