import { randomUUID } from 'node:crypto';
import { canonicalJson, sha256Hex } from '../../lib/canonical-json.js';
import { commonLanguages, type Language } from '../../lib/i18n.js';
import { forbidden, HttpProblem, notFound, problemType, unprocessable } from '../../lib/problem.js';
import type { AppContext } from '../../plugins/context.js';
import type { Principal } from '../../plugins/auth.js';
import { centreDid } from '../../vc/did-web.js';
import { validateOpenBadgeCredential } from '../../vc/ob3-schema.js';
import { signCredential } from '../../vc/sign.js';
import { courseUnauthorised } from '../authorisations/service.js';
import type { CentreRow } from '../centres/repository.js';
import { buildOpenBadgeCredential, credentialUrl } from './document.js';
import * as repository from './repository.js';
import type { IssueCredentialInput } from './schemas.js';

export interface IssuedCredential {
  id: string;
  url: string;
  verifiableCredential: Record<string, unknown>;
  /** the signed credential serialised exactly as stored */
  document: string;
  /** false when an Idempotency-Key replay returned the credential created by an earlier request */
  created: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The centre a principal issues for; platform clients and suspended centres cannot issue. */
export async function issuingCentre({ ctx, principal }: { ctx: AppContext; principal: Principal }): Promise<CentreRow> {
  const centre = principal.centreId ? await ctx.lookups.centre(principal.centreId) : undefined;
  if (!centre) throw forbidden('Only a national centre\'s API client can issue credentials; this client belongs to no centre.', 'not-a-centre');
  if (centre.status !== 'active') throw forbidden(`The centre "${centre.slug}" is suspended and cannot issue credentials.`, 'centre-suspended');
  return centre;
}

const idempotencyConflict = () =>
  unprocessable('This Idempotency-Key was already used with a different request body; use a new key for a new credential.', 'idempotency-key-reused');

async function replay({ ctx, credentialId }: { ctx: AppContext; credentialId: string }): Promise<IssuedCredential> {
  const existing = await repository.findCredential(ctx.db, credentialId);
  if (!existing) throw new Error(`idempotency record points at missing credential ${credentialId}`);
  return { id: existing.id, url: credentialUrl(ctx.config.publicBaseUrl, existing.id), verifiableCredential: JSON.parse(existing.document), document: existing.document, created: false };
}

/**
 * POST /api/v1/credentials: builds, signs and stores one Open Badges 3.0 credential. The credential row and
 * its audit event (and the idempotency record) commit in one transaction, or nothing is written.
 */
export async function issueCredential({
  ctx,
  principal,
  input,
  idempotencyKey,
}: {
  ctx: AppContext;
  principal: Principal;
  input: IssueCredentialInput;
  idempotencyKey?: string;
}): Promise<IssuedCredential> {
  const requestHash = sha256Hex(canonicalJson(input));
  if (idempotencyKey) {
    const previous = await repository.findIdempotencyRecord(ctx.db, principal.clientUuid, idempotencyKey);
    if (previous) {
      if (previous.requestHash !== requestHash) throw idempotencyConflict();
      return replay({ ctx, credentialId: previous.credentialId });
    }
  }

  const centre = await issuingCentre({ ctx, principal });
  const achievement = await ctx.lookups.achievement(input.achievementId);
  if (!achievement) {
    throw new HttpProblem({
      status: 422,
      type: problemType('unknown-achievement'),
      title: 'Unprocessable Content',
      detail: `No course has the id "${input.achievementId}"; GET /achievements lists them.`,
      errors: [{ path: 'body.achievementId', message: 'no course has this id' }],
    });
  }
  const available = commonLanguages(achievement.name, achievement.description, achievement.criteria);
  const language = chooseCredentialLanguage({ requested: input.language, centreDefault: centre.defaultLanguage as Language, available });

  // The authorisation is judged at the time of issuance (now), never at the caller's validFrom, by the
  // statement that writes the credential.
  const issuedAt = new Date();
  const id = randomUUID();
  // Default: the issuance time, to the second (sub-second precision only adds noise to a certificate date).
  const validFrom = input.validFrom ? new Date(input.validFrom) : new Date(Math.floor(Date.now() / 1000) * 1000);
  const unsigned = buildOpenBadgeCredential({ id, config: ctx.config, centre, achievement, language, input, validFrom });
  const key = await ctx.keys.activeAssertionKey({ centreId: centre.id, did: centreDid(ctx.config.publicBaseUrl, centre.slug) });
  const verifiableCredential = await signCredential({ credential: unsigned, key });
  assertOpenBadge(verifiableCredential);
  const document = JSON.stringify(verifiableCredential);

  const row = {
    id,
    centreId: centre.id,
    achievementId: achievement.id,
    signingKeyId: key.keyId,
    issuedByClientId: principal.clientUuid,
    recipientName: input.recipient.name,
    recipientEmail: input.recipient.email ?? null,
    recipientDid: input.recipient.did ?? null,
    language,
    // the version whose content the signed document embeds (the same cached row built it)
    achievementVersion: achievement.version,
    validFrom,
    validUntil: input.validUntil ? new Date(input.validUntil) : null,
    document,
  };
  const audit = { actorClientId: principal.clientUuid, requestId: principal.requestId, details: { achievementId: achievement.id, achievementVersion: achievement.version, language } };
  // Without an Idempotency-Key the single insert statement is the transaction; with one, the key is claimed
  // in the same transaction, so a retry racing the first request can never create a second credential.
  const unauthorised = () => courseUnauthorised(centre, achievement);
  if (!idempotencyKey) {
    if (!(await repository.insertIssuedCredential(ctx.db, row, audit, { authorisedAt: issuedAt }))) throw unauthorised();
    return { id, url: credentialUrl(ctx.config.publicBaseUrl, id), verifiableCredential, document, created: true };
  }
  const claimed = await ctx.db.transaction(async (tx) => {
    if (!(await repository.claimIdempotencyKey(tx, { clientId: principal.clientUuid, key: idempotencyKey, requestHash, credentialId: id }))) return false;
    // throwing rolls the key claim back with it
    if (!(await repository.insertIssuedCredential(tx, row, audit, { authorisedAt: issuedAt }))) throw unauthorised();
    return true;
  });
  if (!claimed) {
    // A concurrent request with the same key committed first: answer as a retry of it.
    const winner = await repository.findIdempotencyRecord(ctx.db, principal.clientUuid, idempotencyKey);
    if (!winner || winner.requestHash !== requestHash) throw idempotencyConflict();
    return replay({ ctx, credentialId: winner.credentialId });
  }
  return { id, url: credentialUrl(ctx.config.publicBaseUrl, id), verifiableCredential, document, created: true };
}

function chooseCredentialLanguage({ requested, centreDefault, available }: { requested?: Language; centreDefault: Language; available: Language[] }): Language {
  if (requested) {
    if (!available.includes(requested)) {
      throw new HttpProblem({
        status: 422,
        type: problemType('language-unavailable'),
        title: 'Unprocessable Content',
        detail: `This course has no texts in "${requested}"; it can be issued in: ${available.join(', ')}.`,
        errors: [{ path: 'body.language', message: `use one of ${available.join(', ')}` }],
      });
    }
    return requested;
  }
  return available.includes(centreDefault) ? centreDefault : (available[0] ?? 'en');
}

/** Our own output must meet Open Badges 3.0; if it ever does not, that is our bug, never the caller's. */
export function assertOpenBadge(credential: unknown) {
  const result = validateOpenBadgeCredential(credential);
  if (!result.valid) {
    throw new Error(`issued credential fails the Open Badges 3.0 schema: ${result.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  }
}

/** GET /credentials/:id: the signed credential exactly as issued. */
export async function getCredentialDocument({ ctx, id }: { ctx: AppContext; id: string }): Promise<{ document: string; issuedAt: Date }> {
  const row = UUID.test(id) ? await repository.findCredential(ctx.db, id) : undefined;
  if (!row) throw notFound(`No credential has the id "${id}". Check the link.`);
  return { document: row.document, issuedAt: row.issuedAt };
}
