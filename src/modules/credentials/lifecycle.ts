import type { Config } from '../../config.js';
import type { DbOrTx } from '../../db/client.js';
import { conflict, forbidden, notFound, unprocessable } from '../../lib/problem.js';
import { decodeCursor, toPage } from '../../lib/pagination.js';
import type { Principal } from '../../plugins/auth.js';
import type { AppContext } from '../../plugins/context.js';
import { listAuditEvents } from '../audit/repository.js';
import { recordAction } from '../audit/service.js';
import { auditEventView } from '../audit/schemas.js';
import { findCourseVersion } from '../achievements/service.js';
import type { CentreRow } from '../centres/repository.js';
import { statusListUrl } from '../status/service.js';
import { credentialUrl, xsdDateTime } from './document.js';
import * as repository from './repository.js';
import type { CredentialRow, CredentialState } from './repository.js';
import type { CredentialListQuery, IssueCredentialInput, ReissueInput } from './schemas.js';
import { issuingCentre, signAndStore, type StoredCredential } from './service.js';
import { isUuid } from '../../lib/ids.js';

const SUPERSEDED = 'superseded';

/** A credential's state at `now`: the same rule as the list filter's SQL (repository.stateCondition). */
export function credentialState(
  row: Pick<CredentialRow, 'erasedAt' | 'revokedAt' | 'supersededBy' | 'suspendedAt' | 'suspendedUntil' | 'validUntil'>,
  now: Date,
): CredentialState {
  if (row.erasedAt) return 'erased';
  if (row.supersededBy) return 'superseded';
  if (row.revokedAt) return 'revoked';
  if (row.suspendedAt && (!row.suspendedUntil || row.suspendedUntil > now)) return 'suspended';
  if (row.validUntil && row.validUntil <= now) return 'expired';
  return 'active';
}

const iso = (date: Date | null) => (date ? xsdDateTime(date) : null);

/** The API view of a credential (never the signed document: GET /credentials/:id serves that). */
export function credentialView(row: Omit<CredentialRow, 'document' | 'issuedAt'> & { issuedAt?: Date; createdAt?: Date }, config: Config, now: Date) {
  const issuedAt = row.issuedAt ?? row.createdAt!;
  return {
    id: row.id,
    url: credentialUrl(config.publicBaseUrl, row.id),
    achievementId: row.achievementId,
    achievementVersion: row.achievementVersion,
    recipient: { name: row.recipientName, email: row.recipientEmail, did: row.recipientDid },
    language: row.language,
    issuedAt: xsdDateTime(issuedAt),
    validFrom: xsdDateTime(row.validFrom),
    validUntil: iso(row.validUntil),
    status: credentialState(row, now),
    shortCode: row.shortCode,
    statusEntry: row.statusListId === null ? null : { statusListCredential: statusListUrl(config.publicBaseUrl, row.statusListId), statusListIndex: String(row.statusListIndex) },
    revocation: row.revokedAt ? { at: xsdDateTime(row.revokedAt), reason: row.revocationReason } : null,
    suspension: row.suspendedAt ? { at: xsdDateTime(row.suspendedAt), until: iso(row.suspendedUntil), reason: row.suspensionReason } : null,
    supersedes: row.supersedes ? { id: row.supersedes, url: credentialUrl(config.publicBaseUrl, row.supersedes) } : null,
    supersededBy: row.supersededBy ? { id: row.supersededBy, url: credentialUrl(config.publicBaseUrl, row.supersededBy) } : null,
    erasedAt: iso(row.erasedAt),
  };
}

/** The centre a principal manages credentials for; a suspended centre still manages what it issued. */
export async function managingCentre(ctx: AppContext, principal: Principal): Promise<CentreRow> {
  const centre = principal.centreId ? await ctx.lookups.centre(principal.centreId) : undefined;
  if (!centre) throw forbidden('Only a national centre\'s API client manages credentials; this client belongs to no centre.', 'not-a-centre');
  return centre;
}

const noSuchCredential = (id: string) => notFound(`No credential "${id}" belongs to this centre.`);

/**
 * One lifecycle change of a credential: locked, checked, changed and audited in one transaction (and its
 * revocation list re-signed there when a bit changes). Other centres' credentials are not found.
 */
