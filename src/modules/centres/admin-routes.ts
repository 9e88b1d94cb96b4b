import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { pageQuerySchema } from '../../lib/pagination.js';
import { problemSchema } from '../../lib/schemas.js';
import { centreForPrincipal } from './access.js';
import { centreListSchema, centreSchema, createCentreBodySchema, reasonBodySchema, slugParamsSchema, updateCentreBodySchema } from './schemas.js';
import { centreView, createCentre, listVisibleCentres, setCentreStatus, updateCentreDetails } from './service.js';

const errors = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema };

/** /api/v1/centres: the platform admin manages centres; a centre's client may read its own. */
const centreAdminRoutes: FastifyPluginAsyncZod = async (app) => {
  const readers = app.requireAnyScope(['registry:admin', 'credentials:read', 'clients:manage']);
  const security = [{ bearerAuth: [] }];

  app.post(
    '/api/v1/centres',
    {
      onRequest: app.requireAdmin,
      schema: { tags: ['centres'], summary: 'Register a national centre (admin); creates its signing key and DID', security, body: createCentreBodySchema, response: { 201: centreSchema, ...errors } },
    },
    async (request, reply) => reply.status(201).send(await createCentre({ ctx: app.ctx, actor: request.principal!, input: request.body })),
  );

  app.get(
    '/api/v1/centres',
    { onRequest: readers, schema: { tags: ['centres'], summary: 'List centres: all for the admin, its own for a centre client', security, querystring: pageQuerySchema, response: { 200: centreListSchema, ...errors } } },
    async (request) => listVisibleCentres({ ctx: app.ctx, principal: request.principal!, ...request.query }),
  );

  app.get(
    '/api/v1/centres/:slug',
    { onRequest: readers, schema: { tags: ['centres'], summary: 'One centre (admin, or the centre\'s own client)', security, params: slugParamsSchema, response: { 200: centreSchema, ...errors } } },
    async (request) => centreView(await centreForPrincipal({ ctx: app.ctx, principal: request.principal!, slug: request.params.slug }), app.ctx.config.publicBaseUrl),
  );

  app.patch(
    '/api/v1/centres/:slug',
    {
      onRequest: app.requireAdmin,
      schema: { tags: ['centres'], summary: 'Change a centre\'s details (admin); the slug is permanent', security, params: slugParamsSchema, body: updateCentreBodySchema, response: { 200: centreSchema, ...errors } },
    },
    async (request) => updateCentreDetails({ ctx: app.ctx, actor: request.principal!, slug: request.params.slug, changes: request.body }),
  );

  for (const [action, status] of [['suspend', 'suspended'], ['reactivate', 'active']] as const) {
    app.post(
      `/api/v1/centres/:slug/${action}`,
      {
        onRequest: app.requireAdmin,
        schema: {
          tags: ['centres'],
          summary: action === 'suspend' ? 'Suspend a centre (admin): it cannot issue, the registry marks it suspended' : 'Reactivate a suspended centre (admin)',
          security,
          params: slugParamsSchema,
          body: reasonBodySchema,
          response: { 200: centreSchema, ...errors },
        },
      },
      async (request) => setCentreStatus({ ctx: app.ctx, actor: request.principal!, slug: request.params.slug, status, reason: request.body.reason }),
    );
  }
};

export default centreAdminRoutes;
