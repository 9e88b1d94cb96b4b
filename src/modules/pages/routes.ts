import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sendSerialisedDocument, vcMediaType } from '../../lib/documents.js';
import { isLanguage } from '../../lib/i18n.js';
import { HttpProblem, problem } from '../../lib/problem.js';
import { problemSchema } from '../../lib/schemas.js';
import { renderCertificatePdf } from '../../web/certificate-pdf.js';
import { renderCredentialPage } from '../../web/credential-page.js';
import { renderHomePage } from '../../web/home-page.js';
import { pageLanguage } from '../../web/language.js';
import { problemText } from '../../web/problem-text.js';
import { PAGE_TEMPLATE_VERSION, prefersHtml, preparePageReply } from '../../web/respond.js';
import { renderVerifyPage } from '../../web/verify-page.js';
import { credentialParamsSchema } from '../credentials/schemas.js';
import { credentialIdForCode, getStoredCredential } from '../credentials/service.js';
import { certificateContent, credentialPageContent, type VerifySubmission, verifySubmission } from './service.js';

// an unknown or malformed language is ignored (English or the visitor's own), never an error
const pageQuery = z.object({
  lang: z.string().max(100).optional().describe('page language: en, fr, ar or zh'),
  remember: z.string().max(100).optional().describe('1: remember the language in a cookie (the language switcher\'s links)'),
});
const languageAndFormat = pageQuery.extend({ format: z.enum(['html', 'json']).optional().describe('override content negotiation') });

/** The public, browser-facing routes: the credential page, its certificate, short links and the verify page. */
const pageRoutes: FastifyPluginAsyncZod = async (app) => {
  const { config } = app.ctx;
  const uploadLimit = config.bodyLimitBytes;
  await app.register(formbody, { bodyLimit: uploadLimit });
  await app.register(multipart, { limits: { fileSize: uploadLimit, fieldSize: uploadLimit, files: 1, fields: 4, parts: 6 } });
  const verifyRateLimit = { max: config.rateLimits.verify, timeWindow: 60_000 };
  // A page may show a status change no later than the status lists' max-age lets any verifier see it. On another
  // replica a change can wait out two 5-second caches (the credential's standing, then the page) before a browser's.
  const pageMaxAge = Math.max(0, Math.min(60, config.statusLists.maxAgeSeconds) - 10);

  app.get(
    '/',
    {
      config: { page: 'always' },
      schema: { tags: ['verification'], summary: 'The home page: what this service is, the verify form, where centres start (HTML)', querystring: pageQuery },
    },
    async (request, reply) => {
      const language = pageLanguage(request, reply);
      preparePageReply(reply).header('Vary', 'Accept-Language, Cookie');
      // the same words for everyone in a language: a strong tag (the body), cached a few minutes
      return sendSerialisedDocument(request, reply, {
        body: renderHomePage({ language, platformName: config.platform.name }),
        contentType: 'text/html; charset=utf-8',
        cacheControl: `${cacheScope(request)}, max-age=300`,
      });
    },
  );

  app.get(
    '/credentials/:id',
    {
      config: { page: 'negotiated' },
      schema: {
        tags: ['credentials'],
        summary: 'The credential: the signed JSON exactly as issued (application/vc on request), or its verified page for browsers',
        description:
          'Browsers (Accept ranking text/html first) get the page; `?format=json|html` overrides. A credential withdrawn at its holder\'s request (its personal data erased) is a 410: a page saying so, or `/problems/credential-withdrawn`.',
        params: credentialParamsSchema,
        querystring: languageAndFormat,
        response: { 404: problemSchema, 410: problemSchema },
      },
    },
    async (request, reply) => {
      const untypedReply: FastifyReply = reply;
      untypedReply.header('X-Robots-Tag', 'noindex, nofollow');
      if (!prefersHtml(request)) {
        untypedReply.header('Vary', 'Accept');
        const { document } = await getStoredCredential({ ctx: app.ctx, id: request.params.id });
        // The signed bytes never change; whether the credential still holds is a verification question.
        return sendSerialisedDocument(request, untypedReply, { body: document, contentType: vcMediaType(request.headers.accept), cacheControl: 'public, max-age=86400' });
      }
      untypedReply.header('Vary', 'Accept, Accept-Language, Cookie');
      const language = pageLanguage(request, untypedReply);
      const content = await credentialPageContent({ ctx: app.ctx, id: request.params.id, language });
      const body = renderCredentialPage({ ...content, language, platformName: config.platform.name });
      const scope = cacheScope(request);
      preparePageReply(untypedReply);
      // The page's version is what it says, not when it was checked: a revalidation is a 304 while nothing changed.
      const { checkedAt: _checkedAt, ...verdict } = content.report;
      const versionOf = JSON.stringify([PAGE_TEMPLATE_VERSION, language, verdict, content.description, content.links]);
      return sendSerialisedDocument(request, untypedReply, { body, contentType: 'text/html; charset=utf-8', cacheControl: `${scope}, max-age=${pageMaxAge}, must-revalidate`, versionOf });
    },
  );

  app.get(
    '/credentials/:id/certificate.pdf',
    {
      // about 50 ms of CPU each: limited per address like verification
      config: { page: 'negotiated', rateLimit: verifyRateLimit },
      schema: {
        tags: ['credentials'],
        summary: 'The printable certificate (A4 landscape PDF) with the short code and the QR code of the short link',
        params: credentialParamsSchema,
        querystring: pageQuery,
        response: { 404: problemSchema, 409: problemSchema, 410: problemSchema },
      },
    },
    async (request, reply) => {
      const untypedReply: FastifyReply = reply;
      const content = await certificateContent({ ctx: app.ctx, id: request.params.id, language: pageLanguage(request, untypedReply) });
      return untypedReply
        .type('application/pdf')
        .header('Content-Disposition', `inline; filename="certificate-${content.code}.pdf"`)
        .header('Cache-Control', 'private, max-age=300')
        .header('X-Robots-Tag', 'noindex, nofollow')
        .send(await renderCertificatePdf(content));
    },
  );

  app.get(
    '/v/:code',
    {
      // typed codes are a public lookup: limited like the verify API so they cannot be enumerated at speed
      config: { page: 'negotiated', rateLimit: verifyRateLimit },
      schema: {
        tags: ['credentials'],
        summary: 'A credential by the short code printed on its certificate (and encoded in its QR code): redirects to it',
        params: z.object({ code: z.string().max(100) }),
        response: { 404: problemSchema, 422: problemSchema },
      },
    },
    async (request, reply) => {
      const id = await credentialIdForCode({ ctx: app.ctx, code: request.params.code });
      reply.header('Cache-Control', 'public, max-age=3600').header('X-Robots-Tag', 'noindex, nofollow');
      return reply.redirect(`/credentials/${id}${request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : ''}`, 302);
    },
  );

  /** Renders the verify page, or answers a submission: a credential of ours → its page; JSON → the report here. */
  async function answerVerify(request: FastifyRequest, reply: FastifyReply, readSubmission: () => Promise<VerifySubmission>) {
    const language = pageLanguage(request, reply);
    preparePageReply(reply).header('Cache-Control', 'no-store');
    const page = { language, platformName: config.platform.name, uploadLimit };
    let submission: VerifySubmission = {};
    try {
      submission = await readSubmission();
      if (submission.code === undefined && submission.json === undefined && request.method === 'GET') return reply.send(renderVerifyPage(page));
      const outcome = await verifySubmission({ ctx: app.ctx, submission, language });
      // the language goes along only if it was asked for; otherwise the page finds the same one by itself
      if ('credentialId' in outcome) return reply.redirect(`/credentials/${outcome.credentialId}${languageAsked(request) ? `?lang=${language}` : ''}`, 303);
      return reply.send(renderVerifyPage({ ...page, result: outcome }));
    } catch (error) {
      if (!(error instanceof HttpProblem)) throw error;
      const message = problemText({ status: error.status, type: error.type, ...error.extensions }, language, { requestId: String(request.id), uploadLimit });
      return reply.status(error.status).send(renderVerifyPage({ ...page, entered: submission, error: message }));
    }
  }

  app.get(
    '/verify',
    {
      config: { page: 'always', rateLimit: verifyRateLimit },
      schema: {
        tags: ['verification'],
        summary: 'The verify page: enter a code or link, paste or upload a credential (HTML); `?code=` verifies at once',
        querystring: pageQuery.extend({ code: z.string().max(2000).optional() }),
      },
    },
    (request, reply) => answerVerify(request, reply, async () => ({ code: request.query.code })),
  );

  app.post(
    '/verify',
    {
      config: { page: 'always', rateLimit: verifyRateLimit },
      schema: {
        tags: ['verification'],
        summary: 'Submit the verify page (form or multipart with a .json file): the report as a page',
        querystring: pageQuery,
      },
    },
    (request, reply) => answerVerify(request, reply, () => readVerifyForm(request)),
  );
};