async function changeCredential({
  ctx,
  principal,
  id,
  action,
  details,
  change,
  resignsList = false,
}: {
  ctx: AppContext;
  principal: Principal;
  id: string;
  action: string;
  /** the audit event's details, or how to make them from the credential as it was before the change */
  details: Record<string, unknown> | ((current: CredentialRow) => Record<string, unknown>);
  change: (current: CredentialRow, tx: DbOrTx, now: Date) => Promise<CredentialRow>;
  resignsList?: boolean;
}) {
  const centre = await managingCentre(ctx, principal);
  if (!isUuid(id)) throw noSuchCredential(id);
  // looked up before the transaction: the embedded database has one connection
  const signer = resignsList ? await ctx.statusLists.listSigner(centre.id) : undefined;
  const updated = await ctx.db.transaction(async (tx) => {
    const current = await repository.lockCredential(tx, id, centre.id);
    if (!current) throw noSuchCredential(id);
    const now = ctx.clock.now();
    const audited = typeof details === 'function' ? details(current) : details;
    const row = await change(current, tx, now);
    if (signer && row.statusListId) await ctx.statusLists.resign(tx, row.statusListId, signer);
    await recordAction({ db: tx, actor: principal, action, centreId: centre.id, target: `credential:${row.id}`, credentialId: row.id, details: audited });
    return row;
  });
  lifecycleChanged(ctx);
  return credentialView(updated, ctx.config, ctx.clock.now());
}

/** Our verifier and list documents read through short caches: forget them after a change made here. */
function lifecycleChanged(ctx: AppContext) {
  ctx.statusLists.changed();
  ctx.lookups.clear();
}

/** Refuses any act on a credential erased at its holder's request (there is no one left to act for). */
export function assertNotErased(row: CredentialRow) {
  if (row.erasedAt) {
    throw conflict(
      `The credential's personal data were erased on ${xsdDateTime(row.erasedAt)} at its holder's request; it is withdrawn for good and nothing more can be done to it.`,
      'credential-erased',
    );
  }
}

/** Refuses a credential that no longer holds (erased, replaced or revoked); one that does still has its document. */
function assertNotRevoked(row: CredentialRow): asserts row is StoredCredential {
  assertNotErased(row);
  if (row.supersededBy) throw conflict(`The credential was replaced on ${xsdDateTime(row.revokedAt!)} by ${row.supersededBy}; act on the current one.`, 'credential-superseded');
  if (row.revokedAt) throw conflict(`The credential was revoked on ${xsdDateTime(row.revokedAt)}${row.revocationReason ? ` (${row.revocationReason})` : ''}; revocation is permanent.`, 'credential-revoked');
}

/** POST /api/v1/credentials/:id/revoke: permanent; sets the credential's bit in its revocation list. */
export function revokeCredential({ ctx, principal, id, reason }: { ctx: AppContext; principal: Principal; id: string; reason: string }) {
  return changeCredential({
    ctx,
    principal,
    id,
    action: 'credential.revoked',
    details: { reason },
    resignsList: true,
    change: async (current, tx, now) => {
      assertNotRevoked(current);
      return repository.updateLifecycle(tx, current.id, { revokedAt: now, revocationReason: reason });
    },
  });
}

/** POST /api/v1/credentials/:id/suspend: a reversible hold kept by the service (no status-list bit). */
export function suspendCredential({ ctx, principal, id, reason, until }: { ctx: AppContext; principal: Principal; id: string; reason: string; until?: Date }) {
  return changeCredential({
    ctx,
    principal,
    id,
    action: 'credential.suspended',
    details: { reason, until: until ? xsdDateTime(until) : null },
    change: async (current, tx, now) => {
      assertNotRevoked(current);
      if (credentialState(current, now) === 'suspended') {
        throw conflict(`The credential is already suspended${current.suspendedUntil ? ` until ${xsdDateTime(current.suspendedUntil)}` : ''}; unsuspend it first to change the suspension.`, 'credential-suspended');
      }
      return repository.updateLifecycle(tx, current.id, { suspendedAt: now, suspendedUntil: until ?? null, suspensionReason: reason });
    },
  });
}

/** POST /api/v1/credentials/:id/unsuspend: lifts a suspension before its `until`. */
export function unsuspendCredential({ ctx, principal, id, reason }: { ctx: AppContext; principal: Principal; id: string; reason: string }) {
  return changeCredential({
    ctx,
    principal,
    id,
    action: 'credential.unsuspended',
    details: { reason },
    change: async (current, tx, now) => {
      assertNotRevoked(current);
      if (credentialState(current, now) !== 'suspended') throw conflict('The credential is not suspended.', 'credential-not-suspended');
      return repository.updateLifecycle(tx, current.id, { suspendedAt: null, suspendedUntil: null, suspensionReason: null });
    },
  });
}

