import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { chooseLanguage } from '../../lib/i18n.js';
import { pageQuerySchema } from '../../lib/pagination.js';
import { jsonLdDocumentSchema, languageQuerySchema, problemSchema } from '../../lib/schemas.js';
import {
  achievementUrl,
  createCourse,
  getAchievementDocument,
  getAchievementVersionDocument,
  listCourses,
  listCourseVersions,
  updateCourse,
} from './service.js';
import {
  courseIdParamsSchema,
  courseListSchema,
  courseSchema,
  courseVersionListSchema,
  courseVersionParamsSchema,
  createCourseBodySchema,
  updateCourseBodySchema,
} from './schemas.js';

const adminProblems = { 400: problemSchema, 401: problemSchema, 403: problemSchema };

const achievementRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, config } = app.ctx;
  // Versions live outside the JSON-LD document (OB 3.0 has no term for a version history): RFC 5829 links.
  const versionHistoryLink = (id: string) => `<${achievementUrl(config.publicBaseUrl, id)}/versions>; rel="version-history"`;

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
        summary: 'The current version of a course as an Open Badges 3.0 Achievement, in the requested language',
        description: 'The `Link` header (rel="version-history") points at GET /achievements/:id/versions.',
        params: courseIdParamsSchema,
        querystring: languageQuerySchema,
        response: { 200: jsonLdDocumentSchema, 404: problemSchema },
      },
    },
    async (request, reply) => {
      const language = chooseLanguage({ lang: request.query.lang, acceptLanguage: request.headers['accept-language'] });
      const document = await getAchievementDocument({ db, config, id: request.params.id, language });
      return reply
        .header('Content-Language', document.inLanguage)
        .header('Vary', 'Accept-Language')
        .header('Link', versionHistoryLink(request.params.id))
        .send(document);
    },
  );

  app.get(
    '/achievements/:id/versions',
    {
      schema: {
        tags: ['courses'],
        summary: 'Every version of a course, newest first (plain JSON, not JSON-LD)',
        params: courseIdParamsSchema,
        response: { 200: courseVersionListSchema, 404: problemSchema },
      },
    },
    async (request) => listCourseVersions({ db, config, id: request.params.id }),
  );

  app.get(
    '/achievements/:id/versions/:version',
    {
      schema: {
        tags: ['courses'],
        summary: 'One version of a course as an Open Badges 3.0 Achievement (what credentials issued under it embed)',
        params: courseVersionParamsSchema,
        querystring: languageQuerySchema,
        response: { 200: jsonLdDocumentSchema, 404: problemSchema },
      },
    },
    async (request, reply) => {
      const language = chooseLanguage({ lang: request.query.lang, acceptLanguage: request.headers['accept-language'] });
      const { document } = await getAchievementVersionDocument({ db, config, ...request.params, language });
      return reply
        .header('Content-Language', document.inLanguage)
        .header('Vary', 'Accept-Language')
        .header('Link', `<${achievementUrl(config.publicBaseUrl, request.params.id)}>; rel="latest-version", ${versionHistoryLink(request.params.id)}`)
        .send(document);
    },
  );

  app.post(
    '/api/v1/achievements',
    {
      onRequest: app.requireAdmin,
      schema: {
        tags: ['courses'],
        summary: 'Create a course (admin): version 1 of an OB 3.0 Achievement in one or more languages',
        security: [{ bearerAuth: [] }],
        body: createCourseBodySchema,
        response: { 201: courseSchema, ...adminProblems, 409: problemSchema, 422: problemSchema },
      },
    },
    async (request, reply) => {
      const course = await createCourse({ ctx: app.ctx, actor: request.principal!, input: request.body });
      return reply.status(201).header('Location', course.url).send(course);
    },
  );

  app.patch(
    '/api/v1/achievements/:id',
    {
      onRequest: app.requireAdmin,
      schema: {
        tags: ['courses'],
        summary: 'Update a course (admin): the fields sent replace the stored ones and make a new version',
        description:
          'Texts (name, description, criteria) are replaced as whole objects; null clears series, level or hours. ' +
          'A body that changes nothing makes no new version. Credentials already issued keep the version they embed. ' +
          'The code is not part of any version: changing only the code makes none.',
        security: [{ bearerAuth: [] }],
        params: courseIdParamsSchema,
        body: updateCourseBodySchema,
        response: { 200: courseSchema, ...adminProblems, 404: problemSchema, 409: problemSchema, 422: problemSchema },
      },
    },
    async (request) => {
      const { course } = await updateCourse({ ctx: app.ctx, actor: request.principal!, id: request.params.id, changes: request.body });
      return course;
    },
  );
};

export default achievementRoutes;
