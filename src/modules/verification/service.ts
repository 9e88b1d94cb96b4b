import type { Language } from '../../lib/i18n.js';
import { badRequest, notFound, problemType, HttpProblem } from '../../lib/problem.js';
import type { AppContext } from '../../plugins/context.js';
import { parseOwnDid } from '../../vc/did-web.js';
import { validateOpenBadgeCredential } from '../../vc/ob3-schema.js';
import { type EnvelopeVerification, isEnvelopedCredential, issuedAtOf, verifyEnvelopedCredential } from '../../vc/jose.js';
import { ed25519JwkOf, jwkThumbprint } from '../../vc/json-web-key.js';
import { type ProofOutcome, verifyCredentialProof } from '../../vc/verify-proof.js';
import { dataModelVersion, validityPeriod } from '../../vc/data-model.js';
import { OB_V3_CONTEXT, VC_V2_CONTEXT } from '../../vc/contexts.js';
import { relatedResourceMismatches } from './related-resources.js';
import { findKeyByPublicKey } from '../keys/repository.js';
import { authorisationStatusAt } from '../authorisations/service.js';
import type { IssuerFacts } from '../credentials/lookups.js';
import { credentialIdForCode, getStoredCredential } from '../credentials/service.js';
import { catalogueTextsFor, ownCourseId } from './catalogue-texts.js';
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
  credential: received,
  language = 'en',
  now = ctx.clock.now(),
  formatDate = isoMessageDate,
}: {
  ctx: AppContext;
  credential: Record<string, unknown>;
  language?: Language;
  now?: Date;
  /** ISO for machines (the default); pages pass the reader's own format */
  formatDate?: MessageDateFormat;
}): Promise<VerificationReport> {
  // A vc+jwt EnvelopedVerifiableCredential is judged by the credential it envelopes, its JWS standing for the proof.
  const envelope = isEnvelopedCredential(received) ? await verifyEnvelopedCredential({ envelope: received, resolveDid: ctx.resolveDid, now }) : undefined;
  const credential = envelope?.credential ?? received;
  const summary = summarise(credential);
  // the names the messages give: the credential's own, until a verified proof lets the catalogue speak the reader's language
  const names = { issuerName: summary.issuer.name ?? undefined, achievementName: summary.achievement ?? undefined };
  const make = (check: CheckName, status: CheckOutcome, code: CheckCode, params: Record<string, string | undefined> = {}, details?: Record<string, unknown>): Check => ({
    check,
    status,
    code,
    message: checkMessage(code, { ...names, ...params }, language),
    ...(details ? { details } : {}),
  });

  const issuerId = issuerIdOf(credential);
  const ownDid = issuerId ? parseOwnDid(issuerId, ctx.config.publicBaseUrl) : undefined;
  const facts = ownDid?.kind === 'centre' ? await ctx.lookups.issuer(ownDid.slug) : undefined;
  const centre = facts?.centre;
  const checks: Check[] = [];

  const signing = signingOf(credential, envelope);
  const signedAt = signing.at ?? now;
  const revokedKey = await compromisedOwnKey({ ctx, facts, verificationMethod: signing.verificationMethod });

  // proof
  const proof = await checkProof({ ctx, credential, envelopeProof: envelope?.outcome, unknownCentre: ownDid?.kind === 'centre' && !centre ? issuerId : undefined, revokedKey, formatDate });
  if (proof.status === 'passed') Object.assign(names, await namesForReader({ ctx, credential, language, names }));
  checks.push(make('proof', proof.status, proof.code, proof.params, proof.details));
  // Without a verified signature nothing the document says can be relied on, so nothing it claims is checked:
  // not its issuer's standing, nor its status list (which would make this server fetch a URL the sender chose).
  if (proof.status === 'passed') checks.push(...(await claimChecks({ ctx, credential, issuerId, facts, signedAt, now, make, formatDate })));
  else checks.push(...NOT_CHECKED_WITHOUT_PROOF.map(([check, code]) => make(check, 'unknown', code)));
  checks.push(schemaCheck(credential, make));

  const verdict = verdictOf(checks);
  return { verified: verdict === 'valid', verdict, checkedAt: xsdDateTime(now), credential: summary, checks };
}

type MakeCheck = (check: CheckName, status: CheckOutcome, code: CheckCode, params?: Record<string, string | undefined>, details?: Record<string, unknown>) => Check;

/** The checks that judge what a credential claims, each answered "not checked" when its signature did not verify. */
const NOT_CHECKED_WITHOUT_PROOF: [CheckName, CheckCode][] = [
  ['issuer', 'issuer.not-checked'],
  ['authorised', 'course.not-checked'],
  ['status', 'status.not-checked'],
  ['validity', 'validity.not-checked'],
];

