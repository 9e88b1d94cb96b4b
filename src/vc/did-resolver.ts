import { createTtlCache } from '../lib/ttl-cache.js';
import { resolveDidKey } from './did-key.js';
import type { DidResolver } from './document-loader.js';
import { platformDid } from './did-web.js';
import type { GuardedFetcher } from './fetcher.js';

/** A DID that was tried and could not be resolved; the message says why (verification reports it). */
export class DidResolutionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DidResolutionError';
  }
}

const HOST = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;
const PATH_SEGMENT = /^[A-Za-z0-9._~-]+$/;

/**
 * Where a did:web document lives (did:web spec §3.2 Read): `did:web:example.org` →
 * `https://example.org/.well-known/did.json`, `did:web:example.org:a:b` → `https://example.org/a/b/did.json`,
 * a port percent-encoded in the host (`example.org%3A8443`). Path segments are limited to unreserved
 * characters, so no segment can climb (`..`) or smuggle a `/`, `?` or `#` after decoding.
 */
export function didWebDocumentUrl(did: string): string {
  const [host = '', ...segments] = did.startsWith('did:web:') ? did.slice('did:web:'.length).split(':') : [];
  const [, hostname, port] = /^([^%]+)(?:%3A(\d{1,5}))?$/i.exec(host) ?? [];
  if (!hostname || !HOST.test(hostname) || (port !== undefined && (Number(port) < 1 || Number(port) > 65535))) {
    throw new DidResolutionError(`${did} is not a did:web this verifier can resolve: the host must be a domain name, with an optional %3A-encoded port`);
  }
  if (segments.some((segment) => !PATH_SEGMENT.test(segment) || segment === '.' || segment === '..')) {
    throw new DidResolutionError(`${did} is not a did:web this verifier can resolve: path parts may hold only letters, digits and . _ ~ -`);
  }
  const origin = `https://${hostname.toLowerCase()}${port ? `:${Number(port)}` : ''}`;
  return `${origin}/${segments.length > 0 ? segments.join('/') : '.well-known'}/did.json`;
}

const record = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const RELATIONSHIPS = ['authentication', 'assertionMethod', 'keyAgreement', 'capabilityInvocation', 'capabilityDelegation'];

/** DID Core allows relative references (`#key-1`); the document loader matches absolute ids. */
function withAbsoluteIds(document: Record<string, unknown>, did: string): Record<string, unknown> {
  const absolute = (value: unknown) => (typeof value === 'string' && value.startsWith('#') ? `${did}${value}` : value);
  const methods = (value: unknown) =>
    Array.isArray(value) ? value.map((entry) => (record(entry) ? { ...entry, id: absolute(entry.id) } : absolute(entry))) : value;
  const result: Record<string, unknown> = { ...document, verificationMethod: methods(document.verificationMethod) };
  for (const relationship of RELATIONSHIPS) {
    if (relationship in document) result[relationship] = methods(document[relationship]);
  }
  if (document.verificationMethod === undefined) delete result.verificationMethod;
  return result;
}

// The library looks the DID up twice per proof (its verification method, then its controller): one fetch
// serves both, and a burst of credentials from one issuer. Failures are not kept.
const REMOTE_DOCUMENT_TTL_MS = 5_000;

/**
 * Resolves the DIDs a proof may name: this service's own did:web DIDs from the database (never over HTTP
 * to itself), Ed25519 did:key offline, any other did:web through the guarded fetcher. Returns undefined
 * for a DID it does not handle (another method, an unknown DID on our own host); throws a DidResolutionError
 * or the fetcher's error, with the reason, when a DID it handles cannot be resolved, so the verifier can
 * report the proof as unresolvable rather than forged.
 */
export function createDidResolver({
  resolveOwnDid,
  fetcher,
  publicBaseUrl,
}: {
  resolveOwnDid: DidResolver;
  fetcher: GuardedFetcher;
  publicBaseUrl: string;
}): DidResolver {
  const ownHost = platformDid(publicBaseUrl).slice('did:web:'.length).toLowerCase();
  const remote = createTtlCache<string, Record<string, unknown>>({ ttlMs: REMOTE_DOCUMENT_TTL_MS, maxEntries: 256 });

  async function resolveRemoteDidWeb(did: string): Promise<Record<string, unknown>> {
    const url = didWebDocumentUrl(did);
    const { body } = await fetcher.fetchJson(url);
    if (!record(body)) throw new DidResolutionError(`${url} is not a DID document (not a JSON object)`);
    if (body.id !== did) {
      throw new DidResolutionError(`${url} is the DID document of ${typeof body.id === 'string' ? body.id : 'no DID'}, not of ${did}`);
    }
    return withAbsoluteIds(body, did);
  }

  return async (did) => {
    if (did.startsWith('did:web:')) {
      const host = did.slice('did:web:'.length).split(':')[0]?.toLowerCase();
      if (host === ownHost) return resolveOwnDid(did);
      return remote.get(did, () => resolveRemoteDidWeb(did));
    }
    if (did.startsWith('did:key:')) return resolveDidKey(did);
    return undefined;
  };
}
