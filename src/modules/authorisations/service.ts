import type { DbOrTx } from '../../db/client.js';
import { type Language, pickLocalized } from '../../lib/i18n.js';
import { listOf } from '../../lib/json.js';
import { decodeCursor, toPage } from '../../lib/pagination.js';
import { HttpProblem, notFound, problemType } from '../../lib/problem.js';
import type { Principal } from '../../plugins/auth.js';
import type { AppContext } from '../../plugins/context.js';
import { xsdDateTime } from '../credentials/document.js';
import { achievementUrl } from '../achievements/service.js';
import { type AchievementRow, findAchievement } from '../achievements/repository.js';
import { recordAction, type SystemActor } from '../audit/service.js';
import { centreForPrincipal, isPlatformAdmin } from '../centres/access.js';
import { type CentreRow, findCentreBySlug } from '../centres/repository.js';
import * as repository from './repository.js';
import type { AuthorisationListRow } from './repository.js';
import type { GrantAuthorisationInput } from './schemas.js';
import { isUuid } from '../../lib/ids.js';


export { findAuthorisationAt } from './repository.js';

/**
 * Whether `centreId` may certify `achievementId` at the instant `at` (validFrom ≤ at < validUntil, not revoked
 * by then). Issuance asks with the current time; verification with the proof's `created`.
 */
export async function isAuthorisedAt({ db, centreId, achievementId, at }: { db: DbOrTx; centreId: string; achievementId: string; at: Date }): Promise<boolean> {
  return (await repository.findAuthorisationAt(db, { centreId, achievementId, at })) !== undefined;
}

/** The course's name for messages: English when it has it, else its first language. */
const courseName = (name: Partial<Record<Language, string>>) => pickLocalized(name, 'en').value;

/**
 * Refuses issuance (403 course-unauthorised, naming the course) unless the centre is authorised for the course
 * at `at` — the time of issuance, never a caller-supplied validFrom. Not cached: a revocation or an expiry
 * takes effect at once on every replica, for the price of one indexed query per issuance.
 */
export async function assertMayCertify({
  db,
  centre,
  achievement,
  at = new Date(),
}: {
  db: DbOrTx;
  centre: Pick<CentreRow, 'id' | 'slug'>;
  achievement: { id: string; name: Partial<Record<Language, string>> };
  at?: Date;
}) {
  if (await isAuthorisedAt({ db, centreId: centre.id, achievementId: achievement.id, at })) return;
  throw courseUnauthorised(centre, achievement);
}

/** 403 naming the course a centre may not certify now. */
export function courseUnauthorised(centre: Pick<CentreRow, 'slug'>, achievement: { id: string; name: Partial<Record<Language, string>> }) {
  const name = courseName(achievement.name);
  return new HttpProblem({
    status: 403,
    type: problemType('course-unauthorised'),
    title: 'Forbidden',
    detail: `The centre "${centre.slug}" is not authorised to certify the course "${name}" (${achievement.id}) at this time; the IIOE platform authorises centres for courses.`,
    extensions: { achievementId: achievement.id, achievementName: name },
  });
}

/** An authorisation's state at `now`; `active` exactly when findAuthorisationAt would return it. */
export function authorisationStatusAt(row: { validFrom: Date; validUntil: Date | null; revokedAt: Date | null }, now: Date) {
  if (row.revokedAt && row.revokedAt <= now) return 'revoked' as const;
  if (row.validFrom > now) return 'scheduled' as const;
  if (row.validUntil && row.validUntil <= now) return 'expired' as const;
  return 'active' as const;
}

/** The API view of an authorisation. */
export function authorisationView(row: AuthorisationListRow, publicBaseUrl: string, now = new Date()) {
  return {
    id: row.id,
    centre: row.centreSlug,
    achievementId: row.achievementId,
    achievementUrl: achievementUrl(publicBaseUrl, row.achievementId),
    achievementName: courseName(row.achievementName),
    validFrom: xsdDateTime(row.validFrom),
    validUntil: row.validUntil ? xsdDateTime(row.validUntil) : null,
    revokedAt: row.revokedAt ? xsdDateTime(row.revokedAt) : null,
    revocationReason: row.revocationReason,
    status: authorisationStatusAt(row, now),
    createdAt: xsdDateTime(row.createdAt),
  };
}

async function viewOf(ctx: AppContext, id: string) {
  const row = await repository.findAuthorisationWithNames(ctx.db, id);
  if (!row) throw new Error(`authorisation ${id} vanished`);
  return authorisationView(row, ctx.config.publicBaseUrl);
}

