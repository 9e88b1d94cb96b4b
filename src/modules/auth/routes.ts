import formbody from '@fastify/formbody';
import type { FastifyError, FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from '../../db/errors.js';
import { HttpProblem } from '../../lib/problem.js';
import { authenticateClient, grantScopes, OAuthError, secretVersion } from './service.js';
import { oauthErrorSchema, tokenRequestSchema, tokenResponseSchema } from './schemas.js';
import { redeemPreAuthorizedCode } from '../wallet/oid4vci.js';
import { PRE_AUTHORIZED_CODE_GRANT } from '../wallet/service.js';

/** Reads client_secret_basic credentials (RFC 6749 §2.3.1: form-urlencoded, then base64). */
function basicCredentials(header: string | undefined): { clientId: string; clientSecret: string } | undefined {
  if (!header?.toLowerCase().startsWith('basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new OAuthError('invalid_client', 'The Basic credentials must be client_id:client_secret.');
  try {
    const unescape = (value: string) => decodeURIComponent(value.replace(/\+/g, ' '));
    return { clientId: unescape(decoded.slice(0, colon)), clientSecret: unescape(decoded.slice(colon + 1)) };
  } catch {
    throw new OAuthError('invalid_client', 'The Basic credentials are not correctly URL-encoded.');
  }
}

function sendOAuthError(reply: FastifyReply, error: OAuthError) {
  if (error.status === 401) reply.header('WWW-Authenticate', 'Basic realm="iioe-credentials"');
  return reply
    .status(error.status)
    .header('Cache-Control', 'no-store')
    .header('Pragma', 'no-cache')
    .send({ error: error.error, error_description: error.message });
}

/** Any failure before or inside the handler (bad JSON, wrong media type, size) in RFC 6749 form. */
function toOAuthError(error: FastifyError): OAuthError | undefined {
  if (error instanceof OAuthError) return error;
  // Rate limiting (429) and other problems raised before the handler keep their status.
  if (error instanceof HttpProblem && error.status < 500) return new OAuthError('invalid_request', error.message, error.status);
  if ((error.statusCode ?? 500) >= 500) return undefined;
  const reason =
    error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
      ? 'Send the request as application/x-www-form-urlencoded (or application/json).'
      : error.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? 'The request body is too large.'
        : `The request could not be read: ${error.message}`;
  return new OAuthError('invalid_request', reason, error.statusCode === 413 ? 413 : 400);
}

const tokenRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, config } = app.ctx;
  // RFC 6749 token requests are form-encoded; registered here so no other route accepts form bodies.
  await app.register(formbody);

  app.post(
    '/oauth/token',
    {
      config: { rateLimit: { max: config.rateLimits.token, timeWindow: 60_000 } },
      schema: {
        tags: ['auth'],
        summary: 'OAuth 2.0 token endpoint: client credentials (API clients) and pre-authorised codes (wallets, OpenID4VCI 1.0)',
        description:
          'client_credentials: authenticate with HTTP Basic (client_secret_basic) or client_id/client_secret in the body (client_secret_post). urn:ietf:params:oauth:grant-type:pre-authorized_code: the code of a wallet offer, once, without client authentication (a client_id is ignored); the answer is an opaque token for ten minutes and one credential request. Form or JSON body. Errors follow RFC 6749 §5.2 (a used, expired or unknown code is invalid_grant).',
        body: tokenRequestSchema,
        response: { 200: tokenResponseSchema, 400: oauthErrorSchema, 401: oauthErrorSchema, 413: oauthErrorSchema, 500: oauthErrorSchema, 503: oauthErrorSchema },
      },
      errorHandler(error, request, reply) {
        const oauthError = toOAuthError(error);
        if (oauthError) return sendOAuthError(reply, oauthError);
        if (isDatabaseUnavailable(error)) {
          request.log.error({ err: error }, 'token request failed: the database is unavailable');
          return reply
            .status(503)
            .header('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS))
            .header('Cache-Control', 'no-store')
            .send({ error: 'temporarily_unavailable', error_description: `The service cannot reach its database right now; retry in ${DATABASE_RETRY_AFTER_SECONDS} seconds.` });
        }
        request.log.error({ err: error }, 'token request failed');
        return reply.status(500).header('Cache-Control', 'no-store').send({ error: 'server_error', error_description: 'Something went wrong on our side.' });
      },
    },
    async (request, reply) => {
      const body = request.body ?? {};
      const basic = basicCredentials(request.headers.authorization);
      if (basic && (body.client_id !== undefined || body.client_secret !== undefined)) {
        throw new OAuthError('invalid_request', 'Use one client authentication method: HTTP Basic or client_id/client_secret in the body, not both.');
      }
      if (!body.grant_type) throw new OAuthError('invalid_request', 'The grant_type parameter is required; use client_credentials.');
      if (body.grant_type === PRE_AUTHORIZED_CODE_GRANT) {
        const token = await redeemPreAuthorizedCode({ ctx: app.ctx, code: body['pre-authorized_code'], txCode: body.tx_code });
        return reply.header('Cache-Control', 'no-store').header('Pragma', 'no-cache').send(token);
      }
      if (body.grant_type !== 'client_credentials') {
        throw new OAuthError('unsupported_grant_type', `grant_type "${body.grant_type}" is not supported; use client_credentials (or, for a wallet offer, ${PRE_AUTHORIZED_CODE_GRANT}).`);
      }
      const credentials = basic ?? (body.client_id && body.client_secret ? { clientId: body.client_id, clientSecret: body.client_secret } : undefined);
      if (!credentials) {
        throw new OAuthError('invalid_client', 'Authenticate the client with HTTP Basic or with client_id and client_secret in the body.');
      }
      const { client, centreSlug } = await authenticateClient({ db, ...credentials });
      const scopes = grantScopes(client, body.scope);
      const scope = scopes.join(' ');
      const accessToken = await reply.jwtSign({ sub: client.clientId, client: client.id, cid: client.centreId, centre: centreSlug, scope, sv: secretVersion(client.secretHash) });
      return reply
        .header('Cache-Control', 'no-store')
        .header('Pragma', 'no-cache')
        .send({ access_token: accessToken, token_type: 'Bearer' as const, expires_in: config.accessTokenTtlSeconds, scope });
    },
  );
};

export default tokenRoutes;
