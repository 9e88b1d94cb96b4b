import accepts from '@fastify/accepts';
import cookie from '@fastify/cookie';
import Fastify from 'fastify';
import type { DestinationStream } from 'pino';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from './config.js';
import { type Database, openDatabase } from './db/client.js';
import achievementRoutes from './modules/achievements/routes.js';
import authorisationRoutes from './modules/authorisations/routes.js';
import tokenRoutes from './modules/auth/routes.js';
import centreAdminRoutes from './modules/centres/admin-routes.js';
import centreRoutes from './modules/centres/routes.js';
import { createIssuanceLookups } from './modules/credentials/lookups.js';
import { backfillShortCodes } from './modules/credentials/service.js';
import { warnIfIssuedUnderAnotherBase } from './modules/credentials/base-url-check.js';
import credentialRoutes from './modules/credentials/routes.js';
import batchRoutes from './modules/batches/routes.js';
import deliveryRoutes from './modules/delivery/routes.js';
import { ensureDemoData } from './modules/demo/service.js';
import didRoutes from './modules/dids/routes.js';
import { createOwnDidResolver } from './modules/dids/service.js';
import healthRoutes from './modules/health/routes.js';
import { createKeyStore } from './modules/keys/service.js';
import auditRoutes from './modules/audit/routes.js';
import clientRoutes from './modules/clients/routes.js';
import keyRoutes from './modules/keys/routes.js';
import registryRoutes from './modules/registry/routes.js';
import { createRegistryPublisher } from './modules/registry/service.js';
import statusRoutes from './modules/status/routes.js';
import { createStatusLists } from './modules/status/service.js';
import vcalmRoutes from './modules/vcalm/routes.js';
import walletRoutes from './modules/wallet/routes.js';
import verificationRoutes from './modules/verification/routes.js';
import pageRoutes from './modules/pages/routes.js';
import presentationRoutes from './modules/presentations/routes.js';
import consoleRoutes from './modules/console/plugin.js';
import auth from './plugins/auth.js';
import { slowClientOptions } from './plugins/client-errors.js';
import context from './plugins/context.js';
import docs from './plugins/docs.js';
import errors, { sendProblem } from './plugins/errors.js';
import inputGuard from './plugins/input-guard.js';
import { loggerOptions } from './lib/logging.js';
import { type Clock, systemClock } from './lib/clock.js';
import { problemType } from './lib/problem.js';
import rateLimits from './plugins/rate-limits.js';
import { createDidResolver } from './vc/did-resolver.js';
import { createGuardedFetcher, type GuardedFetcher } from './vc/fetcher.js';
import { loadMasterKey } from './vc/master-key.js';
import { startJobQueue } from './jobs/queue.js';
import { startWorkers } from './jobs/workers.js';

export interface BuildOptions {
  config: Config;
  /** An already-open database (tests); otherwise one is opened from config and closed with the app. */
  database?: Database;
  /** where logs go and from which level (default: stdout at LOG_LEVEL); false for none. Redaction always applies. */
  logger?: false | { level: string; stream?: DestinationStream };
  /** who opens the embedded database: the CLI refuses to run while the service holds it */
  role?: 'service' | 'cli';
  /** The outbound fetcher (tests: one trusting a local HTTPS server); otherwise built from config.remote. */
  fetcher?: GuardedFetcher;
  /** The time source (tests: one they move forward); otherwise the system clock. */
  clock?: Clock;
}

