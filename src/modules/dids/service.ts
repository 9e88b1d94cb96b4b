import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
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
  return buildDidDocument({ did: platformDid(config.publicBaseUrl), keys });
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
