import type { Language } from '../../lib/i18n.js';
import { badRequest, notFound, problemType, HttpProblem } from '../../lib/problem.js';
import type { AppContext } from '../../plugins/context.js';
import { parseOwnDid } from '../../vc/did-web.js';
import { validateOpenBadgeCredential } from '../../vc/ob3-schema.js';
import { verifyCredentialProof } from '../../vc/verify-proof.js';
import { findKeyByPublicKey } from '../keys/repository.js';
import { authorisationStatusAt } from '../authorisations/service.js';
import type { IssuerFacts } from '../credentials/lookups.js';
import { credentialIdForCode, getStoredCredential } from '../credentials/service.js';
import { checkMessage } from './messages.js';
import { checkCredentialStatus } from './status-check.js';
import { type Check, type CheckCode, type CheckName, type CheckOutcome, summarise, type VerificationReport, verdictOf } from './report.js';
import { isUuid } from '../../lib/ids.js';
import { xsdDateTime } from '../credentials/document.js';
import { asRecord, firstOf } from '../../lib/json.js';

// Tolerated clock difference between issuing and verifying machines for "not yet valid".
const CLOCK_SKEW_MS = 60_000;

function issuerIdOf(credential: Record<string, unknown>): string | undefined {
  const issuer = credential.issuer;
  const id = typeof issuer === 'string' ? issuer : asRecord(issuer).id;
  return typeof id === 'string' ? id : undefined;
}

/** How dates read inside check messages: a day for events (revoked on), the instant for limits (valid until). */
export type MessageDateFormat = (date: Date, precision: 'day' | 'instant') => string;
const isoMessageDate: MessageDateFormat = (date, precision) => (precision === 'day' ? xsdDateTime(date).slice(0, 10) : xsdDateTime(date));

/**
 * Verifies any credential-shaped JSON object and returns the report of DESIGN.md §5. Fails closed: a check
 * that cannot be made is `unknown` and the credential is then not verified. Never throws for bad input.
 */
