import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { credentials, idempotencyKeys } from '../../db/schema/index.js';

export type CredentialRow = typeof credentials.$inferSelect;

export async function findCredential(db: DbOrTx, id: string): Promise<CredentialRow | undefined> {
  const [row] = await db.select().from(credentials).where(eq(credentials.id, id)).limit(1);
  return row;
}

export async function insertCredential(db: DbOrTx, credential: typeof credentials.$inferInsert) {
  await db.insert(credentials).values(credential);
}

export async function findIdempotencyRecord(db: DbOrTx, clientId: string, key: string) {
  const [row] = await db
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.clientId, clientId), eq(idempotencyKeys.key, key)))
    .limit(1);
  return row;
}

/**
 * Claims an idempotency key inside the issuing transaction. On PostgreSQL a concurrent claim of the same
 * key waits for the first transaction and then conflicts, so exactly one credential is created per key.
 */
export async function claimIdempotencyKey(db: DbOrTx, record: typeof idempotencyKeys.$inferInsert): Promise<boolean> {
  const inserted = await db.insert(idempotencyKeys).values(record).onConflictDoNothing().returning({ key: idempotencyKeys.key });
  return inserted.length > 0;
}
