import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { jsonLdDocumentSchema } from '../../lib/schemas.js';
import { jsonWebKeyContext, jsonWebKeyContextUrl } from '../../vc/json-web-key.js';
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

  app.get(
    new URL(jsonWebKeyContextUrl(config.publicBaseUrl)).pathname,
    {
      schema: {
        tags: ['centres'],
        summary: 'The JSON-LD context of the JsonWebKey verification methods in our DID documents (version 1, never changes)',
        response: { 200: jsonLdDocumentSchema },
      },
    },
    async (_request, reply) => {
      reply.header('Cache-Control', 'public, max-age=31536000, immutable');
      return reply.type('application/ld+json').send(jsonWebKeyContext);
    },
  );
};

export default didRoutes;
