import { createPublicKey } from 'node:crypto';
import { decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose';
import { DidKeyError, resolveDidKey } from '../../vc/did-key.js';
import { ed25519JwkOf } from '../../vc/json-web-key.js';

/** The `typ` of an OpenID4VCI key proof JWT (1.0 Appendix F.1). */
export const KEY_PROOF_TYPE = 'openid4vci-proof+jwt';
/** Ed25519 signatures, under their JOSE names: EdDSA (RFC 8037) and its fully specified successor Ed25519 (RFC 9864). */
export const KEY_PROOF_ALGORITHMS = ['EdDSA', 'Ed25519'] as const;
// How old a proof may be (its `iat`), and how far ahead of our clock a wallet's may be.
const MAX_PROOF_AGE_SECONDS = 300;
const CLOCK_TOLERANCE_SECONDS = 60;

/** Why a key proof was refused: `invalid_proof`, or `invalid_nonce` for a proof whose only fault may be its nonce. */
export class KeyProofError extends Error {
  constructor(
    readonly error: 'invalid_proof' | 'invalid_nonce',
    description: string,
  ) {
    super(description);
    this.name = 'KeyProofError';
  }
}

const invalid = (description: string) => new KeyProofError('invalid_proof', description);

/** The public key a did:key DID URL names, offline (our did:key resolver accepts Ed25519 keys only). */
async function didKeyPublicKey(kid: string) {
  const [did = '', fragment] = kid.split('#');
  if (!fragment) throw invalid('The kid must be a DID URL naming a key: did:key:z6Mk...#z6Mk...');
  let document: Record<string, unknown>;
  try {
    document = await resolveDidKey(did);
  } catch (error) {
    if (error instanceof DidKeyError) throw invalid(`The kid does not name a usable did:key: ${error.message}.`);
    throw error;
  }
  const method = (document.verificationMethod as { id: string; publicKeyMultibase: string }[]).find((candidate) => candidate.id === kid);
  if (!method) throw invalid('The kid names no key of its did:key: use did:key:<key>#<key>.');
  const { kty, crv, x } = ed25519JwkOf(method.publicKeyMultibase);
  return { did, key: createPublicKey({ key: { kty, crv, x }, format: 'jwk' }) };
}

/**
 * Checks an OpenID4VCI `jwt` key proof (1.0 Appendix F.1 and F.4) and returns the DID it proves possession of and
 * its nonce: typed openid4vci-proof+jwt, signed with Ed25519 by the key its `kid` names (a did:key DID URL, the
 * binding method we offer; a `jwk` or `x5c` header is refused), for `audience`, issued within the last five minutes.
 * The nonce is returned unchecked: the caller spends it.
 */
export async function verifyKeyProof({ jwt, audience, now }: { jwt: unknown; audience: string; now: Date }): Promise<{ holderDid: string; nonce: string }> {
  if (typeof jwt !== 'string') throw invalid('Each jwt proof must be a compact JWT (a string).');
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(jwt);
  } catch {
    throw invalid('The proof is not a JWT: three base64url parts separated by dots, the first a JSON header.');
  }
  if (header.typ !== KEY_PROOF_TYPE) throw invalid(`The proof JWT header must have typ ${KEY_PROOF_TYPE}.`);
  if (!KEY_PROOF_ALGORITHMS.includes(header.alg as (typeof KEY_PROOF_ALGORITHMS)[number])) {
    throw invalid(`The proof must be signed with Ed25519 (alg ${KEY_PROOF_ALGORITHMS.join(' or ')}), not ${String(header.alg)}.`);
  }
  if (header.jwk !== undefined || header.x5c !== undefined) throw invalid('Bind the credential to a did:key: name the key with kid, not jwk or x5c.');
  if (typeof header.kid !== 'string' || !header.kid.startsWith('did:key:')) throw invalid('The proof JWT header must have a kid that is a did:key DID URL.');
  const { did, key } = await didKeyPublicKey(header.kid);
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(jwt, key, {
      typ: KEY_PROOF_TYPE,
      algorithms: [...KEY_PROOF_ALGORITHMS],
      audience,
      maxTokenAge: MAX_PROOF_AGE_SECONDS,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      currentDate: now,
    }));
  } catch (error) {
    if (error instanceof joseErrors.JWSSignatureVerificationFailed) throw invalid('The proof signature does not verify with the key its kid names.');
    if (error instanceof joseErrors.JWTClaimValidationFailed || error instanceof joseErrors.JWTExpired) {
      const claim = error.claim === 'aud' ? `aud must be the credential issuer, ${audience}` : error.claim === 'iat' ? 'iat must be the time the proof was made, within the last 5 minutes' : `the ${error.claim} claim is not acceptable`;
      throw invalid(`The proof was refused: ${claim}.`);
    }
    if (error instanceof joseErrors.JOSEError) throw invalid(`The proof is not a valid JWS: ${error.message.replace(/["\\]/g, '')}.`);
    throw error;
  }
  if (typeof payload.nonce !== 'string' || payload.nonce === '') throw invalid('The proof must carry the c_nonce from the nonce endpoint in its nonce claim.');
  return { holderDid: did, nonce: payload.nonce };
}
