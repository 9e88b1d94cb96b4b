import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { languageFromAcceptLanguage } from '../../lib/i18n.js';
import { jsonLdDocumentSchema, languageQuerySchema, problemSchema } from '../../lib/schemas.js';
import { centreDidDocument, getCentre, getCentreProfile } from './service.js';

const slugParams = z.object({ slug: z.string().max(100) });

const centreRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, config } = app.ctx;

  app.get(
    '/centres/:slug',
    {
      schema: {
        tags: ['centres'],
        summary: 'A national centre as an Open Badges 3.0 Profile',
        params: slugParams,
        querystring: languageQuerySchema,
        response: { 200: jsonLdDocumentSchema, 404: problemSchema },
      },
    },
    async (request) => {
      // Without ?lang= or a usable Accept-Language, the centre's own default language.
      const language = request.query.lang ?? languageFromAcceptLanguage(request.headers['accept-language']);
      return getCentreProfile({ db, config, slug: request.params.slug, language });
    },
  );

  app.get(
    '/centres/:slug/did.json',
    {
      schema: {
        tags: ['centres'],
        summary: 'The did:web DID document of a centre (did:web:<host>:centres:<slug>)',
        params: slugParams,
        response: { 200: jsonLdDocumentSchema, 404: problemSchema },
      },
    },
    async (request, reply) => {
      const centre = await getCentre({ db, slug: request.params.slug });
      reply.header('Cache-Control', 'public, max-age=300');
      return reply.type('application/did+json').send(await centreDidDocument({ db, config, centre }));
    },
  );
};

export default centreRoutes;
