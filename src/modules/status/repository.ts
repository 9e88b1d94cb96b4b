import { and, desc, eq, isNotNull, sql } from 'drizzle-orm';
import { unionAll } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../../db/client.js';
import { credentials, statusEntries, statusLists, vcalmCredentials } from '../../db/schema/index.js';

export type StatusListRow = typeof statusLists.$inferSelect;
export type StatusPurpose = StatusListRow['purpose'];

/** The centre's newest list for a purpose: the one new credentials take entries from. */
export async function findCurrentList(db: DbOrTx, centreId: string, purpose: StatusPurpose): Promise<StatusListRow | undefined> {
  const [row] = await db
    .select()
    .from(statusLists)
    .where(and(eq(statusLists.centreId, centreId), eq(statusLists.purpose, purpose)))
    .orderBy(desc(statusLists.sequence))
    .limit(1);
  return row;
}

export async function findList(db: DbOrTx, id: string): Promise<StatusListRow | undefined> {
  const [row] = await db.select().from(statusLists).where(eq(statusLists.id, id)).limit(1);
  return row;
}

/** Starts a list; replicas racing to start the same sequence agree on the one that was inserted first. */
export async function insertListIfAbsent(db: DbOrTx, list: typeof statusLists.$inferInsert): Promise<void> {
  await db.insert(statusLists).values(list).onConflictDoNothing();
}

/** Locks a list's row until the transaction ends: re-signing and bit changes of one list go one at a time. */
export async function lockList(tx: DbOrTx, id: string): Promise<StatusListRow | undefined> {
  const [row] = await tx.select().from(statusLists).where(eq(statusLists.id, id)).for('update');
  return row;
}

/** The entries of a list held by credentials of either kind (issuance picks among the others). */
export async function takenIndexes(db: DbOrTx, listId: string): Promise<number[]> {
  const rows = await db.select({ index: statusEntries.statusListIndex }).from(statusEntries).where(eq(statusEntries.statusListId, listId));
  return rows.map((row) => row.index);
}

/** The entries whose bit is set: revoked credentials, course credentials and VCALM's others alike. */
export async function revokedIndexes(db: DbOrTx, listId: string): Promise<number[]> {
  const rows = await unionAll(
    db
      .select({ index: credentials.statusListIndex })
      .from(credentials)
      .where(and(eq(credentials.statusListId, listId), isNotNull(credentials.revokedAt))),
    db
      .select({ index: vcalmCredentials.statusListIndex })
      .from(vcalmCredentials)
      .where(and(eq(vcalmCredentials.statusListId, listId), isNotNull(vcalmCredentials.revokedAt))),
  );
  return rows.map((row) => row.index!);
}

export async function storeListDocument(tx: DbOrTx, id: string, { document, validUntil }: { document: string; validUntil: Date }): Promise<StatusListRow> {
  const [row] = await tx
    .update(statusLists)
    .set({ document, validUntil, version: sql`${statusLists.version} + 1` })
    .where(eq(statusLists.id, id))
    .returning();
  return row!;
}

export async function listCentreListIds(db: DbOrTx, centreId: string): Promise<string[]> {
  const rows = await db.select({ id: statusLists.id }).from(statusLists).where(eq(statusLists.centreId, centreId));
  return rows.map((row) => row.id);
}