/**
 * POST /api/v1/credentials/:id/erase: the learner asked for their personal data to go. The credential is revoked
 * (its bit set, the list re-signed) unless it already was, and its personal data are erased wherever the service
 * holds them (repository.erasePersonalData); the audit trail records the act, and nothing personal. Erasing is
 * final: a credential already replaced or revoked can still be erased, an erased one cannot be acted on again.
 */
export function eraseCredential({ ctx, principal, id }: { ctx: AppContext; principal: Principal; id: string }) {
  return changeCredential({
    ctx,
    principal,
    id,
    action: 'credential.erased',
    details: (current) => ({ previouslyRevoked: current.revokedAt !== null }),
    resignsList: true,
    change: async (current, tx, now) => {
      assertNotErased(current);
      return repository.erasePersonalData(tx, current.id, { erasedAt: now, revokedAt: current.revokedAt ?? now });
    },
  });
}

/** What the original credential said, as issuance input (its narrative and evidence live in the signed document). */
function originalInput(row: StoredCredential): IssueCredentialInput {
  const document = JSON.parse(row.document) as { credentialSubject?: { narrative?: string }; evidence?: { id?: string; name?: string; description?: string }[] };
  return {
    achievementId: row.achievementId,
    recipient: { name: row.recipientName, ...(row.recipientEmail ? { email: row.recipientEmail } : {}), ...(row.recipientDid ? { did: row.recipientDid } : {}) },
    validFrom: row.validFrom.toISOString(),
    ...(row.validUntil ? { validUntil: row.validUntil.toISOString() } : {}),
    ...(document.credentialSubject?.narrative ? { narrative: document.credentialSubject.narrative } : {}),
    ...(document.evidence
      ? { evidence: document.evidence.map((item) => ({ ...(item.id ? { url: item.id } : {}), ...(item.name ? { name: item.name } : {}), ...(item.description ? { description: item.description } : {}) })) }
      : {}),
    language: row.language as IssueCredentialInput['language'],
    // a correction carries the learner id on (the original keeps the claim on it)
    ...(row.externalId ? { externalId: row.externalId } : {}),
  };
}

/**
 * POST /api/v1/credentials/:id/reissue: a correction. A new credential with the corrected data (same course
 * version, same validity dates unless changed) is issued, the old one is revoked with reason "superseded", and
 * both are linked (in the database, the API, reports and pages; never inside the signed credentials) — all in
 * one transaction.
 */
export async function reissueCredential({ ctx, principal, id, input }: { ctx: AppContext; principal: Principal; id: string; input: ReissueInput }) {
  const centre = await issuingCentre({ ctx, principal });
  const original = await centreCredential(ctx, centre, id);
  assertNotRevoked(original);
  const before = originalInput(original);
  const { recipient, narrative, evidence, validUntil } = input.changes;
  const corrected: IssueCredentialInput = {
    ...before,
    recipient: { ...before.recipient, ...recipient },
    ...(narrative !== undefined ? { narrative: narrative ?? undefined } : {}),
    ...(evidence !== undefined ? { evidence: evidence ?? undefined } : {}),
    ...(validUntil !== undefined ? { validUntil: validUntil ?? undefined } : {}),
  };
  if (corrected.validUntil && Date.parse(corrected.validUntil) <= ctx.clock.now().getTime()) {
    throw unprocessable('The credential would be reissued already expired; give changes.validUntil a future date (or null for no expiry).', 'reissue-expired');
  }
  if (corrected.validUntil && corrected.validFrom && Date.parse(corrected.validUntil) <= Date.parse(corrected.validFrom)) {
    throw unprocessable(`changes.validUntil must be later than the credential's validFrom, ${corrected.validFrom}, which a correction keeps.`, 'reissue-validity');
  }
  // The course as the original embedded it: a correction changes the learner's data, not the course.
  const course = await findCourseVersion(ctx.db, original.achievementId, original.achievementVersion);
  if (!course) throw new Error(`course ${original.achievementId} has no version ${original.achievementVersion}`);
  const signer = await ctx.statusLists.listSigner(centre.id);

  const issued = await signAndStore({
    ctx,
    principal,
    centre,
    achievement: course,
    language: original.language as IssueCredentialInput['language'] & string,
    input: corrected,
    supersedes: original.id,
    inTransaction: {
      before: async (tx) => {
        const current = await repository.lockCredential(tx, id, centre.id);
        if (!current) throw noSuchCredential(id);
        // a revocation or another correction may have committed since the first read
        assertNotRevoked(current);
      },
      after: async (tx, newId) => {
        const old = await repository.updateLifecycle(tx, id, { revokedAt: ctx.clock.now(), revocationReason: SUPERSEDED, supersededBy: newId });
        if (old.statusListId) await ctx.statusLists.resign(tx, old.statusListId, signer);
        await recordAction({
          db: tx,
          actor: principal,
          action: 'credential.reissued',
          centreId: centre.id,
          target: `credential:${old.id}`,
          credentialId: old.id,
          details: { reason: input.reason, replacedBy: newId, changed: Object.keys(input.changes) },
        });
      },
    },
  });
  lifecycleChanged(ctx);
  const row = await repository.findCredential(ctx.db, issued.id);
  return { ...credentialView(row!, ctx.config, ctx.clock.now()), verifiableCredential: issued.verifiableCredential, document: issued.document };
}

