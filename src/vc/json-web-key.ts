import { createHash } from 'node:crypto';
import { decodeBase58btc } from './multibase.js';

/** An Ed25519 public key as a JWK (RFC 8037 §2), with the algorithm it is used with (CID 1.0: `alg` SHOULD be given). */
export interface Ed25519PublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  alg: 'EdDSA';
}

// multicodec ed25519-pub, the two-byte header of an Ed25519 Multikey (`z6Mk…`)
const ED25519_PUB_HEADER = [0xed, 0x01];

/** The JWK of an Ed25519 Multikey's `publicKeyMultibase`; throws for anything else (only our own keys are passed). */
export function ed25519JwkOf(publicKeyMultibase: string): Ed25519PublicJwk {
  const bytes = publicKeyMultibase.startsWith('z') ? decodeBase58btc(publicKeyMultibase.slice(1)) : undefined;
  if (!bytes || bytes.length !== 34 || bytes[0] !== ED25519_PUB_HEADER[0] || bytes[1] !== ED25519_PUB_HEADER[1]) {
    throw new Error(`${publicKeyMultibase} is not an Ed25519 Multikey`);
  }
  return { kty: 'OKP', crv: 'Ed25519', x: bytes.subarray(2).toString('base64url'), alg: 'EdDSA' };
}

/**
 * The RFC 7638 thumbprint: base64url SHA-256 of the key's required members (crv, kty, x for OKP) in that order,
 * without whitespace. It names the key by its bytes alone, so anyone holding the JWK can recompute its name.
 */
export function jwkThumbprint(jwk: { kty: string; crv: string; x: string }): string {
  return createHash('sha256').update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x })).digest('base64url');
}

/**
 * The id of a key's JsonWebKey verification method: `<did>#<RFC 7638 thumbprint>`, as Controlled Identifiers 1.0
 * recommends (the fragment is the JWK's thumbprint). The key's Multikey method keeps `<did>#<publicKeyMultibase>`.
 */
export const jsonWebKeyMethodId = (did: string, jwk: { kty: string; crv: string; x: string }) => `${did}#${jwkThumbprint(jwk)}`;

/**
 * Our JSON-LD context for JsonWebKey verification methods, version 1, served at a stable URL under the service's
 * origin and never changed once published (a change is a v2). The contexts we bundle define only
 * Multikey (did/v1 defines neither JsonWebKey nor publicKeyJwk); this one maps the two terms to the Security
 * Vocabulary IRIs Controlled Identifiers 1.0 gives them, so every term of our DID documents stays defined.
 */
export const jsonWebKeyContextUrl = (publicBaseUrl: string) => `${publicBaseUrl}/contexts/json-web-key/v1`;

const SECURITY = 'https://w3id.org/security#';

export const jsonWebKeyContext = {
  '@context': {
    '@protected': true,
    id: '@id',
    type: '@type',
    JsonWebKey: {
      '@id': `${SECURITY}JsonWebKey`,
      '@context': {
        '@protected': true,
        id: '@id',
        type: '@type',
        controller: { '@id': `${SECURITY}controller`, '@type': '@id' },
        publicKeyJwk: { '@id': `${SECURITY}publicKeyJwk`, '@type': '@json' },
      },
    },
  },
};
