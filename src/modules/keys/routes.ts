import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemSchema } from '../../lib/schemas.js';
import { centreForPrincipal } from '../centres/access.js';
import { reasonBodySchema, slugParamsSchema } from '../centres/schemas.js';
import { compromiseCentreKey, keyViewSchema, listCentreKeys, rotateCentreKey } from './admin.js';

const errors = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema };
const keyListSchema = z.object({ items: z.array(keyViewSchema) });

/** A centre's signing keys: listed to the admin and the centre; rotated by the admin or the centre (keys:manage); reported compromised by the admin. */
const keyRoutes: FastifyPluginAsyncZod = async (app) => {
  const security = [{ bearerAuth: [] }];
  const centreOf = (request: { principal?: Parameters<typeof centreForPrincipal>[0]['principal']; params: { slug: string } }) =>
    centreForPrincipal({ ctx: app.ctx, principal: request.principal!, slug: request.params.slug });

  app.get(
    '/api/v1/centres/:slug/keys',
    {
      onRequest: app.requireAnyScope(['registry:admin', 'clients:manage', 'credentials:manage', 'keys:manage']),
      schema: { tags: ['keys'], summary: 'A centre\'s signing keys and their status', security, params: slugParamsSchema, response: { 200: keyListSchema, ...errors } },
    },
    async (request) => listCentreKeys({ ctx: app.ctx, centre: await centreOf(request) }),
  );

  app.post(
    '/api/v1/centres/:slug/keys/rotate',
    {
      onRequest: app.requireAnyScope(['registry:admin', 'keys:manage']),
      schema: { tags: ['keys'], summary: 'Rotate a centre\'s signing key (admin, or the centre with keys:manage); the old key stays published', security, params: slugParamsSchema, response: { 201: keyViewSchema, ...errors } },
    },
    async (request, reply) => reply.status(201).send(await rotateCentreKey({ ctx: app.ctx, actor: request.principal!, centre: await centreOf(request) })),
  );

  app.post(
    '/api/v1/centres/:slug/keys/compromise',
    {
      onRequest: app.requireAdmin,
      schema: {
        tags: ['keys'],
        summary: 'Mark a key compromised (admin): it leaves the DID document and its credentials fail with key.revoked',
        security,
        params: slugParamsSchema,
        body: reasonBodySchema.extend({ keyId: z.string().max(500).describe('the full verification method id') }),
        response: { 200: keyListSchema, ...errors },
      },
    },
    async (request) => compromiseCentreKey({ ctx: app.ctx, actor: request.principal!, centre: await centreOf(request), keyId: request.body.keyId, reason: request.body.reason }),
  );
};

export default keyRoutes;