/** GET /api/v1/credentials: the centre's own credentials, newest first. */
export async function listCentreCredentials({ ctx, principal, query }: { ctx: AppContext; principal: Principal; query: CredentialListQuery }) {
  const centre = await managingCentre(ctx, principal);
  const now = ctx.clock.now();
  const rows = await repository.listCredentials(ctx.db, {
    filter: {
      centreId: centre.id,
      achievementId: query.achievementId,
      state: query.status,
      recipient: query.recipient,
      email: query.email,
      shortCode: query.code,
      issuedFrom: query.issuedFrom ? new Date(query.issuedFrom) : undefined,
      issuedTo: query.issuedTo ? new Date(query.issuedTo) : undefined,
    },
    limit: query.limit,
    after: decodeCursor(query.cursor),
    now,
  });
  const page = toPage(rows, query.limit);
  return { items: page.items.map((row) => credentialView(row, ctx.config, now)), nextCursor: page.nextCursor };
}


/** One of `centre`'s credentials; another centre's is not found, as an unknown id is. */
export async function centreCredential(ctx: AppContext, centre: CentreRow, id: string) {
  const row = isUuid(id) ? await repository.findCredential(ctx.db, id) : undefined;
  if (!row || row.centreId !== centre.id) throw noSuchCredential(id);
  return row;
}

/**
 * A credential of the principal's centre and what it says, for a correction form: an erased, replaced or revoked
 * one has nothing left to correct (409, as reissuing it would answer).
 */
export async function credentialBeforeCorrection({ ctx, principal, id }: { ctx: AppContext; principal: Principal; id: string }) {
  const row = await centreCredential(ctx, await managingCentre(ctx, principal), id);
  assertNotRevoked(row);
  return { view: credentialView(row, ctx.config, ctx.clock.now()), original: originalInput(row) };
}

const HISTORY_IN_DETAILS = 20;

/** GET /api/v1/credentials/:id: details, current status and the latest history. */
export async function getCredentialDetails({ ctx, principal, id }: { ctx: AppContext; principal: Principal; id: string }) {
  const row = await centreCredential(ctx, await managingCentre(ctx, principal), id);
  const events = await listAuditEvents(ctx.db, { filter: { credentialId: row.id }, limit: HISTORY_IN_DETAILS });
  const page = toPage(events, HISTORY_IN_DETAILS);
  return { ...credentialView(row, ctx.config, ctx.clock.now()), history: page.items.map(auditEventView), moreHistory: page.nextCursor !== null };
}

/** GET /api/v1/credentials/:id/events: the credential's whole audit trail, newest first. */
export async function listCredentialEvents({ ctx, principal, id, limit, cursor }: { ctx: AppContext; principal: Principal; id: string; limit: number; cursor?: string }) {
  const row = await centreCredential(ctx, await managingCentre(ctx, principal), id);
  const events = await listAuditEvents(ctx.db, { filter: { credentialId: row.id }, limit, after: decodeCursor(cursor) });
  const page = toPage(events, limit);
  return { items: page.items.map(auditEventView), nextCursor: page.nextCursor };
}
