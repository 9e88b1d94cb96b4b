import type { Principal } from '../../plugins/auth.js';
import type { AppContext } from '../../plugins/context.js';
import { isLanguage, type Language } from '../../lib/i18n.js';
import { HttpProblem, problemType } from '../../lib/problem.js';
import { DATA_INTEGRITY_V2_CONTEXT, isBundledContext, OB_V3_CONTEXT } from '../../vc/contexts.js';
import { checkCredentialDataModel, dataModelVersion, knownContextCheck, validityPeriod } from '../../vc/data-model.js';
import { compareInstants, parseDateTimeStamp } from '../../vc/date-time.js';
import { centreDid } from '../../vc/did-web.js';
import { validateOpenBadgeCredential } from '../../vc/ob3-schema.js';
import { envelopeCredential, isEnvelopedCredential, readEnvelope } from '../../vc/jose.js';
import type { ActiveSigningKey } from '../../vc/keys.js';
import { SigningError, signCredential } from '../../vc/sign.js';
import { recordAuditEvent } from '../audit/repository.js';
import { actorColumns } from '../audit/service.js';
import { centreIssuerProfile } from '../centres/service.js';
import { type IssuanceRequest, issuingCentre, signAndStore } from '../credentials/service.js';
import { credentialUrl, xsdDateTime } from '../credentials/document.js';
import type { AchievementRow } from '../achievements/repository.js';
import type { CentreRow } from '../centres/repository.js';
import { assertMayCertifyNamedCourses } from '../authorisations/service.js';
import { verifyCredential } from '../verification/service.js';
import { relatedResourceMismatches } from '../verification/related-resources.js';
import type { Check, VerificationReport } from '../verification/report.js';
import type { IssueOptions, VcalmProblem } from './schemas.js';
import { issueWithStatusEntry } from './status.js';

// Problem types: VCALM's own, and the VC Data Model 2.0 error types (§7.1 "Problem Details").
const VCALM_UNKNOWN_OPTION = 'https://www.w3.org/TR/vcalm#UNKNOWN_OPTION_PROVIDED';
export const VCDM = 'https://www.w3.org/TR/vc-data-model-2.0#';

export const invalidInput = (type: string, detail: string, errors?: { path: string; message: string }[]) =>
  new HttpProblem({ status: 400, type, title: 'Bad Request', detail, errors });

export function rejectUnknownOptions(options: Record<string, unknown> | undefined, known: Record<string, 'boolean' | 'string' | 'checked by the schema'>) {
  for (const [name, value] of Object.entries(options ?? {})) {
    const expected = known[name];
    if (!expected) {
      // challenge and domain bind a presentation's proof to a verifier's request; an issued credential has neither
      const hint = name === 'challenge' || name === 'domain' ? ` ("${name}" belongs to presentations: VCALM issue defines no such option)` : '';
      throw invalidInput(VCALM_UNKNOWN_OPTION, `Unknown option "${name}"${hint}; this endpoint understands: ${Object.keys(known).join(', ') || 'none'}.`, [
        { path: `body.options.${name}`, message: 'unknown option' },
      ]);
    }
    if (expected !== 'checked by the schema' && typeof value !== expected) {
      throw invalidInput(`${VCDM}MALFORMED_VALUE_ERROR`, `Option "${name}" must be a ${expected}.`, [{ path: `body.options.${name}`, message: `must be a ${expected}` }]);
    }
  }
}

// Tolerated clock difference for a `created` option slightly ahead of this machine's clock.
const CLOCK_SKEW_MS = 60_000;

/**
 * The `created` option: the proof's creation time, an XML Schema dateTimeStamp (VC Data Integrity §2.1), not in the
 * future (a proof cannot have been made later than now). Whole seconds are kept as given, fractions too.
 */
