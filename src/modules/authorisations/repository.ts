import { and, desc, eq, gt, isNull, lt, lte, or, type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { achievements, auditEvents, authorisations, centres } from '../../db/schema/index.js';
import type { LocalizedText } from '../../lib/i18n.js';
import type { PageCursor } from '../../lib/pagination.js';

export type AuthorisationRow = typeof authorisations.$inferSelect;

/**
 * The authorisation under which `centreId` may certify `achievementId` at the instant `at`:
 * validFrom ≤ at < validUntil (no validUntil: open-ended), and not revoked at or before `at` (a revocation
 * takes effect from revoked_at; the time before it stays authorised). Verification calls this with the
 * proof's `created`, issuance with the current time.
 */
export async function findAuthorisationAt(
  db: DbOrTx,
  { centreId, achievementId, at }: { centreId: string; achievementId: string; at: Date },
): Promise<AuthorisationRow | undefined> {
  const [row] = await db
    .select()
    .from(authorisations)
    .where(authorisationInForce({ centreId, achievementId, at }))
    .orderBy(desc(authorisations.validFrom))
    .limit(1);
  return row;
}

/** The condition of findAuthorisationAt, for statements that must check it as they write (issuance). */
export function authorisationInForce({ centreId, achievementId, at }: { centreId: string | SQL; achievementId: string | SQL; at: Date | SQL }) {
  return and(
    eq(authorisations.centreId, centreId),
    eq(authorisations.achievementId, achievementId),
    lte(authorisations.validFrom, at),
    or(isNull(authorisations.validUntil), gt(authorisations.validUntil, at)),
    or(isNull(authorisations.revokedAt), gt(authorisations.revokedAt, at)),
  );
}

/**
 * An authorisation of the pair whose effective window (validFrom until the earlier of validUntil and
 * revoked_at) overlaps [from, until); until undefined means open-ended.
 */
export async function findOverlappingAuthorisation(
  db: DbOrTx,
  { centreId, achievementId, from, until }: { centreId: string; achievementId: string; from: Date; until?: Date },
): Promise<AuthorisationRow | undefined> {
  const [row] = await db
    .select()
    .from(authorisations)
    .where(
      and(
        eq(authorisations.centreId, centreId),
        eq(authorisations.achievementId, achievementId),
        until ? lt(authorisations.validFrom, until) : undefined,
        or(isNull(authorisations.validUntil), gt(authorisations.validUntil, from)),
        or(isNull(authorisations.revokedAt), gt(authorisations.revokedAt, from)),
        // A revocation at or before the start makes the window empty.
        or(isNull(authorisations.revokedAt), gt(authorisations.revokedAt, authorisations.validFrom)),
      ),
    )
    .orderBy(authorisations.validFrom)
    .limit(1);
  return row;
}

/** Whether any authorisation row exists for the pair (revoked or expired ones count). */
export async function hasAnyAuthorisation(db: DbOrTx, centreId: string, achievementId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: authorisations.id })
    .from(authorisations)
    .where(and(eq(authorisations.centreId, centreId), eq(authorisations.achievementId, achievementId)))
    .limit(1);
  return row !== undefined;
}

export async function insertAuthorisation(db: DbOrTx, authorisation: typeof authorisations.$inferInsert): Promise<AuthorisationRow> {
  const [row] = await db.insert(authorisations).values(authorisation).returning();
  if (!row) throw new Error('authorisation insert returned no row');
  return row;
}

/** All of a centre's authorisations, revoked and expired ones included (verification judges past times). */
export async function listCentreAuthorisations(db: DbOrTx, centreId: string): Promise<AuthorisationRow[]> {
  return db.select().from(authorisations).where(eq(authorisations.centreId, centreId));
}

export async function findAuthorisation(db: DbOrTx, id: string): Promise<AuthorisationRow | undefined> {
  const [row] = await db.select().from(authorisations).where(eq(authorisations.id, id)).limit(1);
  return row;
}

/** Sets revoked_at once; undefined when the authorisation does not exist or was already revoked. */
export async function markRevoked(db: DbOrTx, id: string, at: Date): Promise<AuthorisationRow | undefined> {
  const [row] = await db
    .update(authorisations)
    .set({ revokedAt: at })
    .where(and(eq(authorisations.id, id), isNull(authorisations.revokedAt)))
    .returning();
  return row;
}

/** The reason given when an authorisation was revoked: kept in its audit event (the table has no column). */
const revocationReason = sql<string | null>`(
  select ${auditEvents.details} ->> 'reason' from ${auditEvents}
  where ${auditEvents.target} = 'authorisation:' || ${authorisations.id}::text and ${auditEvents.action} = 'authorisation.revoked'
  order by ${auditEvents.createdAt} desc limit 1
)`;

// Cursors carry milliseconds (JavaScript dates) and PostgreSQL keeps microseconds: page on the value rounded
// down to the millisecond, or rows created in the same millisecond as a cursor would be skipped.
const createdMs = sql<Date>`date_trunc('milliseconds', ${authorisations.createdAt})`;

export interface AuthorisationListRow extends AuthorisationRow {
  centreSlug: string;
  achievementName: LocalizedText;
  revocationReason: string | null;
}

const listColumns = {
  id: authorisations.id,
  centreId: authorisations.centreId,
  achievementId: authorisations.achievementId,
  validFrom: authorisations.validFrom,
  validUntil: authorisations.validUntil,
  revokedAt: authorisations.revokedAt,
  createdAt: authorisations.createdAt,
  centreSlug: centres.slug,
  achievementName: achievements.name,
  revocationReason,
};

const selectWithNames = (db: DbOrTx) =>
  db
    .select(listColumns)
    .from(authorisations)
    .innerJoin(centres, eq(centres.id, authorisations.centreId))
    .innerJoin(achievements, eq(achievements.id, authorisations.achievementId));

/** One authorisation with its centre's slug, its course's name and its revocation reason. */
export async function findAuthorisationWithNames(db: DbOrTx, id: string): Promise<AuthorisationListRow | undefined> {
  const [row] = await selectWithNames(db).where(eq(authorisations.id, id)).limit(1);
  return row;
}

/** Authorisations newest first (keyset on createdAt, id), filtered by centre and course. */
export async function listAuthorisations(
  db: DbOrTx,
  { limit, after, centreId, achievementId }: { limit: number; after?: PageCursor; centreId?: string; achievementId?: string },
): Promise<AuthorisationListRow[]> {
  return selectWithNames(db)
    .where(
      and(
        centreId ? eq(authorisations.centreId, centreId) : undefined,
        achievementId ? eq(authorisations.achievementId, achievementId) : undefined,
        after ? sql`(${createdMs}, ${authorisations.id}) < (${after.createdAt.toISOString()}::timestamptz, ${after.id}::uuid)` : undefined,
      ),
    )
    .orderBy(desc(createdMs), desc(authorisations.id))
    .limit(limit + 1);
}
