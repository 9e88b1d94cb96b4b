import type { DbOrTx } from '../../db/client.js';
import type { Principal } from '../../plugins/auth.js';
import { recordAuditEvent } from './repository.js';

/** The service itself (demo data, jobs) or an operator at the CLI: no API client, no staff member. */
export type SystemActor = { kind: 'cli' | 'system'; clientUuid: null; staffId: null; requestId?: string };

export type Actor = Principal | SystemActor;

/** The audit trail's columns naming who acted and in which request. */
export const actorColumns = (actor: Actor) => ({ actorKind: actor.kind, actorClientId: actor.clientUuid, actorStaffId: actor.staffId, requestId: actor.requestId ?? null });
export type ActorColumns = ReturnType<typeof actorColumns>;

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
  actor: Actor;
  action: string;
  centreId: string | null;
  target: string;
  /** the credential the action concerns, so its history can be listed */
  credentialId?: string;
  details?: Record<string, unknown>;
}) {
  return recordAuditEvent(db, { ...actorColumns(actor), action, centreId, target, credentialId: credentialId ?? null, details });
}
