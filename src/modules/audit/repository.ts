import { and, desc, eq, gte, inArray, lt, or } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import type { PageCursor } from '../../lib/pagination.js';
import { apiClients, auditEvents, staffMembers } from '../../db/schema/index.js';

export type AuditEvent = typeof auditEvents.$inferInsert;

/** Appends to the audit trail; called inside the transaction of the change it records. */
export async function recordAuditEvent(db: DbOrTx, event: AuditEvent) {
  await db.insert(auditEvents).values(event);
}

export interface AuditFilter {
  centreId?: string;
  action?: string;
  target?: string;
  credentialId?: string;
  from?: Date;
  to?: Date;
}

/** Newest first, keyset-paginated on (createdAt, id). */
export async function listAuditEvents(db: DbOrTx, { filter, limit, after }: { filter: AuditFilter; limit: number; after?: PageCursor }) {
  return db
    .select()
    .from(auditEvents)
    .where(
      and(
        filter.centreId ? eq(auditEvents.centreId, filter.centreId) : undefined,
        filter.action ? eq(auditEvents.action, filter.action) : undefined,
        filter.target ? eq(auditEvents.target, filter.target) : undefined,
        filter.credentialId ? eq(auditEvents.credentialId, filter.credentialId) : undefined,
        filter.from ? gte(auditEvents.createdAt, filter.from) : undefined,
        filter.to ? lt(auditEvents.createdAt, filter.to) : undefined,
        after ? or(lt(auditEvents.createdAt, after.createdAt), and(eq(auditEvents.createdAt, after.createdAt), lt(auditEvents.id, after.id))) : undefined,
      ),
    )
    .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id))
    .limit(limit + 1);
}

/** The names of the staff members and API clients who acted in `events` (for pages that say who did what). */
export async function actorNames(db: DbOrTx, events: Pick<typeof auditEvents.$inferSelect, 'actorStaffId' | 'actorClientId'>[]) {
  const staffIds = [...new Set(events.map((event) => event.actorStaffId).filter((id): id is string => id !== null))];
  const clientIds = [...new Set(events.map((event) => event.actorClientId).filter((id): id is string => id !== null))];
  const [staff, clients] = await Promise.all([
    staffIds.length ? db.select({ id: staffMembers.id, name: staffMembers.displayName }).from(staffMembers).where(inArray(staffMembers.id, staffIds)) : [],
    clientIds.length ? db.select({ id: apiClients.id, name: apiClients.name }).from(apiClients).where(inArray(apiClients.id, clientIds)) : [],
  ]);
  return { staff: new Map(staff.map((row) => [row.id, row.name])), clients: new Map(clients.map((row) => [row.id, row.name])) };
}
