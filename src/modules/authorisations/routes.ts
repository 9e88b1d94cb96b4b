import type { onRequestAsyncHookHandler } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { HttpProblem } from '../../lib/problem.js';
import { problemSchema } from '../../lib/schemas.js';
import { type Scope, SCOPES } from '../auth/scopes.js';
import {
  authorisationIdParamsSchema,
  authorisationListSchema,
  authorisationSchema,
  grantAuthorisationBodySchema,
  listAuthorisationsQuerySchema,
  revokeAuthorisationBodySchema,
} from './schemas.js';
import { grantAuthorisation, listVisibleAuthorisations, revokeAuthorisation } from './service.js';

const problems = { 400: problemSchema, 401: problemSchema, 403: problemSchema };

const authorisationRoutes: FastifyPluginAsyncZod = async (app) => {
  // Reading authorisations needs a valid token of any scope (what a centre may certify is no secret to its
  // own staff); the service limits a centre's client to its own centre.
  const scopeHooks = (Object.keys(SCOPES) as Scope[]).map((scope) => app.requireScope(scope));
  const requireAnyScope: onRequestAsyncHookHandler = async function (request, reply) {
    let refusal: unknown;
    for (const hook of scopeHooks) {
      try {
        await hook.call(this, request, reply);
        return;
      } catch (error) {
        // A missing scope: try the next one. A missing or bad token (401) ends it at once.
        if (!(error instanceof HttpProblem && error.status === 403)) throw error;
        refusal = error;
      }
    }
    throw refusal;
  };

  app.post(
    '/api/v1/authorisations',
    {
      onRequest: app.requireAdmin,
      schema: {
        tags: ['authorisations'],
        summary: 'Authorise a centre to certify a course, from validFrom (default now) until validUntil (admin)',
        security: [{ bearerAuth: [] }],
        body: grantAuthorisationBodySchema,
        response: { 201: authorisationSchema, ...problems, 409: problemSchema, 422: problemSchema },
      },
    },
    async (request, reply) => {
      const authorisation = await grantAuthorisation({ ctx: app.ctx, actor: request.principal!, input: request.body });
      return reply.status(201).send(authorisation);
    },
  );

  app.post(
    '/api/v1/authorisations/:id/revoke',
    {
      onRequest: app.requireAdmin,
      schema: {
        tags: ['authorisations'],
        summary: 'Withdraw an authorisation from now on (admin); credentials issued before keep it',
        security: [{ bearerAuth: [] }],
        params: authorisationIdParamsSchema,
        body: revokeAuthorisationBodySchema,
        response: { 200: authorisationSchema, ...problems, 404: problemSchema, 409: problemSchema },
      },
    },
    async (request) => revokeAuthorisation({ ctx: app.ctx, actor: request.principal!, id: request.params.id, reason: request.body.reason }),
  );

  app.get(
    '/api/v1/authorisations',
    {
      onRequest: requireAnyScope,
      schema: {
        tags: ['authorisations'],
        summary: 'List authorisations, newest first: an admin sees all, a centre\'s client only its own centre\'s',
        security: [{ bearerAuth: [] }],
        querystring: listAuthorisationsQuerySchema,
        response: { 200: authorisationListSchema, ...problems, 404: problemSchema },
      },
    },
    async (request) => listVisibleAuthorisations({ ctx: app.ctx, principal: request.principal!, ...request.query }),
  );
};

export default authorisationRoutes;
