import { and, asc, count, desc, eq, gte, inArray, isNotNull, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { batches, batchRows, batchUploads, type BatchRowState, type BatchState, credentials, deliveries } from '../../db/schema/index.js';
import type { PageCursor } from '../../lib/pagination.js';

export type BatchRow = typeof batches.$inferSelect;
export type BatchRowRecord = typeof batchRows.$inferSelect;

export async function insertBatch(db: DbOrTx, batch: typeof batches.$inferInsert): Promise<BatchRow> {
  const [row] = await db.insert(batches).values(batch).returning();
  if (!row) throw new Error('batch insert returned no row');
  return row;
}

// One statement per this many rows, each with the rows as one JSON parameter: drizzle builds a parameter per cell
// otherwise (nine per row), and building them cost more than the insert itself.
const ROW_INSERT_CHUNK = 2_000;
// batch_rows's columns in table order, as `insert … select` fills them
const BATCH_ROW_RECORD = sql.raw(
  'batch_id uuid, row_number integer, input jsonb, state text, credential_id uuid, error_code text, error_message text, error_params jsonb, updated_at timestamptz',
);

export async function insertBatchRows(db: DbOrTx, rows: (typeof batchRows.$inferInsert)[]): Promise<void> {
  for (let start = 0; start < rows.length; start += ROW_INSERT_CHUNK) {
    const records = rows.slice(start, start + ROW_INSERT_CHUNK).map((row) => ({
      batch_id: row.batchId,
      row_number: row.rowNumber,
      input: row.input,
      state: row.state ?? 'pending',
      credential_id: row.credentialId ?? null,
      error_code: row.errorCode ?? null,
      error_message: row.errorMessage ?? null,
      error_params: row.errorParams ?? null,
      updated_at: null,
    }));
    await db.insert(batchRows).select(sql`select * from jsonb_to_recordset(${JSON.stringify(records)}::jsonb) as given(${BATCH_ROW_RECORD})`);
  }
}

/** A batch of the centre (or of any centre when centreId is null: the platform). */
export async function findBatch(db: DbOrTx, id: string, centreId: string | null): Promise<BatchRow | undefined> {
  const [row] = await db
    .select()
    .from(batches)
    .where(and(eq(batches.id, id), centreId ? eq(batches.centreId, centreId) : undefined))
    .limit(1);
  return row;
}

export async function listBatches(db: DbOrTx, { centreId, limit, after }: { centreId: string; limit: number; after?: PageCursor }) {
  return db
    .select()
    .from(batches)
    .where(
      and(
        eq(batches.centreId, centreId),
        after ? or(lt(batches.createdAt, after.createdAt), and(eq(batches.createdAt, after.createdAt), lt(batches.id, after.id))) : undefined,
      ),
    )
    .orderBy(desc(batches.createdAt), desc(batches.id))
    .limit(limit + 1);
}

/** How many rows of the batch are in each state. */
export async function countRowsByState(db: DbOrTx, batchId: string): Promise<Partial<Record<BatchRowState, number>>> {
  const rows = await db.select({ state: batchRows.state, n: count() }).from(batchRows).where(eq(batchRows.batchId, batchId)).groupBy(batchRows.state);
  return Object.fromEntries(rows.map(({ state, n }) => [state, Number(n)]));
}

/** The latest delivery of each of the batch's credentials (a re-send adds a newer one), as a subquery. */
const latestDeliveries = (db: DbOrTx, batchId: string) =>
  db
    .selectDistinctOn([deliveries.credentialId], { credentialId: deliveries.credentialId, state: deliveries.state })
    .from(deliveries)
    .innerJoin(batchRows, and(eq(batchRows.batchId, batchId), eq(batchRows.credentialId, deliveries.credentialId)))
    .orderBy(deliveries.credentialId, desc(deliveries.createdAt))
    .as('latest');

/** How many of the batch's new credentials went out by e-mail, are waiting, or failed (their latest delivery). */
export async function countDeliveriesByState(db: DbOrTx, batchId: string): Promise<Record<string, number>> {
  const latest = latestDeliveries(db, batchId);
  const rows = await db.select({ state: latest.state, n: count() }).from(latest).groupBy(latest.state);
  return Object.fromEntries(rows.map(({ state, n }) => [state, Number(n)]));
}

/** The batch's live credentials whose latest e-mail failed, with the address on record now: what a re-send sends. */
export async function failedDeliveries(db: DbOrTx, batchId: string): Promise<{ credentialId: string; email: string }[]> {
  const latest = latestDeliveries(db, batchId);
  const rows = await db
    .select({ credentialId: credentials.id, email: credentials.recipientEmail })
    .from(latest)
    .innerJoin(credentials, eq(credentials.id, latest.credentialId))
    .where(and(eq(latest.state, 'failed'), sql`${credentials.revokedAt} is null`, sql`${credentials.recipientEmail} is not null`));
  return rows.map((row) => ({ credentialId: row.credentialId, email: row.email! }));
}

/** The pending rows of a range, in file order. */
export async function pendingRows(db: DbOrTx, batchId: string, fromRow: number, toRow: number): Promise<BatchRowRecord[]> {
  return db
    .select()
    .from(batchRows)
    .where(and(eq(batchRows.batchId, batchId), eq(batchRows.state, 'pending'), gte(batchRows.rowNumber, fromRow), lte(batchRows.rowNumber, toRow)))
    .orderBy(asc(batchRows.rowNumber));
}

/** Records a row's outcome, only while it is pending (a row is worked once, whatever retries happen). */
export async function settleRow(
  db: DbOrTx,
  { batchId, rowNumber, state, credentialId = null, errorCode = null, errorMessage = null, errorParams = null }: { batchId: string; rowNumber: number; state: BatchRowState; credentialId?: string | null; errorCode?: string | null; errorMessage?: string | null; errorParams?: Record<string, string | number> | null },
): Promise<boolean> {
  const updated = await db
    .update(batchRows)
    .set({ state, credentialId, errorCode, errorMessage, errorParams, updatedAt: sql`now()` })
    .where(and(eq(batchRows.batchId, batchId), eq(batchRows.rowNumber, rowNumber), eq(batchRows.state, 'pending')))
    .returning({ rowNumber: batchRows.rowNumber });
  return updated.length > 0;
}

/**
 * Records rows as issued with their credentials, in one statement; only rows still pending are changed.
 * Returns how many were: fewer than given means another worker settled some of them first.
 */
export async function settleIssuedRows(db: DbOrTx, batchId: string, issued: { rowNumber: number; credentialId: string }[]): Promise<number> {
  const given = sql`jsonb_to_recordset(${JSON.stringify(issued.map(({ rowNumber, credentialId }) => ({ row_number: rowNumber, credential_id: credentialId })))}::jsonb) as given(row_number integer, credential_id uuid)`;
  const updated = await db
    .update(batchRows)
    .set({ state: 'issued', credentialId: sql`given.credential_id`, updatedAt: sql`now()` })
    .from(given)
    .where(and(eq(batchRows.batchId, batchId), eq(batchRows.rowNumber, sql`given.row_number`), eq(batchRows.state, 'pending')))
    .returning({ rowNumber: batchRows.rowNumber });
  return updated.length;
}

/** queued → running, the first time a worker takes a part of it. */
export async function markRunning(db: DbOrTx, batchId: string): Promise<void> {
  await db.update(batches).set({ state: 'running', startedAt: sql`now()` }).where(and(eq(batches.id, batchId), eq(batches.state, 'queued')));
}

/**
 * Ends the batch once no row is pending: completed, or completed-with-errors when a row failed. Safe to call
 * from every worker that finishes a part: only the first call that finds nothing pending changes it.
 */
export async function finishIfDone(db: DbOrTx, batchId: string): Promise<BatchState | undefined> {
  const pending = db.select({ one: sql`1` }).from(batchRows).where(and(eq(batchRows.batchId, batchId), eq(batchRows.state, 'pending')));
  const failed = db.select({ one: sql`1` }).from(batchRows).where(and(eq(batchRows.batchId, batchId), eq(batchRows.state, 'failed')));
  const [row] = await db
    .update(batches)
    .set({ state: sql`case when exists (${failed}) then 'completed-with-errors' else 'completed' end`, finishedAt: sql`now()` })
    .where(and(eq(batches.id, batchId), inArray(batches.state, ['queued', 'running']), sql`not exists (${pending})`))
    .returning({ state: batches.state });
  return row?.state;
}

/** Cancels a batch that has not finished: its pending rows will not be issued. Returns false when it had finished. */
export async function cancelBatch(db: DbOrTx, batchId: string): Promise<boolean> {
  const [row] = await db
    .update(batches)
    .set({ state: 'cancelled', finishedAt: sql`now()` })
    .where(and(eq(batches.id, batchId), inArray(batches.state, ['queued', 'running'])))
    .returning({ id: batches.id });
  if (!row) return false;
  await db
    .update(batchRows)
    .set({ state: 'cancelled', updatedAt: sql`now()` })
    .where(and(eq(batchRows.batchId, batchId), eq(batchRows.state, 'pending')));
  return true;
}

export async function batchState(db: DbOrTx, batchId: string): Promise<BatchState | undefined> {
  const [row] = await db.select({ state: batches.state }).from(batches).where(eq(batches.id, batchId)).limit(1);
  return row?.state;
}

/** The rows of a batch in file order with their credential's code and latest delivery (a page at a time). */
export async function resultRows(db: DbOrTx, { batchId, afterRow, limit }: { batchId: string; afterRow: number; limit: number }) {
  const latestDelivery = db
    .selectDistinctOn([deliveries.credentialId], { credentialId: deliveries.credentialId, state: deliveries.state, lastError: deliveries.lastError })
    .from(deliveries)
    .orderBy(deliveries.credentialId, desc(deliveries.createdAt))
    .as('latest_delivery');
  return db
    .select({
      rowNumber: batchRows.rowNumber,
      state: batchRows.state,
      input: batchRows.input,
      credentialId: batchRows.credentialId,
      errorCode: batchRows.errorCode,
      errorMessage: batchRows.errorMessage,
      errorParams: batchRows.errorParams,
      shortCode: credentials.shortCode,
      deliveryState: latestDelivery.state,
      deliveryError: latestDelivery.lastError,
    })
    .from(batchRows)
    .leftJoin(credentials, eq(credentials.id, batchRows.credentialId))
    .leftJoin(latestDelivery, eq(latestDelivery.credentialId, batchRows.credentialId))
    .where(and(eq(batchRows.batchId, batchId), sql`${batchRows.rowNumber} > ${afterRow}`))
    .orderBy(asc(batchRows.rowNumber))
    .limit(limit);
}

/** The credentials a centre already issued for these (course, externalId) pairs: original credentials only. */
export async function existingByExternalId(db: DbOrTx, centreId: string, keys: { achievementId: string; externalId: string }[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (keys.length === 0) return found;
  // the pairs as one JSON parameter (a 10,000-row file's pairs as a list of parameters took longer to build than to look up)
  const given = sql`jsonb_to_recordset(${JSON.stringify(keys.map(({ achievementId, externalId }) => ({ achievement_id: achievementId, external_id: externalId })))}::jsonb) as given(achievement_id uuid, external_id text)`;
  const rows = await db
    .select({ id: credentials.id, achievementId: credentials.achievementId, externalId: credentials.externalId })
    .from(credentials)
    .innerJoin(given, and(eq(credentials.achievementId, sql`given.achievement_id`), eq(credentials.externalId, sql`given.external_id`)))
    .where(and(eq(credentials.centreId, centreId), isNull(credentials.supersedes), isNotNull(credentials.externalId)));
  for (const row of rows) found.set(externalIdKey(row.achievementId, row.externalId ?? ''), row.id);
  return found;
}

export const externalIdKey = (achievementId: string, externalId: string) => `${achievementId}\u0000${externalId}`;

/** How many batches of a centre (or, null, of all centres) are queued or running. */
export async function countUnfinishedBatches(db: DbOrTx, centreId: string | null): Promise<number> {
  const [row] = await db.select({ n: count() }).from(batches).where(and(centreId ? eq(batches.centreId, centreId) : undefined, inArray(batches.state, ['queued', 'running'])));
  return row?.n ?? 0;
}

export type BatchUploadRow = typeof batchUploads.$inferSelect;

/** Stores a checked upload awaiting confirmation, deleting the expired ones (they hold learners' personal data). */
export async function insertUpload(db: DbOrTx, upload: typeof batchUploads.$inferInsert, now: Date): Promise<void> {
  await db.delete(batchUploads).where(lt(batchUploads.expiresAt, now));
  await db.insert(batchUploads).values(upload);
}

export async function findUpload(db: DbOrTx, { id, centreId, now }: { id: string; centreId: string; now: Date }): Promise<BatchUploadRow | undefined> {
  const [row] = await db.select().from(batchUploads).where(and(eq(batchUploads.id, id), eq(batchUploads.centreId, centreId), gte(batchUploads.expiresAt, now)));
  return row;
}

/** Deletes an upload as it becomes a batch: true for the one confirmation that takes it. */
export async function takeUpload(db: DbOrTx, { id, centreId }: { id: string; centreId: string }): Promise<boolean> {
  const taken = await db.delete(batchUploads).where(and(eq(batchUploads.id, id), eq(batchUploads.centreId, centreId))).returning({ id: batchUploads.id });
  return taken.length === 1;
}
