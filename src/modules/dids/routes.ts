import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { jsonLdDocumentSchema } from '../../lib/schemas.js';
import { platformDidDocument } from './service.js';

const didRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, config } = app.ctx;

  app.get(
    '/.well-known/did.json',
    {
      schema: {
        tags: ['centres'],
        summary: 'The did:web DID document of the IIOE platform (did:web:<host>)',
        response: { 200: jsonLdDocumentSchema },
      },
    },
    async (_request, reply) => {
      reply.header('Cache-Control', 'public, max-age=300');
      return reply.type('application/did+json').send(await platformDidDocument({ db, config }));
    },
  );
};

export default didRoutes;
