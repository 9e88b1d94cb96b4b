import { and, desc, eq, lt, or } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { achievements } from '../../db/schema/index.js';
import type { PageCursor } from '../../lib/pagination.js';

export type AchievementRow = typeof achievements.$inferSelect;

export async function findAchievement(db: DbOrTx, id: string): Promise<AchievementRow | undefined> {
  const [row] = await db.select().from(achievements).where(eq(achievements.id, id)).limit(1);
  return row;
}

export async function listAchievements(db: DbOrTx, { limit, after }: { limit: number; after?: PageCursor }) {
  return db
    .select()
    .from(achievements)
    .where(
      after
        ? or(lt(achievements.createdAt, after.createdAt), and(eq(achievements.createdAt, after.createdAt), lt(achievements.id, after.id)))
        : undefined,
    )
    .orderBy(desc(achievements.createdAt), desc(achievements.id))
    .limit(limit + 1);
}

export async function insertAchievement(db: DbOrTx, achievement: typeof achievements.$inferInsert): Promise<AchievementRow> {
  const [row] = await db.insert(achievements).values(achievement).returning();
  if (!row) throw new Error('achievement insert returned no row');
  return row;
}