function proofCreated(created: string, now: Date): Date {
  const parsed = parseDateTimeStamp(created);
  const problem = (detail: string) => invalidInput(`${VCDM}MALFORMED_VALUE_ERROR`, `Option "created" ${JSON.stringify(created)} ${detail}`, [{ path: 'body.options.created', message: detail }]);
  if (typeof parsed === 'string') throw problem(parsed);
  const at = new Date(created);
  const latest = parseDateTimeStamp(new Date(now.getTime() + CLOCK_SKEW_MS).toISOString());
  if (Number.isNaN(at.getTime()) || (typeof latest !== 'string' && compareInstants(parsed, latest) > 0)) {
    throw problem('is in the future (or outside the dates this service can sign); a proof is created at or before the time of signing.');
  }
  return at;
}

/** Contexts must all be bundled (contexts are never fetched). */
function checkContexts(credential: Record<string, unknown>, root: string) {
  const unknown = knownContextCheck(credential['@context'], isBundledContext);
  if (unknown.length > 0) {
    throw invalidInput(
      `${VCDM}PARSING_ERROR`,
      `Unknown context ${unknown.join(', ')}: only bundled contexts are accepted (contexts are never fetched).`,
      unknown.map((url) => ({ path: `${root}.@context`, message: `unknown context ${url}` })),
    );
  }
}

function rejectDataModelViolations(credential: unknown, allowProof: boolean, root: string) {
  const violations = checkCredentialDataModel(credential, { allowProof });
  if (violations.length > 0) {
    throw invalidInput(
      `${VCDM}MALFORMED_VALUE_ERROR`,
      `The credential breaks the VC Data Model 2.0: ${violations.map((v) => `${v.rule} at ${v.path || 'the credential'}: ${v.message}`).join(' ')}`,
      violations.map((v) => ({ path: [root, v.path].filter(Boolean).join('.'), message: `${v.rule}: ${v.message}` })),
    );
  }
}

/**
 * VCALM POST /credentials/issue: signs a caller-built credential as the caller's centre. The issuer, when
 * present, must be that centre's DID; when absent it is filled in. A VC 2.0 credential of one of our courses is an
 * IIOE micro-credential (stored, revocable, with a page); any other credential is signed and audited, and stored
 * only when options.credentialStatus gives it a status entry (so that it can be revoked).
 * A VC 1.1 credential is signed as given, with the Data Integrity context its proof needs: it gets no status entry,
 * so it cannot be revoked.
 */
