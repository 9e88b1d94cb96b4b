import { type Language, type LocalizedText, pickLocalized } from '../../lib/i18n.js';
import { notFound } from '../../lib/problem.js';
import type { Principal } from '../../plugins/auth.js';
import type { AppContext } from '../../plugins/context.js';
import { actorNames, listAuditEvents } from '../audit/repository.js';
import { courseChoices } from '../achievements/repository.js';
import { countUnfinishedBatches } from '../batches/repository.js';
import { centreForPrincipal, isPlatformAdmin } from '../centres/access.js';
import { credentialCounts, recipientNames } from '../credentials/repository.js';

const RECENT_EVENTS = 10;

/** Who did something, as the console names them. */
export interface ActorLabel {
  kind: 'client' | 'staff' | 'cli' | 'system';
  name: string | null;
}

/** The audit events of a page with the names of who acted and of the learner each concerns. */
export async function namedEvents({ ctx, events }: { ctx: AppContext; events: Awaited<ReturnType<typeof listAuditEvents>> }) {
  const credentialIds = [...new Set(events.map((event) => event.credentialId).filter((id): id is string => id !== null))];
  const [names, learners] = await Promise.all([actorNames(ctx.db, events), recipientNames(ctx.db, credentialIds)]);
  return events.map((event) => ({
    id: event.id,
    at: event.createdAt,
    action: event.action,
    target: event.target,
    credentialId: event.credentialId,
    recipientName: event.credentialId ? learners.get(event.credentialId) || null : null,
    details: event.details,
    actor: {
      kind: event.actorKind,
      name: event.actorStaffId ? (names.staff.get(event.actorStaffId) ?? null) : event.actorClientId ? (names.clients.get(event.actorClientId) ?? null) : null,
    } satisfies ActorLabel,
  }));
}

/**
 * The dashboard of a staff member: their centre's figures (a platform admin: every centre's) this month (UTC) and
 * now, and the latest entries of the audit trail.
 */
export async function dashboardSummary({ ctx, principal }: { ctx: AppContext; principal: Principal }) {
  const now = ctx.clock.now();
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const centreId = principal.centreId;
  const [counts, batchesRunning, events] = await Promise.all([
    credentialCounts(ctx.db, { centreId, since: monthStart, now }),
    countUnfinishedBatches(ctx.db, centreId),
    listAuditEvents(ctx.db, { filter: { centreId: centreId ?? undefined }, limit: RECENT_EVENTS }),
  ]);
  return { issuedThisMonth: counts.issuedSince, active: counts.active, revoked: counts.revoked, batchesRunning, recent: await namedEvents({ ctx, events: events.slice(0, RECENT_EVENTS) }) };
}

/** A course as forms and lists name it: its code, then its name in the reader's language. */
const courseLabel = (course: { code: string; name: LocalizedText }, language: Language) => `${course.code} — ${pickLocalized(course.name, language).value}`;

/** The courses of a centre's forms (those it may certify now), or every course (centreId null: filters, admins). */
export async function courseOptions({ ctx, centreId, language }: { ctx: AppContext; centreId: string | null; language: Language }) {
  const courses = await courseChoices(ctx.db, { centreId, at: ctx.clock.now() });
  return courses.map((course) => ({ id: course.id, label: courseLabel(course, language) }));
}

/** Every course's name in the reader's language, by id (a list page names the course of each credential). */
export async function courseNames({ ctx, language }: { ctx: AppContext; language: Language }): Promise<Map<string, string>> {
  const courses = await courseChoices(ctx.db, { centreId: null, at: ctx.clock.now() });
  return new Map(courses.map((course) => [course.id, pickLocalized(course.name, language).value]));
}

/**
 * The principal a staff member reads a centre's credentials as: their own, or, for a platform admin who chose a
 * centre, a read-only reader of that centre (credentials:read, nothing else), so the same services serve both.
 */
export async function credentialReader({ ctx, principal, centreSlug }: { ctx: AppContext; principal: Principal; centreSlug?: string }): Promise<{ principal: Principal; readOnly: boolean; centre: string | undefined }> {
  if (!isPlatformAdmin(principal)) return { principal, readOnly: false, centre: undefined };
  if (!centreSlug) throw notFound('Choose a centre.');
  const centre = await centreForPrincipal({ ctx, principal, slug: centreSlug });
  return { principal: { ...principal, centreId: centre.id, centreSlug: centre.slug, scopes: new Set(['credentials:read']) }, readOnly: true, centre: centre.slug };
}
