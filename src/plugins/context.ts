import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import type { Database, Db } from '../db/client.js';
import type { IssuanceLookups } from '../modules/credentials/lookups.js';
import type { KeyStore } from '../modules/keys/service.js';
import type { DidResolver } from '../vc/document-loader.js';

/** What services need from the running app: passed to them explicitly, never through `request`. */
export interface AppContext {
  config: Config;
  database: Database;
  db: Db;
  keys: KeyStore;
  /** this service's own DIDs, from the database through a short cache */
  resolveOwnDid: DidResolver;
  /** centres and courses by id, through a short cache */
  lookups: IssuanceLookups;
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