export async function issueVcalmCredential({
  ctx,
  principal,
  credential: input,
  options = {},
}: {
  ctx: AppContext;
  principal: Principal;
  credential: Record<string, unknown>;
  options?: IssueOptions;
}) {
  rejectUnknownOptions(options, { credentialId: 'string', mandatoryPointers: 'checked by the schema', credentialStatus: 'checked by the schema', created: 'string', securing: 'string' });
  if (options.mandatoryPointers !== undefined) {
    throw invalidInput(VCALM_UNKNOWN_OPTION, 'mandatoryPointers applies to selective-disclosure cryptosuites; this issuer signs with eddsa-rdfc-2022.');
  }
  const created = options.created === undefined ? undefined : proofCreated(options.created, ctx.clock.now());
  const centre = await issuingCentre({ ctx, principal });
  // per request, else the centre's default
  const securing = options.securing ?? centre.vcalmSecuring;
  const did = centreDid(ctx.config.publicBaseUrl, centre.slug);
  const credential = structuredClone(input);
  // A caller's one-item string @context is written out as the ordered set (array) the data model requires:
  // the service signs what it would accept to verify.
  if (typeof credential['@context'] === 'string') credential['@context'] = [credential['@context']];
  checkContexts(credential, 'body.credential');
  const v1 = dataModelVersion(credential) === '1.1';
  if (securing === 'vc-jwt') rejectForJwt({ v1, created });
  const contexts = credential['@context'] as unknown[];
  // VC 1.1's base context does not define DataIntegrityProof; its own context, added last, is all that is added.
  if (v1 && Array.isArray(contexts) && !contexts.includes(DATA_INTEGRITY_V2_CONTEXT)) contexts.push(DATA_INTEGRITY_V2_CONTEXT);

  const isOpenBadge = Array.isArray(contexts) && contexts.some((context) => typeof context === 'string' && context.startsWith('https://purl.imsglobal.org/spec/ob/v3p0/'));
  if (credential.issuer === undefined) {
    // The OB 3.0 context defines Profile and url; a plain VC gets the DID alone so every term stays defined.
    credential.issuer = isOpenBadge ? centreIssuerProfile({ centre, publicBaseUrl: ctx.config.publicBaseUrl, language: centre.defaultLanguage as Language }) : did;
  } else {
    const issuerId = typeof credential.issuer === 'string' ? credential.issuer : (credential.issuer as { id?: unknown })?.id;
    if (issuerId !== did) {
      throw invalidInput(`${VCDM}MALFORMED_VALUE_ERROR`, `The issuer must be your centre, ${did} (or omitted); got ${JSON.stringify(issuerId ?? null)}.`, [
        { path: 'body.credential.issuer', message: `must be ${did}` },
      ]);
    }
  }
  // Open Badges 3.0 requires validFrom; a plain VC 2.0 credential may go without (a 1.1 one brings its issuanceDate).
  if (isOpenBadge && !v1 && credential.validFrom === undefined) credential.validFrom = xsdDateTime(new Date(Math.floor(Date.now() / 1000) * 1000));

  rejectDataModelViolations(credential, false, 'body.credential');
  if (isOpenBadge && Array.isArray(contexts) && contexts.includes(OB_V3_CONTEXT)) {
    const result = validateOpenBadgeCredential(credential);
    if (!result.valid) {
      throw invalidInput(
        `${VCDM}MALFORMED_VALUE_ERROR`,
        `The credential is not a valid Open Badges 3.0 credential: ${result.errors.slice(0, 5).map((e) => `${e.path}: ${e.message}`).join('; ')}`,
        result.errors.map((e) => ({ path: `body.credential.${e.path}`, message: e.message })),
      );
    }
  }
  await rejectRelatedResourceMismatches(ctx, credential);

  // Every achievement it names must be an IIOE course the centre is authorised for, now (as our own issuance).
  const courses = await assertMayCertifyNamedCourses({ ctx, centre, credential });
  if (v1 && courses.length > 0) {
    throw invalidInput(`${VCDM}MALFORMED_VALUE_ERROR`, 'A credential for an IIOE course is issued as VC Data Model 2.0 (it gets a revocation entry, a page and a short code); send it with the "https://www.w3.org/ns/credentials/v2" context and validFrom.', [
      { path: 'body.credential.@context', message: 'course credentials are VC 2.0' },
    ]);
  }
  if (options.credentialStatus !== undefined && v1) throw statusEntryUnavailable();
  const credentialId = options.credentialId ?? (typeof credential.id === 'string' ? credential.id : null);
  const sign = ({ credential: unsigned, key }: { credential: Record<string, unknown>; key: ActiveSigningKey }) =>
    signCredential({ credential: unsigned, key, ...(created ? { created } : {}) });
  const secure = async ({ credential: unsecured, key }: { credential: Record<string, unknown>; key: ActiveSigningKey }): Promise<Record<string, unknown>> =>
    securing === 'vc-jwt' ? { ...(await envelopeCredential({ credential: unsecured, key })) } : sign({ credential: unsecured, key });
  try {
    const key = await ctx.keys.activeAssertionKey({ centreId: centre.id, did });
    if (courses.length > 0) {
      // the stored credential (its page, JSON and status) keeps its Data Integrity proof; vc-jwt envelopes the same credential
      const stored = await storeCourseCredential({ ctx, principal, centre, course: courses, credential, credentialId, sign });
      const { proof: _proof, ...unsecured } = stored;
      return { verifiableCredential: securing === 'vc-jwt' ? await secure({ credential: unsecured, key }) : stored };
    }
    const auditDetails = { credentialId, type: credential.type ?? null, dataModel: v1 ? '1.1' : '2.0', securing };
    if (options.credentialStatus !== undefined) {
      rejectOwnStatus(credential, 'options.credentialStatus asks the service for the entry');
      return { verifiableCredential: await issueWithStatusEntry({ ctx, principal, centre, credential, callerCredentialId: options.credentialId ?? null, secure, auditDetails }) };
    }
    const verifiableCredential = await secure({ credential, key });
    await recordAuditEvent(ctx.db, { centreId: centre.id, ...actorColumns(principal), action: 'credential.signed.vcalm', details: auditDetails });
    return { verifiableCredential };
  } catch (error) {
    // Safe-mode JSON-LD failures (undefined terms, bad values) are the caller's to fix.
    if (error instanceof SigningError) throw invalidInput(`${VCDM}PARSING_ERROR`, `The credential cannot be signed: ${error.message}`);
    throw error;
  }
}

