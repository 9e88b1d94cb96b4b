import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemSchema } from '../../lib/schemas.js';
import type { Scope } from '../auth/scopes.js';
import { centreForPrincipal } from '../centres/access.js';
import { reasonBodySchema, slugParamsSchema } from '../centres/schemas.js';
import { clientParamsSchema, clientSchema, clientWithSecretSchema, createClientBodySchema } from './schemas.js';
import { createCentreClient, disableClient, listCentreClients, rotateClientSecret } from './service.js';

const errors = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema };

/** API clients of a centre: managed by the platform admin, or by the centre itself with clients:manage. */
const clientRoutes: FastifyPluginAsyncZod = async (app) => {
  const managers = app.requireAnyScope(['registry:admin', 'clients:manage']);
  const security = [{ bearerAuth: [] }];

  app.post(
    '/api/v1/centres/:slug/clients',
    {
      onRequest: managers,
      schema: { tags: ['clients'], summary: 'Create an API client for a centre; the secret is shown once', security, params: slugParamsSchema, body: createClientBodySchema, response: { 201: clientWithSecretSchema, ...errors } },
    },
    async (request, reply) => {
      const centre = await centreForPrincipal({ ctx: app.ctx, principal: request.principal!, slug: request.params.slug });
      const created = await createCentreClient({ ctx: app.ctx, actor: request.principal!, centre, name: request.body.name, scopes: request.body.scopes as Scope[] });
      return reply.status(201).header('Cache-Control', 'no-store').send(created);
    },
  );

  app.get(
    '/api/v1/centres/:slug/clients',
    { onRequest: managers, schema: { tags: ['clients'], summary: 'A centre\'s API clients (never their secrets)', security, params: slugParamsSchema, response: { 200: z.object({ items: z.array(clientSchema) }), ...errors } } },
    async (request) => listCentreClients({ ctx: app.ctx, centre: await centreForPrincipal({ ctx: app.ctx, principal: request.principal!, slug: request.params.slug }) }),
  );

  app.post(
    '/api/v1/clients/:clientId/rotate-secret',
    { onRequest: managers, schema: { tags: ['clients'], summary: 'Replace a client\'s secret: the old one stops working at once, tokens obtained with it within seconds', security, params: clientParamsSchema, response: { 200: clientWithSecretSchema, ...errors } } },
    async (request, reply) => reply.header('Cache-Control', 'no-store').send(await rotateClientSecret({ ctx: app.ctx, principal: request.principal!, clientId: request.params.clientId })),
  );

  app.post(
    '/api/v1/clients/:clientId/disable',
    {
      onRequest: managers,
      schema: { tags: ['clients'], summary: 'Disable a client: its tokens stop working within seconds', security, params: clientParamsSchema, body: reasonBodySchema, response: { 200: clientSchema, ...errors } },
    },
    async (request) => disableClient({ ctx: app.ctx, principal: request.principal!, clientId: request.params.clientId, reason: request.body.reason }),
  );
};

export default clientRoutes;
