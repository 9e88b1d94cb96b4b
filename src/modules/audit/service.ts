import type { DbOrTx } from '../../db/client.js';
import type { Principal } from '../../plugins/auth.js';
import { recordAuditEvent } from './repository.js';

/**
 * Records an admin or centre action in the append-only audit trail: who (the client), on which centre, what
 * (`action`, `target`), in which request, and a before/after summary. Never pass secrets in `details`.
 */
export function recordAction({
  db,
  actor,
  action,
  centreId,
  target,
  details = {},
}: {
  db: DbOrTx;
  actor: Principal | { clientUuid: null; requestId?: string };
  action: string;
  centreId: string | null;
  target: string;
  details?: Record<string, unknown>;
}) {
  return recordAuditEvent(db, { actorClientId: actor.clientUuid, requestId: actor.requestId ?? null, action, centreId, target, details });
}
