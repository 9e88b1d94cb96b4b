import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemSchema } from '../../lib/schemas.js';
import { credentialParamsSchema } from '../credentials/schemas.js';
import { credentialDeliveries, redeliverCredential } from './service.js';

const deliveryViewSchema = z.object({
  id: z.uuid(),
  credentialId: z.uuid(),
  to: z.string(),
  state: z.enum(['queued', 'sent', 'failed']),
  attempts: z.number().int(),
  lastError: z.string().nullable().describe('why the last attempt failed (the mail server\'s answer, addresses cut to their domain)'),
  queuedAt: z.string(),
  sentAt: z.string().nullable().describe('when the mail server accepted it; a bounce after that is not seen here'),
});

const secured = { security: [{ bearerAuth: [] }] };
const errors = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema };

const deliveryRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/api/v1/credentials/:id/deliver',
    {
      onRequest: app.requireScope('credentials:issue'),
      schema: {
        tags: ['credentials'],
        summary: 'E-mail the credential to its learner again, optionally to a corrected address (which replaces the recorded one)',
        ...secured,
        params: credentialParamsSchema,
        // no body at all (a plain POST) re-sends to the recorded address: Fastify hands such a request a null body
        body: z.strictObject({ email: z.email('must be an email address').max(254).optional() }).nullish(),
        response: { 202: deliveryViewSchema, ...errors, 409: problemSchema, 422: problemSchema },
      },
    },
    async (request, reply) => reply.status(202).send(await redeliverCredential({ ctx: app.ctx, principal: request.principal!, id: request.params.id, email: request.body?.email })),
  );

  app.get(
    '/api/v1/credentials/:id/deliveries',
    {
      onRequest: app.requireAnyScope(['credentials:issue', 'credentials:read', 'credentials:manage']),
      schema: { tags: ['credentials'], summary: 'The e-mails of a credential to its learner, newest first, with their state', ...secured, params: credentialParamsSchema, response: { 200: z.object({ items: z.array(deliveryViewSchema) }), ...errors } },
    },
    async (request) => credentialDeliveries({ ctx: app.ctx, principal: request.principal!, id: request.params.id }),
  );
};

export default deliveryRoutes;