/** Builds the whole service (no listen): database and migrations, keys, plugins, then the route modules. */
export async function buildApp({ config: settings, database, logger, fetcher, clock = systemClock, role = 'service' }: BuildOptions) {
  // The master key opens the key store and goes no further: what services get (the context, its config) lacks it.
  const { masterKey, ...config } = settings;
  const app = Fastify({
    logger: logger === false ? false : loggerOptions(logger ?? { level: config.logLevel }),
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    requestIdHeader: 'x-request-id',
    ...slowClientOptions({ publicBaseUrl: config.publicBaseUrl, ...config.httpTimeouts }),
    // Long path parameters reach the route schemas, which answer with a problem naming the parameter.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 1000 },
    // Errors raised before routing (a malformed percent-encoding) are problems too.
    frameworkErrors: (error, request, reply) =>
      sendProblem(
        reply,
        { type: problemType('bad-url'), title: 'Bad Request', status: 400, detail: `The URL cannot be read (${error.message}); percent-encode it correctly.`, instance: request.url.split('?')[0] ?? '/' },
        config.publicBaseUrl,
      ),
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.removeContentTypeParser('text/plain'); // bodies are JSON (or form, for /oauth/token): anything else is a 415

  const db = database ?? (await openDatabase(config, role));
  let stopQueue: (() => Promise<void>) | undefined;
  try {
    await db.migrate();
    const master = await loadMasterKey({ masterKey, keysDir: config.keysDir });
    if (master.createdFile) app.log.warn(`created a new master key in ${master.createdFile}; back it up together with the data directory`);
    const keys = createKeyStore({ db: db.db, masterKey: master.key });
    await keys.checkMasterKey();
    await keys.ensureActiveKey({ centreId: null, purpose: 'assertion' });

    const resolveOwnDid = createOwnDidResolver({ db: db.db, config });
    const outbound = fetcher ?? createGuardedFetcher(config.remote);
    // The CLI only enqueues; the service works jobs unless JOBS_IN_PROCESS=false (separate workers do).
    const worksJobs = role === 'service' && config.jobs.inProcess;
    const queue = await startJobQueue({ database: db, supervise: worksJobs, onError: (error) => app.log.error({ err: error }, 'job queue error') });
    stopQueue = queue.stop;
    const lookups = createIssuanceLookups({ db: db.db, statusMaxAgeSeconds: config.statusLists.maxAgeSeconds, clock });
    await app.register(context, {
      config,
      clock,
      database: db,
      db: db.db,
      keys,
      resolveOwnDid,
      resolveDid: createDidResolver({ resolveOwnDid, fetcher: outbound, publicBaseUrl: config.publicBaseUrl }),
      lookups,
      registry: createRegistryPublisher({ db: db.db, config, keys, log: app.log }),
      statusLists: createStatusLists({ db: db.db, config, keys, lookups }),
      fetcher: outbound,
      jobs: queue,
    });
    // content negotiation and the language cookie serve every route (error pages included)
    await app.register(accepts);
    await app.register(cookie);
    await app.register(errors, { publicBaseUrl: config.publicBaseUrl, bodyLimit: config.bodyLimitBytes, platformName: config.platform.name });
    await app.register(inputGuard);
    await app.register(docs, { publicBaseUrl: config.publicBaseUrl });
    await app.register(rateLimits);
    await app.register(auth);

    await app.register(healthRoutes);
    await app.register(tokenRoutes);
    await app.register(didRoutes);
    await app.register(centreRoutes);
    await app.register(centreAdminRoutes);
    await app.register(keyRoutes);
    await app.register(clientRoutes);
    await app.register(auditRoutes);
    await app.register(achievementRoutes);
    await app.register(authorisationRoutes);
    await app.register(credentialRoutes);
    await app.register(batchRoutes);
    await app.register(deliveryRoutes);
    await app.register(verificationRoutes);
    await app.register(vcalmRoutes);
    await app.register(presentationRoutes);
    await app.register(registryRoutes);
    await app.register(statusRoutes);
    await app.register(pageRoutes);
    await app.register(walletRoutes);
    await app.register(consoleRoutes);

    app.addHook('onReady', async () => {
      const assigned = await backfillShortCodes({ ctx: app.ctx });
      if (assigned > 0) app.log.info({ assigned }, 'gave short codes to credentials issued before they existed');
      await warnIfIssuedUnderAnotherBase({ ctx: app.ctx, log: app.log });
    });
    if (config.demo) app.addHook('onReady', async () => ensureDemoData({ ctx: app.ctx, log: app.log }));
    let stopWorkers: (() => Promise<void>) | undefined;
    if (worksJobs) app.addHook('onReady', async () => void (stopWorkers = await startWorkers({ ctx: app.ctx, queue, log: app.log })));
    // workers first (they finish their step), then the queue, then the database they use
    app.addHook('onClose', async () => {
      await stopWorkers?.();
      await queue.stop();
      if (!database) await db.close();
    });
  } catch (error) {
    await stopQueue?.();
    if (!database) await db.close();
    throw error;
  }
  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
