import { DID_V1_CONTEXT, MULTIKEY_V1_CONTEXT } from './contexts.js';

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
 */
export function buildDidDocument({ did, keys }: { did: string; keys: PublishedKey[] }) {
  const ids = keys.map((key) => verificationMethodId(did, key.publicKeyMultibase));
  return {
    '@context': [DID_V1_CONTEXT, MULTIKEY_V1_CONTEXT],
    id: did,
    verificationMethod: keys.map((key, index) => ({
      id: ids[index] as string,
      type: 'Multikey',
      controller: did,
      publicKeyMultibase: key.publicKeyMultibase,
    })),
    assertionMethod: ids,
  };
}
