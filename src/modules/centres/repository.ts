import { and, desc, eq, lt, or } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { centreStatusChanges, centres } from '../../db/schema/index.js';
import type { PageCursor } from '../../lib/pagination.js';

export type CentreRow = typeof centres.$inferSelect;
export type NewCentre = typeof centres.$inferInsert;

export async function findCentreBySlug(db: DbOrTx, slug: string): Promise<CentreRow | undefined> {
  const [row] = await db.select().from(centres).where(eq(centres.slug, slug)).limit(1);
  return row;
}

export async function findCentreById(db: DbOrTx, id: string): Promise<CentreRow | undefined> {
  const [row] = await db.select().from(centres).where(eq(centres.id, id)).limit(1);
  return row;
}

export async function insertCentre(db: DbOrTx, centre: NewCentre): Promise<CentreRow> {
  const [row] = await db.insert(centres).values(centre).returning();
  if (!row) throw new Error('centre insert returned no row');
  return row;
}

export async function listCentres(db: DbOrTx, { limit, after, onlyId }: { limit: number; after?: PageCursor; onlyId?: string }) {
  return db
    .select()
    .from(centres)
    .where(
      and(
        onlyId ? eq(centres.id, onlyId) : undefined,
        after ? or(lt(centres.createdAt, after.createdAt), and(eq(centres.createdAt, after.createdAt), lt(centres.id, after.id))) : undefined,
      ),
    )
    .orderBy(desc(centres.createdAt), desc(centres.id))
    .limit(limit + 1);
}

export async function updateCentre(db: DbOrTx, id: string, changes: Partial<NewCentre>): Promise<CentreRow> {
  const [row] = await db.update(centres).set(changes).where(eq(centres.id, id)).returning();
  if (!row) throw new Error(`centre ${id} vanished during update`);
  return row;
}

export async function recordStatusChange(db: DbOrTx, change: { centreId: string; status: 'active' | 'suspended'; reason: string }) {
  await db.insert(centreStatusChanges).values(change);
}

/** The centre's status at an instant: the last change at or before it (active from creation when none). */
/** A centre's status changes, oldest first (verification judges a centre at the time it signed). */
export async function listStatusChanges(db: DbOrTx, centreId: string): Promise<{ status: 'active' | 'suspended'; changedAt: Date }[]> {
  return db
    .select({ status: centreStatusChanges.status, changedAt: centreStatusChanges.changedAt })
    .from(centreStatusChanges)
    .where(eq(centreStatusChanges.centreId, centreId))
    .orderBy(centreStatusChanges.changedAt);
}