const window = (from: Date, until: Date | null) => `from ${xsdDateTime(from)} ${until ? `until ${xsdDateTime(until)}` : '(open-ended)'}`;

/**
 * POST /api/v1/authorisations: lets a centre certify a course from validFrom (default now) until validUntil
 * (open-ended when absent). An unknown centre or course is a 422 naming it; a window overlapping an
 * authorisation still in force for the same pair is a 409 (extend by revoking and granting anew).
 */
export async function grantAuthorisation({ ctx, actor, input }: { ctx: AppContext; actor: Principal | SystemActor; input: GrantAuthorisationInput }) {
  const [centre, achievement] = await Promise.all([findCentreBySlug(ctx.db, input.centre), findAchievement(ctx.db, input.achievementId)]);
  const errors = [
    ...(centre ? [] : [{ path: 'body.centre', message: `no centre has the slug "${input.centre}"` }]),
    ...(achievement ? [] : [{ path: 'body.achievementId', message: `no course has the id "${input.achievementId}"` }]),
  ];
  if (!centre || !achievement) {
    throw new HttpProblem({
      status: 422,
      type: problemType(!centre ? 'unknown-centre' : 'unknown-achievement'),
      title: 'Unprocessable Content',
      detail: `${errors.map((error) => error.message.replace(/^no/, 'No')).join('; ')}. GET /api/v1/centres and GET /achievements list them.`,
      errors,
    });
  }
  const now = new Date();
  const validFrom = input.validFrom ? new Date(input.validFrom) : now;
  const validUntil = input.validUntil ? new Date(input.validUntil) : null;

  const id = await ctx.registry.changeAndPublish({
    reason: 'authorisation.granted',
    // The registry lock also orders grants of one pair: the overlap check sees any grant committed before.
    change: async (tx) => {
      const overlapping = await repository.findOverlappingAuthorisation(tx, { centreId: centre.id, achievementId: achievement.id, from: validFrom, until: validUntil ?? undefined });
      if (overlapping) {
        throw new HttpProblem({
          status: 409,
          type: problemType('authorisation-overlaps'),
          title: 'Conflict',
          detail: `The centre "${centre.slug}" is already authorised for the course "${courseName(achievement.name)}" ${window(overlapping.validFrom, overlapping.validUntil)} (authorisation ${overlapping.id}), which overlaps the requested period; revoke it first or choose a period that does not overlap.`,
          extensions: { authorisationId: overlapping.id },
        });
      }
      const row = await repository.insertAuthorisation(tx, { centreId: centre.id, achievementId: achievement.id, validFrom, validUntil, createdAt: now });
      await recordAction({
        db: tx,
        actor,
        action: 'authorisation.granted',
        centreId: centre.id,
        target: `authorisation:${row.id}`,
        details: { after: { centre: centre.slug, achievementId: achievement.id, validFrom: xsdDateTime(validFrom), validUntil: validUntil ? xsdDateTime(validUntil) : null } },
      });
      return row.id;
    },
  });
  ctx.lookups.clear();
  return viewOf(ctx, id);
}

/**
 * POST /api/v1/authorisations/:id/revoke: the authorisation ends now (credentials issued before stay
 * authorised, judged at their time of issuance). Revoking twice is a 409.
 */
export async function revokeAuthorisation({ ctx, actor, id, reason }: { ctx: AppContext; actor: Principal | SystemActor; id: string; reason: string }) {
  const existing = isUuid(id) ? await repository.findAuthorisation(ctx.db, id) : undefined;
  if (!existing) throw notFound(`No authorisation has the id "${id}"; GET /api/v1/authorisations lists them.`);
  await ctx.registry.changeAndPublish({
    reason: 'authorisation.revoked',
    change: async (tx) => {
      const revoked = await repository.markRevoked(tx, id, new Date());
      if (!revoked) {
        const current = await repository.findAuthorisation(tx, id);
        throw new HttpProblem({
          status: 409,
          type: problemType('authorisation-already-revoked'),
          title: 'Conflict',
          detail: `The authorisation "${id}" was already revoked${current?.revokedAt ? ` on ${xsdDateTime(current.revokedAt)}` : ''}.`,
        });
      }
      await recordAction({
        db: tx,
        actor,
        action: 'authorisation.revoked',
        centreId: revoked.centreId,
        target: `authorisation:${id}`,
        details: {
          reason,
          before: { revokedAt: null },
          after: { revokedAt: xsdDateTime(revoked.revokedAt ?? new Date()), achievementId: revoked.achievementId },
        },
      });
    },
  });
  ctx.lookups.clear();
  return viewOf(ctx, id);
}

