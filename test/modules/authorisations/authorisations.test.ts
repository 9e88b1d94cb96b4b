import { randomUUID } from 'node:crypto';
import { count, eq } from 'drizzle-orm';
import { assertRefused } from '../../support/rejections.js';
import t, { type Test } from 'tap';
import { auditEvents, authorisations } from '../../../src/db/schema/index.js';
import { createClient } from '../../../src/modules/auth/service.js';
import { adminToken, BASE_URL, build, createCentreWithClient, demoToken, tokenFor } from '../../helper.js';

// POST /api/v1/authorisations, POST /api/v1/authorisations/:id/revoke (admin), GET /api/v1/authorisations
// (admin: all; a centre's client: only its own centre's, never another's rows).

type Json = Record<string, any>;
type Injected = Awaited<ReturnType<typeof app.inject>>;

const testApp = await build(t);
const { app } = testApp;
const admin = await adminToken(testApp);
const courses: { id: string; name: { en: string } }[] = (await app.inject({ method: 'GET', url: '/achievements' })).json().items;
const [courseA, courseB, courseC] = courses.map((course) => course.id) as [string, string, string];

const alpha = await createCentreWithClient(testApp, { slug: 'alpha', authorise: [], scopes: ['credentials:read'] });
const beta = await createCentreWithClient(testApp, { slug: 'beta', authorise: [], scopes: ['credentials:issue', 'credentials:manage', 'credentials:read', 'clients:manage'] });
const alphaClientsOnly = await (async () => {
  const { client, clientSecret } = await createClient({ db: app.ctx.db, centreId: alpha.centre.id, name: 'alpha clients', scopes: ['clients:manage'] });
  return tokenFor(app, client.clientId, clientSecret);
})();

const bearer = (token: string | null): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});
const grant = (payload: unknown, token: string | null = admin) =>
  app.inject({ method: 'POST', url: '/api/v1/authorisations', headers: bearer(token), payload: payload as Json });
const revoke = (id: string, payload: unknown, token: string | null = admin) =>
  app.inject({ method: 'POST', url: `/api/v1/authorisations/${id}/revoke`, headers: bearer(token), payload: payload as Json });
const list = (query = '', token: string | null = admin) => app.inject({ method: 'GET', url: `/api/v1/authorisations${query}`, headers: bearer(token) });

async function counts() {
  const [rows] = await app.ctx.db.select({ n: count() }).from(authorisations);
  const [audited] = await app.ctx.db.select({ n: count() }).from(auditEvents);
  return { authorisations: rows?.n, auditEvents: audited?.n };
}

async function granted(t: Test, payload: Json): Promise<Json> {
  const response = await grant(payload);
  t.equal(response.statusCode, 201, response.body);
  return response.json();
}

/** A problem+json refusal naming what to fix; nothing written. */
const refused = (t: Test, send: () => Promise<Injected>, expected: Parameters<typeof assertRefused>[3]) => assertRefused(t, counts, send, expected);

