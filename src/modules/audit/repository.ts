import type { DbOrTx } from '../../db/client.js';
import { auditEvents } from '../../db/schema/index.js';

export type AuditEvent = typeof auditEvents.$inferInsert;

/** Appends to the audit trail; called inside the transaction of the change it records. */
export async function recordAuditEvent(db: DbOrTx, event: AuditEvent) {
  await db.insert(auditEvents).values(event);
}
