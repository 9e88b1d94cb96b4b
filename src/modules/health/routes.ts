import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemSchema } from '../../lib/schemas.js';
import { HttpProblem, problemType } from '../../lib/problem.js';

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
      try {
        await app.ctx.database.ping();
      } catch (error) {
        app.log.error({ err: error }, 'readiness check failed');
        throw new HttpProblem({ status: 503, type: problemType('not-ready'), title: 'Service Unavailable', detail: 'The database does not answer.' });
      }
      return { status: 'ready' as const, database: app.ctx.database.kind };
    },
  );
};

export default healthRoutes;
