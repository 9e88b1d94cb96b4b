import { createPublicKey } from 'node:crypto';
import { CompactSign, compactVerify, decodeProtectedHeader, importJWK, type ProtectedHeaderParameters } from 'jose';
import { VC_V2_CONTEXT } from './contexts.js';
import { checkCredentialDataModel } from './data-model.js';
import type { DidResolver } from './document-loader.js';
import { jsonWebKeyMethodId } from './json-web-key.js';
import type { ActiveSigningKey } from './keys.js';
import { idOf, type ProofOutcome } from './verify-proof.js';
import { asRecord } from '../lib/json.js';

// VC-JOSE-COSE (W3C), the JWT form: the unsecured credential is the JWS payload as it is (no `vc` claim), secured
// with EdDSA by the same Ed25519 key that makes our Data Integrity proofs, named by the JsonWebKey verification
// method our DID documents list beside each Multikey.

export const VC_JWT_MEDIA_TYPE = 'application/vc+jwt';
const DATA_URL_PREFIX = `data:${VC_JWT_MEDIA_TYPE},`;

export interface EnvelopedVerifiableCredential {
  '@context': string;
  id: string;
  type: 'EnvelopedVerifiableCredential';
}

/** VC Data Model 2.0 §4.13: an EnvelopedVerifiableCredential is a credential whose `type` says so. */
export function isEnvelopedCredential(value: unknown): boolean {
  const type = asRecord(value).type;
  return type === 'EnvelopedVerifiableCredential' || (Array.isArray(type) && type.includes('EnvelopedVerifiableCredential'));
}

// Tolerated clock difference between the signing and the verifying machine for an `iat` slightly ahead.
const CLOCK_SKEW_MS = 60_000;

/**
 * Secures an unsecured credential as a vc+jwt and wraps it as an EnvelopedVerifiableCredential (VC-JOSE-COSE
 * §3.1.1; VC Data Model 2.0 §4.13). Protected header: alg EdDSA, typ vc+jwt, cty vc, and as kid the DID URL of the
 * key's JsonWebKey verification method (`<did>#<RFC 7638 thumbprint>`). The payload is the credential with `iat`
 * (RFC 7519 §4.1.6), the signing instant, which verifiers judge the issuer's standing at as they judge a Data
 * Integrity proof's `created`. The caller has checked the credential.
 */
export async function envelopeCredential({
  credential,
  key,
  signedAt = new Date(),
}: {
  credential: Record<string, unknown>;
  key: ActiveSigningKey;
  signedAt?: Date;
}): Promise<EnvelopedVerifiableCredential> {
  // programming errors, not input errors: the enveloped credential is unsecured and is the payload itself
  if (credential.proof !== undefined) throw new Error('an enveloped credential carries no proof of its own');
  if ('vc' in credential || 'vp' in credential) throw new Error('VC-JOSE-COSE forbids the vc and vp claims');
  const did = key.verificationMethodId.split('#')[0] as string;
  const { kty, crv, x } = createPublicKey(key.privateKey).export({ format: 'jwk' });
  const kid = jsonWebKeyMethodId(did, { kty: kty as string, crv: crv as string, x: x as string });
  const payload = { ...credential, iat: Math.floor(signedAt.getTime() / 1000) };
  const jwt = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: 'EdDSA', typ: 'vc+jwt', cty: 'vc', kid })
    .sign(key.privateKey);
  return { '@context': VC_V2_CONTEXT, id: `${DATA_URL_PREFIX}${jwt}`, type: 'EnvelopedVerifiableCredential' };
}

/** A vc+jwt read without judging its signature: the compact JWS, its protected header and its payload (the credential). */
export interface ReadEnvelope {
  jwt: string;
  header: ProtectedHeaderParameters;
  payload: Record<string, unknown>;
}

export interface EnvelopeVerification {
  /** the enveloped credential (the JWT's payload), when it could be read */
  credential?: Record<string, unknown>;
  /** the JWS protected header, when it could be read: `kid` names the key it was signed with */
  header?: ProtectedHeaderParameters;
  outcome: ProofOutcome;
}

const invalid = (reason: string, read?: { header: ProtectedHeaderParameters; payload: Record<string, unknown> }): EnvelopeVerification => ({
  credential: read?.payload,
  header: read?.header,
  outcome: { outcome: 'invalid', reason, format: 'vc+jwt' },
});

/** The compact JWT of an EnvelopedVerifiableCredential (`id` = `data:application/vc+jwt,<jwt>`), or why there is none. */
/** Why an envelope cannot be read, and which of its members is at fault. */
export interface UnreadableEnvelope {
  problem: string;
  field: 'type' | '@context' | 'id';
}

