import { randomUUID } from 'node:crypto';
import type { Principal } from '../../plugins/auth.js';
import type { AppContext } from '../../plugins/context.js';
import { conflict, HttpProblem, notFound, problemType } from '../../lib/problem.js';
import { isUuid } from '../../lib/ids.js';
import { centreDid } from '../../vc/did-web.js';
import type { ActiveSigningKey } from '../../vc/keys.js';
import { statusListEntry } from '../../vc/status-list.js';
import { recordAction } from '../audit/service.js';
import type { CentreRow } from '../centres/repository.js';
import { credentialUrl } from '../credentials/document.js';
import { centreCredential, managingCentre, revokeCredential } from '../credentials/lifecycle.js';
import { storeOnFreshEntry, statusListUrl } from '../status/service.js';
import * as repository from './repository.js';
import type { UpdateStatusRequest } from './schemas.js';

const VCALM_TARGET = (id: string) => `vcalm-credential:${id}`;

/**
 * VCALM issue's options.credentialStatus for a VC 2.0 credential that is not one of our courses: a random entry
 * of the centre's revocation list, exactly as our own credentials get (the same lists, the same entry shape),
 * claimed, signed and stored with its audit event in one transaction, so VCALM POST /credentials/status can
 * revoke it. A credential with neither `id` nor options.credentialId is given `urn:uuid:<its id here>`, so a
 * caller always has a name to revoke it by. `secure` makes the Data Integrity proof or the vc+jwt envelope.
 */
export async function issueWithStatusEntry({
  ctx,
  principal,
  centre,
  credential,
  callerCredentialId,
  secure,
  auditDetails,
}: {
  ctx: AppContext;
  principal: Principal;
  centre: CentreRow;
  credential: Record<string, unknown>;
  callerCredentialId: string | null;
  secure: (input: { credential: Record<string, unknown>; key: ActiveSigningKey }) => Promise<Record<string, unknown>>;
  auditDetails: Record<string, unknown>;
}): Promise<Record<string, unknown>> {
  const did = centreDid(ctx.config.publicBaseUrl, centre.slug);
  return storeOnFreshEntry({
    statusLists: ctx.statusLists,
    centre,
    attempt: async () => {
      const key = await ctx.keys.activeAssertionKey({ centreId: centre.id, did });
      const id = randomUUID();
      const slot = await ctx.statusLists.reserve(centre.id);
      const named = credential.id === undefined && !callerCredentialId ? { '@context': credential['@context'], id: `urn:uuid:${id}`, ...credential } : credential;
      const verifiableCredential = await secure({ credential: { ...named, credentialStatus: statusListEntry({ listUrl: slot.listUrl, index: slot.index }) }, key });
      const stored = await ctx.db.transaction(async (tx) => {
        const row = {
          id,
          centreId: centre.id,
          signingKeyId: key.keyId,
          issuedByClientId: principal.clientUuid,
          credentialIdUrl: typeof named.id === 'string' ? named.id : null,
          callerCredentialId,
          document: JSON.stringify(verifiableCredential),
          statusListId: slot.listId,
          statusListIndex: slot.index,
        };
        if (!(await repository.insertVcalmCredential(tx, row, slot.capacity))) return false;
        await recordAction({ db: tx, actor: principal, action: 'credential.signed.vcalm', centreId: centre.id, target: VCALM_TARGET(id), details: { ...auditDetails, stored: id } });
        return true;
      });
      return stored ? verifiableCredential : undefined;
    },
  });
}

const REVOKED_THROUGH_VCALM = 'revoked through VCALM POST /credentials/status';

/**
 * VCALM POST /credentials/status: sets the revocation bit of one of the centre's credentials, a stored VCALM
 * credential (named by its `id`, its options.credentialId or its uuid) or a course credential (its uuid or public
 * URL; revoked by the product API's own revocation). Revocation is final: `status: false` is refused. Another
 * centre's credential is not found, as an unknown one is.
 */