/** The checks of what a credential with a verified signature claims: its issuer, authorisation, status and validity. */
async function claimChecks({
  ctx,
  credential,
  issuerId,
  facts,
  signedAt,
  now,
  make,
  formatDate,
}: {
  ctx: AppContext;
  credential: Record<string, unknown>;
  issuerId?: string;
  facts?: IssuerFacts;
  /** when it was signed (the proof's `created`, the JWT's `iat`): what standing and authorisation are judged at */
  signedAt: Date;
  now: Date;
  make: MakeCheck;
  formatDate: MessageDateFormat;
}): Promise<Check[]> {
  const checks: Check[] = [];
  const centre = facts?.centre;
  // issuer: a centre in the trust registry, judged at the time of issuance (the proof's `created`, the JWT's `iat`)
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
  return checks;
}

/** What the signature check found; made into a check once the names its message gives are known. */
interface ProofFinding {
  status: CheckOutcome;
  code: CheckCode;
  params?: Record<string, string | undefined>;
  details?: Record<string, unknown>;
}

async function checkProof({
  ctx,
  credential,
  envelopeProof,
  unknownCentre,
  revokedKey,
  formatDate,
}: {
  ctx: AppContext;
  credential: Record<string, unknown>;
  /** the outcome of the JWS when the credential came enveloped (vc+jwt) */
  envelopeProof?: ProofOutcome;
  /** the issuer id when it names a centre of this service that does not exist */
  unknownCentre?: string;
  revokedKey?: Date;
  formatDate: MessageDateFormat;
}): Promise<ProofFinding> {
  if (unknownCentre) return { status: 'failed', code: 'proof.invalid', params: { reason: `the issuer ${unknownCentre} does not exist on this service` } };
  if (revokedKey) return { status: 'failed', code: 'key.revoked', params: { date: formatDate(revokedKey, 'day') }, details: { compromisedAt: revokedKey.toISOString() } };
  const proof = envelopeProof ?? (await verifyCredentialProof({ credential, resolveDid: ctx.resolveDid }));
  if (proof.outcome === 'missing') return { status: 'failed', code: 'proof.missing' };
  // which proof format was checked (eddsa-rdfc-2022, eddsa-jcs-2022, Ed25519Signature2020, vc+jwt), when one was recognised
  const format = proof.format ? { proofFormat: proof.format } : {};
  if (proof.outcome === 'valid') {
    // VC 2.0 §5.3: a related resource vouched for by digest must still be what was signed for (where this service holds it)
    const [mismatch] = await relatedResourceMismatches({ ctx, credential });
    if (mismatch) return { status: 'failed', code: 'proof.invalid', params: { reason: mismatch.message }, details: { ...format, reason: mismatch.message, path: mismatch.path } };
    return { status: 'passed', code: 'proof.valid', details: format };
  }
  if (proof.outcome === 'unresolvable') return { status: 'unknown', code: 'proof.unresolvable', params: { reason: proof.reason }, details: { ...format, reason: proof.reason } };
  return { status: 'failed', code: 'proof.invalid', params: { reason: proof.reason }, details: { ...format, reason: proof.reason } };
}

/** The centre and course names for the messages: the catalogue's in the reader's language where it has them. */
async function namesForReader({ ctx, credential, language, names }: { ctx: AppContext; credential: Record<string, unknown>; language: Language; names: { issuerName?: string; achievementName?: string } }) {
  const texts = await catalogueTextsFor({ ctx, credential, language });
  return { issuerName: texts.centreName ?? names.issuerName, achievementName: texts.course?.name ?? names.achievementName };
}

function schemaCheck(credential: Record<string, unknown>, make: MakeCheck): Check {
  const schema = validateOpenBadgeCredential(dataModelVersion(credential) === '1.1' ? asVc2Edition(credential) : credential);
  if (schema.valid) return make('schema', 'passed', 'schema.ob3');
  const reason = schema.errors.slice(0, 3).map((error) => `${error.path || 'credential'}: ${error.message}`).join('; ');
  return make('schema', 'failed', 'schema.invalid', { reason }, { errors: schema.errors });
}

function validityCheck(credential: Record<string, unknown>, now: Date, make: MakeCheck, formatDate: MessageDateFormat): Check {
  const parse = (value: unknown) => (typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? new Date(value) : undefined);
  const period = validityPeriod(credential);
  const validFrom = parse(period.validFrom);
  const validUntil = parse(period.validUntil);
  if (validUntil && now > validUntil) return make('validity', 'failed', 'validity.expired', { validUntil: formatDate(validUntil, 'instant') });
  if (validFrom && now.getTime() + CLOCK_SKEW_MS < validFrom.getTime()) {
    return make('validity', 'failed', 'validity.not-yet-valid', { validFrom: formatDate(validFrom, 'instant') });
  }
  return make('validity', 'passed', 'validity.current', { validUntil: validUntil && formatDate(validUntil, 'instant') });
}

