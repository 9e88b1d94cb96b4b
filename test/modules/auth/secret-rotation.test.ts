// Issue 10 §2: rotating a client secret ends the tokens minted with the old secret within the few seconds of the
// client-status cache (as disabling a client does), not at their expiry. Tokens name the version of the secret
// they were minted with; one without that claim, or with another version, is refused.
import { decodeJwt } from 'jose';
import t from 'tap';
import { adminToken, build, createCentreWithClient, firstAchievementId, issue, tokenFor } from '../../helper.js';

/** the client-status cache's lifetime (src/plugins/auth.ts) plus scheduling slack */
const TAKES_EFFECT_WITHIN_MS = 5_000 + 1_000;

const testApp = await build(t);
const { app } = testApp;
const achievementId = await firstAchievementId(app);
const body = { achievementId, recipient: { name: 'Amina El-Sayed' } };

t.test('a rotated secret ends the old tokens within seconds; the new secret works at once', async (t) => {
  const centre = await createCentreWithClient(testApp, { slug: 'rotation-test' });
  const oldToken = centre.token;
  t.equal((await issue(app, oldToken, body)).statusCode, 201, 'control: the token works before the rotation');
  t.type(decodeJwt(oldToken).sv, 'string', 'the token names the secret version it was minted with');

  const admin = await adminToken(testApp);
  const rotated = await app.inject({ method: 'POST', url: `/api/v1/clients/${centre.clientId}/rotate-secret`, headers: { authorization: `Bearer ${admin}` } });
  t.equal(rotated.statusCode, 200, 'the admin rotates the secret');
  const rotatedAt = performance.now();
  const newSecret: string = rotated.json().client_secret;

  await t.rejects(tokenFor(app, centre.clientId, centre.clientSecret), /401/, 'the old secret gets no new token');
  const newToken = await tokenFor(app, centre.clientId, newSecret);
  t.not(decodeJwt(newToken).sv, decodeJwt(oldToken).sv, 'the new token names another secret version');
  t.equal((await issue(app, newToken, body)).statusCode, 201, 'the new secret\'s token works at once');

  // The old token: refused as soon as the cached client state expires, and from then on.
  let refused;
  while (performance.now() - rotatedAt < TAKES_EFFECT_WITHIN_MS + 2_000) {
    const response = await issue(app, oldToken, body);
    if (response.statusCode === 401) {
      refused = { response, afterMs: performance.now() - rotatedAt };
      break;
    }
    t.equal(response.statusCode, 201, 'until then the old token still works (nothing else happens to it)');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  if (!refused) return t.fail('the old token was never refused');
  t.ok(refused.afterMs <= TAKES_EFFECT_WITHIN_MS, `the old token was refused ${Math.round(refused.afterMs)} ms after the rotation`);
  t.match(refused.response.headers['content-type'], /^application\/problem\+json/);
  t.match(refused.response.json().detail, /secret this token was obtained with has been rotated/, 'the problem says why and what to do');
  t.match(refused.response.headers['www-authenticate'], /error="invalid_token"/);
  t.equal((await issue(app, oldToken, body)).statusCode, 401, 'and stays refused');
  t.equal((await issue(app, newToken, body)).statusCode, 201, 'while the new token keeps working');
});

t.test('a token without the secret version, or with another one, is refused even though our key signed it', async (t) => {
  const centre = await createCentreWithClient(testApp, { slug: 'version-test' });
  const claims = decodeJwt(centre.token);
  const { iat: _iat, exp: _exp, iss: _iss, aud: _aud, ...own } = claims;
  const { sv: _sv, ...withoutVersion } = own;
  for (const [label, payload] of [
    ['no secret version', withoutVersion],
    ['another secret version', { ...own, sv: 'AAAAAAAAAAAAAAAAAAAAAA' }],
  ] as const) {
    const token = await app.jwt.sign(payload as Parameters<typeof app.jwt.sign>[0]);
    const response = await issue(app, token, body);
    t.equal(response.statusCode, 401, `${label}: 401`);
  }
  t.equal((await issue(app, centre.token, body)).statusCode, 201, 'control: the genuine token works');
});
