import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { chooseLanguage } from '../../lib/i18n.js';
import { pageQuerySchema } from '../../lib/pagination.js';
import { jsonLdDocumentSchema, languageQuerySchema, problemSchema } from '../../lib/schemas.js';
import { getAchievementDocument, listCourses } from './service.js';
import { courseListSchema } from './schemas.js';

const achievementRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, config } = app.ctx;

  app.get(
    '/achievements',
    {
      schema: {
        tags: ['courses'],
        summary: 'List the IIOE courses (newest first) with their texts in every language',
        querystring: pageQuerySchema,
        response: { 200: courseListSchema, 400: problemSchema },
      },
    },
    async (request) => listCourses({ db, config, ...request.query }),
  );

  app.get(
    '/achievements/:id',
    {
      schema: {
        tags: ['courses'],
        summary: 'One course as an Open Badges 3.0 Achievement, in the requested language',
        params: z.object({ id: z.string().max(100) }),
        querystring: languageQuerySchema,
        response: { 200: jsonLdDocumentSchema, 404: problemSchema },
      },
    },
    async (request, reply) => {
      const language = chooseLanguage({ lang: request.query.lang, acceptLanguage: request.headers['accept-language'] });
      const document = await getAchievementDocument({ db, config, id: request.params.id, language });
      return reply.header('Content-Language', document.inLanguage).header('Vary', 'Accept-Language').send(document);
    },
  );
};

export default achievementRoutes;
