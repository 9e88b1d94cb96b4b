import { and, eq, isNull, ne } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { signingKeys } from '../../db/schema/index.js';

export type KeyPurpose = 'assertion' | 'access-token';
export type SigningKeyRow = typeof signingKeys.$inferSelect;

const ownedBy = (centreId: string | null) =>
  centreId === null ? isNull(signingKeys.centreId) : eq(signingKeys.centreId, centreId);

export async function findActiveKey(db: DbOrTx, centreId: string | null, purpose: KeyPurpose) {
  const [row] = await db
    .select()
    .from(signingKeys)
    .where(and(ownedBy(centreId), eq(signingKeys.purpose, purpose), eq(signingKeys.status, 'active')))
    .limit(1);
  return row;
}

/** Inserts a new active key unless one exists (the partial unique index decides races between replicas). */
export async function insertActiveKeyIfAbsent(
  db: DbOrTx,
  key: { centreId: string | null; purpose: KeyPurpose; publicKeyMultibase: string; encryptedPrivateKey: string },
) {
  const [row] = await db.insert(signingKeys).values(key).onConflictDoNothing().returning();
  return row;
}

/** Keys that belong in a DID document: every assertion key of the owner except compromised ones. */
export async function listPublishedKeys(db: DbOrTx, centreId: string | null) {
  return db
    .select({ publicKeyMultibase: signingKeys.publicKeyMultibase, status: signingKeys.status, createdAt: signingKeys.createdAt })
    .from(signingKeys)
    .where(and(ownedBy(centreId), eq(signingKeys.purpose, 'assertion'), ne(signingKeys.status, 'compromised')))
    .orderBy(signingKeys.createdAt);
}

export async function listEncryptedKeys(db: DbOrTx) {
  return db
    .select({ id: signingKeys.id, publicKeyMultibase: signingKeys.publicKeyMultibase, encryptedPrivateKey: signingKeys.encryptedPrivateKey })
    .from(signingKeys)
    .where(eq(signingKeys.status, 'active'));
}

export async function listKeys(db: DbOrTx, centreId: string) {
  return db
    .select()
    .from(signingKeys)
    .where(and(eq(signingKeys.centreId, centreId), eq(signingKeys.purpose, 'assertion')))
    .orderBy(signingKeys.createdAt);
}

export async function findKeyByPublicKey(db: DbOrTx, publicKeyMultibase: string) {
  const [row] = await db.select().from(signingKeys).where(eq(signingKeys.publicKeyMultibase, publicKeyMultibase)).limit(1);
  return row;
}

/** Takes a key out of use: its private part is destroyed (the column is cleared) in the same statement. */
export async function retireKey(db: DbOrTx, id: string, change: { status: 'retired' | 'compromised'; at: Date; reason?: string }) {
  await db
    .update(signingKeys)
    .set({
      status: change.status,
      encryptedPrivateKey: null,
      ...(change.status === 'retired' ? { retiredAt: change.at } : { compromisedAt: change.at, compromiseReason: change.reason ?? null }),
    })
    .where(eq(signingKeys.id, id));
}
