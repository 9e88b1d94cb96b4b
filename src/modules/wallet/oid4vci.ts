import type { Config } from '../../config.js';
import { LANGUAGES } from '../../lib/i18n.js';
import { asRecord } from '../../lib/json.js';
import type { AppContext } from '../../plugins/context.js';
import { OB_V3_CONTEXT, VC_V2_CONTEXT } from '../../vc/contexts.js';
import { pageMessages } from '../../web/messages/index.js';
import { OAuthError } from '../auth/service.js';
import { findCredential } from '../credentials/repository.js';
import { newToken, tokenHash } from '../staff/sessions.js';
import { HandOutRefused, handOut } from './hand-out.js';
import { KEY_PROOF_ALGORITHMS, KeyProofError, verifyKeyProof } from './key-proof.js';
import * as repository from './repository.js';
import { CREDENTIAL_CONFIGURATION_ID, offerableRefusal, PRE_AUTHORIZED_CODE_GRANT, WALLET_PATHS } from './service.js';

// An access token is asked for and spent within one wallet session; a nonce within one proof.
export const ACCESS_TOKEN_TTL_SECONDS = 600;
const NONCE_TTL_SECONDS = 300;

/**
 * OpenID4VCI 1.0 §12.2 Credential Issuer Metadata: we are the issuer and our own authorisation server (no
 * `authorization_servers`), with one credential configuration, an Open Badges 3.0 credential secured with Data
 * Integrity (`ldp_vc`), bound to a did:key when the wallet proves possession of it. `credential_metadata` holds its
 * display in four languages (1.0 puts display there; clients read it to tell 1.0 metadata from drafts).
 */
export function credentialIssuerMetadata(config: Pick<Config, 'publicBaseUrl'>) {
  const base = config.publicBaseUrl;
  const inEachLanguage = <T>(make: (words: ReturnType<typeof pageMessages>) => T) => LANGUAGES.map((locale) => ({ ...make(pageMessages(locale)), locale }));
  const claim = (path: (string | null)[], label: (words: ReturnType<typeof pageMessages>) => string) => ({ path, display: inEachLanguage((words) => ({ name: label(words) })) });
  return {
    credential_issuer: base,
    credential_endpoint: `${base}${WALLET_PATHS.credential}`,
    nonce_endpoint: `${base}${WALLET_PATHS.nonce}`,
    display: inEachLanguage((words) => ({ name: words.site.name })),
    credential_configurations_supported: {
      [CREDENTIAL_CONFIGURATION_ID]: {
        format: 'ldp_vc',
        credential_definition: { '@context': [VC_V2_CONTEXT, OB_V3_CONTEXT], type: ['VerifiableCredential', 'OpenBadgeCredential'] },
        cryptographic_binding_methods_supported: ['did:key'],
        // 1.0 Appendix A.1.2: a Data Integrity suite identifier (our proofs: DataIntegrityProof, eddsa-rdfc-2022)
        credential_signing_alg_values_supported: ['eddsa-rdfc-2022'],
        proof_types_supported: { jwt: { proof_signing_alg_values_supported: [...KEY_PROOF_ALGORITHMS] } },
        credential_metadata: {
          display: inEachLanguage((words) => ({ name: words.wallet.credentialName, description: words.wallet.credentialDescription, background_color: '#10325a', text_color: '#ffffff' })),
          claims: [
            claim(['credentialSubject', 'identifier', null, 'identityHash'], (words) => words.credential.recipient),
            claim(['credentialSubject', 'achievement', 'name'], (words) => words.credential.course),
            claim(['issuer', 'name'], (words) => words.credential.issuer),
            claim(['validFrom'], (words) => words.credential.issuedOn),
            claim(['validUntil'], (words) => words.credential.expiresOn),
          ],
        },
      },
    },
  };
}

/**
 * RFC 8414 Authorization Server Metadata of the service (where OpenID4VCI 1.0 wallets look when the issuer metadata
 * names no authorisation server): one token endpoint for API clients (client credentials) and wallets (pre-authorised
 * codes, no client authentication).
 */