export async function updateCredentialStatus({ ctx, principal, request }: { ctx: AppContext; principal: Principal; request: UpdateStatusRequest }) {
  const centre = await managingCentre(ctx, principal);
  if (!request.status) {
    throw new HttpProblem({
      status: 400,
      type: problemType('revocation-is-final'),
      title: 'Bad Request',
      detail: 'This service never clears a revocation bit: revocation is final. Send "status": true to revoke; to correct a course credential, reissue it (POST /api/v1/credentials/{id}/reissue).',
      errors: [{ path: 'body.status', message: 'only true (revoke) is accepted' }],
    });
  }
  const matches = await repository.findCentreVcalmCredentials(ctx.db, { centreId: centre.id, credentialId: request.credentialId });
  if (matches.length > 1) {
    throw conflict(`More than one credential of your centre has the id "${request.credentialId}"; name it by its credentialId option or give each credential its own id.`, 'credential-id-ambiguous');
  }
  const [vcalm] = matches;
  if (vcalm) {
    assertSameEntry(request, { listUrl: statusListUrl(ctx.config.publicBaseUrl, vcalm.statusListId), index: vcalm.statusListIndex });
    return revokeVcalmCredential({ ctx, principal, centre, row: vcalm, credentialId: request.credentialId });
  }
  const courseId = courseCredentialUuid(request.credentialId, ctx.config.publicBaseUrl);
  if (!courseId) throw notFound(`No credential "${request.credentialId}" belongs to this centre.`);
  const course = await centreCredential(ctx, centre, courseId);
  if (course.statusListId !== null) assertSameEntry(request, { listUrl: statusListUrl(ctx.config.publicBaseUrl, course.statusListId), index: course.statusListIndex! });
  await revokeCredential({ ctx, principal, id: course.id, reason: REVOKED_THROUGH_VCALM });
  return answer(request.credentialId, course.statusListId === null ? undefined : statusListEntry({ listUrl: statusListUrl(ctx.config.publicBaseUrl, course.statusListId), index: course.statusListIndex! }));
}

/** A course credential is named by its uuid or by its public URL (the `id` the service gives it). */
function courseCredentialUuid(credentialId: string, publicBaseUrl: string): string | undefined {
  if (isUuid(credentialId)) return credentialId;
  const uuid = credentialId.slice(credentialUrl(publicBaseUrl, '').length);
  return credentialId === credentialUrl(publicBaseUrl, uuid) && isUuid(uuid) ? uuid : undefined;
}

/** The request may name the entry (VCALM: "identifies the specific status list entry"); it must be the credential's. */
function assertSameEntry(request: UpdateStatusRequest, entry: { listUrl: string; index: number }) {
  const expected = statusListEntry(entry);
  const named = request.credentialStatus;
  const wrong = (['id', 'statusListIndex', 'statusListCredential'] as const).filter((member) => named[member] !== undefined && named[member] !== expected[member]);
  if (wrong.length > 0) {
    throw new HttpProblem({
      status: 400,
      type: problemType('status-entry-mismatch'),
      title: 'Bad Request',
      detail: `The credential's status entry is ${expected.id}; ${wrong.join(', ')} in credentialStatus name another. Leave them out or send the credential's own.`,
      errors: wrong.map((member) => ({ path: `body.credentialStatus.${member}`, message: `must be ${expected[member]}` })),
    });
  }
}

async function revokeVcalmCredential({ ctx, principal, centre, row, credentialId }: { ctx: AppContext; principal: Principal; centre: CentreRow; row: repository.VcalmCredentialRow; credentialId: string }) {
  // looked up before the transaction: the embedded database has one connection
  const signer = await ctx.statusLists.listSigner(centre.id);
  await ctx.db.transaction(async (tx) => {
    const current = await repository.lockVcalmCredential(tx, row.id);
    if (current?.revokedAt) throw conflict(`The credential was revoked on ${current.revokedAt.toISOString()}; revocation is permanent.`, 'credential-revoked');
    await repository.markVcalmCredentialRevoked(tx, row.id, { revokedAt: ctx.clock.now(), reason: REVOKED_THROUGH_VCALM });
    await ctx.statusLists.resign(tx, row.statusListId, signer);
    await recordAction({ db: tx, actor: principal, action: 'credential.revoked', centreId: centre.id, target: VCALM_TARGET(row.id), details: { reason: REVOKED_THROUGH_VCALM, credentialId } });
  });
  ctx.statusLists.changed();
  return answer(credentialId, statusListEntry({ listUrl: statusListUrl(ctx.config.publicBaseUrl, row.statusListId), index: row.statusListIndex }));
}

const answer = (credentialId: string, credentialStatus: Record<string, unknown> | undefined) => ({ credentialId, status: true as const, ...(credentialStatus ? { credentialStatus } : {}) });