/** VC-JOSE-COSE secures VC Data Model 2.0 credentials, and its JWT has no proof whose `created` could be set. */
function rejectForJwt({ v1, created }: { v1: boolean; created?: Date }) {
  if (v1) {
    throw invalidInput(`${VCDM}MALFORMED_VALUE_ERROR`, 'VC-JOSE-COSE (vc-jwt) secures VC Data Model 2.0 credentials; sign a 1.1 credential with "securing": "data-integrity".', [
      { path: 'body.options.securing', message: 'vc-jwt needs a VC 2.0 credential' },
    ]);
  }
  if (created) {
    throw invalidInput(`${VCDM}MALFORMED_VALUE_ERROR`, 'Option "created" sets a Data Integrity proof\'s time; a vc-jwt has no such proof. Leave "created" out or use "securing": "data-integrity".', [
      { path: 'body.options.created', message: 'only with data-integrity' },
    ]);
  }
}

/** The Bitstring Status List is a VC 2.0 mechanism: a 1.1 credential is signed without an entry, so it cannot be revoked. */
const statusEntryUnavailable = () =>
  new HttpProblem({
    status: 400,
    type: problemType('status-entry-unavailable'),
    title: 'Bad Request',
    detail: 'A VC Data Model 1.1 credential gets no status entry (the Bitstring Status List is a VC 2.0 mechanism), so it cannot be revoked; leave options.credentialStatus out, or issue it as VC 2.0.',
    errors: [{ path: 'body.options.credentialStatus', message: 'no status entry for a VC 1.1 credential' }],
  });

/** The service gives the status entry; a caller's own would be a second one, or one pointing at a list that is not ours. */
function rejectOwnStatus(credential: Record<string, unknown>, why: string) {
  if (credential.credentialStatus !== undefined) {
    throw invalidInput(`${VCDM}MALFORMED_VALUE_ERROR`, `Leave credentialStatus out: ${why}.`, [{ path: 'body.credential.credentialStatus', message: 'assigned by the service' }]);
  }
}

/** §5.3 Integrity of Related Resources: a digest this service can check must match what it holds. */
async function rejectRelatedResourceMismatches(ctx: AppContext, credential: Record<string, unknown>) {
  const problems = await relatedResourceMismatches({ ctx, credential });
  if (problems.length > 0) {
    throw invalidInput(
      `${VCDM}MALFORMED_VALUE_ERROR`,
      `A related resource does not match its digest: ${problems.map((problem) => problem.message).join(' ')}`,
      problems.map((problem) => ({ path: `body.credential.${problem.path}`, message: problem.message })),
    );
  }
}

/**
 * A credential for one of our courses is an IIOE micro-credential like those of the product API: it gets a random
 * entry of the centre's revocation list and is stored (so it can be revoked, suspended or corrected), in the same
 * statement that checks the authorisation. Its `id`, when absent, becomes its public URL.
 */
