import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { FastifyError, FastifyRequest } from 'fastify';
import t from 'tap';
import type { Test } from 'tap';
import { toProblem } from '../../src/plugins/errors.js';
import { BASE_URL, build, demoToken, type TestApp } from '../helper.js';

// One error format (RFC 9457 problem+json) for unknown routes and unknown resources; 5xx never leak internals;
// the operational endpoints and the API description.

type Injected = Awaited<ReturnType<TestApp['app']['inject']>>;

const testApp = await build(t);
const { app } = testApp;

const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers });

/** Asserts an RFC 9457 problem with exactly the standard members (plus `errors` when given). */
function assertProblem(t: Test, response: Injected, expected: { status: number; type: string; title: string; detail: RegExp; instance: string }) {
  t.equal(response.statusCode, expected.status, response.body);
  t.match(response.headers['content-type'], /^application\/problem\+json/);
  const problem = response.json();
  t.same(Object.keys(problem).sort(), ['detail', 'instance', 'status', 'title', 'type']);
  t.equal(problem.type, `${BASE_URL}/problems/${expected.type}`);
  t.equal(problem.title, expected.title);
  t.equal(problem.status, expected.status);
  t.match(problem.detail, expected.detail);
  t.equal(problem.instance, expected.instance);
  return problem;
}

const assertNotFound = (t: Test, response: Injected, instance: string, detail: RegExp) =>
  assertProblem(t, response, { status: 404, type: 'not-found', title: 'Not Found', detail, instance });

/** Text that must never appear in a 5xx: SQL, table names, driver messages, stack frames, file paths. */
function assertNoInternals(t: Test, body: string, secrets: string[]) {
  for (const secret of secrets) t.notOk(body.includes(secret), `does not leak "${secret}"`);
  t.notMatch(body, /\bat .+:\d+:\d+/, 'no stack frames');
  t.notMatch(body, /\/src\/|\.ts\b|node_modules/, 'no source paths');
  t.notMatch(body, /select |relation|does not exist/i, 'no SQL or driver messages');
}

t.test('not found', async (t) => {
  t.test('an unknown route is a 404 problem pointing at /docs', async (t) => {
    assertNotFound(t, await get('/no/such/thing?x=1'), '/no/such/thing', /GET \/no\/such\/thing.*\/docs/);
  });
  t.test('an unknown API route and method is a 404 problem', async (t) => {
    assertNotFound(t, await app.inject({ method: 'POST', url: '/api/v1/nothing', payload: {} }), '/api/v1/nothing', /POST \/api\/v1\/nothing/);
    assertNotFound(t, await app.inject({ method: 'DELETE', url: '/api/v1/credentials' }), '/api/v1/credentials', /DELETE/);
  });
  t.test('an unknown credential uuid is a 404 problem naming it', async (t) => {
    const id = randomUUID();
    assertNotFound(t, await get(`/credentials/${id}`), `/credentials/${id}`, new RegExp(`No credential has the id "${id}"`));
  });
  t.test('a credential id that is not a uuid is a 404 problem, not a 500', async (t) => {
    assertNotFound(t, await get('/credentials/not-a-uuid'), '/credentials/not-a-uuid', /No credential has the id "not-a-uuid"/);
    assertNotFound(t, await get("/credentials/1'%20or%201=1--"), "/credentials/1'%20or%201=1--", /No credential/);
  });
  t.test('an unknown achievement is a 404 problem', async (t) => {
    const id = randomUUID();
    assertNotFound(t, await get(`/achievements/${id}`), `/achievements/${id}`, /No course has the id.*GET \/achievements/);
    assertNotFound(t, await get('/achievements/nope'), '/achievements/nope', /No course has the id "nope"/);
  });
  t.test('an unknown centre is a 404 problem', async (t) => {
    assertNotFound(t, await get('/centres/nope'), '/centres/nope', /No centre has the slug "nope"/);
    assertNotFound(t, await get('/centres/nope/did.json'), '/centres/nope/did.json', /No centre has the slug "nope"/);
  });
  t.test('control: the things that exist are found', async (t) => {
    t.equal((await get('/centres/egypt-demo')).statusCode, 200);
    const courses = (await get('/achievements')).json().items;
    t.equal((await get(`/achievements/${courses[0].id}`)).statusCode, 200);
  });
});

