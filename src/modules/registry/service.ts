import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config.js';
import type { Db, Tx } from '../../db/client.js';
import { VC_V2_CONTEXT } from '../../vc/contexts.js';
import { centreDid, platformDid } from '../../vc/did-web.js';
import { createDocumentLoader } from '../../vc/document-loader.js';
import { registryContext, registryContextUrl } from '../../vc/registry-context.js';
import { signCredential } from '../../vc/sign.js';
import { achievementUrl } from '../achievements/service.js';
import type { ActiveSigningKey, KeyStore } from '../keys/service.js';
import { xsdDateTime } from '../credentials/document.js';
import * as repository from './repository.js';

/**
 * The unsigned registry credential of `version` from the registry's contents (exported for the proof fast path's
 * differential tests, which sign every shape the service emits both ways).
 */
export function registryCredential({
  config,
  version,
  contents,
  validFrom,
}: {
  config: Config;
  version: number;
  contents: Awaited<ReturnType<typeof repository.registryContents>>;
  validFrom: Date;
}) {
  const did = platformDid(config.publicBaseUrl);
  return {
    '@context': [VC_V2_CONTEXT, registryContextUrl(config.publicBaseUrl)],
    id: `${config.publicBaseUrl}/registry/${version}`,
    type: ['VerifiableCredential', 'IIOETrustRegistry'],
    name: `IIOE trust registry, version ${version}`,
    issuer: { id: did, name: config.platform.name },
    validFrom: xsdDateTime(validFrom),
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

export interface RegistryPublisher {
  /**
   * Runs `change` and publishes the registry version that reflects it in one transaction, after every other
   * registry change (a lock serialises them): both commit, or neither does, so what the caller answers is what
   * was committed. `publishIf` skips the publication when the change turned out to change nothing.
   */
  changeAndPublish<T>(input: { reason: string; change: (tx: Tx) => Promise<T>; publishIf?: (result: T) => boolean }): Promise<T>;
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

  const build = async (tx: Tx, version: number) =>
    registryCredential({ config, version, contents: await repository.registryContents(tx), validFrom: new Date(Math.floor(Date.now() / 1000) * 1000) });

  /** Signs and stores the next version, inside the caller's transaction that holds the registry lock. */
  async function publishIn(tx: Tx, key: ActiveSigningKey): Promise<number> {
    const version = await repository.nextRegistryVersion(tx);
    const signed = await signCredential({ credential: await build(tx, version), key, documentLoader });
    // Under the lock the next version is free; a clash means a writer that bypassed the lock, and rolls back.
    if (!(await repository.insertRegistry(tx, { version, document: JSON.stringify(signed) }))) {
      throw new Error(`trust registry version ${version} was stored by a writer that did not hold the registry lock`);
    }
    return version;
  }

  async function changeAndPublish<T>({ reason, change, publishIf = () => true }: { reason: string; change: (tx: Tx) => Promise<T>; publishIf?: (result: T) => boolean }) {
    // Loaded before the transaction: the embedded database has one connection, which the transaction holds.
    const key = await keys.activeAssertionKey({ centreId: null, did });
    let published: number | undefined;
    const result = await db.transaction(async (tx) => {
      // Taken first, so the change and the registry built from it see every registry change committed before.
      await repository.lockRegistry(tx);
      const changed = await change(tx);
      if (publishIf(changed)) published = await publishIn(tx, key);
      return changed;
    });
    if (published !== undefined) log.info({ registryVersion: published, reason }, 'trust registry published');
    return result;
  }

  return {
    changeAndPublish,
    ownContexts,
    async current() {
      const latest = await repository.latestRegistry(db);
      if (latest) return latest;
      await changeAndPublish({ reason: 'first publication', change: async (tx) => (await repository.latestRegistry(tx)) === undefined, publishIf: (missing) => missing });
      const published = await repository.latestRegistry(db);
      if (!published) throw new Error('the trust registry was published but cannot be read back');
      return published;
    },
  };
}
