import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemSchema } from '../../lib/schemas.js';
import { DATABASE_RETRY_AFTER_SECONDS } from '../../db/errors.js';
import { HttpProblem, problemType } from '../../lib/problem.js';

/**
 * The promise, or a rejection after `ms`: a load balancer's probe must get its answer quickly even while a
 * connection attempt to the database is still pending.
 */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/healthz',
    { schema: { tags: ['operations'], summary: 'Liveness: the process is up', response: { 200: z.object({ status: z.literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['operations'],
        summary: 'Readiness: the database answers',
        response: { 200: z.object({ status: z.literal('ready'), database: z.enum(['pglite', 'postgres']) }), 503: problemSchema },
      },
    },
    async () => {
      const { readinessMs } = app.ctx.config.databaseTimeouts;
      try {
        await within(app.ctx.database.ping(), readinessMs);
      } catch (error) {
        app.log.error({ err: error }, 'readiness check failed');
        throw new HttpProblem({
          status: 503,
          type: problemType('not-ready'),
          title: 'Service Unavailable',
          detail: `The database does not answer (within ${readinessMs} ms).`,
          headers: { 'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS) },
        });
      }
      return { status: 'ready' as const, database: app.ctx.database.kind };
    },
  );
};

export default healthRoutes;
