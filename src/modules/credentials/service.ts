import { randomUUID } from 'node:crypto';
import { canonicalJson, sha256Hex } from '../../lib/canonical-json.js';
import { commonLanguages, type Language } from '../../lib/i18n.js';
import { forbidden, HttpProblem, notFound, problem, problemType, unprocessable } from '../../lib/problem.js';
import type { AppContext } from '../../plugins/context.js';
import type { Principal } from '../../plugins/auth.js';
import { centreDid } from '../../vc/did-web.js';
import { validateOpenBadgeCredential } from '../../vc/ob3-schema.js';
import { signCredential } from '../../vc/sign.js';
import { groupCommitter } from './group-commit.js';
import type { ActiveSigningKey } from '../../vc/keys.js';
import { queueDeliveries } from '../delivery/service.js';
import { actorColumns } from '../audit/service.js';
import { courseUnauthorised, isAuthorisedAt } from '../authorisations/service.js';
import type { CourseVersion } from '../achievements/service.js';
import type { DbOrTx } from '../../db/client.js';
import { statusListEntry } from '../../vc/status-list.js';
import { storeOnFreshEntry } from '../status/service.js';
import { generateShortCode, readShortCode } from '../../lib/short-code.js';
import type { CentreRow } from '../centres/repository.js';
import { buildOpenBadgeCredential, credentialUrl } from './document.js';
import * as repository from './repository.js';
import type { IssueCredentialInput } from './schemas.js';
import { isUuid } from '../../lib/ids.js';

export interface IssuedCredential {
  id: string;
  url: string;
  verifiableCredential: Record<string, unknown>;
  /** the signed credential serialised exactly as stored */
  document: string;
  /** false when an Idempotency-Key replay returned the credential created by an earlier request */
  created: boolean;
}

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
  // a retry after the learner had the credential erased gets it no more than anyone else does
  if (!hasDocument(existing)) throw credentialWithdrawn(existing.id);
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
  // Idempotency-Key is the API's retry contract, kept per API client (the console guards its forms itself).
  const idempotency = idempotencyKey && principal.clientUuid ? { clientId: principal.clientUuid, key: idempotencyKey } : undefined;
  if (idempotency) {
    const previous = await repository.findIdempotencyRecord(ctx.db, idempotency.clientId, idempotency.key);
    if (previous) {
      if (previous.requestHash !== requestHash) throw idempotencyConflict();
      return replay({ ctx, credentialId: previous.credentialId });
    }
  }

  const { centre, achievement, language } = await resolveIssuance({ ctx, principal, input });
  const email = input.deliver ? input.recipient.email : undefined;

  try {
    const issued = await signAndStore({
      ctx,
      principal,
      centre,
      achievement,
      language,
      input,
      inTransaction:
        idempotency || email
          ? {
              // With an Idempotency-Key the key is claimed in the issuing transaction, so a retry racing the first
              // request can never create a second credential.
              before: async (tx, credentialId) => {
                if (idempotency && !(await repository.claimIdempotencyKey(tx, { ...idempotency, requestHash, credentialId }))) throw new KeyAlreadyClaimed();
              },
              // the e-mail is queued with the credential: it exists exactly when the credential does
              after: async (tx, credentialId) => {
                if (email) await queueDeliveries(tx, { jobs: ctx.jobs, centreId: centre.id, requestedByClientId: principal.clientUuid, recipients: [{ credentialId, email }] });
              },
            }
          : undefined,
    });
    return { ...issued, created: true };
  } catch (error) {
    if (error instanceof ExternalIdTaken) throw externalIdConflict(ctx, error.credentialId, input.externalId ?? '');
    if (!(error instanceof KeyAlreadyClaimed) || !idempotency) throw error;
    // A concurrent request with the same key committed first: answer as a retry of it.
    const winner = await repository.findIdempotencyRecord(ctx.db, idempotency.clientId, idempotency.key);
    if (!winner || winner.requestHash !== requestHash) throw idempotencyConflict();
    return replay({ ctx, credentialId: winner.credentialId });
  }
}

/**
 * Who issues which course in which language, checked before anything is signed: the centre may issue, the course
 * exists and has texts in the language asked for, and the learner id (externalId) has no credential yet.
 */
