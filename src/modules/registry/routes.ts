import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sendSerialisedDocument } from '../../lib/documents.js';
import { jsonLdDocumentSchema } from '../../lib/schemas.js';
import { registryContextUrl } from '../../vc/registry-context.js';

const registryRoutes: FastifyPluginAsyncZod = async (app) => {
  const { registry, config } = app.ctx;

  app.get(
    '/registry',
    {
      schema: {
        tags: ['registry'],
        summary: 'The signed IIOE trust registry: recognised centres, their DIDs and the courses each may certify',
      },
    },
    async (request, reply) => {
      const { document, version } = await registry.current();
      reply.header('X-Registry-Version', String(version));
      return sendSerialisedDocument(request, reply, { body: document, contentType: 'application/json; charset=utf-8', cacheControl: 'public, max-age=60' });
    },
  );

  app.get(
    new URL(registryContextUrl(config.publicBaseUrl)).pathname,
    { schema: { tags: ['registry'], summary: 'The JSON-LD context of the trust registry (version 1, never changes)', response: { 200: jsonLdDocumentSchema } } },
    async (_request, reply) => {
      reply.header('Cache-Control', 'public, max-age=31536000, immutable');
      return reply.type('application/ld+json').send(registry.ownContexts.get(registryContextUrl(config.publicBaseUrl)) as Record<string, unknown>);
    },
  );
};

export default registryRoutes;