export async function verifyCredential({
  ctx,
  credential,
  language = 'en',
  now = new Date(),
  formatDate = isoMessageDate,
}: {
  ctx: AppContext;
  credential: Record<string, unknown>;
  language?: Language;
  now?: Date;
  /** ISO for machines (the default); pages pass the reader's own format */
  formatDate?: MessageDateFormat;
}): Promise<VerificationReport> {
  const summary = summarise(credential);
  const make = (check: CheckName, status: CheckOutcome, code: CheckCode, params: Record<string, string | undefined> = {}, details?: Record<string, unknown>): Check => ({
    check,
    status,
    code,
    message: checkMessage(code, { issuerName: summary.issuer.name ?? undefined, achievementName: summary.achievement ?? undefined, ...params }, language),
    ...(details ? { details } : {}),
  });

  const issuerId = issuerIdOf(credential);
  const ownDid = issuerId ? parseOwnDid(issuerId, ctx.config.publicBaseUrl) : undefined;
  const facts = ownDid?.kind === 'centre' ? await ctx.lookups.issuer(ownDid.slug) : undefined;
  const centre = facts?.centre;
  const checks: Check[] = [];

  const proofBody = asRecord(firstOf(credential.proof));
  const signedAt = typeof proofBody.created === 'string' && !Number.isNaN(Date.parse(proofBody.created)) ? new Date(proofBody.created) : now;
  const revokedKey = await compromisedOwnKey({ ctx, facts, verificationMethod: proofBody.verificationMethod });

  // proof
  if (ownDid?.kind === 'centre' && !centre) {
    checks.push(make('proof', 'failed', 'proof.invalid', { reason: `the issuer ${issuerId} does not exist on this service` }));
  } else if (revokedKey) {
    const date = formatDate(revokedKey, 'day');
    checks.push(make('proof', 'failed', 'key.revoked', { date }, { compromisedAt: revokedKey.toISOString() }));
  } else {
    const proof = await verifyCredentialProof({
      credential,
      resolveDid: ctx.resolveDid,
    });
    if (proof.outcome === 'valid') checks.push(make('proof', 'passed', 'proof.valid'));
    else if (proof.outcome === 'missing') checks.push(make('proof', 'failed', 'proof.missing'));
    else if (proof.outcome === 'unresolvable') checks.push(make('proof', 'unknown', 'proof.unresolvable', { reason: proof.reason }));
    else checks.push(make('proof', 'failed', 'proof.invalid', { reason: proof.reason }, { reason: proof.reason }));
  }

  // issuer: a centre in the trust registry, judged at the time of issuance (the proof's `created`)
  const standing = facts ? centreStandingAt(facts, signedAt) : undefined;
  if (standing === 'active') checks.push(make('issuer', 'passed', 'issuer.recognised', { platformName: ctx.config.platform.name }));
  else if (standing === 'suspended') checks.push(make('issuer', 'failed', 'issuer.suspended', {}, { at: signedAt.toISOString() }));
  else checks.push(make('issuer', 'failed', 'issuer.unrecognised', { issuerId }));

  // authorised: for our own centres, was the centre authorised for this course when it signed? An achievement
  // outside the IIOE catalogue is one no centre is authorised for; a credential naming none claims no course.
  const achievement = centre && standing ? namedAchievement(credential, ctx.config.publicBaseUrl) : undefined;
  if (facts && achievement) {
    const achievementId = achievement.ownId;
    const authorised = achievementId
      ? duringSignedSecond(signedAt, (at) => facts.authorisations.some((row) => row.achievementId === achievementId && authorisationStatusAt(row, at) === 'active'))
      : false;
    checks.push(authorised ? make('authorised', 'passed', 'course.authorised') : make('authorised', 'failed', 'course.unauthorised', {}, { at: signedAt.toISOString() }));
  }

  // status: the credential's revocation entry, read as any verifier reads it, plus our own records
  const status = await checkCredentialStatus({ ctx, credential, issuerId, centreId: centre?.id, now });
  if (status?.outcome === 'active') checks.push(make('status', 'passed', 'status.active'));
  else if (status?.outcome === 'revoked') {
    const date = status.at ? formatDate(status.at, 'day') : undefined;
    checks.push(
      make('status', 'failed', 'status.revoked', { date, reason: status.reason, replacement: status.supersededBy }, {
        ...(status.at ? { revokedAt: xsdDateTime(status.at) } : {}),
        ...(status.reason ? { reason: status.reason } : {}),
        ...(status.supersededBy ? { supersededBy: status.supersededBy } : {}),
      }),
    );
  } else if (status?.outcome === 'suspended') {
    const until = status.until ? xsdDateTime(status.until) : undefined;
    checks.push(
      make('status', 'failed', 'status.suspended', { until: status.until && formatDate(status.until, 'instant'), reason: status.reason }, { ...(until ? { until } : {}), ...(status.reason ? { reason: status.reason } : {}) }),
    );
  } else if (status?.outcome === 'unreadable') checks.push(make('status', 'unknown', 'status.unreadable', { reason: status.reason }, { reason: status.reason, error: status.error }));

  checks.push(validityCheck(credential, now, make, formatDate));

  const schema = validateOpenBadgeCredential(credential);
  if (schema.valid) checks.push(make('schema', 'passed', 'schema.ob3'));
  else {
    const reason = schema.errors.slice(0, 3).map((error) => `${error.path || 'credential'}: ${error.message}`).join('; ');
    checks.push(make('schema', 'failed', 'schema.invalid', { reason }, { errors: schema.errors }));
  }

  const verdict = verdictOf(checks);
  return { verified: verdict === 'valid', verdict, checkedAt: xsdDateTime(now), credential: summary, checks };
}

function validityCheck(
  credential: Record<string, unknown>,
  now: Date,
  make: (check: CheckName, status: CheckOutcome, code: CheckCode, params?: Record<string, string | undefined>) => Check,
  formatDate: MessageDateFormat,
): Check {
  const parse = (value: unknown) => (typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? new Date(value) : undefined);
  const validFrom = parse(credential.validFrom);
  const validUntil = parse(credential.validUntil);
  if (validUntil && now > validUntil) return make('validity', 'failed', 'validity.expired', { validUntil: formatDate(validUntil, 'instant') });
  if (validFrom && now.getTime() + CLOCK_SKEW_MS < validFrom.getTime()) {
    return make('validity', 'failed', 'validity.not-yet-valid', { validFrom: formatDate(validFrom, 'instant') });
  }
  return make('validity', 'passed', 'validity.current', { validUntil: validUntil && formatDate(validUntil, 'instant') });
}

