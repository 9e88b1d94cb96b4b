import { createPublicKey } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import t from 'tap';
import type { Test } from 'tap';
import { apiClients } from '../../../src/db/schema/index.js';
import { BASE_URL, build } from '../../helper.js';

// POST /oauth/token: OAuth 2.0 client credentials (RFC 6749 §4.4), errors in RFC 6749 §5.2 form.

type Injected = Awaited<ReturnType<Awaited<ReturnType<typeof build>>['app']['inject']>>;

const testApp = await build(t);
const { app } = testApp;
const { client_id: clientId, client_secret: clientSecret } = testApp.demoClient;
const DEMO_SCOPES = ['credentials:issue', 'credentials:manage', 'credentials:read'];

const basicAuth = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

/** POST /oauth/token with an application/x-www-form-urlencoded body. */
function postForm(fields: Record<string, string>, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url: '/oauth/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: new URLSearchParams(fields).toString(),
  });
}

/** POST /oauth/token with a JSON body. */
function postJson(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return app.inject({ method: 'POST', url: '/oauth/token', headers, payload: body });
}

/** Every token response, success or error, must not be cached (RFC 6749 §5.1). */
function assertNoStore(t: Test, response: Injected) {
  t.equal(response.headers['cache-control'], 'no-store', 'Cache-Control: no-store');
  t.equal(response.headers.pragma, 'no-cache', 'Pragma: no-cache');
}

function assertTokenResponse(t: Test, response: Injected, expectedScope: string) {
  t.equal(response.statusCode, 200, response.body);
  t.match(response.headers['content-type'], /^application\/json/);
  assertNoStore(t, response);
  const body = response.json();
  t.same(Object.keys(body).sort(), ['access_token', 'expires_in', 'scope', 'token_type']);
  t.equal(body.token_type, 'Bearer');
  t.equal(body.expires_in, 900, 'the default ACCESS_TOKEN_TTL_SECONDS');
  t.equal(body.scope, expectedScope);
  t.match(body.access_token, /^[\w-]+\.[\w-]+\.[\w-]+$/, 'a compact JWS');
  t.equal(decodeJwt(body.access_token).scope, expectedScope, 'the token carries the granted scope');
  return body as { access_token: string; token_type: string; expires_in: number; scope: string };
}