async function resolveIssuance({ ctx, principal, input }: { ctx: AppContext; principal: Principal; input: IssueCredentialInput }) {
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

  if (input.externalId) {
    const existing = await repository.findByExternalId(ctx.db, { centreId: centre.id, achievementId: achievement.id, externalId: input.externalId });
    if (existing) throw externalIdConflict(ctx, existing, input.externalId);
  }
  return { centre, achievement, language };
}

/**
 * The credential as it would be issued now, unsigned and unstored, for the console's preview: the same checks as
 * issuance (centre, course, language, learner id) plus the course's authorisation, so a preview that succeeds
 * is one that issuance will accept unless something changes in between.
 */
export async function previewCredential({ ctx, principal, input }: { ctx: AppContext; principal: Principal; input: IssueCredentialInput }) {
  const { centre, achievement, language } = await resolveIssuance({ ctx, principal, input });
  if (!(await isAuthorisedAt({ db: ctx.db, centreId: centre.id, achievementId: achievement.id, at: ctx.clock.now() }))) throw courseUnauthorised(centre, achievement);
  const validFrom = input.validFrom ? new Date(input.validFrom) : ctx.clock.now();
  return { language, centre, document: buildOpenBadgeCredential({ id: randomUUID(), config: ctx.config, centre, achievement, language, input, validFrom }) };
}

class KeyAlreadyClaimed extends Error {}

/** The centre already issued a credential for this externalId and course (by another request, row or process). */
export class ExternalIdTaken extends Error {
  constructor(readonly credentialId: string) {
    super(`externalId already has credential ${credentialId}`);
  }
}

const externalIdConflict = (ctx: AppContext, credentialId: string, externalId: string) =>
  new HttpProblem({
    status: 409,
    type: problemType('already-issued'),
    title: 'Conflict',
    detail: `The centre already issued a credential for the externalId "${externalId}" and this course: ${credentialUrl(ctx.config.publicBaseUrl, credentialId)}. Nothing new was issued; to correct that credential, reissue it.`,
    extensions: { credentialId, url: credentialUrl(ctx.config.publicBaseUrl, credentialId) },
  });
const NOT_WRITTEN = Symbol('not written');

/** What one issuance needs: who issues what for whom, and how it is signed. */
export interface IssuanceRequest {
  ctx: AppContext;
  principal: Principal;
  centre: CentreRow;
  /** the course as it is embedded: its current version for new credentials, the original one for corrections */
  achievement: CourseVersion;
  language: Language;
  input: IssueCredentialInput;
  supersedes?: string;
  /** a caller-built credential (VCALM) instead of the one built from `input`; it gets the status entry */
  document?: (entry: { id: string; credentialStatus: Record<string, unknown> }) => Record<string, unknown>;
  auditDetails?: Record<string, unknown>;
  /** the signer: on this thread by default; the batch worker passes its signing pool */
  sign?: (input: { credential: Record<string, unknown>; key: ActiveSigningKey }) => Promise<Record<string, unknown>>;
}

/**
 * A credential built and signed on a reserved status entry, not yet stored (`storeIssuance` stores it): what the
 * issuance statement inserts (`credential`, `audit`, `conditions`), and what the caller answers with.
 */
export interface PreparedIssuance extends repository.IssuedCredentialInsert {
  id: string;
  verifiableCredential: Record<string, unknown>;
  /** the signed credential serialised exactly as it will be stored */
  document: string;
  issuedAt: Date;
}

