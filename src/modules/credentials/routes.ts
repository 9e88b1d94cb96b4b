import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sendSerialisedDocument, vcMediaType } from '../../lib/documents.js';
import { problemSchema } from '../../lib/schemas.js';
import { getCredentialDocument, issueCredential } from './service.js';
import { idempotencyKeyHeaderSchema, issueCredentialBodySchema, issuedCredentialSchema } from './schemas.js';

const credentialRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/api/v1/credentials',
    {
      onRequest: app.requireScope('credentials:issue'),
      schema: {
        tags: ['credentials'],
        summary: 'Issue one signed Open Badges 3.0 credential for a course completion',
        security: [{ bearerAuth: [] }],
        headers: idempotencyKeyHeaderSchema,
        body: issueCredentialBodySchema,
        response: {
          200: issuedCredentialSchema.describe('an Idempotency-Key replay: the credential created earlier'),
          201: issuedCredentialSchema,
          400: problemSchema,
          401: problemSchema,
          403: problemSchema,
          422: problemSchema,
        },
      },
    },
    async (request, reply) => {
      const issued = await issueCredential({
        ctx: app.ctx,
        principal: request.principal!,
        input: request.body,
        idempotencyKey: request.headers['idempotency-key'],
      });
      // The stored serialisation is spliced in as is: the response carries the bytes that were signed and stored.
      const body = `{"id":${JSON.stringify(issued.id)},"url":${JSON.stringify(issued.url)},"verifiableCredential":${issued.document}}`;
      // A pre-serialised string is sent as is; the typed reply only knows the schema's object shape.
      const untypedReply: FastifyReply = reply;
      return untypedReply.status(issued.created ? 201 : 200).header('Location', issued.url).type('application/json; charset=utf-8').send(body);
    },
  );

  app.get(
    '/credentials/:id',
    {
      schema: {
        tags: ['credentials'],
        summary: 'The signed credential, exactly as issued (JSON; application/vc on request)',
        params: z.object({ id: z.string().max(100) }),
      },
    },
    async (request, reply) => {
      const { document } = await getCredentialDocument({ ctx: app.ctx, id: request.params.id });
      // The signed bytes never change; whether the credential still holds is a verification question.
      reply.header('Vary', 'Accept').header('X-Robots-Tag', 'noindex, nofollow');
      return sendSerialisedDocument(request, reply, { body: document, contentType: vcMediaType(request.headers.accept), cacheControl: 'public, max-age=86400' });
    },
  );
};

export default credentialRoutes;
