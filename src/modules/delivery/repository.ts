import { and, desc, eq, gt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { deliveries, type DeliveryState } from '../../db/schema/index.js';

export type DeliveryRow = typeof deliveries.$inferSelect;

export async function insertDeliveries(db: DbOrTx, rows: (typeof deliveries.$inferInsert)[]): Promise<void> {
  await db.insert(deliveries).values(rows);
}

export async function findDelivery(db: DbOrTx, id: string): Promise<DeliveryRow | undefined> {
  const [row] = await db.select().from(deliveries).where(eq(deliveries.id, id)).limit(1);
  return row;
}

/** The latest delivery of each credential (its current delivery state), newest first per credential. */
export async function latestDelivery(db: DbOrTx, credentialId: string): Promise<DeliveryRow | undefined> {
  const [row] = await db.select().from(deliveries).where(eq(deliveries.credentialId, credentialId)).orderBy(desc(deliveries.createdAt)).limit(1);
  return row;
}

export async function listDeliveries(db: DbOrTx, credentialId: string, limit: number): Promise<DeliveryRow[]> {
  return db.select().from(deliveries).where(eq(deliveries.credentialId, credentialId)).orderBy(desc(deliveries.createdAt)).limit(limit);
}

/** Records an attempt's outcome on a delivery still queued (a delivery that was sent stays sent). */
export async function recordAttempt(
  db: DbOrTx,
  id: string,
  outcome: { state: DeliveryState; lastError?: string | null; messageId?: string | null },
): Promise<void> {
  await db
    .update(deliveries)
    .set({
      state: outcome.state,
      attempts: sql`${deliveries.attempts} + 1`,
      lastError: outcome.lastError ?? null,
      messageId: outcome.messageId ?? null,
      updatedAt: sql`now()`,
      sentAt: outcome.state === 'sent' ? sql`now()` : null,
    })
    .where(and(eq(deliveries.id, id), eq(deliveries.state, 'queued')));
}

/** How many messages the centre sent in the last `seconds` (its sending pace). */
export async function sentSince(db: DbOrTx, centreId: string, seconds: number): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(deliveries)
    .where(and(eq(deliveries.centreId, centreId), eq(deliveries.state, 'sent'), gt(deliveries.sentAt, sql`now() - make_interval(secs => ${seconds})`)));
  return row?.n ?? 0;
}
