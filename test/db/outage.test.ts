// Issue 10 §2 "Database down" on a real PostgreSQL: the test's own throwaway cluster (the shared one on
// DATABASE_URL serves other test files at the same time) is stopped as in a crash; every request that needs the
// database is then answered 503 with Retry-After within 2 s (problem+json, a page for browsers, RFC 6749 form on
// the token endpoint), /readyz within 1 s, /healthz stays up, and once the cluster is back the same app serves
// again without a restart.
import { randomUUID } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import t from 'tap';
import type { App } from '../../src/app.js';
import { adminToken, build, demoToken, firstAchievementId, issue } from '../helper.js';
import { findPgBinaries, startPgCluster } from '../support/pg-cluster.js';

const binaries = await findPgBinaries();

/** One request and how long it took. */
async function timed(app: App, request: InjectOptions) {
  const started = performance.now();
  const response = await app.inject(request);
  return { response, ms: performance.now() - started };
}

t.test('a database outage is answered 503 + Retry-After quickly, and the service recovers by itself', { skip: 'missing' in binaries ? binaries.missing : false, timeout: 150_000 }, async (t) => {
  if ('missing' in binaries) return;
  const cluster = await startPgCluster(binaries);
  // Teardowns run last-registered first: the app and its database go before the cluster does.
  t.teardown(() => cluster.destroy());
  const testApp = await build(t, { DATABASE_URL: cluster.url });
  const { app } = testApp;
  const token = await demoToken(testApp);
  const admin = await adminToken(testApp);
  const achievementId = await firstAchievementId(app);
  const centre = testApp.demoClient.centre;
  const issueBody = { achievementId, recipient: { name: 'Amira Hassan', email: 'amira@example.org' } };
  t.equal((await issue(app, token, issueBody)).statusCode, 201, 'issuance works before the outage');

  const requests: { name: string; request: InjectOptions; page?: boolean }[] = [
    { name: 'API write: issue a credential', request: { method: 'POST', url: '/api/v1/credentials', headers: { authorization: `Bearer ${token}` }, payload: issueBody } },
    { name: 'admin write: update a centre', request: { method: 'PATCH', url: `/api/v1/centres/${centre}`, headers: { authorization: `Bearer ${admin}` }, payload: { websiteUrl: 'https://example.org/outage' } } },
    { name: 'public read: centre profile', request: { method: 'GET', url: `/centres/${centre}` } },
    { name: 'public read: DID document', request: { method: 'GET', url: `/centres/${centre}/did.json` } },
    { name: 'public read: trust registry', request: { method: 'GET', url: '/registry' } },
    { name: 'public read: verify a credential by id', request: { method: 'POST', url: '/api/v1/verify', payload: { id: randomUUID() } } },
    { name: 'page: a credential', request: { method: 'GET', url: `/credentials/${randomUUID()}`, headers: { accept: 'text/html' } }, page: true },
  ];

  await cluster.stop();
  let restarted = false;
  try {
    for (const { name, request, page } of requests) {
      const { response, ms } = await timed(app, request);
      t.equal(response.statusCode, 503, `${name}: 503 (got ${response.statusCode} ${response.body.slice(0, 200)})`);
      t.ok(ms < 2000, `${name}: answered in ${Math.round(ms)} ms`);
      t.match(response.headers['retry-after'], /^[1-9][0-9]*$/, `${name}: Retry-After in seconds`);
      if (page) {
        t.match(response.headers['content-type'], /^text\/html/, `${name}: a page for the browser`);
        t.match(response.body, /briefly unavailable.*try again in 5 seconds/, `${name}: the page says to wait, not that something broke`);
      } else {
        t.match(response.headers['content-type'], /^application\/problem\+json/, `${name}: problem+json`);
        t.equal(response.json().type, 'http://localhost:3000/problems/database-unavailable', `${name}: the problem says what happened`);
        t.notMatch(response.body, /ECONNREFUSED|127\.0\.0\.1|select |postgres/i, `${name}: no internals leak`);
      }
    }

    const token503 = await timed(app, { method: 'POST', url: '/oauth/token', payload: { grant_type: 'client_credentials', client_id: testApp.demoClient.client_id, client_secret: testApp.demoClient.client_secret } });
    t.equal(token503.response.statusCode, 503, 'token endpoint: 503');
    t.equal(token503.response.json().error, 'temporarily_unavailable', 'token endpoint: RFC 6749 error form');
    t.ok(token503.response.headers['retry-after'], 'token endpoint: Retry-After');
    t.ok(token503.ms < 2000, `token endpoint: answered in ${Math.round(token503.ms)} ms`);

    const ready = await timed(app, { method: 'GET', url: '/readyz' });
    t.equal(ready.response.statusCode, 503, '/readyz: 503');
    t.ok(ready.ms < 1000, `/readyz: answered in ${Math.round(ready.ms)} ms`);
    t.ok(ready.response.headers['retry-after'], '/readyz: Retry-After');
    t.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200, '/healthz: the process is alive, so it is not restarted');

    // Many at once: none waits for another's connection attempt longer than the bound.
    const burst = await Promise.all(Array.from({ length: 30 }, (_, i) => timed(app, requests[i % requests.length]!.request)));
    t.same([...new Set(burst.map(({ response }) => response.statusCode))], [503], '30 concurrent requests: every one 503');
    const slowest = Math.max(...burst.map(({ ms }) => ms));
    t.ok(slowest < 2000, `30 concurrent requests: the slowest answered in ${Math.round(slowest)} ms`);

    await cluster.start();
    restarted = true;
  } finally {
    if (!restarted) await cluster.start();
  }

  // Recovery without a restart: the pool reconnects on the next query.
  const readyAgain = await app.inject({ method: 'GET', url: '/readyz' });
  t.equal(readyAgain.statusCode, 200, '/readyz: ready again');
  t.equal((await app.inject({ method: 'GET', url: `/centres/${centre}` })).statusCode, 200, 'public read works again');
  const issuedAgain = await issue(app, token, issueBody);
  t.equal(issuedAgain.statusCode, 201, `issuance works again (got ${issuedAgain.statusCode} ${issuedAgain.body.slice(0, 300)})`);
  const updated = await app.inject({ method: 'PATCH', url: `/api/v1/centres/${centre}`, headers: { authorization: `Bearer ${admin}` }, payload: { websiteUrl: 'https://example.org/after' } });
  t.equal(updated.statusCode, 200, `admin write works again (got ${updated.statusCode} ${updated.body.slice(0, 300)})`);
});