export function authorizationServerMetadata(config: Pick<Config, 'publicBaseUrl'>) {
  const base = config.publicBaseUrl;
  return {
    issuer: base,
    token_endpoint: `${base}/oauth/token`,
    grant_types_supported: ['client_credentials', PRE_AUTHORIZED_CODE_GRANT],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    'pre-authorized_grant_anonymous_access_supported': true,
    // RFC 8414 requires the list; there is no authorization endpoint, so no response type
    response_types_supported: [],
  };
}

/**
 * The token request of the pre-authorised code flow (1.0 §6): the offer's code, once, for a short-lived opaque access
 * token bound to the offer (only its hash is kept). No transaction code is ever asked for, so one sent is refused.
 */
export async function redeemPreAuthorizedCode({ ctx, code, txCode }: { ctx: AppContext; code: unknown; txCode: unknown }) {
  if (typeof code !== 'string' || code === '') throw new OAuthError('invalid_request', 'The pre-authorized_code parameter is required for this grant.');
  if (txCode !== undefined) throw new OAuthError('invalid_request', 'This offer has no transaction code: send none.');
  const now = ctx.clock.now();
  const codeHash = tokenHash(code);
  const offer = await repository.findOfferByCodeHash(ctx.db, codeHash);
  if (!offer || offer.protocol !== 'oid4vci') throw new OAuthError('invalid_grant', 'The pre-authorized code is not valid: no offer has it.');
  if (offer.redeemedAt) throw new OAuthError('invalid_grant', 'The pre-authorized code was already used: each offer works once.');
  if (offer.expiresAt <= now) throw new OAuthError('invalid_grant', 'The pre-authorized code has expired: ask the centre for a new offer.');
  const credential = await findCredential(ctx.db, offer.credentialId);
  const refusal = credential && offerableRefusal(credential, now);
  if (!credential || refusal) throw new OAuthError('invalid_grant', refusal ?? 'The credential no longer exists.');
  const accessToken = newToken();
  const redeemed = await repository.redeemOffer(ctx.db, { codeHash, now, accessTokenHash: tokenHash(accessToken), accessTokenExpiresAt: new Date(now.getTime() + ACCESS_TOKEN_TTL_SECONDS * 1000) });
  // another request with the same code won the race
  if (!redeemed) throw new OAuthError('invalid_grant', 'The pre-authorized code was already used: each offer works once.');
  return { access_token: accessToken, token_type: 'Bearer' as const, expires_in: ACCESS_TOKEN_TTL_SECONDS };
}

/** 1.0 §7 Nonce Endpoint: a fresh unpredictable c_nonce, usable once for five minutes (stored as its hash). */
export async function issueNonce({ ctx }: { ctx: AppContext }) {
  const now = ctx.clock.now();
  const nonce = newToken();
  await repository.deleteNoncesExpiredBefore(ctx.db, now);
  await repository.insertNonce(ctx.db, { nonceHash: tokenHash(nonce), expiresAt: new Date(now.getTime() + NONCE_TTL_SECONDS * 1000) });
  return { c_nonce: nonce, c_nonce_expires_in: NONCE_TTL_SECONDS };
}

/** A Credential Endpoint error (1.0 §8.3.1, or RFC 6750 §3 for the access token), sent as `{error, error_description}`. */
export class CredentialRequestError extends Error {
  constructor(
    readonly error:
      | 'invalid_token'
      | 'invalid_credential_request'
      | 'unknown_credential_configuration'
      | 'unknown_credential_identifier'
      | 'invalid_proof'
      | 'invalid_nonce'
      | 'invalid_encryption_parameters'
      | 'credential_request_denied',
    description: string,
    readonly status = error === 'invalid_token' ? 401 : 400,
  ) {
    super(description);
    this.name = 'CredentialRequestError';
  }
}

