import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { chooseLanguage } from '../../lib/i18n.js';
import { badRequest } from '../../lib/problem.js';
import { languageQuerySchema, problemSchema } from '../../lib/schemas.js';
import { loadOwnCredential, verifyCredential } from './service.js';
import { looksLikeCredential, verificationReportSchema, verifyRequestSchema } from './schemas.js';

const verificationRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/api/v1/verify',
    {
      config: { rateLimit: { max: app.ctx.config.rateLimits.verify, timeWindow: 60_000 } },
      schema: {
        tags: ['verification'],
        summary: 'Verify a credential (JSON, or a link or id of this service) and get a report with a verdict',
        description:
          'Always 200 with a report for anything credential-shaped, valid or not; 400 only when the body is not a credential at all. A link, id or code of a credential withdrawn at its holder\'s request (its personal data erased) is a 410 `/problems/credential-withdrawn`: there is no document left to verify.',
        querystring: languageQuerySchema,
        body: verifyRequestSchema,
        response: { 200: verificationReportSchema, 400: problemSchema, 404: problemSchema, 410: problemSchema, 422: problemSchema },
      },
    },
    async (request) => {
      const { verifiableCredential, url, id, code } = request.body;
      if (verifiableCredential && !looksLikeCredential(verifiableCredential)) {
        throw badRequest('verifiableCredential is not a credential: it has none of @context, type, credentialSubject or proof.', [
          { path: 'body.verifiableCredential', message: 'not a verifiable credential' },
        ]);
      }
      const credential = verifiableCredential ?? (await loadOwnCredential({ ctx: app.ctx, id, url, code }));
      const language = chooseLanguage({ lang: request.query.lang, acceptLanguage: request.headers['accept-language'] });
      return verifyCredential({ ctx: app.ctx, credential, language });
    },
  );
};

export default verificationRoutes;
