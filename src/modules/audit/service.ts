import type { DbOrTx } from '../../db/client.js';
import type { Principal } from '../../plugins/auth.js';
import { recordAuditEvent } from './repository.js';

/** The service itself or an operator at the CLI: no API client. */
export type SystemActor = { clientUuid: null; requestId?: string };

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
  credentialId,
  details = {},
}: {
  db: DbOrTx;
  actor: Principal | SystemActor;
  action: string;
  centreId: string | null;
  target: string;
  /** the credential the action concerns, so its history can be listed */
  credentialId?: string;
  details?: Record<string, unknown>;
}) {
  return recordAuditEvent(db, { actorClientId: actor.clientUuid, requestId: actor.requestId ?? null, action, centreId, target, credentialId: credentialId ?? null, details });
}
