import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from '../../db/errors.js';
import { HttpProblem } from '../../lib/problem.js';
import { authorizationServerMetadata, CredentialRequestError, credentialIssuerMetadata, issueNonce, requestCredential } from './oid4vci.js';
import { credentialRequestSchema, credentialResponseSchema, metadataSchema, nonceResponseSchema, walletErrorSchema } from './schemas.js';
import { WALLET_PATHS } from './service.js';

const METADATA_CACHE = 'public, max-age=3600';

/** error_description is ASCII without `"` and `\` (OpenID4VCI 1.0 §8.3.1, RFC 6749 §5.2): anything else, such as a wallet's own text quoted back, is replaced. */
const asciiDescription = (text: string) => text.replace(/[^\x20-\x21\x23-\x5B\x5D-\x7E]/g, '?');

function sendError(reply: FastifyReply, error: CredentialRequestError) {
  if (error.status === 401) reply.header('WWW-Authenticate', `Bearer realm="iioe-credentials", error="${error.error}"`);
  return reply.status(error.status).header('Cache-Control', 'no-store').send({ error: error.error, error_description: asciiDescription(error.message) });
}

/**
 * Failures before or outside the service (a body that is not JSON or not an object, the wrong media type, too large,
 * rate limited, the database down) in the endpoints' own error form rather than problem+json.
 */
function walletErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof CredentialRequestError) return sendError(reply, error);
  if (error.validation) {
    const aboutProofs = error.validation.some((issue) => issue.instancePath.startsWith('/proofs'));
    return sendError(reply, new CredentialRequestError(aboutProofs ? 'invalid_proof' : 'invalid_credential_request', `The request is malformed: ${error.message}`));
  }
  const status = error instanceof HttpProblem ? error.status : (error.statusCode ?? 500);
  if (status < 500) {
    if (error instanceof HttpProblem && error.headers) reply.headers(error.headers);
    return sendError(reply, new CredentialRequestError('invalid_credential_request', error.message, status));
  }
  if (isDatabaseUnavailable(error)) {
    request.log.error({ err: error }, 'wallet request failed: the database is unavailable');
    return reply.status(503).header('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS)).header('Cache-Control', 'no-store').send({ error: 'temporarily_unavailable', error_description: `Retry in ${DATABASE_RETRY_AFTER_SECONDS} seconds.` });
  }
  request.log.error({ err: error }, 'wallet request failed');
  return reply.status(500).header('Cache-Control', 'no-store').send({ error: 'server_error', error_description: 'Something went wrong on our side.' });
}

/** OpenID for Verifiable Credential Issuance 1.0, pre-authorised code flow: metadata, nonces and credentials. */
const oid4vciRoutes: FastifyPluginAsyncZod = async (app) => {
  const { ctx } = app;
  const limited = { rateLimit: { max: ctx.config.rateLimits.verify, timeWindow: 60_000 } };

  app.get(
    '/.well-known/openid-credential-issuer',
    {
      schema: {
        tags: ['wallets'],
        summary: 'OpenID4VCI 1.0 Credential Issuer Metadata: one configuration, an Open Badges 3.0 credential (ldp_vc), bound to a did:key on proof',
        response: { 200: metadataSchema },
      },
    },
    async (_request, reply) => reply.header('Cache-Control', METADATA_CACHE).send(credentialIssuerMetadata(ctx.config)),
  );

  app.get(
    '/.well-known/oauth-authorization-server',
    {
      schema: {
        tags: ['wallets', 'auth'],
        summary: 'RFC 8414 Authorization Server Metadata: the token endpoint, for API clients (client credentials) and wallets (pre-authorised codes)',
        response: { 200: metadataSchema },
      },
    },
    async (_request, reply) => reply.header('Cache-Control', METADATA_CACHE).send(authorizationServerMetadata(ctx.config)),
  );

  app.post(
    WALLET_PATHS.nonce,
    {
      config: limited,
      errorHandler: walletErrorHandler,
      schema: {
        tags: ['wallets'],
        summary: 'OpenID4VCI 1.0 Nonce Endpoint: a fresh c_nonce for a key proof (no body; single use, five minutes)',
        response: { 200: nonceResponseSchema, 415: walletErrorSchema, 429: walletErrorSchema, 500: walletErrorSchema, 503: walletErrorSchema },
      },
    },
    async (_request, reply) => reply.header('Cache-Control', 'no-store').send(await issueNonce({ ctx })),
  );

  app.post(
    WALLET_PATHS.credential,
    {
      config: limited,
      errorHandler: walletErrorHandler,
      schema: {
        tags: ['wallets'],
        summary: 'OpenID4VCI 1.0 Credential Endpoint: the credential of a redeemed offer, once; bound to the holder\'s did:key when a jwt key proof is sent',
        description:
          'Authorization: Bearer <access token from POST /oauth/token with the pre-authorised code>. Errors are `{error, error_description}`: 401 invalid_token (RFC 6750); 400 invalid_credential_request, unknown_credential_configuration, unknown_credential_identifier, invalid_proof, invalid_nonce, invalid_encryption_parameters or credential_request_denied (OpenID4VCI 1.0 §8.3.1). A bound copy keeps the original\'s id and status entry: revoking the original revokes it.',
        body: credentialRequestSchema,
        response: { 200: credentialResponseSchema, 400: walletErrorSchema, 401: walletErrorSchema, 413: walletErrorSchema, 415: walletErrorSchema, 429: walletErrorSchema, 500: walletErrorSchema, 503: walletErrorSchema },
      },
    },
    async (request, reply) => {
      const response = await requestCredential({ ctx, authorization: request.headers.authorization, body: request.body, requestId: String(request.id) });
      return reply.header('Cache-Control', 'no-store').send(response);
    },
  );
};

export default oid4vciRoutes;
