import t from 'tap';
import { build } from '../helper.js';

t.test('the token endpoint and the public verify APIs are rate-limited per address', async (t) => {
  const testApp = await build(t, { RATE_LIMIT_TOKEN_PER_MINUTE: '3', RATE_LIMIT_VERIFY_PER_MINUTE: '2' });
  const { app } = testApp;
  const token = () => app.inject({ method: 'POST', url: '/oauth/token', payload: { grant_type: 'client_credentials', client_id: testApp.demoClient.client_id, client_secret: testApp.demoClient.client_secret } });
  for (let i = 0; i < 3; i++) t.equal((await token()).statusCode, 200);
  const limited = await token();
  t.equal(limited.statusCode, 429);
  t.ok(Number(limited.headers['retry-after']) > 0, 'says when to retry');
  t.equal(limited.json().error, 'invalid_request', 'the token endpoint answers in RFC 6749 form');
  t.equal(limited.headers['cache-control'], 'no-store');

  const verify = () => app.inject({ method: 'POST', url: '/api/v1/verify', payload: { id: '00000000-0000-4000-8000-000000000000' } });
  for (let i = 0; i < 2; i++) t.equal((await verify()).statusCode, 404);
  const tooMany = await verify();
  t.equal(tooMany.statusCode, 429);
  t.match(tooMany.headers['content-type'], /^application\/problem\+json/);
  t.match(tooMany.json(), { status: 429, type: /\/problems\/rate-limited$/, detail: /retry in \d+ s/ });
  t.ok(Number(tooMany.headers['retry-after']) > 0);

  // the VCALM verify endpoint has its own allowance of the same size
  const vcalmVerify = () => app.inject({ method: 'POST', url: '/credentials/verify', payload: {} });
  for (let i = 0; i < 2; i++) t.equal((await vcalmVerify()).statusCode, 400, 'malformed, but counted');
  const vcalmLimited = await vcalmVerify();
  t.equal(vcalmLimited.statusCode, 429);
  t.match(vcalmLimited.json(), { status: 429, type: /\/problems\/rate-limited$/ });

  t.equal((await app.inject({ method: 'GET', url: '/achievements' })).statusCode, 200, 'other routes are not limited');
});