function jwtOf(envelope: unknown): string | UnreadableEnvelope {
  const record = asRecord(envelope);
  if (!isEnvelopedCredential(record)) return { problem: 'it is not an EnvelopedVerifiableCredential', field: 'type' };
  const contexts = record['@context'];
  if (contexts !== VC_V2_CONTEXT && !(Array.isArray(contexts) && contexts[0] === VC_V2_CONTEXT)) {
    return { problem: `an EnvelopedVerifiableCredential's @context must be ${VC_V2_CONTEXT}`, field: '@context' };
  }
  if (typeof record.id !== 'string' || !record.id.startsWith(DATA_URL_PREFIX)) {
    return { problem: `its id must be a data: URL of media type ${VC_JWT_MEDIA_TYPE} (${DATA_URL_PREFIX}<JWT>); other envelopes are not supported`, field: 'id' };
  }
  return record.id.slice(DATA_URL_PREFIX.length);
}

/** The header and payload of a compact JWS, read without judging the signature; or why it is not one. */
function readJws(jwt: string): ReadEnvelope | UnreadableEnvelope {
  const parts = jwt.split('.');
  if (parts.length !== 3 || !parts.every((part, index) => /^[A-Za-z0-9_-]*$/.test(part) && (index === 2 || part.length > 0))) {
    return { problem: 'the envelope does not hold a compact JWS (three base64url parts)', field: 'id' };
  }
  try {
    const header = decodeProtectedHeader(jwt);
    const payload = JSON.parse(Buffer.from(parts[1] as string, 'base64url').toString('utf8')) as unknown;
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return { problem: 'the JWT payload is not a JSON object', field: 'id' };
    return { jwt, header, payload: payload as Record<string, unknown> };
  } catch {
    return { problem: 'the JWT header or payload is not base64url-encoded JSON', field: 'id' };
  }
}

/** An EnvelopedVerifiableCredential's JWT, header and payload, read WITHOUT verifying it; or why it cannot be read. */
export function readEnvelope(envelope: unknown): ReadEnvelope | UnreadableEnvelope {
  const jwt = jwtOf(envelope);
  return typeof jwt === 'string' ? readJws(jwt) : jwt;
}

/** The credential an EnvelopedVerifiableCredential holds, read WITHOUT verifying it (for what the caller compares). */
export function envelopedCredentialOf(envelope: unknown): Record<string, unknown> | undefined {
  const read = readEnvelope(envelope);
  return 'payload' in read ? read.payload : undefined;
}

/** A JWT's `iat` (RFC 7519 §4.1.6, seconds since the epoch) as an instant, when it has a valid one. */
export function issuedAtOf(payload: Record<string, unknown>): Date | undefined {
  return typeof payload.iat === 'number' && Number.isFinite(payload.iat) && !Number.isNaN(new Date(payload.iat * 1000).getTime()) ? new Date(payload.iat * 1000) : undefined;
}

/** Everything about the JWT that can be judged without the issuer's key. */
function headerAndPayloadProblem(header: ProtectedHeaderParameters, payload: Record<string, unknown>, now: Date): string | undefined {
  // VC-JOSE-COSE: credentials secured with alg "none" MUST be ignored; ours are EdDSA, the only algorithm accepted
  if (header.alg === 'none') return 'the JWT is unsecured (alg "none"), which VC-JOSE-COSE says must be ignored';
  if (header.alg !== 'EdDSA') return `the JWT algorithm ${JSON.stringify(header.alg ?? null)} is not accepted; this verifier checks EdDSA (Ed25519)`;
  if (header.typ !== 'vc+jwt') return `the JWT typ is ${JSON.stringify(header.typ ?? null)}, not "vc+jwt"`;
  if (header.cty !== undefined && header.cty !== 'vc') return `the JWT cty is ${JSON.stringify(header.cty)}, not "vc"`;
  if (header.crit !== undefined) return 'the JWT names critical header parameters this verifier does not understand';
  // VC-JOSE-COSE §3.1.1: the payload is the credential itself; the JWT claims vc and vp MUST NOT be present
  for (const claim of ['vc', 'vp']) if (claim in payload) return `the JWT payload has a "${claim}" claim, which VC-JOSE-COSE forbids (the credential is the payload itself)`;
  // RFC 7519 §4.1.4-6: registered time claims, when a JWT carries them, bind it too (ours carry iat only)
  if (typeof payload.exp === 'number' && now.getTime() >= payload.exp * 1000) return `the JWT expired at ${new Date(payload.exp * 1000).toISOString()} (exp)`;
  if (typeof payload.nbf === 'number' && now.getTime() < payload.nbf * 1000) return `the JWT is not valid before ${new Date(payload.nbf * 1000).toISOString()} (nbf)`;
  if (payload.iat !== undefined) {
    const issuedAt = issuedAtOf(payload);
    if (!issuedAt) return `the JWT iat ${JSON.stringify(payload.iat)} is not a time (seconds since 1970)`;
    if (issuedAt.getTime() > now.getTime() + CLOCK_SKEW_MS) return `the JWT says it was issued at ${issuedAt.toISOString()} (iat), which is in the future`;
  }
  const [violation] = checkCredentialDataModel(payload);
  if (violation) return `the enveloped credential is malformed: ${violation.message}`;
  return undefined;
}

