import { and, eq, lt, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { statusEntries, statusLists, vcalmCredentials } from '../../db/schema/index.js';
import { isUuid } from '../../lib/ids.js';

export type VcalmCredentialRow = typeof vcalmCredentials.$inferSelect;
type VcalmCredentialInsert = typeof vcalmCredentials.$inferInsert & { statusListId: string; statusListIndex: number };

/**
 * Stores a credential on its status entry, in the caller's transaction: claims the entry (where course
 * credentials claim theirs too) if its list has room for it, counts it on the list and inserts the row. False,
 * writing nothing, when another process took the entry or the list's room first.
 */
export async function insertVcalmCredential(tx: DbOrTx, row: VcalmCredentialInsert, listCapacity: number): Promise<boolean> {
  const roomOnList = tx
    .select({ statusListId: statusLists.id, statusListIndex: sql<number>`${row.statusListIndex}::integer`.as('status_list_index') })
    .from(statusLists)
    .where(and(eq(statusLists.id, row.statusListId), lt(statusLists.allocated, listCapacity)));
  const claimed = await tx.insert(statusEntries).select(roomOnList).onConflictDoNothing().returning();
  if (claimed.length === 0) return false;
  await tx
    .update(statusLists)
    .set({ allocated: sql`${statusLists.allocated} + 1` })
    .where(eq(statusLists.id, row.statusListId));
  await tx.insert(vcalmCredentials).values(row);
  return true;
}

/**
 * The centre's stored VCALM credentials a caller's identifier names: the credential's own `id`, the
 * options.credentialId it was issued with, or its uuid here. At most two (two mean the identifier is ambiguous).
 */
export async function findCentreVcalmCredentials(db: DbOrTx, { centreId, credentialId }: { centreId: string; credentialId: string }): Promise<VcalmCredentialRow[]> {
  return db
    .select()
    .from(vcalmCredentials)
    .where(
      and(
        eq(vcalmCredentials.centreId, centreId),
        or(
          eq(vcalmCredentials.credentialIdUrl, credentialId),
          eq(vcalmCredentials.callerCredentialId, credentialId),
          isUuid(credentialId) ? eq(vcalmCredentials.id, credentialId) : undefined,
        ),
      ),
    )
    .limit(2);
}

/** Locks a stored VCALM credential until the transaction ends (its lifecycle changes go one at a time). */
export async function lockVcalmCredential(tx: DbOrTx, id: string): Promise<VcalmCredentialRow | undefined> {
  const [row] = await tx.select().from(vcalmCredentials).where(eq(vcalmCredentials.id, id)).for('update');
  return row;
}

export async function markVcalmCredentialRevoked(tx: DbOrTx, id: string, { revokedAt, reason }: { revokedAt: Date; reason: string }): Promise<VcalmCredentialRow> {
  const [row] = await tx.update(vcalmCredentials).set({ revokedAt, revocationReason: reason }).where(eq(vcalmCredentials.id, id)).returning();
  return row!;
}