t.test('a 500 never leaks internals', async (t) => {
  t.test('the error mapper keeps an unexpected error\'s message to the server', async (t) => {
    const request = { id: 'req-42', url: '/api/v1/credentials?x=1' } as FastifyRequest;
    const error = Object.assign(new Error('connect ECONNREFUSED 10.1.2.3:5432 password=hunter2'), { code: 'ECONNREFUSED' }) as FastifyError;
    const problem = toProblem(error, request, 1024);
    t.same(problem, {
      type: '/problems/internal',
      title: 'Internal Server Error',
      status: 500,
      detail: 'Something went wrong on our side. Quote request id req-42 if you report it.',
      instance: '/api/v1/credentials',
    });
    const withStatus = toProblem(Object.assign(new Error('pool exhausted at db.ts:12'), { statusCode: 503 }) as FastifyError, request, 1024);
    t.equal(withStatus.status, 500);
    t.notMatch(withStatus.detail, /pool|db\.ts/);
  });

  t.test('a failing database gives a generic 500 problem on the API and RFC 6749 server_error on /oauth/token', async (t) => {
    const broken = await build(t);
    const token = await demoToken(broken);
    const courses = (await broken.app.inject({ method: 'GET', url: '/achievements' })).json().items;
    // Break the real database under the running app: every query on these tables now fails in the driver.
    await broken.app.ctx.db.execute(sql`alter table achievements rename to achievements_gone`);
    await broken.app.ctx.db.execute(sql`alter table api_clients rename to api_clients_gone`);

    const fetched = await broken.app.inject({ method: 'GET', url: `/achievements/${courses[0].id}`, headers: { 'x-request-id': 'trace-500-a' } });
    const problem = assertProblem(t, fetched, {
      status: 500,
      type: 'internal',
      title: 'Internal Server Error',
      detail: /^Something went wrong on our side\. Quote request id trace-500-a if you report it\.$/,
      instance: `/achievements/${courses[0].id}`,
    });
    assertNoInternals(t, JSON.stringify(problem), ['achievements_gone', 'achievements"']);

    const issued = await broken.app.inject({
      method: 'POST',
      url: '/api/v1/credentials',
      headers: { authorization: `Bearer ${token}`, 'x-request-id': 'trace-500-b' },
      payload: { achievementId: courses[0].id, recipient: { name: 'Amina' } },
    });
    t.equal(issued.statusCode, 500, issued.body);
    t.match(issued.headers['content-type'], /^application\/problem\+json/);
    t.match(issued.json().detail, /trace-500-b/);
    assertNoInternals(t, issued.body, ['api_clients', 'achievements']);

    const tokenResponse = await broken.app.inject({
      method: 'POST',
      url: '/oauth/token',
      payload: { grant_type: 'client_credentials', client_id: broken.demoClient.client_id, client_secret: broken.demoClient.client_secret },
    });
    t.equal(tokenResponse.statusCode, 500);
    t.match(tokenResponse.headers['content-type'], /^application\/json/);
    t.equal(tokenResponse.headers['cache-control'], 'no-store');
    t.same(tokenResponse.json(), { error: 'server_error', error_description: 'Something went wrong on our side.' });

    const logged = broken.logs.filter((line) => line.includes('"level":50')).join('');
    t.match(logged, /api_clients|achievements/, 'the real cause is logged for operators');
    t.match(logged, /trace-500-a/, 'under the request id the caller was given');
  });
});