async function storeCourseCredential({
  ctx,
  principal,
  centre,
  course: courses,
  credential,
  credentialId,
  sign,
}: {
  ctx: AppContext;
  principal: Principal;
  centre: CentreRow;
  course: AchievementRow[];
  credential: Record<string, unknown>;
  credentialId: string | null;
  sign: IssuanceRequest['sign'];
}): Promise<Record<string, unknown>> {
  const [course, ...others] = courses;
  if (!course || others.length > 0) {
    throw invalidInput(`${VCDM}MALFORMED_VALUE_ERROR`, 'A credential certifies one course: name a single achievement.', [{ path: 'body.credential.credentialSubject', message: 'one achievement' }]);
  }
  rejectOwnStatus(credential, 'this service gives every course credential its one revocation entry');
  const subject = (Array.isArray(credential.credentialSubject) ? credential.credentialSubject[0] : credential.credentialSubject) as Record<string, unknown>;
  const achievement = subject.achievement as Record<string, unknown>;
  const named = (subject.identifier as { identityType?: unknown; hashed?: unknown; identityHash?: unknown }[] | undefined)?.find(
    (identity) => identity.identityType === 'name' && identity.hashed === false && typeof identity.identityHash === 'string',
  );
  const language = typeof achievement.inLanguage === 'string' && isLanguage(achievement.inLanguage) ? achievement.inLanguage : (centre.defaultLanguage as Language);
  const { verifiableCredential } = await signAndStore({
    ctx,
    principal,
    centre,
    achievement: course,
    language,
    // the row's record of the learner and dates, read from the caller's credential
    input: {
      achievementId: course.id,
      recipient: {
        name: typeof named?.identityHash === 'string' ? named.identityHash : '',
        ...(typeof subject.id === 'string' && subject.id.startsWith('did:') ? { did: subject.id } : {}),
      },
      validFrom: credential.validFrom as string,
      ...(typeof credential.validUntil === 'string' ? { validUntil: credential.validUntil } : {}),
    },
    document: ({ id, credentialStatus }) => ({ ...credential, id: credential.id ?? credentialUrl(ctx.config.publicBaseUrl, id), credentialStatus }),
    auditDetails: { via: 'vcalm', ...(credentialId ? { credentialId } : {}) },
    sign,
  });
  return verifiableCredential;
}

// Bitstring Status List §3.5: processing errors are problem types under this prefix.
const STATUS_LIST_ERRORS = 'https://www.w3.org/ns/credentials/status-list#';

/**
 * A failed or unknown check as a VCALM problem detail: VC Data Model 2.0 error types for the proof and the
 * validity period, the Bitstring Status List's processing errors for a list that could not be read, and our own
 * problem types for a credential that is revoked or suspended (a status, not a processing error).
 */
const problemOf = (check: Check, publicBaseUrl: string): VcalmProblem => {
  const titled = (type: string) => ({ type, title: check.code, detail: check.message });
  if (check.check === 'status') {
    if (check.code === 'status.revoked') return titled(`${publicBaseUrl}${problemType('credential-revoked')}`);
    if (check.code === 'status.suspended') return titled(`${publicBaseUrl}${problemType('credential-suspended')}`);
    const error = check.details?.error;
    return titled(error === 'RANGE_ERROR' ? `${VCDM}RANGE_ERROR` : `${STATUS_LIST_ERRORS}${typeof error === 'string' ? error : 'STATUS_VERIFICATION_ERROR'}`);
  }
  return titled(`${VCDM}${check.check === 'proof' ? 'CRYPTOGRAPHIC_SECURITY_ERROR' : check.check === 'validity' ? 'RANGE_ERROR' : 'MALFORMED_VALUE_ERROR'}`);
};

/**
 * VCALM POST /credentials/verify. 200 for every well-formed request, `verified` false when the proof,
 * validity period or status fails (VCALM: "the verification process itself succeeded, regardless of
 * whether the credentials were determined to be valid"); 400 for malformed input. Issuer recognition and
 * the Open Badges shape are our report's business, not VCALM's, and do not change `verified` here.
 */
