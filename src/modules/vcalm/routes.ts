import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { problemSchema } from '../../lib/schemas.js';
import { issueRequestSchema, issueResponseSchema, updateStatusRequestSchema, updateStatusResponseSchema, verifyRequestSchema, verifyResponseSchema } from './schemas.js';
import { issueVcalmCredential, verifyVcalmCredential } from './service.js';
import { updateCredentialStatus } from './status.js';

/** W3C Verifiable Credential API for Lifecycle Management (VCALM, formerly the CCG VC-API). */
const vcalmRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/credentials/issue',
    {
      onRequest: app.requireScope('credentials:issue'),
      schema: {
        tags: ['vcalm'],
        summary: 'VCALM issue: sign a credential as the caller\'s centre (eddsa-rdfc-2022)',
        description:
          'Signs a VC Data Model 2.0 or 1.1 credential as the caller\'s centre. A VC 2.0 Open Badges credential of an IIOE course the centre is authorised for is stored like the product API\'s (revocation entry, page, short code). Any other credential is signed and audited; with options.credentialStatus it gets an entry of the centre\'s lists and is kept, so POST /credentials/status can revoke it. A VC 1.1 credential is signed as given with only the Data Integrity context (https://w3id.org/security/data-integrity/v2) added: it gets no status entry, so it cannot be revoked. The W3C examples context (https://www.w3.org/ns/credentials/examples/v2) is accepted. options.securing "vc-jwt" (or the centre\'s default) answers with an EnvelopedVerifiableCredential (VC-JOSE-COSE) instead of an embedded proof. relatedResource digests of resources this service holds are checked (docs/vc-conformance.md).',
        security: [{ bearerAuth: [] }],
        body: issueRequestSchema,
        response: { 201: issueResponseSchema, 400: problemSchema, 401: problemSchema, 403: problemSchema },
      },
    },
    async (request, reply) => {
      const result = await issueVcalmCredential({ ctx: app.ctx, principal: request.principal!, ...request.body });
      return reply.status(201).send(result);
    },
  );

  app.post(
    '/credentials/status',
    {
      onRequest: app.requireScope('credentials:manage'),
      schema: {
        tags: ['vcalm'],
        summary: 'VCALM update status: revoke one of the centre\'s credentials (sets its bit in the revocation list)',
        description:
          'Revokes a credential the caller\'s centre issued: one signed through VCALM issue with options.credentialStatus (named by its id, its options.credentialId or its uuid), or a course credential (its uuid or public URL), which is revoked exactly as POST /api/v1/credentials/{id}/revoke does. The list is re-signed at once. Revocation is final: "status": false is refused (400 revocation-is-final), and revoking twice is a 409 credential-revoked. Another centre\'s credential is a 404, as an unknown one.',
        security: [{ bearerAuth: [] }],
        body: updateStatusRequestSchema,
        response: { 200: updateStatusResponseSchema, 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema },
      },
    },
    async (request) => updateCredentialStatus({ ctx: app.ctx, principal: request.principal!, request: request.body }),
  );

  app.post(
    '/credentials/verify',
    {
      // a public endpoint that runs the whole verifier: limited like POST /api/v1/verify
      config: { rateLimit: { max: app.ctx.config.rateLimits.verify, timeWindow: 60_000 } },
      schema: {
        tags: ['vcalm'],
        summary: 'VCALM verify: 200 with verified true/false for a well-formed credential, 400 for malformed input',
        body: verifyRequestSchema,
        response: { 200: verifyResponseSchema, 400: problemSchema },
      },
    },
    async (request) => verifyVcalmCredential({ ctx: app.ctx, credential: request.body.verifiableCredential, options: request.body.options }),
  );
};

export default vcalmRoutes;
