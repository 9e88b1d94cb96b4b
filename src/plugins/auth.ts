import { createPublicKey } from 'node:crypto';
import jwt from '@fastify/jwt';
import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { HttpProblem, problemType } from '../lib/problem.js';
import { createTtlCache } from '../lib/ttl-cache.js';
import { tokenClientState } from '../modules/auth/service.js';
import type { Scope } from '../modules/auth/scopes.js';

/** Claims of our access tokens. `cid`/`centre` are null for platform (admin) clients. */
export interface AccessTokenClaims {
  sub: string; // the public client_id
  client: string; // the client's row id
  cid: string | null;
  centre: string | null;
  scope: string;
  /** the version of the client secret the token was minted with: a rotated secret ends its tokens */
  sv: string;
}

/**
 * Who is acting on a request: an API client (bearer token) or a staff member signed in to the console, with the
 * scopes of the client or of the staff member's role. Services judge both alike.
 */
export interface Principal {
  kind: 'client' | 'staff';
  /** the API client's row id and public client_id (null for staff) */
  clientUuid: string | null;
  clientId: string | null;
  /** the staff member (null for API clients) */
  staffId: string | null;
  centreId: string | null;
  centreSlug: string | null;
  scopes: ReadonlySet<string>;
  /** the request this principal acts in, recorded in audit events */
  requestId: string;
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: AccessTokenClaims;
    user: AccessTokenClaims;
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** onRequest hook (before body parsing): a valid bearer token from an enabled client holding `scope`. */
    requireScope(scope: Scope): onRequestAsyncHookHandler;
    /** onRequest hook: a valid token holding at least one of `scopes` (e.g. an admin, or the centre's own client). */
    requireAnyScope(scopes: Scope[]): onRequestAsyncHookHandler;
    /** onRequest hook: a platform (not centre) client holding registry:admin. */
    requireAdmin: onRequestAsyncHookHandler;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}

// RFC 6750 §3: no error code when no token was sent, invalid_token when one was and failed.
const REALM = 'realm="iioe-credentials"';
const unauthorized = (detail: string, tokenSent = true) =>
  new HttpProblem({
    status: 401,
    type: problemType('unauthorized'),
    title: 'Unauthorized',
    detail,
    headers: { 'WWW-Authenticate': tokenSent ? `Bearer ${REALM}, error="invalid_token"` : `Bearer ${REALM}` },
  });

const forbiddenScope = (scopes: Scope[], principal: Principal | undefined) =>
  new HttpProblem({
    status: 403,
    type: problemType('insufficient-scope'),
    title: 'Forbidden',
    detail: `This action needs the scope ${scopes.map((scope) => `"${scope}"`).join(' or ')}${scopes.length === 1 && scopes[0] === 'registry:admin' ? ' of a platform client' : ''}; the token has: ${[...(principal?.scopes ?? [])].join(' ') || 'none'}.`,
    headers: { 'WWW-Authenticate': `Bearer ${REALM}, error="insufficient_scope", scope="${scopes.join(' ')}"` },
  });

const CLIENT_STATUS_TTL_MS = 5_000;

function describeJwtFailure(error: { code?: string }): string {
  switch (error.code) {
    case 'FST_JWT_NO_AUTHORIZATION_IN_HEADER':
      return 'Send an access token from POST /oauth/token in the Authorization header: "Bearer <token>".';
    case 'FST_JWT_BAD_REQUEST':
      return 'The Authorization header must be "Bearer <token>".';
    case 'FST_JWT_AUTHORIZATION_TOKEN_EXPIRED':
      return 'The access token has expired; request a new one from POST /oauth/token.';
    default:
      return 'The access token is not valid (malformed, forged or issued by someone else); request a new one from POST /oauth/token.';
  }
}

export default fp(
  async function auth(app: FastifyInstance) {
    const { config, db, keys } = app.ctx;
    const tokenKey = await keys.accessTokenKey();
    const issuer = config.publicBaseUrl;
    await app.register(jwt, {
      secret: {
        private: tokenKey.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string,
        public: createPublicKey(tokenKey.privateKey).export({ format: 'pem', type: 'spki' }) as string,
      },
      sign: { algorithm: 'EdDSA', iss: issuer, aud: `${issuer}/api`, expiresIn: config.accessTokenTtlSeconds },
      verify: {
        algorithms: ['EdDSA'],
        allowedIss: issuer,
        allowedAud: `${issuer}/api`,
        requiredClaims: ['iss', 'aud', 'exp', 'sub', 'client', 'scope', 'sv'],
        // A client sends the same token with every request until it expires: its signature is checked once, then
        // remembered (fast-jwt's LRU, keyed by a hash of the token, never past the token's `exp`). Failures are not
        // cached, and the client's state below is still checked on every request.
        cache: 1000,
      },
    });

    // The tokens of a disabled client, or minted with a secret since rotated, stop working within
    // CLIENT_STATUS_TTL_MS on every replica, not at expiry.
    const stateCache = createTtlCache<string, Awaited<ReturnType<typeof tokenClientState>>>({ ttlMs: CLIENT_STATUS_TTL_MS, clock: app.ctx.clock });
    const clientState = (id: string) => stateCache.get(id, () => tokenClientState({ db, id }));

    async function authenticate(request: FastifyRequest): Promise<Principal> {
      let claims: AccessTokenClaims;
      try {
        claims = await request.jwtVerify<AccessTokenClaims>();
      } catch (error) {
        const { code } = error as { code?: string };
        // A missing header, or one of another scheme (Basic), carried no bearer token.
        throw unauthorized(describeJwtFailure({ code }), code !== 'FST_JWT_NO_AUTHORIZATION_IN_HEADER' && code !== 'FST_JWT_BAD_REQUEST');
      }
      let client = await clientState(claims.client);
      // A token newer than the cached state (minted with a secret rotated since) is checked against the database.
      if (client.active && client.secretVersion !== claims.sv) client = await tokenClientState({ db, id: claims.client });
      if (!client.active) throw unauthorized('The API client of this token has been disabled.');
      if (client.secretVersion !== claims.sv) throw unauthorized('The client secret this token was obtained with has been rotated; request a new token with the new secret from POST /oauth/token.');
      return {
        kind: 'client',
        staffId: null,
        clientUuid: claims.client,
        clientId: claims.sub,
        centreId: claims.cid,
        centreSlug: claims.centre,
        scopes: new Set(claims.scope.split(' ')),
        requestId: request.id,
      };
    }

    const requireAnyScope = (scopes: Scope[]): onRequestAsyncHookHandler => async (request) => {
      const principal = await authenticate(request);
      if (!scopes.some((scope) => principal.scopes.has(scope))) throw forbiddenScope(scopes, principal);
      request.principal = principal;
    };
    app.decorate('requireAnyScope', requireAnyScope);
    app.decorate('requireScope', (scope: Scope) => requireAnyScope([scope]));
    const adminScope = requireAnyScope(['registry:admin']);
    app.decorate('requireAdmin', async function (this: FastifyInstance, request, reply) {
      await adminScope.call(this, request, reply);
      // registry:admin is only ever granted to platform clients; a centre client holding it is refused anyway.
      if (request.principal?.centreId !== null) throw forbiddenScope(['registry:admin'], request.principal);
    });
  },
  { name: 'auth', dependencies: ['context'] },
);
