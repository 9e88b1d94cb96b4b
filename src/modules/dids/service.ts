import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { createTtlCache } from '../../lib/ttl-cache.js';
import type { DidResolver } from '../../vc/document-loader.js';
import { buildDidDocument, parseOwnDid, platformDid } from '../../vc/did-web.js';
import { centreDidDocument } from '../centres/service.js';
import { findCentreBySlug } from '../centres/repository.js';
import { listPublishedKeys } from '../keys/repository.js';

/** The IIOE platform (UNESCO-ICHEI) as an OB 3.0 Profile. */
export function platformProfile(config: Config) {
  return { id: platformDid(config.publicBaseUrl), type: ['Profile'], name: config.platform.name, url: config.platform.url };
}

export async function platformDidDocument({ db, config }: { db: Db; config: Config }) {
  const keys = await listPublishedKeys(db, null);
  return buildDidDocument({ did: platformDid(config.publicBaseUrl), keys, publicBaseUrl: config.publicBaseUrl });
}

/**
 * Resolves a DID this service is authoritative for from the database; undefined for any other DID or an
 * unknown centre. Verification uses this instead of HTTP to itself.
 */
export async function resolveOwnDid({ db, config, did }: { db: Db; config: Config; did: string }) {
  const own = parseOwnDid(did, config.publicBaseUrl);
  if (!own) return undefined;
  if (own.kind === 'platform') return platformDidDocument({ db, config });
  const centre = await findCentreBySlug(db, own.slug);
  return centre ? centreDidDocument({ db, config, centre }) : undefined;
}

// DID documents change only on key rotation or compromise; replicas pick that up within this time.
const DID_DOCUMENT_TTL_MS = 5_000;

/** resolveOwnDid behind a short cache: verification resolves the same few issuers over and over. */
export function createOwnDidResolver({ db, config }: { db: Db; config: Config }): DidResolver & { clear(): void } {
  const cache = createTtlCache<string, Record<string, unknown> | undefined>({ ttlMs: DID_DOCUMENT_TTL_MS });
  return Object.assign((did: string) => cache.get(did, () => resolveOwnDid({ db, config, did })), { clear: () => cache.clear() });
}
