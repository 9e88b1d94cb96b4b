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
