import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { VC_V2_CONTEXT } from '../../vc/contexts.js';
import { centreDid, platformDid } from '../../vc/did-web.js';
import { createDocumentLoader } from '../../vc/document-loader.js';
import { registryContext, registryContextUrl } from '../../vc/registry-context.js';
import { signCredential } from '../../vc/sign.js';
import { achievementUrl } from '../achievements/service.js';
import type { KeyStore } from '../keys/service.js';
import { xsdDateTime } from '../credentials/document.js';
import * as repository from './repository.js';

export interface RegistryPublisher {
  /** Signs and stores a new registry version from the current centres and authorisations. */
  republish(input: { reason: string }): Promise<number>;
  /** The current signed registry (published on first use if none exists). */
  current(): Promise<{ version: number; document: string }>;
  /** Our own contexts, for document loaders that must read registry credentials. */
  ownContexts: ReadonlyMap<string, object>;
}

/**
 * The signed IIOE trust registry: the platform DID vouches for the recognised centres, their DIDs, status,
 * and the courses each may certify, with dates. Re-issued with a new version on every change.
 */
export function createRegistryPublisher({ db, config, keys, log }: { db: Db; config: Config; keys: KeyStore; log: FastifyBaseLogger }): RegistryPublisher {
  const contextUrl = registryContextUrl(config.publicBaseUrl);
  const ownContexts = new Map<string, object>([[contextUrl, registryContext(config.publicBaseUrl)]]);
  const documentLoader = createDocumentLoader({ ownContexts });
  const did = platformDid(config.publicBaseUrl);

  async function build(version: number) {
    const contents = await repository.registryContents(db);
    return {
      '@context': [VC_V2_CONTEXT, contextUrl],
      id: `${config.publicBaseUrl}/registry/${version}`,
      type: ['VerifiableCredential', 'IIOETrustRegistry'],
      name: `IIOE trust registry, version ${version}`,
      issuer: { id: did, name: config.platform.name },
      validFrom: xsdDateTime(new Date(Math.floor(Date.now() / 1000) * 1000)),
      credentialSubject: {
        id: did,
        registryVersion: version,
        recognisedCentres: contents.centres.map((centre) => ({
          id: centreDid(config.publicBaseUrl, centre.slug),
          type: 'RecognisedCentre',
          name: centre.name.en ?? Object.values(centre.name)[0],
          countryCode: centre.countryCode,
          centreStatus: centre.status,
          courseAuthorisations: contents.authorisations
            .filter((authorisation) => authorisation.centreId === centre.id)
            .map((authorisation) => ({
              type: 'CourseAuthorisation',
              course: achievementUrl(config.publicBaseUrl, authorisation.achievementId),
              authorisedFrom: xsdDateTime(authorisation.validFrom),
              ...(authorisation.validUntil ? { authorisedUntil: xsdDateTime(authorisation.validUntil) } : {}),
            })),
        })),
      },
    };
  }

  async function republish({ reason }: { reason: string }): Promise<number> {
    // Replicas may republish at once: the version number is the primary key, so a loser simply retries.
    for (let attempt = 0; attempt < 5; attempt++) {
      const version = await repository.nextRegistryVersion(db);
      const key = await keys.activeAssertionKey({ centreId: null, did });
      const signed = await signCredential({ credential: await build(version), key, documentLoader });
      if (await repository.insertRegistry(db, { version, document: JSON.stringify(signed) })) {
        log.info({ registryVersion: version, reason }, 'trust registry published');
        return version;
      }
    }
    throw new Error('could not publish the trust registry: version conflicts kept recurring');
  }

  return {
    republish,
    ownContexts,
    async current() {
      const latest = await repository.latestRegistry(db);
      if (latest) return latest;
      await republish({ reason: 'first publication' });
      const published = await repository.latestRegistry(db);
      if (!published) throw new Error('the trust registry was published but cannot be read back');
      return published;
    },
  };
}