// The Open Badges 3.0 contexts published for its VC 1.1 edition (3.0.0-3.0.2), replaced by 3.0.3 for VC 2.0.
const OB_V1_EDITION_CONTEXTS = new Set([
  'https://purl.imsglobal.org/spec/ob/v3p0/context.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json',
]);

/**
 * An Open Badges 3.0 credential of the VC 1.1 edition, as the VC 2.0 edition writes the same data, for the OB 3.0
 * schema (which encodes the 2.0 edition): the base and OB contexts of the 2.0 edition, issuanceDate and
 * expirationDate as validFrom and validUntil. Everything else is judged as it is.
 */
function asVc2Edition(credential: Record<string, unknown>): Record<string, unknown> {
  const { issuanceDate, expirationDate, ...rest } = credential;
  const contexts = Array.isArray(credential['@context']) ? credential['@context'] : [];
  return {
    ...rest,
    '@context': [VC_V2_CONTEXT, ...contexts.slice(1).map((context) => (typeof context === 'string' && OB_V1_EDITION_CONTEXTS.has(context) ? OB_V3_CONTEXT : context))],
    ...(issuanceDate !== undefined ? { validFrom: issuanceDate } : {}),
    ...(expirationDate !== undefined ? { validUntil: expirationDate } : {}),
  };
}

/**
 * The key a credential says it was signed with and when, in either form: an embedded proof's verificationMethod
 * and `created`, or a vc+jwt's `kid` and `iat`. Neither is trusted before the signature verifies; a key marked
 * compromised is reported whatever the signature says, and the time only dates the claim checks of a verified one.
 */
function signingOf(credential: Record<string, unknown>, envelope?: EnvelopeVerification): { verificationMethod?: unknown; at?: Date } {
  if (envelope) return { verificationMethod: envelope.header?.kid, at: envelope.credential && issuedAtOf(envelope.credential) };
  const proof = asRecord(firstOf(credential.proof));
  return { verificationMethod: proof.verificationMethod, at: typeof proof.created === 'string' && !Number.isNaN(Date.parse(proof.created)) ? new Date(proof.created) : undefined };
}

/**
 * A proof's `created` (and a JWT's `iat`) names a second, not an instant: a condition holds at signing if it held at some point
 * in that second (a grant made at 10:00:00.400 covers a credential stamped 10:00:00).
 */
function duringSignedSecond(signedAt: Date, holds: (at: Date) => boolean): boolean {
  return holds(signedAt) || holds(new Date(signedAt.getTime() + 999));
}

/** The credential's achievement, if it names one, with its catalogue id when the URL is one of our courses'. */
function namedAchievement(credential: Record<string, unknown>, publicBaseUrl: string): { ownId?: string } | undefined {
  const subject = asRecord(firstOf(credential.credentialSubject));
  if (subject.achievement === undefined) return undefined;
  const ownId = ownCourseId(asRecord(subject.achievement), publicBaseUrl);
  return ownId ? { ownId } : {};
}

/** A centre's status when it signed: the last recorded change before then; active from its creation. */
function centreStandingAt({ centre, statusChanges }: IssuerFacts, at: Date) {
  const recorded = statusChanges.findLast((change) => change.changedAt <= at);
  if (recorded) return recorded.status;
  return at.getTime() + CLOCK_SKEW_MS >= centre.createdAt.getTime() ? 'active' : undefined;
}

/**
 * Whether a verification method's fragment names our key `publicKeyMultibase`: its Multikey method
 * (`#<publicKeyMultibase>`) or its JsonWebKey method (`#<RFC 7638 thumbprint>`), the two our DID documents list.
 */
const namesKey = (fragment: string, publicKeyMultibase: string) => fragment === publicKeyMultibase || fragment === jwkThumbprint(ed25519JwkOf(publicKeyMultibase));

/** When a proof or a JWT names one of our keys marked compromised (by either of its methods), the date it was; otherwise undefined. */
async function compromisedOwnKey({ ctx, facts, verificationMethod }: { ctx: AppContext; facts?: IssuerFacts; verificationMethod: unknown }) {
  if (typeof verificationMethod !== 'string' || !verificationMethod.includes('#')) return undefined;
  const [did = '', fragment = ''] = verificationMethod.split('#', 2);
  if (!parseOwnDid(did, ctx.config.publicBaseUrl)) return undefined;
  // a centre's keys come with its cached facts; the platform's own (rarely verified against, never in a JWT) from the database
  if (facts) return [...facts.compromisedKeys].find(([publicKeyMultibase]) => namesKey(fragment, publicKeyMultibase))?.[1];
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