/** Builds and signs one credential of `centre` on a fresh entry of its revocation list; writes nothing. */
export async function prepareIssuance({
  ctx,
  principal,
  centre,
  achievement,
  language,
  input,
  supersedes,
  document: callerDocument,
  auditDetails = {},
  sign = signCredential,
}: IssuanceRequest): Promise<PreparedIssuance> {
  // Default: the issuance time, to the second (sub-second precision only adds noise to a certificate date).
  const validFrom = input.validFrom ? new Date(input.validFrom) : new Date(Math.floor(Date.now() / 1000) * 1000);
  const key = await ctx.keys.activeAssertionKey({ centreId: centre.id, did: centreDid(ctx.config.publicBaseUrl, centre.slug) });
  const issuedAt = ctx.clock.now();
  const id = randomUUID();
  const slot = await ctx.statusLists.reserve(centre.id);
  const credentialStatus = statusListEntry({ listUrl: slot.listUrl, index: slot.index });
  const unsigned = callerDocument ? callerDocument({ id, credentialStatus }) : buildOpenBadgeCredential({ id, config: ctx.config, centre, achievement, language, input, validFrom, credentialStatus });
  const verifiableCredential = await sign({ credential: unsigned, key });
  // what we build must meet Open Badges 3.0 (a caller-built credential was checked before it came here)
  if (!callerDocument) assertOpenBadge(verifiableCredential);
  const document = JSON.stringify(verifiableCredential);
  return {
    id,
    verifiableCredential,
    document,
    issuedAt,
    credential: {
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
      statusListId: slot.listId,
      statusListIndex: slot.index,
      shortCode: generateShortCode(centre.countryCode),
      supersedes: supersedes ?? null,
      externalId: input.externalId ?? null,
    },
    audit: {
      actor: actorColumns(principal),
      details: { achievementId: achievement.id, achievementVersion: achievement.version, language, ...(supersedes ? { supersedes } : {}), ...auditDetails },
    },
    conditions: { authorisedAt: issuedAt, listCapacity: slot.capacity },
  };
}

/**
 * Stores a prepared credential with its audit event, if the centre is still authorised for the course, the
 * list has room and the entry (and the learner id) is still free; false, writing nothing, otherwise.
 */
export function storeIssuance(db: DbOrTx, prepared: PreparedIssuance): Promise<boolean> {
  return repository.insertIssuedCredential(db, prepared);
}

/** Stores prepared credentials in one statement (a batch group); how many of them were written. */
export function storeIssuances(db: DbOrTx, prepared: PreparedIssuance[]): Promise<number> {
  return repository.insertIssuedCredentials(db, prepared);
}

/**
 * Builds, signs and stores one credential of `centre` with a random entry of its revocation list. The statement
 * that stores it also checks that the centre is authorised for the course now (never at the caller's validFrom)
 * and that the entry is still free; an entry taken meanwhile by another process is retried with a new one.
 * `inTransaction` adds writes that must commit with the credential (an idempotency claim, a superseded credential).
 */
export async function signAndStore({
  inTransaction,
  ...request
}: IssuanceRequest & {
  inTransaction?: { before?: (tx: DbOrTx, credentialId: string) => Promise<void>; after?: (tx: DbOrTx, credentialId: string) => Promise<void> };
}): Promise<Omit<IssuedCredential, 'created'>> {
  const { ctx, centre, achievement, input, supersedes } = request;
  return storeOnFreshEntry({
    statusLists: ctx.statusLists,
    centre,
    attempt: async () => {
      const prepared = await prepareIssuance(request);
      const { id, verifiableCredential, document, issuedAt } = prepared;
      let written: boolean;
      if (!inTransaction) {
        // with the other credentials being stored at this moment, in one statement
        written = await groupCommitter(ctx.db).store(prepared);
      } else {
        written = await ctx.db
          .transaction(async (tx) => {
            await inTransaction.before?.(tx, id);
            // throwing rolls back what `before` wrote
            if (!(await storeIssuance(tx, prepared))) throw NOT_WRITTEN;
            await inTransaction.after?.(tx, id);
            return true;
          })
          .catch((error) => (error === NOT_WRITTEN ? false : Promise.reject(error)));
      }
      if (written) return { id, url: credentialUrl(ctx.config.publicBaseUrl, id), verifiableCredential, document };
      // Not written: the learner id already has its credential, no authorisation in force, or the entry or the
      // list's room was taken by another process (then another entry is tried).
      if (input.externalId && !supersedes) {
        const existing = await repository.findByExternalId(ctx.db, { centreId: centre.id, achievementId: achievement.id, externalId: input.externalId });
        if (existing) throw new ExternalIdTaken(existing);
      }
      if (!(await isAuthorisedAt({ db: ctx.db, centreId: centre.id, achievementId: achievement.id, at: issuedAt }))) throw courseUnauthorised(centre, achievement);
      return undefined;
    },
  });
}

