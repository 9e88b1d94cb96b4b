import { eq } from 'drizzle-orm';
import { decodeJwt, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import t from 'tap';
import type { Test } from 'tap';
import { apiClients } from '../../../src/db/schema/index.js';
import { testClock } from '../../support/clock.js';
import { assertRejectedIssuance, rowCounts } from '../../support/rejections.js';
import { BASE_URL, build, createCentreWithClient, demoToken, firstAchievementId, issue, tokenFor } from '../../helper.js';

// Bearer tokens on POST /api/v1/credentials: only a valid, unexpired token of ours, from an enabled client
// holding credentials:issue, gets through; everything else is a problem+json 401/403 and writes nothing.

type Injected = Awaited<ReturnType<typeof issue>>;

const clock = testClock();
const testApp = await build(t, {}, { clock });
const { app } = testApp;
const achievementId = await firstAchievementId(app);
const validBody = { achievementId, recipient: { name: 'Amina El-Sayed' } };
const goodToken = await demoToken(testApp);
const goodClaims = decodeJwt(goodToken);

/** POST /api/v1/credentials with a valid body and the given headers. */
const postCredential = (headers: Record<string, string>) =>
  app.inject({ method: 'POST', url: '/api/v1/credentials', headers, payload: validBody });

const sendWithoutToken = () => postCredential({});

/** A problem+json 401/403 that writes nothing, with the RFC 6750 challenge. */
const assertRejected = (t: Test, send: () => Promise<Injected>, expected: { status: 401 | 403; type: string; detail: RegExp }) =>
  assertRejectedIssuance(t, app, send, expected, (response) => {
    const challenge = response.headers['www-authenticate'] as string;
    if (expected.status === 401) {
      t.match(challenge, /^Bearer realm="iioe-credentials"(, error="invalid_token")?$/, 'a 401 carries a Bearer challenge');
      // RFC 6750 §3.1: no error code when the request carried no token at all.
      if (send === sendWithoutToken) t.notMatch(challenge, /error=/);
    } else {
      t.match(challenge, /error="insufficient_scope", scope="credentials:issue"/, 'a 403 names the scope needed');
    }
  });

const rejectsToken = (t: Test, token: string, detail: RegExp) =>
  assertRejected(t, () => postCredential({ authorization: `Bearer ${token}` }), { status: 401, type: 'unauthorized', detail });

/** A token with the given claims, signed by `key` (the service's own key unless told otherwise). */
async function signToken(claims: JWTPayload, key?: Parameters<SignJWT['sign']>[0], alg = 'EdDSA') {
  const signingKey = key ?? (await app.ctx.keys.accessTokenKey()).privateKey;
  return new SignJWT(claims).setProtectedHeader({ alg, typ: 'JWT' }).sign(signingKey);
}

const now = () => Math.floor(Date.now() / 1000);
/** Claims exactly like a real token's, with fresh timestamps, iss and aud. */
const realisticClaims = (overrides: JWTPayload = {}): JWTPayload => ({
  ...goodClaims,
  iss: BASE_URL,
  aud: `${BASE_URL}/api`,
  iat: now(),
  exp: now() + 600,
  ...overrides,
});

t.test('control: a token from POST /oauth/token issues a credential', async (t) => {
  const before = await rowCounts(app);
  const response = await postCredential({ authorization: `Bearer ${goodToken}` });
  t.equal(response.statusCode, 201, response.body);
  const after = await rowCounts(app);
  t.equal(after.credentials, (before.credentials ?? 0) + 1);
  t.equal(after.auditEvents, (before.auditEvents ?? 0) + 1);
});

t.test('control: a token we sign ourselves with the service key and realistic claims is accepted', async (t) => {
  // Proves the forged tokens below fail for the one thing that is wrong with each, not for how they are made.
  const response = await postCredential({ authorization: `Bearer ${await signToken(realisticClaims())}` });
  t.equal(response.statusCode, 201, response.body);
});

t.test('no Authorization header is 401, telling the caller how to authenticate', async (t) => {
  await assertRejected(t, sendWithoutToken, { status: 401, type: 'unauthorized', detail: /Bearer <token>.*|POST \/oauth\/token/ });
});

t.test('an Authorization header that is not Bearer is 401', async (t) => {
  const basic = `Basic ${Buffer.from(`${testApp.demoClient.client_id}:${testApp.demoClient.client_secret}`).toString('base64')}`;
  await assertRejected(t, () => postCredential({ authorization: basic }), { status: 401, type: 'unauthorized', detail: /Bearer/ });
});

t.test('a malformed bearer token is 401', async (t) => {
  await rejectsToken(t, 'garbage', /not valid/);
  await rejectsToken(t, 'a.b.c', /not valid/);
  await rejectsToken(t, goodToken.slice(0, -4), /not valid/);
});

t.test('a token with identical claims signed by another Ed25519 key is 401', async (t) => {
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  await rejectsToken(t, await signToken({ ...goodClaims }, privateKey), /not valid/);
});

t.test('an unsigned (alg: none) token with identical claims is 401', async (t) => {
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  await rejectsToken(t, `${encode({ alg: 'none', typ: 'JWT' })}.${encode(goodClaims)}.`, /not valid/);
});

t.test('a token signed with an HMAC over the public key (algorithm confusion) is 401', async (t) => {
  const { createPublicKey } = await import('node:crypto');
  const publicPem = createPublicKey((await app.ctx.keys.accessTokenKey()).privateKey).export({ format: 'pem', type: 'spki' });
  await rejectsToken(t, await signToken(realisticClaims(), new TextEncoder().encode(publicPem as string), 'HS256'), /not valid/);
});

t.test('an expired token signed by the service is 401 and says it expired', async (t) => {
  const expired = await signToken(realisticClaims({ iat: now() - 1000, exp: now() - 60 }));
  const problem = await rejectsToken(t, expired, /expired/);
  t.match(problem.detail, /POST \/oauth\/token/, 'says where to get a new one');
});

t.test('a token for another audience or from another issuer is 401', async (t) => {
  await rejectsToken(t, await signToken(realisticClaims({ aud: 'https://elsewhere.example/api' })), /not valid/);
  await rejectsToken(t, await signToken(realisticClaims({ aud: BASE_URL })), /not valid/);
  await rejectsToken(t, await signToken(realisticClaims({ iss: 'https://elsewhere.example' })), /not valid/);
});

t.test('a service-signed token lacking iss, aud, exp or one of our claims is 401, never accepted or a 500', async (t) => {
  for (const claim of ['aud', 'iss', 'exp', 'sub', 'client', 'scope']) {
    const { [claim]: _dropped, ...claims } = realisticClaims();
    await t.test(`without ${claim}`, async (t) => {
      await rejectsToken(t, await signToken(claims), /not valid/);
    });
  }
});

t.test('a token with only credentials:read is 403 naming the missing credentials:issue', async (t) => {
  const readOnly = await demoToken(testApp, 'credentials:read');
  const problem = await assertRejected(t, () => postCredential({ authorization: `Bearer ${readOnly}` }), {
    status: 403,
    type: 'insufficient-scope',
    detail: /"credentials:issue"/,
  });
  t.match(problem.detail, /credentials:read/, 'and says what the token has');
});

t.test('a disabled client\'s token stops working within the 5 s status cache', async (t) => {
  const other = await createCentreWithClient(testApp, { slug: 'bearer-test' });
  const works = await postCredential({ authorization: `Bearer ${other.token}` });
  t.equal(works.statusCode, 201, `control: the client works while enabled: ${works.body}`);

  await app.ctx.db.update(apiClients).set({ status: 'disabled' }).where(eq(apiClients.clientId, other.clientId));
  clock.advance(5_500);

  await rejectsToken(t, other.token, /disabled/);
  await t.rejects(tokenFor(app, other.clientId, other.clientSecret), /401/, 'and it can get no new token');
  const demoStillWorks = await postCredential({ authorization: `Bearer ${goodToken}` });
  t.equal(demoStillWorks.statusCode, 201, 'other clients are unaffected');
});