export async function verifyVcalmCredential({
  ctx,
  credential,
  options,
}: {
  ctx: AppContext;
  credential: Record<string, unknown>;
  options?: Record<string, unknown>;
}) {
  // `checks` is sent by the W3C CCG test suites and bedrock clients; accepted and ignored (we run all).
  const { checks: _ignored, ...vcalmOptions } = options ?? {};
  rejectUnknownOptions(vcalmOptions, { returnResults: 'boolean', returnProblemDetails: 'boolean', returnCredential: 'boolean' });
  // The credential is checked exactly as sent: the data-model rules are the ones the product verifier's proof
  // check applies (checkCredentialDataModel), so both answer alike for the same document. An
  // EnvelopedVerifiableCredential (vc+jwt) is checked by the credential its JWT holds, which carries no proof.
  const input = structuredClone(credential);
  const envelope = isEnvelopedCredential(input) ? readEnvelope(input) : undefined;
  if (envelope && 'problem' in envelope) {
    throw invalidInput(`${VCDM}MALFORMED_VALUE_ERROR`, `The EnvelopedVerifiableCredential cannot be read: ${envelope.problem}.`, [
      { path: `body.verifiableCredential.${envelope.field}`, message: envelope.problem },
    ]);
  }
  const secured = envelope?.payload ?? input;
  const root = envelope ? 'body.verifiableCredential.id(JWT payload)' : 'body.verifiableCredential';
  checkContexts(secured, root);
  rejectDataModelViolations(secured, !envelope, root);
  if (!envelope && input.proof === undefined) {
    throw invalidInput(`${VCDM}MALFORMED_VALUE_ERROR`, 'The credential has no proof; nothing can be verified.', [{ path: 'body.verifiableCredential.proof', message: 'required' }]);
  }

  const report = await verifyCredential({ ctx, credential: input });
  return vcalmCredentialResult({ report, credential, options: vcalmOptions, publicBaseUrl: ctx.config.publicBaseUrl });
}

/**
 * A credential's VCALM VerificationResult, read from our report: `verified` when the proof, validity period and
 * status passed; the failing ones as problem details; results per proof, validFrom/validUntil and status entry when
 * asked. /credentials/verify answers with it, and /presentations/verify for each credential of a presentation.
 */
export function vcalmCredentialResult({
  report,
  credential,
  options: vcalmOptions,
  publicBaseUrl,
}: {
  report: VerificationReport;
  credential: Record<string, unknown>;
  options: { returnResults?: unknown; returnProblemDetails?: unknown; returnCredential?: unknown };
  publicBaseUrl: string;
}) {
  const relevant = report.checks.filter((check) => check.check === 'proof' || check.check === 'validity' || check.check === 'status');
  const failing = relevant.filter((check) => check.status !== 'passed');
  const verified = failing.length === 0;
  const passed = (name: string) => !relevant.some((check) => check.check === name && check.status !== 'passed');
  const validity = report.checks.find((check) => check.check === 'validity');
  // an EnvelopedVerifiableCredential is answered for the credential it holds, its JWS protected header standing for the proof
  const read = isEnvelopedCredential(credential) ? readEnvelope(credential) : undefined;
  const held = read && 'payload' in read ? read.payload : credential;
  const proofs = read && 'header' in read ? [read.header] : Array.isArray(credential.proof) ? credential.proof : [credential.proof];
  const period = validityPeriod(held);
  return {
    verified,
    ...(vcalmOptions.returnCredential === true ? { credential } : {}),
    ...(vcalmOptions.returnProblemDetails !== false && failing.length > 0 ? { problemDetails: failing.map((check) => problemOf(check, publicBaseUrl)) } : {}),
    ...(vcalmOptions.returnResults === true
      ? {
          results: {
            proof: proofs.map((proof) => ({ verified: passed('proof'), input: proof })),
            // a VC 1.1 credential's issuanceDate and expirationDate are its validity period
            ...(period.validFrom !== undefined ? { validFrom: { verified: validity?.code !== 'validity.not-yet-valid', input: period.validFrom } } : {}),
            ...(period.validUntil !== undefined ? { validUntil: { verified: validity?.code !== 'validity.expired', input: period.validUntil } } : {}),
            ...(held.credentialStatus !== undefined ? { credentialStatus: [{ verified: passed('status'), input: held.credentialStatus }] } : {}),
          },
        }
      : {}),
  };
}
