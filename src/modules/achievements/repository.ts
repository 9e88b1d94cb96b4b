import { and, desc, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { achievements, achievementVersions, authorisations } from '../../db/schema/index.js';
import { authorisationInForce } from '../authorisations/repository.js';
import type { PageCursor } from '../../lib/pagination.js';

export type AchievementRow = typeof achievements.$inferSelect;
export type NewAchievement = typeof achievements.$inferInsert;
export type AchievementVersionRow = typeof achievementVersions.$inferSelect;

export async function findAchievement(db: DbOrTx, id: string): Promise<AchievementRow | undefined> {
  const [row] = await db.select().from(achievements).where(eq(achievements.id, id)).limit(1);
  return row;
}

/** The course with this code (stored lowercase: pass a code read by readCourseCode). */
export async function findAchievementByCode(db: DbOrTx, code: string): Promise<AchievementRow | undefined> {
  const [row] = await db.select().from(achievements).where(eq(achievements.code, code)).limit(1);
  return row;
}

/**
 * Serialises the choice of course codes until the transaction ends (PostgreSQL advisory lock; replicas share it),
 * so two courses created or renamed at once never pick the same free code (the unique constraint would refuse one).
 */
export async function lockCourseCodes(tx: DbOrTx) {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended('iioe:course-codes', 0))`);
}

/** The course row, locked until the end of the transaction (updates are serialised per course). */
export async function findAchievementForUpdate(db: DbOrTx, id: string): Promise<AchievementRow | undefined> {
  const [row] = await db.select().from(achievements).where(eq(achievements.id, id)).limit(1).for('update');
  return row;
}

// Cursors carry milliseconds (JavaScript dates) and PostgreSQL keeps microseconds: page on the value rounded
// down to the millisecond, or courses created in the same millisecond as a cursor (the demo courses, created
// in one transaction) would be skipped.
const createdMs = sql<Date>`date_trunc('milliseconds', ${achievements.createdAt})`;

export async function listAchievements(db: DbOrTx, { limit, after }: { limit: number; after?: PageCursor }) {
  return db
    .select()
    .from(achievements)
    .where(
      after ? sql`(${createdMs}, ${achievements.id}) < (${after.createdAt.toISOString()}::timestamptz, ${after.id}::uuid)` : undefined,
    )
    .orderBy(desc(createdMs), desc(achievements.id))
    .limit(limit + 1);
}

export async function listDemoAchievements(db: DbOrTx): Promise<AchievementRow[]> {
  return db.select().from(achievements).where(eq(achievements.isDemo, true)).orderBy(achievements.createdAt, achievements.id);
}

/** Inserts a course row only; `createAchievementWithSnapshot` also records its first version. */
export async function insertAchievement(db: DbOrTx, achievement: NewAchievement): Promise<AchievementRow> {
  const [row] = await db.insert(achievements).values(achievement).returning();
  if (!row) throw new Error('achievement insert returned no row');
  return row;
}

export async function updateAchievement(db: DbOrTx, id: string, changes: Partial<NewAchievement>): Promise<AchievementRow> {
  const [row] = await db.update(achievements).set(changes).where(eq(achievements.id, id)).returning();
  if (!row) throw new Error(`achievement ${id} vanished during update`);
  return row;
}

/** Records the content of one version; recording the same version again is a no-op (content is immutable). */
export async function insertAchievementVersion(db: DbOrTx, version: typeof achievementVersions.$inferInsert) {
  await db.insert(achievementVersions).values(version).onConflictDoNothing();
}

export async function listAchievementVersions(db: DbOrTx, achievementId: string): Promise<AchievementVersionRow[]> {
  return db.select().from(achievementVersions).where(eq(achievementVersions.achievementId, achievementId)).orderBy(desc(achievementVersions.version));
}

export async function findAchievementVersion(db: DbOrTx, achievementId: string, version: number): Promise<AchievementVersionRow | undefined> {
  const [row] = await db
    .select()
    .from(achievementVersions)
    .where(and(eq(achievementVersions.achievementId, achievementId), eq(achievementVersions.version, version)))
    .limit(1);
  return row;
}

// A console's course lists are short (a catalogue of a few dozen courses); this bounds them all the same.
const COURSE_CHOICES = 500;

/** Courses a centre may certify at `at` (an authorisation in force), or, centreId null, every course; by code. */
export async function courseChoices(db: DbOrTx, { centreId, at }: { centreId: string | null; at: Date }): Promise<AchievementRow[]> {
  const authorised = centreId
    ? sql`exists (${db.select({ one: sql`1` }).from(authorisations).where(authorisationInForce({ centreId, achievementId: sql`${achievements.id}`, at }))})`
    : undefined;
  return db.select().from(achievements).where(authorised).orderBy(achievements.code).limit(COURSE_CHOICES);
}
