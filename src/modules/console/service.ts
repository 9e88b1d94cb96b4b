import type { Principal } from '../../plugins/auth.js';
import type { AppContext } from '../../plugins/context.js';
import { actorNames, listAuditEvents } from '../audit/repository.js';
import { countUnfinishedBatches } from '../batches/repository.js';
import { credentialCounts } from '../credentials/repository.js';

const RECENT_EVENTS = 10;

/** Who did something, as the console names them. */
export interface ActorLabel {
  kind: 'client' | 'staff' | 'cli' | 'system';
  name: string | null;
}

/** The audit events of a page with the names of who acted. */
export async function namedEvents({ ctx, events }: { ctx: AppContext; events: Awaited<ReturnType<typeof listAuditEvents>> }) {
  const names = await actorNames(ctx.db, events);
  return events.map((event) => ({
    id: event.id,
    at: event.createdAt,
    action: event.action,
    target: event.target,
    credentialId: event.credentialId,
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