/** An RFC 6749 §5.2 error: JSON `{error, error_description}`, never problem+json, never cached. */
function assertOAuthError(t: Test, response: Injected, status: number, error: string, description?: RegExp) {
  t.equal(response.statusCode, status, response.body);
  t.match(response.headers['content-type'], /^application\/json/);
  t.notMatch(response.headers['content-type'], /problem/, 'not application/problem+json');
  assertNoStore(t, response);
  const body = response.json();
  t.same(Object.keys(body).sort(), ['error', 'error_description'], 'exactly the RFC 6749 fields');
  t.equal(body.error, error);
  t.type(body.error_description, 'string');
  t.ok(body.error_description.length > 10, 'the description says what is wrong');
  if (description) t.match(body.error_description, description);
  if (status === 401) t.match(response.headers['www-authenticate'], /^Basic realm="/, 'a 401 challenges the client');
  else t.notOk(response.headers['www-authenticate'], 'only 401s carry a challenge');
}

t.test('client_secret_basic: HTTP Basic and a form body grant every scope of the client', async (t) => {
  const response = await postForm({ grant_type: 'client_credentials' }, { authorization: basicAuth(clientId, clientSecret) });
  assertTokenResponse(t, response, DEMO_SCOPES.join(' '));
});

t.test('client_secret_post: client_id and client_secret in a form body', async (t) => {
  const response = await postForm({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret });
  assertTokenResponse(t, response, DEMO_SCOPES.join(' '));
});

t.test('client_secret_post: client_id and client_secret in a JSON body', async (t) => {
  const response = await postJson({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret });
  assertTokenResponse(t, response, DEMO_SCOPES.join(' '));
});

t.test('unrecognised parameters are ignored (RFC 6749 §3.2)', async (t) => {
  const response = await postForm({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, audience: 'x' });
  assertTokenResponse(t, response, DEMO_SCOPES.join(' '));
});

t.test('requesting a subset of the client\'s scopes narrows the token to it', async (t) => {
  const one = await postForm({ grant_type: 'client_credentials', scope: 'credentials:read' }, { authorization: basicAuth(clientId, clientSecret) });
  assertTokenResponse(t, one, 'credentials:read');
  const two = await postJson({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope: 'credentials:read credentials:issue' });
  assertTokenResponse(t, two, 'credentials:read credentials:issue');
  const repeated = await postJson({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope: 'credentials:read  credentials:read' });
  assertTokenResponse(t, repeated, 'credentials:read');
});

t.test('requesting a scope the client does not hold is invalid_scope, naming it', async (t) => {
  for (const scope of ['clients:manage', 'registry:admin', 'credentials:read registry:admin', 'everything']) {
    const response = await postJson({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope });
    const refused = scope.split(' ').at(-1) as string;
    assertOAuthError(t, response, 400, 'invalid_scope', new RegExp(refused));
    t.notOk(response.json().access_token, `no token for "${scope}"`);
  }
});

t.test('a wrong secret is invalid_client with a challenge', async (t) => {
  const viaBasic = await postForm({ grant_type: 'client_credentials' }, { authorization: basicAuth(clientId, `${clientSecret}x`) });
  assertOAuthError(t, viaBasic, 401, 'invalid_client');
  const viaBody = await postJson({ grant_type: 'client_credentials', client_id: clientId, client_secret: 'wrong' });
  assertOAuthError(t, viaBody, 401, 'invalid_client');
});

t.test('an unknown client_id is invalid_client, indistinguishable from a wrong secret', async (t) => {
  const unknown = await postJson({ grant_type: 'client_credentials', client_id: 'iioe_doesnotexist', client_secret: clientSecret });
  assertOAuthError(t, unknown, 401, 'invalid_client');
  const wrongSecret = await postJson({ grant_type: 'client_credentials', client_id: clientId, client_secret: 'wrong' });
  t.equal(unknown.json().error_description, wrongSecret.json().error_description, 'the same description for both');
});

t.test('no client credentials at all is invalid_client', async (t) => {
  assertOAuthError(t, await postForm({ grant_type: 'client_credentials' }), 401, 'invalid_client', /HTTP Basic|client_id/);
  assertOAuthError(t, await postJson({ grant_type: 'client_credentials', client_id: clientId }), 401, 'invalid_client');
});

t.test('both HTTP Basic and body credentials is invalid_request', async (t) => {
  const response = await postForm(
    { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret },
    { authorization: basicAuth(clientId, clientSecret) },
  );
  assertOAuthError(t, response, 400, 'invalid_request', /one client authentication method/);
});

t.test('a missing grant_type is invalid_request', async (t) => {
  const response = await postForm({ client_id: clientId, client_secret: clientSecret });
  assertOAuthError(t, response, 400, 'invalid_request', /grant_type/);
});

t.test('grant_type=password is unsupported_grant_type', async (t) => {
  const response = await postForm({ grant_type: 'password', username: 'a', password: 'b', client_id: clientId, client_secret: clientSecret });
  assertOAuthError(t, response, 400, 'unsupported_grant_type', /password/);
});

t.test('a malformed JSON body is an RFC 6749 error, not problem+json', async (t) => {
  const response = await app.inject({
    method: 'POST',
    url: '/oauth/token',
    headers: { 'content-type': 'application/json' },
    payload: '{"grant_type": "client_credentials",',
  });
  assertOAuthError(t, response, 400, 'invalid_request', /JSON/);
});

t.test('an unsupported content type is an RFC 6749 error, not problem+json', async (t) => {
  const response = await app.inject({
    method: 'POST',
    url: '/oauth/token',
    headers: { 'content-type': 'text/plain' },
    payload: `grant_type=client_credentials&client_id=${clientId}&client_secret=${clientSecret}`,
  });
  assertOAuthError(t, response, 400, 'invalid_request', /x-www-form-urlencoded/);
});

t.test('an empty request is an RFC 6749 error, not problem+json', async (t) => {
  assertOAuthError(t, await app.inject({ method: 'POST', url: '/oauth/token' }), 400, 'invalid_request');
});

t.test('the access token is an EdDSA JWT naming the client, its centre and the scope', async (t) => {
  const before = Math.floor(Date.now() / 1000);
  const { access_token: token } = assertTokenResponse(
    t,
    await postForm({ grant_type: 'client_credentials', scope: 'credentials:issue' }, { authorization: basicAuth(clientId, clientSecret) }),
    'credentials:issue',
  );
  const header = decodeProtectedHeader(token);
  t.equal(header.alg, 'EdDSA');
  t.equal(header.typ, 'JWT');

  const claims = decodeJwt(token);
  t.equal(claims.sub, clientId, 'sub is the public client_id');
  t.equal(claims.centre, 'egypt-demo');
  t.equal(claims.scope, 'credentials:issue');
  t.equal(claims.iss, BASE_URL);
  t.equal(claims.aud, `${BASE_URL}/api`);
  t.ok((claims.iat as number) >= before - 1 && (claims.iat as number) <= before + 60, 'iat is now');
  t.equal((claims.exp as number) - (claims.iat as number), 900, 'lives expires_in seconds');

  const [row] = await app.ctx.db.select().from(apiClients).where(eq(apiClients.clientId, clientId));
  t.equal(claims.client, row?.id, 'client is the client row id');
  t.equal(claims.cid, row?.centreId, 'cid is the centre id');

  // The signature verifies under the service's access-token key, and only under it.
  const { privateKey } = await app.ctx.keys.accessTokenKey();
  const verified = await jwtVerify(token, createPublicKey(privateKey), { algorithms: ['EdDSA'], issuer: BASE_URL, audience: `${BASE_URL}/api` });
  t.equal(verified.payload.sub, clientId, 'the signature verifies with the access-token public key');
});

t.test('client secrets are stored only as scrypt hashes, and never logged', async (t) => {
  const [row] = await app.ctx.db.select().from(apiClients).where(eq(apiClients.clientId, clientId));
  t.ok(row, 'the demo client row exists');
  const hash = row?.secretHash ?? '';
  t.match(hash, /^scrypt\$\d+\$\d+\$\d+\$[\w-]+\$[\w-]+$/, 'scrypt$N$r$p$salt$hash');
  t.notOk(hash.includes(clientSecret), 'the hash does not contain the secret');
  t.notOk(hash.includes(Buffer.from(clientSecret).toString('base64url')), 'nor an encoding of it');

  // Every test above sent the secret; none of the log lines may carry it or an access token.
  await postJson({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret });
  const logs = testApp.logs.join('');
  t.ok(logs.length > 0, 'the app logged requests');
  t.notOk(logs.includes(clientSecret), 'the client secret never reaches the logs');
  t.notOk(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/.test(logs), 'no access token reaches the logs');
});