/** The offer an access token was issued for, while the token is valid and has not yet obtained the credential. */
async function offerOfToken(ctx: AppContext, authorization: string | undefined) {
  const token = /^Bearer +([A-Za-z0-9_-]+)$/i.exec(authorization?.trim() ?? '')?.[1];
  if (!token) throw new CredentialRequestError('invalid_token', 'Send the access token from the token endpoint: Authorization: Bearer <token>.');
  const offer = await repository.findOfferByAccessTokenHash(ctx.db, tokenHash(token));
  if (!offer?.accessTokenExpiresAt) throw new CredentialRequestError('invalid_token', 'The access token is not valid.');
  if (offer.completedAt) throw new CredentialRequestError('invalid_token', 'The access token was already used to obtain the credential.');
  if (offer.accessTokenExpiresAt <= ctx.clock.now()) throw new CredentialRequestError('invalid_token', 'The access token has expired: redeem a new offer.');
  return offer;
}

/** The one jwt proof of a 1.0 Credential Request, if any; what the request may not contain is refused here. */
function readRequest(body: unknown): { jwt?: unknown } {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new CredentialRequestError('invalid_credential_request', 'The request body must be a JSON object.');
  const request = body as Record<string, unknown>;
  if (request.credential_identifier !== undefined) {
    throw new CredentialRequestError('unknown_credential_identifier', 'This issuer gives no credential identifiers: send credential_configuration_id.');
  }
  if (request.credential_configuration_id === undefined) {
    // a draft-era request names a format instead of a configuration
    throw new CredentialRequestError('invalid_credential_request', `Send credential_configuration_id (OpenID4VCI 1.0): ${CREDENTIAL_CONFIGURATION_ID}.`);
  }
  if (request.credential_configuration_id !== CREDENTIAL_CONFIGURATION_ID) {
    throw new CredentialRequestError('unknown_credential_configuration', `The only credential configuration is ${CREDENTIAL_CONFIGURATION_ID}.`);
  }
  if (request.credential_response_encryption !== undefined) throw new CredentialRequestError('invalid_encryption_parameters', 'This issuer does not encrypt credential responses.');
  if (request.proof !== undefined) throw new CredentialRequestError('invalid_proof', 'Send proofs: {jwt: [...]} (OpenID4VCI 1.0), not proof.');
  if (request.proofs === undefined) return {};
  const proofs = asRecord(request.proofs);
  const types = Object.keys(proofs);
  if (types.length !== 1 || !Array.isArray(proofs.jwt)) throw new CredentialRequestError('invalid_proof', 'proofs must hold one proof type, jwt, with an array of JWTs.');
  if (proofs.jwt.length !== 1) throw new CredentialRequestError('invalid_proof', 'Send exactly one jwt proof: this issuer issues one credential per request.');
  return { jwt: proofs.jwt[0] };
}

/**
 * 1.0 §8 Credential Endpoint. With the access token of a redeemed offer and no proof: the signed credential as stored.
 * With a `jwt` key proof (a did:key, our nonce, our identifier as audience): a copy bound to that DID that shares the
 * original's id and status entry. One credential per offer; the nonce is spent even when the request then fails.
 */
export async function requestCredential({ ctx, authorization, body, requestId }: { ctx: AppContext; authorization?: string; body: unknown; requestId: string }) {
  const offer = await offerOfToken(ctx, authorization);
  const { jwt } = readRequest(body);
  let holderDid: string | undefined;
  if (jwt !== undefined) {
    try {
      const proof = await verifyKeyProof({ jwt, audience: ctx.config.publicBaseUrl, now: ctx.clock.now() });
      if (!(await repository.consumeNonce(ctx.db, { nonceHash: tokenHash(proof.nonce), now: ctx.clock.now() }))) {
        throw new KeyProofError('invalid_nonce', 'The nonce is unknown, expired or already used: get a new c_nonce from the nonce endpoint.');
      }
      holderDid = proof.holderDid;
    } catch (error) {
      if (error instanceof KeyProofError) throw new CredentialRequestError(error.error, error.message);
      throw error;
    }
  }
  try {
    const credential = await handOut({ ctx, offer, holderDid, requestId });
    return { credentials: [{ credential }] };
  } catch (error) {
    if (!(error instanceof HandOutRefused)) throw error;
    if (error.reason === 'already-used') throw new CredentialRequestError('invalid_token', error.message);
    throw new CredentialRequestError('credential_request_denied', error.message);
  }
}
