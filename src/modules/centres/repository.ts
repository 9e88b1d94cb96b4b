import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { centres } from '../../db/schema/index.js';

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
