import type { FastifyReply } from 'fastify';
import { auditEventSchema } from '../audit/schemas.js';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { pageQuerySchema } from '../../lib/pagination.js';
import { problemSchema } from '../../lib/schemas.js';
import { qrPng, qrSvg } from '../../web/qr.js';
import { credentialShortLink, issueCredential } from './service.js';
import {
  eraseCredential,
  getCredentialDetails,
  listCentreCredentials,
  listCredentialEvents,
  reissueCredential,
  revokeCredential,
  suspendCredential,
  unsuspendCredential,
} from './lifecycle.js';
import {
  credentialParamsSchema,
  credentialListQuerySchema,
  credentialViewSchema,
  eraseBodySchema,
  idempotencyKeyHeaderSchema,
  issueCredentialBodySchema,
  issuedCredentialSchema,
  reissueBodySchema,
  reasonBodySchema,
  suspendBodySchema,
} from './schemas.js';

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

  const secured = { security: [{ bearerAuth: [] }] };
  const errors = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema };
  const lifecycleErrors = { ...errors, 409: problemSchema };
  /** The options of a lifecycle action on one of the centre's credentials: scope, path, body, answers. */
  const lifecycleAction = <Body extends z.ZodType>(summary: string, body: Body, description?: string) => ({
    onRequest: app.requireScope('credentials:manage'),
    schema: { tags: ['credentials'], summary, ...(description ? { description } : {}), ...secured, params: credentialParamsSchema, body, response: { 200: credentialViewSchema, ...lifecycleErrors } },
  });

  app.get(
    '/api/v1/credentials',
    {
      onRequest: app.requireAnyScope(['credentials:read', 'credentials:manage']),
      schema: {
        tags: ['credentials'],
        summary: 'The centre\'s own credentials, newest first, with their current status',
        ...secured,
        querystring: credentialListQuerySchema,
        response: { 200: z.object({ items: z.array(credentialViewSchema), nextCursor: z.string().nullable() }), ...errors },
      },
    },
    async (request) => listCentreCredentials({ ctx: app.ctx, principal: request.principal!, query: request.query }),
  );

  app.get(
    '/api/v1/credentials/:id',
    {
      onRequest: app.requireAnyScope(['credentials:read', 'credentials:manage']),
      schema: {
        tags: ['credentials'],
        summary: 'One of the centre\'s credentials: details, current status, links to corrections, latest history',
        ...secured,
        params: credentialParamsSchema,
        response: { 200: credentialViewSchema.extend({ history: z.array(auditEventSchema), moreHistory: z.boolean() }), ...errors },
      },
    },
    async (request) => getCredentialDetails({ ctx: app.ctx, principal: request.principal!, id: request.params.id }),
  );

  app.get(
    '/api/v1/credentials/:id/events',
    {
      onRequest: app.requireAnyScope(['credentials:read', 'credentials:manage']),
      schema: {
        tags: ['credentials'],
        summary: 'The audit trail of one credential, newest first',
        ...secured,
        params: credentialParamsSchema,
        querystring: pageQuerySchema,
        response: { 200: z.object({ items: z.array(auditEventSchema), nextCursor: z.string().nullable() }), ...errors },
      },
    },
    async (request) => listCredentialEvents({ ctx: app.ctx, principal: request.principal!, id: request.params.id, ...request.query }),
  );

  app.post(
    '/api/v1/credentials/:id/revoke',
    lifecycleAction('Revoke a credential for good: its bit is set in the revocation list every verifier reads', reasonBodySchema),
    async (request) => revokeCredential({ ctx: app.ctx, principal: request.principal!, id: request.params.id, reason: request.body.reason }),
  );

  app.post(
    '/api/v1/credentials/:id/suspend',
    lifecycleAction('Suspend a credential (a hold this service reports; outside verifiers see only revocation)', suspendBodySchema),
    async (request) =>
      suspendCredential({ ctx: app.ctx, principal: request.principal!, id: request.params.id, reason: request.body.reason, until: request.body.until ? new Date(request.body.until) : undefined }),
  );

  app.post(
    '/api/v1/credentials/:id/unsuspend',
    lifecycleAction('Lift a suspension', reasonBodySchema),
    async (request) => unsuspendCredential({ ctx: app.ctx, principal: request.principal!, id: request.params.id, reason: request.body.reason }),
  );

  app.post(
    '/api/v1/credentials/:id/erase',
    lifecycleAction(
      'Erase the learner\'s personal data at their request: the credential is withdrawn for good',
      eraseBodySchema,
      [
        'For a learner who asks for their data to be erased. Their name, e-mail, DID and learner id (externalId) and the',
        'signed credential (which names them) are deleted, with the credential\'s e-mails and the cohort rows that issued',
        'it; the credential is revoked (its bit set in the status list) unless it already was. What stays: the dates,',
        'course, status entry and short code, and the audit event `credential.erased` (without personal data).',
        'The credential\'s page, JSON, QR code, certificate and verification by id or code then answer 410',
        '`/problems/credential-withdrawn`. The body must be `{"confirm": "erase"}`: erasure cannot be undone.',
        'Erasing twice is a 409 `/problems/credential-erased`.',
      ].join(' '),
    ),
    async (request) => eraseCredential({ ctx: app.ctx, principal: request.principal!, id: request.params.id }),
  );

  app.post(
    '/api/v1/credentials/:id/reissue',
    {
      onRequest: app.requireScope('credentials:manage'),
      schema: {
        tags: ['credentials'],
        summary: 'Correct a credential: issue a new one with the changes, revoke the old one as superseded, link both',
        ...secured,
        params: credentialParamsSchema,
        body: reissueBodySchema,
        response: { 201: credentialViewSchema.extend({ verifiableCredential: z.record(z.string(), z.unknown()) }), ...lifecycleErrors, 422: problemSchema },
      },
    },
    async (request, reply) => {
      const { document, ...reissued } = await reissueCredential({ ctx: app.ctx, principal: request.principal!, id: request.params.id, input: request.body });
      // as at issuance, the signed bytes are spliced in as stored
      const { verifiableCredential: _signed, ...view } = reissued;
      const body = `${JSON.stringify(view).slice(0, -1)},"verifiableCredential":${document}}`;
      const untypedReply: FastifyReply = reply;
      return untypedReply.status(201).header('Location', reissued.url).type('application/json; charset=utf-8').send(body);
    },
  );

  for (const format of ['svg', 'png'] as const) {
    app.get(
      `/credentials/:id/qr.${format}`,
      {
        schema: {
          tags: ['credentials'],
          summary: `The credential's QR code (${format.toUpperCase()}): it encodes the short link <base>/v/<code>`,
          params: credentialParamsSchema,
          querystring: z.strictObject({ download: z.enum(['1', 'true']).optional().describe('ask the browser to save the file') }),
          response: { 404: problemSchema, 410: problemSchema },
        },
      },
      async (request, reply) => {
        const { link, code } = await credentialShortLink({ ctx: app.ctx, id: request.params.id });
        const body = format === 'svg' ? await qrSvg(link) : await qrPng(link);
        const disposition = request.query.download ? 'attachment' : 'inline';
        // an image, not the schema's JSON: the typed reply only knows the error shapes
        const untypedReply: FastifyReply = reply;
        // the link in the code never changes for a credential
        untypedReply.header('Cache-Control', 'public, max-age=86400').header('Content-Disposition', `${disposition}; filename="credential-${code}.${format}"`);
        return untypedReply.type(format === 'svg' ? 'image/svg+xml' : 'image/png').send(body);
      },
    );
  }
};

export default credentialRoutes;