t.test('health', async (t) => {
  t.test('/healthz is 200 ok', async (t) => {
    const response = await get('/healthz');
    t.equal(response.statusCode, 200);
    t.match(response.headers['content-type'], /^application\/json/);
    t.same(response.json(), { status: 'ok' });
  });
  t.test('/readyz is 200 and names the database kind', async (t) => {
    const response = await get('/readyz');
    t.equal(response.statusCode, 200);
    t.same(response.json(), { status: 'ready', database: process.env.DATABASE_URL ? 'postgres' : 'pglite' });
    t.equal(response.json().database, testApp.database.kind);
  });
  t.test('/readyz is a 503 problem, without the driver\'s message, when the database does not answer', async (t) => {
    const database = app.ctx.database;
    const ping = database.ping;
    database.ping = async () => {
      throw new Error('connect ECONNREFUSED 10.9.8.7:5432');
    };
    t.teardown(() => {
      database.ping = ping;
    });
    const response = await get('/readyz');
    const problem = assertProblem(t, response, {
      status: 503,
      type: 'not-ready',
      title: 'Service Unavailable',
      detail: /database does not answer/,
      instance: '/readyz',
    });
    assertNoInternals(t, JSON.stringify(problem), ['10.9.8.7', 'ECONNREFUSED']);
  });
});

t.test('API description', async (t) => {
  t.test('/openapi.json is OpenAPI 3 and lists the public endpoints', async (t) => {
    const response = await get('/openapi.json');
    t.equal(response.statusCode, 200);
    t.match(response.headers['content-type'], /^application\/json/);
    const spec = response.json();
    t.match(spec.openapi, /^3\.\d+\.\d+$/);
    t.equal(spec.servers?.[0]?.url, BASE_URL);
    const paths = Object.keys(spec.paths);
    for (const path of ['/api/v1/credentials', '/oauth/token', '/api/v1/verify', '/credentials/issue', '/credentials/verify', '/credentials/{id}']) {
      t.ok(paths.includes(path), `lists ${path}`);
    }
    t.ok(spec.paths['/api/v1/credentials'].post, 'POST /api/v1/credentials');
    t.same(spec.paths['/api/v1/credentials'].post.security, [{ bearerAuth: [] }], 'which needs a bearer token');
    t.match(spec.components.securitySchemes.bearerAuth, { type: 'http', scheme: 'bearer' });
    t.ok(spec.paths['/oauth/token'].post, 'POST /oauth/token');
    t.notOk(paths.includes('/openapi.json'), 'the description does not describe itself');

    // every route the app serves (but the documentation's own, and the staff console's forms and pages, which are
    // no API: docs/console.md describes them) is described, with each of its methods
    const served = servedRoutes(app.printRoutes({ commonPrefix: false }));
    t.ok(served.some(({ path }) => path === '/api/v1/centres/:slug/keys/rotate'), 'the route tree is read to its leaves');
    t.ok(served.some(({ path }) => path === '/console/sign-in'), 'the console is served');
    t.notOk(paths.some((path) => path.startsWith('/console')), 'and left out of the API description');
    for (const { path, methods } of served) {
      if (path === '/openapi.json' || path.startsWith('/docs') || path.startsWith('/console')) continue;
      const documented = spec.paths[path.replace(/:(\w+)/g, '{$1}')];
      for (const method of methods.filter((m) => m !== 'HEAD')) t.ok(documented?.[method.toLowerCase()], `OpenAPI describes ${method} ${path}`);
    }
  });
  t.test('/docs serves the HTML documentation', async (t) => {
    for (const url of ['/docs', '/docs/']) {
      const response = await get(url);
      t.equal(response.statusCode, 200, url);
      t.match(response.headers['content-type'], /^text\/html/);
      t.match(response.body, /<!DOCTYPE html>/i);
      t.match(response.body, /swagger-ui/);
    }
  });
});

/** The routes of Fastify's printRoutes tree (four columns per level), as full paths with their methods. */
function servedRoutes(tree: string): { path: string; methods: string[] }[] {
  const ancestors: string[] = [];
  const routes: { path: string; methods: string[] }[] = [];
  for (const line of tree.split('\n')) {
    const match = /^([│ ]*)[├└]── (\S+)(?: \(([^)]*)\))?$/.exec(line.trimEnd());
    if (!match) continue;
    const depth = match[1]!.length / 4;
    ancestors.length = depth;
    ancestors.push(match[2]!);
    if (match[3]) routes.push({ path: ancestors.join(''), methods: match[3].split(', ') });
  }
  return routes;
}
