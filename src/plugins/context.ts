import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import type { Clock } from '../lib/clock.js';
import type { Database, Db } from '../db/client.js';
import type { IssuanceLookups } from '../modules/credentials/lookups.js';
import type { KeyStore } from '../modules/keys/service.js';
import type { RegistryPublisher } from '../modules/registry/service.js';
import type { StatusLists } from '../modules/status/service.js';
import type { DidResolver } from '../vc/document-loader.js';
import type { GuardedFetcher } from '../vc/fetcher.js';
import type { JobSender } from '../jobs/queue.js';

/** What services need from the running app: passed to them explicitly, never through `request`. */
export interface AppContext {
  config: Config;
  /** what time it is wherever time decides an outcome (tests move it forward instead of waiting) */
  clock: Clock;
  database: Database;
  db: Db;
  keys: KeyStore;
  /** this service's own DIDs, from the database through a short cache */
  resolveOwnDid: DidResolver & { clear(): void };
  /** any DID a proof names: our own from the database, did:key offline, other did:web over guarded HTTPS */
  resolveDid: DidResolver;
  /** centres and courses by id, through a short cache */
  lookups: IssuanceLookups;
  /** the signed trust registry */
  registry: RegistryPublisher;
  /** the centres' revocation lists: entry allocation and the signed list documents */
  statusLists: StatusLists;
  /** the one outbound fetcher (other issuers' DID documents and status lists) */
  fetcher: GuardedFetcher;
  /** puts jobs (batch rows, e-mails) on the queue inside the caller's transaction */
  jobs: JobSender;
}

declare module 'fastify' {
  interface FastifyInstance {
    ctx: AppContext;
  }
}

export default fp(
  async function context(app: FastifyInstance, ctx: AppContext) {
    app.decorate('ctx', ctx);
  },
  { name: 'context' },
);
