import { desc, isNull, max } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { authorisations, centres, registryVersions } from '../../db/schema/index.js';

export async function latestRegistry(db: DbOrTx) {
  const [row] = await db.select().from(registryVersions).orderBy(desc(registryVersions.version)).limit(1);
  return row;
}

export async function nextRegistryVersion(db: DbOrTx): Promise<number> {
  const [row] = await db.select({ version: max(registryVersions.version) }).from(registryVersions);
  return (row?.version ?? 0) + 1;
}

/** Stores a signed registry; false when another process stored this version first. */
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
