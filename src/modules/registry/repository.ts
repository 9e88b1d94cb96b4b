import { desc, isNull, max, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../db/client.js';
import { authorisations, centres, registryVersions } from '../../db/schema/index.js';

export async function latestRegistry(db: DbOrTx) {
  const [row] = await db.select().from(registryVersions).orderBy(desc(registryVersions.version)).limit(1);
  return row;
}

export async function nextRegistryVersion(db: DbOrTx): Promise<number> {
  const [row] = await db.select({ version: max(registryVersions.version) }).from(registryVersions);
  return (row?.version ?? 0) + 1;
}

/** Serialises registry changes until the transaction ends (PostgreSQL advisory lock; replicas share it). */
export async function lockRegistry(tx: Tx) {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended('iioe:trust-registry', 0))`);
}

/** Stores a signed registry; false when this version is already stored. */
export async function insertRegistry(db: DbOrTx, row: { version: number; document: string }): Promise<boolean> {
  const inserted = await db.insert(registryVersions).values(row).onConflictDoNothing().returning({ version: registryVersions.version });
  return inserted.length > 0;
}

/** Everything the registry lists: all centres, and the authorisations not revoked. */
export async function registryContents(db: DbOrTx) {
  const [allCentres, activeAuthorisations] = await Promise.all([
    db.select().from(centres).orderBy(centres.slug),
    db.select().from(authorisations).where(isNull(authorisations.revokedAt)).orderBy(authorisations.validFrom),
  ]);
  return { centres: allCentres, authorisations: activeAuthorisations };
}