/**
 * A proof's `created` names a second, not an instant: a condition holds at signing if it held at some point
 * in that second (a grant made at 10:00:00.400 covers a credential stamped 10:00:00).
 */
function duringSignedSecond(signedAt: Date, holds: (at: Date) => boolean): boolean {
  return holds(signedAt) || holds(new Date(signedAt.getTime() + 999));
}

/** The credential's achievement, if it names one, with its catalogue id when the URL is one of our courses'. */
function namedAchievement(credential: Record<string, unknown>, publicBaseUrl: string): { ownId?: string } | undefined {
  const subject = asRecord(firstOf(credential.credentialSubject));
  if (subject.achievement === undefined) return undefined;
  const id = asRecord(subject.achievement).id;
  const prefix = `${publicBaseUrl}/achievements/`;
  if (typeof id !== 'string' || !id.startsWith(prefix)) return {};
  const candidate = id.slice(prefix.length);
  return isUuid(candidate) ? { ownId: candidate } : {};
}

/** A centre's status when it signed: the last recorded change before then; active from its creation. */
function centreStandingAt({ centre, statusChanges }: IssuerFacts, at: Date) {
  const recorded = statusChanges.findLast((change) => change.changedAt <= at);
  if (recorded) return recorded.status;
  return at.getTime() + CLOCK_SKEW_MS >= centre.createdAt.getTime() ? 'active' : undefined;
}

/** When a proof names one of our keys marked compromised, the date it was; otherwise undefined. */
async function compromisedOwnKey({ ctx, facts, verificationMethod }: { ctx: AppContext; facts?: IssuerFacts; verificationMethod: unknown }) {
  if (typeof verificationMethod !== 'string' || !verificationMethod.includes('#')) return undefined;
  const [did = '', fragment = ''] = verificationMethod.split('#', 2);
  if (!parseOwnDid(did, ctx.config.publicBaseUrl)) return undefined;
  // a centre's keys come with its cached facts; the platform's own (rarely verified against) from the database
  if (facts) return facts.compromisedKeys.get(fragment);
  const key = await findKeyByPublicKey(ctx.db, fragment);
  return key?.status === 'compromised' ? (key.compromisedAt ?? new Date(0)) : undefined;
}

/** The uuid of one of our credentials named by its uuid, its public URL or its short code. */
export async function ownCredentialId({ ctx, id, url, code }: { ctx: AppContext; id?: string; url?: string; code?: string }): Promise<string> {
  if (code !== undefined) return credentialIdForCode({ ctx, code });
  if (url !== undefined) {
    // the short link a QR code carries names the credential by its code
    const shortLink = `${ctx.config.publicBaseUrl}/v/`;
    if (url.startsWith(shortLink)) return credentialIdForCode({ ctx, code: url.slice(shortLink.length).split(/[?#]/)[0] ?? '' });
    const prefix = `${ctx.config.publicBaseUrl}/credentials/`;
    const candidate = url.startsWith(prefix) ? url.slice(prefix.length).split(/[?#]/)[0] : undefined;
    if (!candidate || !isUuid(candidate)) {
      throw new HttpProblem({
        status: 422,
        type: problemType('foreign-url'),
        title: 'Unprocessable Content',
        detail: `Only credential links of this service (${prefix}<id>) can be verified by URL; for another issuer's credential, send the JSON as verifiableCredential.`,
        errors: [{ path: 'body.url', message: 'not a credential link of this service' }],
      });
    }
    return candidate;
  }
  if (!id) throw badRequest('Send one of verifiableCredential, url, id or code.');
  return id;
}

/** Loads one of our own credentials by its uuid, public URL or short code, for verification by reference. */
export async function loadOwnCredential(reference: { ctx: AppContext; id?: string; url?: string; code?: string }): Promise<Record<string, unknown>> {
  const uuid = await ownCredentialId(reference);
  try {
    const { document } = await getStoredCredential({ ctx: reference.ctx, id: uuid });
    return JSON.parse(document) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof HttpProblem && error.status === 404) throw notFound(`No credential of this service has the id "${uuid}".`);
    throw error;
  }
}
