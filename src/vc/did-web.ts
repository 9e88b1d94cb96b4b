import { DID_V1_CONTEXT, MULTIKEY_V1_CONTEXT } from './contexts.js';
import { ed25519JwkOf, jsonWebKeyContextUrl, jsonWebKeyMethodId } from './json-web-key.js';

/** did:web method-specific id for an origin: the host, with a port percent-encoded (did:web spec §3.1). */
function didWebHost(publicBaseUrl: string): string {
  const url = new URL(publicBaseUrl);
  return url.port ? `${url.hostname}%3A${url.port}` : url.hostname;
}

export const platformDid = (publicBaseUrl: string) => `did:web:${didWebHost(publicBaseUrl)}`;

export const centreDid = (publicBaseUrl: string, slug: string) =>
  `did:web:${didWebHost(publicBaseUrl)}:centres:${slug}`;

export type OwnDid = { kind: 'platform' } | { kind: 'centre'; slug: string };

/** Recognises the DIDs this service is authoritative for, so it resolves them from its own database. */
export function parseOwnDid(did: string, publicBaseUrl: string): OwnDid | undefined {
  const platform = platformDid(publicBaseUrl);
  if (did === platform) return { kind: 'platform' };
  const prefix = `${platform}:centres:`;
  if (did.startsWith(prefix)) {
    const slug = did.slice(prefix.length);
    if (/^[a-z0-9]+(-[a-z0-9]+)*$/.test(slug)) return { kind: 'centre', slug };
  }
  return undefined;
}

export interface PublishedKey {
  publicKeyMultibase: string;
}

export const verificationMethodId = (did: string, publicKeyMultibase: string) => `${did}#${publicKeyMultibase}`;

/**
 * A DID document listing every key that may have signed this controller's credentials: the active key
 * and retired ones (so old credentials keep verifying). Compromised keys are left out by the caller.
 *
 * Each key appears twice, both under assertionMethod: as a Multikey (`<did>#<publicKeyMultibase>`, what Data
 * Integrity proofs name) and beside it as a JsonWebKey with `publicKeyJwk` (`<did>#<RFC 7638 thumbprint>`, what a
 * VC-JOSE-COSE verifier needs: it reads JWKs, and the `kid` of our vc+jwt credentials names this method).
 */
export function buildDidDocument({ did, keys, publicBaseUrl }: { did: string; keys: PublishedKey[]; publicBaseUrl: string }) {
  const methods = keys.flatMap((key) => {
    const publicKeyJwk = ed25519JwkOf(key.publicKeyMultibase);
    return [
      { id: verificationMethodId(did, key.publicKeyMultibase), type: 'Multikey', controller: did, publicKeyMultibase: key.publicKeyMultibase },
      { id: jsonWebKeyMethodId(did, publicKeyJwk), type: 'JsonWebKey', controller: did, publicKeyJwk },
    ];
  });
  return {
    '@context': [DID_V1_CONTEXT, MULTIKEY_V1_CONTEXT, jsonWebKeyContextUrl(publicBaseUrl)],
    id: did,
    verificationMethod: methods,
    assertionMethod: methods.map((method) => method.id),
  };
}
