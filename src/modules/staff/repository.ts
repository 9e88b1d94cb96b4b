import { and, asc, count, desc, eq, getTableColumns, gt, gte, isNull, ne, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { centres, type StaffLinkPurpose, staffLinks, staffMembers, staffPasskeys, staffSessions, webauthnChallenges } from '../../db/schema/index.js';

export type StaffRow = typeof staffMembers.$inferSelect;
export type StaffSessionRow = typeof staffSessions.$inferSelect;
export type PasskeyRow = typeof staffPasskeys.$inferSelect;
export type StaffLinkRow = typeof staffLinks.$inferSelect;

/** A staff member with the slug of their centre (null for platform admins). */
export type StaffWithCentre = StaffRow & { centreSlug: string | null };

const withCentre = { ...getTableColumns(staffMembers), centreSlug: centres.slug };

export async function findStaff(db: DbOrTx, id: string): Promise<StaffWithCentre | undefined> {
  const [row] = await db.select(withCentre).from(staffMembers).leftJoin(centres, eq(centres.id, staffMembers.centreId)).where(eq(staffMembers.id, id)).limit(1);
  return row;
}

/** The account of an address, unless removed. */
export async function findStaffByEmail(db: DbOrTx, email: string): Promise<StaffWithCentre | undefined> {
  const [row] = await db
    .select(withCentre)
    .from(staffMembers)
    .leftJoin(centres, eq(centres.id, staffMembers.centreId))
    .where(and(eq(staffMembers.email, email), ne(staffMembers.state, 'removed')))
    .limit(1);
  return row;
}

export async function insertStaff(db: DbOrTx, row: typeof staffMembers.$inferInsert): Promise<StaffRow> {
  const [created] = await db.insert(staffMembers).values(row).returning();
  return created!;
}

export async function updateStaff(db: DbOrTx, id: string, changes: Partial<typeof staffMembers.$inferInsert>): Promise<StaffRow | undefined> {
  const [row] = await db.update(staffMembers).set(changes).where(eq(staffMembers.id, id)).returning();
  return row;
}

/** A centre's staff (or, with centreId null, the platform admins), not removed, by name. */
export async function listStaff(db: DbOrTx, centreId: string | null) {
  return db
    .select()
    .from(staffMembers)
    .where(and(centreId ? eq(staffMembers.centreId, centreId) : isNull(staffMembers.centreId), ne(staffMembers.state, 'removed')))
    .orderBy(asc(staffMembers.displayName), asc(staffMembers.email));
}

/**
 * How many active members of the centre (or the platform) hold `role`, locking them: two managers removing each
 * other at once cannot both succeed.
 */
export async function lockActiveHolders(db: DbOrTx, { centreId, role }: { centreId: string | null; role: string }): Promise<string[]> {
  const rows = await db
    .select({ id: staffMembers.id })
    .from(staffMembers)
    .where(and(centreId ? eq(staffMembers.centreId, centreId) : isNull(staffMembers.centreId), eq(staffMembers.role, role as StaffRow['role']), eq(staffMembers.state, 'active')))
    .for('update');
  return rows.map((row) => row.id);
}

// ---- sessions

export async function insertSession(db: DbOrTx, row: typeof staffSessions.$inferInsert): Promise<StaffSessionRow> {
  const [created] = await db.insert(staffSessions).values(row).returning();
  return created!;
}

/** The open session of a token hash, with its staff member. */
export async function findOpenSession(db: DbOrTx, tokenHash: string) {
  const [row] = await db
    .select({ session: staffSessions, staff: withCentre })
    .from(staffSessions)
    .innerJoin(staffMembers, eq(staffMembers.id, staffSessions.staffId))
    .leftJoin(centres, eq(centres.id, staffMembers.centreId))
    .where(and(eq(staffSessions.tokenHash, tokenHash), isNull(staffSessions.endedAt)))
    .limit(1);
  return row;
}

export async function touchSession(db: DbOrTx, id: string, changes: { lastSeenAt?: Date; confirmedAt?: Date }) {
  await db.update(staffSessions).set(changes).where(eq(staffSessions.id, id));
}

export async function endSession(db: DbOrTx, id: string, at: Date) {
  await db.update(staffSessions).set({ endedAt: at }).where(and(eq(staffSessions.id, id), isNull(staffSessions.endedAt)));
}

/** Ends every open session of a staff member; returns how many. */
export async function endSessionsOf(db: DbOrTx, staffId: string, at: Date): Promise<number> {
  const ended = await db.update(staffSessions).set({ endedAt: at }).where(and(eq(staffSessions.staffId, staffId), isNull(staffSessions.endedAt))).returning({ id: staffSessions.id });
  return ended.length;
}

export async function openSessionsOf(db: DbOrTx, staffId: string, now: Date) {
  return db
    .select()
    .from(staffSessions)
    .where(and(eq(staffSessions.staffId, staffId), isNull(staffSessions.endedAt), gt(staffSessions.expiresAt, now)))
    .orderBy(desc(staffSessions.lastSeenAt));
}

// ---- one-time links

export async function insertLink(db: DbOrTx, row: typeof staffLinks.$inferInsert): Promise<StaffLinkRow> {
  const [created] = await db.insert(staffLinks).values(row).returning();
  return created!;
}

/** The link of a token hash, unused and unexpired, with its staff member. */
export async function findUsableLink(db: DbOrTx, { tokenHash, purpose, now }: { tokenHash: string; purpose: StaffLinkPurpose; now: Date }) {
  const [row] = await db
    .select({ link: staffLinks, staff: withCentre })
    .from(staffLinks)
    .innerJoin(staffMembers, eq(staffMembers.id, staffLinks.staffId))
    .leftJoin(centres, eq(centres.id, staffMembers.centreId))
    .where(and(eq(staffLinks.tokenHash, tokenHash), eq(staffLinks.purpose, purpose), isNull(staffLinks.usedAt), gt(staffLinks.expiresAt, now)))
    .limit(1);
  return row;
}

/** Marks a link used; false when another request used it first (a link works once). */
export async function useLink(db: DbOrTx, id: string, at: Date): Promise<boolean> {
  const used = await db.update(staffLinks).set({ usedAt: at }).where(and(eq(staffLinks.id, id), isNull(staffLinks.usedAt))).returning({ id: staffLinks.id });
  return used.length === 1;
}

/** Ends the unused links of a staff member for a purpose (a new invitation replaces the old one). */
export async function retireLinks(db: DbOrTx, { staffId, purpose, at }: { staffId: string; purpose: StaffLinkPurpose; at: Date }) {
  await db.update(staffLinks).set({ usedAt: at }).where(and(eq(staffLinks.staffId, staffId), eq(staffLinks.purpose, purpose), isNull(staffLinks.usedAt)));
}

export async function countLinksSince(db: DbOrTx, { staffId, purpose, since }: { staffId: string; purpose: StaffLinkPurpose; since: Date }): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(staffLinks)
    .where(and(eq(staffLinks.staffId, staffId), eq(staffLinks.purpose, purpose), gte(staffLinks.createdAt, since)));
  return row?.n ?? 0;
}