/** Every item of a list, following nextCursor page by page. */
async function listAll(t: Test, query: string, token: string, limit: number): Promise<Json[]> {
  const items: Json[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 100; page++) {
    const separator = query ? '&' : '?';
    const response = await list(`${query}${separator}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, token);
    t.equal(response.statusCode, 200, response.body);
    const body = response.json();
    t.ok(body.items.length <= limit, 'a page holds at most limit items');
    items.push(...body.items);
    cursor = body.nextCursor;
    if (!cursor) return items;
  }
  throw new Error('pagination did not end');
}

t.test('grant: 201 with the authorisation, from now and open-ended by default; audited', async (t) => {
  const before = await counts();
  const startedAt = Date.now();
  const body = await granted(t, { centre: 'alpha', achievementId: courseA });
  t.match(body, {
    id: /^[0-9a-f-]{36}$/,
    centre: 'alpha',
    achievementId: courseA,
    achievementUrl: `${BASE_URL}/achievements/${courseA}`,
    achievementName: courses[0]?.name.en,
    validUntil: null,
    revokedAt: null,
    revocationReason: null,
    status: 'active',
  });
  const from = Date.parse(body.validFrom);
  t.ok(from >= startedAt - 1000 && from <= Date.now(), 'validFrom defaults to now');
  t.same(await counts(), { authorisations: (before.authorisations ?? 0) + 1, auditEvents: (before.auditEvents ?? 0) + 1 });
  const [event] = await app.ctx.db.select().from(auditEvents).where(eq(auditEvents.target, `authorisation:${body.id}`));
  t.equal(event?.action, 'authorisation.granted');
  t.equal(event?.centreId, alpha.centre.id, 'the event belongs to the centre');
  t.ok(event?.actorClientId);
  t.match(event?.details, { after: { centre: 'alpha', achievementId: courseA, validUntil: null } });
});

t.test('grant: an explicit window; a future start is "scheduled", a past window "expired"', async (t) => {
  const future = await granted(t, { centre: 'alpha', achievementId: courseB, validFrom: '2090-01-01T00:00:00Z', validUntil: '2091-01-01T00:00:00+04:00' });
  t.equal(future.validFrom, '2090-01-01T00:00:00Z');
  t.equal(future.validUntil, '2090-12-31T20:00:00Z', 'stored as an instant, shown in UTC');
  t.equal(future.status, 'scheduled');
  const past = await granted(t, { centre: 'alpha', achievementId: courseB, validFrom: '2020-01-01T00:00:00Z', validUntil: '2021-01-01T00:00:00Z' });
  t.equal(past.status, 'expired');
});

t.test('grant: a period overlapping an authorisation in force is a 409 naming it', async (t) => {
  const existing = await granted(t, { centre: 'beta', achievementId: courseA, validFrom: '2030-01-01T00:00:00Z', validUntil: '2031-01-01T00:00:00Z' });
  for (const [what, window] of [
    ['the same period', { validFrom: '2030-01-01T00:00:00Z', validUntil: '2031-01-01T00:00:00Z' }],
    ['an open-ended period from before', { validFrom: '2029-01-01T00:00:00Z' }],
    ['a period inside it', { validFrom: '2030-03-01T00:00:00Z', validUntil: '2030-04-01T00:00:00Z' }],
    ['a period straddling its end', { validFrom: '2030-12-01T00:00:00Z', validUntil: '2032-01-01T00:00:00Z' }],
  ] as const) {
    t.test(what, async (t) => {
      const problem = await refused(t, () => grant({ centre: 'beta', achievementId: courseA, ...window }), { status: 409, type: 'authorisation-overlaps', detail: /already authorised/ });
      t.equal(problem.authorisationId, existing.id);
      t.match(problem.detail, existing.id);
    });
  }
  t.test('adjacent periods do not overlap (validUntil is exclusive)', async (t) => {
    await granted(t, { centre: 'beta', achievementId: courseA, validFrom: '2031-01-01T00:00:00Z', validUntil: '2032-01-01T00:00:00Z' });
    await granted(t, { centre: 'beta', achievementId: courseA, validFrom: '2029-01-01T00:00:00Z', validUntil: '2030-01-01T00:00:00Z' });
  });
});

t.test('grant: bad input is a 400 or 422 naming the field, and nothing is written', async (t) => {
  const unknownCourse = randomUUID();
  t.test('an unknown centre: 422 naming it', async (t) => {
    await refused(t, () => grant({ centre: 'atlantis', achievementId: courseA }), {
      status: 422,
      type: 'unknown-centre',
      detail: /No centre has the slug "atlantis"/,
      errors: [['body.centre', /"atlantis"/]],
    });
  });
  t.test('an unknown course: 422 naming it', async (t) => {
    await refused(t, () => grant({ centre: 'alpha', achievementId: unknownCourse }), {
      status: 422,
      type: 'unknown-achievement',
      detail: new RegExp(`No course has the id "${unknownCourse}"`),
      errors: [['body.achievementId', new RegExp(unknownCourse)]],
    });
  });
  t.test('both unknown: both named', async (t) => {
    await refused(t, () => grant({ centre: 'atlantis', achievementId: unknownCourse }), {
      status: 422,
      type: 'unknown-centre',
      errors: [
        ['body.centre', /atlantis/],
        ['body.achievementId', new RegExp(unknownCourse)],
      ],
    });
  });
  const cases: [string, Json, string, RegExp][] = [
    ['no centre', { achievementId: courseA }, 'body.centre', /expected string/],
    ['no achievementId', { centre: 'alpha' }, 'body.achievementId', /course id/],
    ['an achievementId that is not a uuid', { centre: 'alpha', achievementId: 'course-1' }, 'body.achievementId', /course id/],
    ['an unknown field', { centre: 'alpha', achievementId: courseA, reason: 'x' }, 'body', /Unrecognized key: "reason"/],
    ['a date without a time', { centre: 'alpha', achievementId: courseA, validFrom: '2030-01-01' }, 'body.validFrom', /RFC 3339/],
    ['a time without a zone', { centre: 'alpha', achievementId: courseA, validUntil: '2030-01-01T00:00:00' }, 'body.validUntil', /time zone/],
    ['validUntil before validFrom', { centre: 'alpha', achievementId: courseA, validFrom: '2030-01-02T00:00:00Z', validUntil: '2030-01-01T00:00:00Z' }, 'body.validUntil', /later than validFrom$/],
    ['validUntil equal to validFrom', { centre: 'alpha', achievementId: courseA, validFrom: '2030-01-01T00:00:00Z', validUntil: '2030-01-01T00:00:00Z' }, 'body.validUntil', /later than validFrom/],
    ['validUntil in the past with validFrom left to now', { centre: 'alpha', achievementId: courseA, validUntil: '2020-01-01T00:00:00Z' }, 'body.validUntil', /defaults to now/],
  ];
  for (const [what, payload, path, message] of cases) {
    t.test(what, async (t) => {
      await refused(t, () => grant(payload), { status: 400, type: 'validation', errors: [[path, message]] });
    });
  }
});

t.test('revoke: ends the authorisation now, with the reason; twice is a 409', async (t) => {
  const authorisation = await granted(t, { centre: 'alpha', achievementId: courseC });
  const before = await counts();
  const response = await revoke(authorisation.id, { reason: '  Centre no longer runs this course  ' });
  t.equal(response.statusCode, 200, response.body);
  const revoked = response.json();
  t.equal(revoked.id, authorisation.id);
  t.equal(revoked.status, 'revoked');
  t.equal(revoked.revocationReason, 'Centre no longer runs this course');
  t.ok(Date.parse(revoked.revokedAt) <= Date.now() && Date.parse(revoked.revokedAt) > Date.now() - 60_000);
  t.equal(revoked.validFrom, authorisation.validFrom, 'the window itself is kept');
  t.same(await counts(), { authorisations: before.authorisations, auditEvents: (before.auditEvents ?? 0) + 1 });
  const [event] = await app.ctx.db.select().from(auditEvents).where(eq(auditEvents.action, 'authorisation.revoked'));
  t.equal(event?.target, `authorisation:${authorisation.id}`);
  t.equal(event?.centreId, alpha.centre.id);
  t.match(event?.details, { reason: 'Centre no longer runs this course' });

  await refused(t, () => revoke(authorisation.id, { reason: 'again' }), { status: 409, type: 'authorisation-already-revoked', detail: new RegExp(`already revoked on ${revoked.revokedAt}`) });

  t.test('a new authorisation can be granted after a revocation', async (t) => {
    await granted(t, { centre: 'alpha', achievementId: courseC });
  });
  t.test('bad input', async (t) => {
    await refused(t, () => revoke(randomUUID(), { reason: 'x' }), { status: 404, type: 'not-found', detail: /No authorisation has the id/ });
    await refused(t, () => revoke('not-a-uuid', { reason: 'x' }), { status: 404, type: 'not-found', detail: /"not-a-uuid"/ });
    await refused(t, () => revoke(authorisation.id, {}), { status: 400, type: 'validation', errors: [['body.reason', /expected string/]] });
    await refused(t, () => revoke(authorisation.id, { reason: ' ' }), { status: 400, type: 'validation', errors: [['body.reason', /must not be empty/]] });
    await refused(t, () => revoke(authorisation.id, { reason: 'x', at: '2020-01-01T00:00:00Z' }), { status: 400, type: 'validation', errors: [['body', /Unrecognized key: "at"/]] });
  });
});

t.test('writes are for platform admins only', async (t) => {
  const target = (await list(`?centre=alpha&limit=1`)).json().items[0];
  for (const [who, token] of [
    ['a centre client with every centre scope', beta.token],
    ['the demo centre\'s client', await demoToken(testApp)],
    ['a client of the centre itself', alpha.token],
  ] as const) {
    t.test(who, async (t) => {
      await refused(t, () => grant({ centre: 'beta', achievementId: courseB }, token), { status: 403, type: 'insufficient-scope', detail: /registry:admin/ });
      await refused(t, () => revoke(target.id, { reason: 'no' }, token), { status: 403, type: 'insufficient-scope' });
    });
  }
  t.test('no token: 401', async (t) => {
    await refused(t, () => grant({ centre: 'beta', achievementId: courseB }, null), { status: 401, type: 'unauthorized' });
    await refused(t, () => revoke(target.id, { reason: 'no' }, null), { status: 401, type: 'unauthorized' });
  });
  t.equal((await list(`?centre=alpha&limit=1`)).json().items[0].status, target.status, 'the authorisation is unchanged');
});

t.test('list: the admin sees every centre\'s, with filters and cursor pagination', async (t) => {
  const [total] = await app.ctx.db.select({ n: count() }).from(authorisations);
  const all = await listAll(t, '', admin, 100);
  t.equal(all.length, total?.n, 'every authorisation');
  t.ok(all.some((item) => item.centre === 'egypt-demo'), 'the demo centre\'s');
  t.ok(all.some((item) => item.centre === 'alpha') && all.some((item) => item.centre === 'beta'));
  const paged = await listAll(t, '', admin, 1);
  t.same(paged.map((item) => item.id), all.map((item) => item.id), 'one by one, the same items in the same order (none skipped, none twice)');
  t.ok(all.every((item, index) => index === 0 || Date.parse(all[index - 1]!.createdAt) >= Date.parse(item.createdAt)), 'newest first');

  const alphaOnly = await listAll(t, '?centre=alpha', admin, 2);
  t.ok(alphaOnly.length > 0 && alphaOnly.every((item) => item.centre === 'alpha'), 'filtered by centre');
  const courseOnly = await listAll(t, `?achievementId=${courseA}`, admin, 100);
  t.ok(courseOnly.length >= 3 && courseOnly.every((item) => item.achievementId === courseA), 'filtered by course');
  const both = await listAll(t, `?centre=beta&achievementId=${courseA}`, admin, 100);
  t.ok(both.length >= 3 && both.every((item) => item.centre === 'beta' && item.achievementId === courseA));
  t.same((await list(`?achievementId=${randomUUID()}`)).json(), { items: [], nextCursor: null }, 'an unknown course: nothing');

  t.equal((await list('?centre=atlantis')).statusCode, 404, 'an unknown centre is a 404');
  t.equal((await list('?achievementId=nope')).statusCode, 400);
  t.equal((await list('?limit=0')).statusCode, 400);
  t.equal((await list('?cursor=garbage')).statusCode, 400);
});

t.test('list: a centre\'s client sees only its own centre\'s authorisations, whatever it asks', async (t) => {
  const betaIds = new Set((await listAll(t, '?centre=beta', admin, 100)).map((item) => item.id));
  const alphaIds = new Set((await listAll(t, '?centre=alpha', admin, 100)).map((item) => item.id));
  t.ok(betaIds.size > 0 && alphaIds.size > 0);

  for (const [who, token] of [
    ['alpha (credentials:read)', alpha.token],
    ['alpha (clients:manage only)', alphaClientsOnly],
  ] as const) {
    t.test(who, async (t) => {
      const own = await listAll(t, '', token, 2);
      t.same(new Set(own.map((item) => item.id)), alphaIds, 'exactly alpha\'s');
      t.ok(own.every((item) => item.centre === 'alpha'));
      t.same((await listAll(t, '?centre=alpha', token, 100)).length, alphaIds.size);
      const asking = await list('?centre=beta', token);
      t.equal(asking.statusCode, 404, 'another centre does not exist for it');
      t.notOk([...betaIds].some((id) => asking.body.includes(id)), 'no beta row in the answer');
      t.equal((await list('?centre=egypt-demo', token)).statusCode, 404);
      const byCourse = await listAll(t, `?achievementId=${courseA}`, token, 100);
      t.ok(byCourse.every((item) => item.centre === 'alpha'), 'a course filter never reaches another centre');
    });
  }
  t.test('beta', async (t) => {
    const own = await listAll(t, '', beta.token, 100);
    t.same(new Set(own.map((item) => item.id)), betaIds);
  });
  t.test('a platform client without registry:admin sees nothing', async (t) => {
    const { client, clientSecret } = await createClient({ db: app.ctx.db, centreId: null, name: 'platform reader', scopes: ['credentials:read'] });
    const token = await tokenFor(app, client.clientId, clientSecret);
    t.same((await list('', token)).json(), { items: [], nextCursor: null });
  });
  t.test('no token or a bad token: 401', async (t) => {
    const none = await list('', null);
    t.equal(none.statusCode, 401);
    t.match(none.headers['www-authenticate'], /^Bearer /);
    t.equal((await list('', 'not.a.token')).statusCode, 401);
  });
});

t.test('OpenAPI documents the authorisation routes', async (t) => {
  const paths = (await app.inject({ method: 'GET', url: '/openapi.json' })).json().paths as Json;
  t.ok(paths['/api/v1/authorisations']?.post);
  t.ok(paths['/api/v1/authorisations']?.get);
  t.ok(paths['/api/v1/authorisations/{id}/revoke']?.post);
  t.ok(paths['/api/v1/authorisations'].post.requestBody.content['application/json'].schema.properties.validUntil);
});