export function chooseCredentialLanguage({ requested, centreDefault, available }: { requested?: Language; centreDefault: Language; available: Language[] }): Language {
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

/** A credential whose signed document the service still holds: every one but an erased credential. */
export type StoredCredential = repository.CredentialRow & { document: string };

export const hasDocument = (row: repository.CredentialRow): row is StoredCredential => row.document !== null;

/**
 * The answer wherever an erased credential is asked for: gone for good (410, unlike an id that never existed),
 * and nothing of it shown, not even its course (what remains of it is the centre's record, not the public's).
 */
export const credentialWithdrawn = (id: string) =>
  problem(
    410,
    'credential-withdrawn',
    `The credential ${id} was withdrawn at its holder's request: their personal data were erased and the credential is revoked for good, so there is nothing left to show or verify. Ask the holder for another proof of the qualification.`,
  );

/**
 * A credential stored here, by its uuid: the signed document exactly as issued, its code and its corrections.
 * An unknown id is a 404; an erased credential a 410.
 */
export async function getStoredCredential({ ctx, id }: { ctx: AppContext; id: string }): Promise<StoredCredential> {
  const row = isUuid(id) ? await repository.findCredential(ctx.db, id) : undefined;
  if (!row) throw notFound(`No credential has the id "${id}". Check the link.`);
  if (!hasDocument(row)) throw credentialWithdrawn(row.id);
  return row;
}

/** The uuid of the credential a person's typed code names; a mistyped code is a 422 saying to check it. */
export async function credentialIdForCode({ ctx, code }: { ctx: AppContext; code: string }): Promise<string> {
  const reading = readShortCode(code);
  if (!reading.valid) {
    throw new HttpProblem({
      status: 422,
      type: problemType('invalid-code'),
      title: 'Unprocessable Content',
      detail:
        reading.reason === 'check'
          ? `"${code}" is not a valid code: a character is probably mistyped. Check the code on the certificate (e.g. EG-7K4Q-92MX-3TRA-K).`
          : `"${code}" does not look like a credential code: two letters, then 13 characters, e.g. EG-7K4Q-92MX-3TRA-K.`,
      errors: [{ path: 'code', message: reading.reason === 'check' ? 'the check character does not match: check for a typo' : 'not a credential code' }],
      extensions: { code, reason: reading.reason },
    });
  }
  const id = await repository.findIdByShortCode(ctx.db, reading.code);
  if (!id) throw problem(404, 'unknown-code', `No credential has the code ${reading.code}. Check the code on the certificate.`, { code: reading.code });
  return id;
}

/**
 * The shortest stable public link of a credential, the one its QR code and certificate carry: `<base>/v/<code>`,
 * and the code printed beside it. A credential without a code yet is reached by its full link and its uuid.
 */
export function shortLinkOf(row: Pick<repository.CredentialRow, 'id' | 'shortCode'>, publicBaseUrl: string): { link: string; code: string } {
  if (!row.shortCode) return { link: credentialUrl(publicBaseUrl, row.id), code: row.id };
  return { link: `${publicBaseUrl}/v/${row.shortCode}`, code: row.shortCode };
}

/** The short link of one of our credentials, by its uuid (for its QR code). */
export async function credentialShortLink({ ctx, id }: { ctx: AppContext; id: string }): Promise<{ link: string; code: string }> {
  return shortLinkOf(await getStoredCredential({ ctx, id }), ctx.config.publicBaseUrl);
}

/**
 * Credentials issued before short codes existed get one on start-up, so every certificate can show a code and a
 * QR link. Safe with several replicas starting at once: a code is only written where none is.
 */
export async function backfillShortCodes({ ctx }: { ctx: AppContext }): Promise<number> {
  let assigned = 0;
  for (;;) {
    const batch = await repository.credentialsWithoutShortCode(ctx.db, 500);
    if (batch.length === 0) return assigned;
    for (const { id, countryCode } of batch) await repository.setShortCodeIfAbsent(ctx.db, id, generateShortCode(countryCode));
    assigned += batch.length;
  }
}
