import { z } from 'zod';
import { ACTOR_KINDS } from '../../db/schema/index.js';
import type { listAuditEvents } from './repository.js';

/** One audit event as the API shows it (the trail, and a credential's history). */
export const auditEventSchema = z.object({
  id: z.uuid(),
  at: z.string(),
  action: z.string(),
  target: z.string().nullable(),
  centreId: z.uuid().nullable(),
  /** client: an API client · staff: a staff member in the console · cli: an operator · system: the service itself */
  actorKind: z.enum(ACTOR_KINDS),
  actorClientId: z.uuid().nullable(),
  actorStaffId: z.uuid().nullable(),
  credentialId: z.uuid().nullable(),
  requestId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});

export const auditEventView = (event: Awaited<ReturnType<typeof listAuditEvents>>[number]): z.infer<typeof auditEventSchema> => ({
  id: event.id,
  at: event.createdAt.toISOString(),
  action: event.action,
  target: event.target,
  centreId: event.centreId,
  actorKind: event.actorKind,
  actorClientId: event.actorClientId,
  actorStaffId: event.actorStaffId,
  credentialId: event.credentialId,
  requestId: event.requestId,
  details: event.details,
});