// ---- passkeys

export async function insertPasskey(db: DbOrTx, row: typeof staffPasskeys.$inferInsert): Promise<PasskeyRow> {
  const [created] = await db.insert(staffPasskeys).values(row).returning();
  return created!;
}

export async function findPasskeyByCredentialId(db: DbOrTx, credentialId: string): Promise<PasskeyRow | undefined> {
  const [row] = await db.select().from(staffPasskeys).where(eq(staffPasskeys.credentialId, credentialId)).limit(1);
  return row;
}

export async function passkeysOf(db: DbOrTx, staffId: string): Promise<PasskeyRow[]> {
  return db.select().from(staffPasskeys).where(eq(staffPasskeys.staffId, staffId)).orderBy(asc(staffPasskeys.createdAt));
}

export async function recordPasskeyUse(db: DbOrTx, id: string, { signCount, at }: { signCount: number; at: Date }) {
  await db.update(staffPasskeys).set({ signCount, lastUsedAt: at }).where(eq(staffPasskeys.id, id));
}

export async function deletePasskey(db: DbOrTx, { id, staffId }: { id: string; staffId: string }): Promise<PasskeyRow | undefined> {
  const [row] = await db.delete(staffPasskeys).where(and(eq(staffPasskeys.id, id), eq(staffPasskeys.staffId, staffId))).returning();
  return row;
}

// ---- WebAuthn challenges

export async function insertChallenge(db: DbOrTx, row: typeof webauthnChallenges.$inferInsert) {
  const [created] = await db.insert(webauthnChallenges).values(row).returning();
  return created!;
}

/** Takes a challenge: it is deleted as it is read, so each works once; expired ones go with it. */
export async function takeChallenge(db: DbOrTx, { id, now }: { id: string; now: Date }) {
  await db.delete(webauthnChallenges).where(sql`${webauthnChallenges.expiresAt} <= ${now}`);
  const [row] = await db.delete(webauthnChallenges).where(eq(webauthnChallenges.id, id)).returning();
  return row;
}