/** The verification method `kid` names, when the DID document lists it under assertionMethod (by id or embedded). */
function assertionMethodOf(didDocument: Record<string, unknown>, kid: string): Record<string, unknown> | string {
  const listed = Array.isArray(didDocument.assertionMethod) ? didDocument.assertionMethod : [];
  const embedded = listed.map(asRecord).find((method) => method.id === kid);
  const referenced = listed.includes(kid) && Array.isArray(didDocument.verificationMethod) ? didDocument.verificationMethod.map(asRecord).find((method) => method.id === kid) : undefined;
  const method = embedded ?? referenced;
  if (!method) return `the key ${kid} is not an assertion method in the issuer's DID document`;
  return method;
}

/** A public Ed25519 JWK as VC-JOSE-COSE §4.3 wants it: a JsonWebKey method with publicKeyJwk, no private member. */
function jsonWebKeyProblem(method: Record<string, unknown>, controller: string): string | undefined {
  if (method.type !== 'JsonWebKey') return `the key ${String(method.id)} is a ${JSON.stringify(method.type ?? null)}, not a JsonWebKey with publicKeyJwk`;
  if (method.controller !== controller) return `the key ${String(method.id)} is not controlled by the issuer`;
  const jwk = asRecord(method.publicKeyJwk);
  if ('d' in jwk) return `the key ${String(method.id)} publishes a private key member`;
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') return `the key ${String(method.id)} is not an Ed25519 public JWK (kty OKP, crv Ed25519)`;
  return undefined;
}

/**
 * Verifies a vc+jwt EnvelopedVerifiableCredential (or its bare compact JWT): the header (EdDSA, typ vc+jwt) and
 * the payload (a credential, no vc/vp claim) are judged first; `kid` must be a DID URL of the payload's issuer,
 * and only then is that DID resolved, through `resolveDid` only. The key must be a JsonWebKey with an Ed25519
 * publicKeyJwk listed under assertionMethod. Returns the enveloped credential (for the report's other checks) and
 * the proof outcome, format vc+jwt. Never throws for bad input.
 */
export async function verifyEnvelopedCredential({
  envelope,
  jwt: bareJwt,
  resolveDid,
  now = new Date(),
}: {
  envelope?: unknown;
  jwt?: string;
  resolveDid: DidResolver;
  now?: Date;
}): Promise<EnvelopeVerification> {
  const read = bareJwt !== undefined ? readJws(bareJwt) : readEnvelope(envelope);
  if ('problem' in read) return invalid(read.problem);
  const { jwt, header, payload } = read;
  const problem = headerAndPayloadProblem(header, payload, now);
  if (problem) return invalid(problem, read);
  const issuer = idOf(payload.issuer) as string;
  if (typeof header.kid !== 'string' || !header.kid.startsWith(`${issuer}#`)) {
    return invalid(`the JWT kid ${JSON.stringify(header.kid ?? null)} is not a key of the issuer (${issuer}#…)`, read);
  }
  const unresolvable = (reason: string): EnvelopeVerification => ({ credential: payload, header, outcome: { outcome: 'unresolvable', reason, format: 'vc+jwt' } });

  let didDocument: Record<string, unknown> | undefined;
  try {
    didDocument = await resolveDid(issuer);
  } catch (error) {
    return unresolvable(`the DID ${issuer} could not be resolved: ${(error as Error).message}`);
  }
  if (!didDocument) return unresolvable(`the DID ${issuer} could not be resolved`);
  const method = assertionMethodOf(didDocument, header.kid);
  if (typeof method === 'string') return invalid(method, read);
  const keyProblem = jsonWebKeyProblem(method, issuer);
  if (keyProblem) return invalid(keyProblem, read);
  const { kty, crv, x } = asRecord(method.publicKeyJwk) as { kty: string; crv: string; x: string };
  try {
    await compactVerify(jwt, await importJWK({ kty, crv, x }, 'EdDSA'), { algorithms: ['EdDSA'] });
  } catch {
    return invalid('the signature does not verify', read);
  }
  return { credential: payload, header, outcome: { outcome: 'valid', format: 'vc+jwt' } };
}