/**
 * GET /api/v1/authorisations: an admin sees every centre's (optionally filtered), a centre's client only its
 * own centre's: asking for another centre is a 404, as if it did not exist.
 */
export async function listVisibleAuthorisations({
  ctx,
  principal,
  centre,
  achievementId,
  limit,
  cursor,
}: {
  ctx: AppContext;
  principal: Principal;
  centre?: string;
  achievementId?: string;
  limit: number;
  cursor?: string;
}) {
  const after = decodeCursor(cursor);
  let centreId: string | undefined;
  if (centre !== undefined) centreId = (await centreForPrincipal({ ctx, principal, slug: centre })).id;
  if (!isPlatformAdmin(principal)) {
    // A client of no centre without registry:admin sees nothing; a centre's client only its own centre.
    if (!principal.centreId) return { items: [], nextCursor: null };
    centreId = principal.centreId;
  }
  const rows = await repository.listAuthorisations(ctx.db, { limit, after, centreId, achievementId });
  const page = toPage(rows, limit);
  const now = new Date();
  return { items: page.items.map((row) => authorisationView(row, ctx.config.publicBaseUrl, now)), nextCursor: page.nextCursor };
}

/**
 * Authorises `centre` for each course it has never had an authorisation for (revoked or expired ones count,
 * so an admin's revocation is never undone), from `validFrom`. Returns how many were granted.
 */
export async function grantMissingAuthorisations({
  db,
  actor,
  centre,
  achievements,
  validFrom,
}: {
  db: DbOrTx;
  actor: Principal | SystemActor;
  centre: Pick<CentreRow, 'id' | 'slug'>;
  achievements: { id: string }[];
  validFrom: (achievementId: string) => Date;
}): Promise<number> {
  let granted = 0;
  for (const achievement of achievements) {
    if (await repository.hasAnyAuthorisation(db, centre.id, achievement.id)) continue;
    const from = validFrom(achievement.id);
    const row = await repository.insertAuthorisation(db, { centreId: centre.id, achievementId: achievement.id, validFrom: from, validUntil: null, createdAt: new Date() });
    await recordAction({
      db,
      actor,
      action: 'authorisation.granted',
      centreId: centre.id,
      target: `authorisation:${row.id}`,
      details: { after: { centre: centre.slug, achievementId: achievement.id, validFrom: xsdDateTime(from), validUntil: null } },
    });
    granted++;
  }
  return granted;
}

/**
 * VCALM issue: a centre signs Open Badges only for IIOE courses it is authorised for, now (as our own issuance).
 * Every achievement the credential names must be one of our courses by its URL: an achievement of the caller's
 * own making would carry the centre's recognised signature without the registry vouching for it — the
 * lookalike-course confusion the trust registry exists to prevent. A credential that names no achievement
 * claims no course, so there is nothing to authorise.
 */
export async function assertMayCertifyNamedCourses({ ctx, centre, credential }: { ctx: AppContext; centre: Pick<CentreRow, 'id' | 'slug'>; credential: Record<string, unknown> }): Promise<AchievementRow[]> {
  const prefix = achievementUrl(ctx.config.publicBaseUrl, '');
  const at = new Date();
  const courses: AchievementRow[] = [];
  for (const named of namedAchievements(credential)) {
    const ownId = named.id?.startsWith(prefix) ? named.id.slice(prefix.length) : undefined;
    const achievement = ownId && isUuid(ownId) ? await ctx.lookups.achievement(ownId) : undefined;
    // Not a course of the IIOE catalogue: no centre can be authorised for it.
    if (!achievement) throw courseUnauthorised(centre, { id: named.id ?? '(no id)', name: { en: named.name ?? named.id ?? 'unnamed achievement' } });
    await assertMayCertify({ db: ctx.db, centre, achievement, at });
    courses.push(achievement);
  }
  return courses;
}

function namedAchievements(credential: Record<string, unknown>): { id?: string; name?: string }[] {
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return listOf(credential.credentialSubject)
    .flatMap((subject) => listOf((subject as { achievement?: unknown } | null)?.achievement))
    .map((item) => ({ id: text((item as { id?: unknown } | null)?.id), name: text((item as { name?: unknown } | null)?.name) }));
}