const languageAsked = (request: FastifyRequest) => isLanguage((request.query as Record<string, unknown>).lang);

/** A reply that sets the language cookie (the switcher's links) is for this visitor only. */
function cacheScope(request: FastifyRequest): 'private' | 'public' {
  const query = request.query as Record<string, unknown>;
  return query.remember === '1' && isLanguage(query.lang) ? 'private' : 'public';
}

const tooLarge = () => problem(413, 'body-too-large', 'The upload is too large.');

/** The verify form's fields, from a urlencoded or multipart body; an uploaded file counts as pasted JSON. */
async function readVerifyForm(request: FastifyRequest): Promise<VerifySubmission> {
  if (!request.isMultipart()) {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const field = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : undefined);
    return { code: field('code'), json: field('json') };
  }
  const submission: VerifySubmission = {};
  let file: string | undefined;
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        const bytes = await part.toBuffer();
        if (bytes.length > 0) file = bytes.toString('utf8');
      } else if (part.fieldname === 'code' || part.fieldname === 'json') {
        if (part.valueTruncated) throw tooLarge();
        submission[part.fieldname] = String(part.value);
      }
    }
  } catch (error) {
    if (error instanceof HttpProblem) throw error;
    // the multipart limits are the visitor's to fix: a file too large, or more files or fields than the form has
    const code = (error as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge();
    if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') {
      throw problem(400, 'too-many-inputs', 'Send one credential file and the form\'s own fields.');
    }
    throw problem(400, 'invalid-request', `The form could not be read: ${(error as Error).message}`);
  }
  if (file !== undefined) {
    if (submission.json?.trim()) throw problem(400, 'too-many-inputs', 'Paste JSON or upload a file, not both.');
    submission.json = file;
  }
  return submission;
}

export default pageRoutes;
