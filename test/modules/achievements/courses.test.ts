import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { and, count, eq } from 'drizzle-orm';
import { assertRefused } from '../../support/rejections.js';
import t, { type Test } from 'tap';
import { achievements, achievementVersions, auditEvents } from '../../../src/db/schema/index.js';
import { achievementSchema } from '../../../src/vc/ob3-schema.js';
import { outsideContextLoader } from '../../support/outside-contexts.js';
import { adminToken, BASE_URL, build, createCentreWithClient, demoToken } from '../../helper.js';

// Courses (OB 3.0 Achievements), admin only: POST /api/v1/achievements, PATCH /api/v1/achievements/:id, and the
// public GET /achievements/:id, /achievements/:id/versions and /achievements/:id/versions/:n.

type Json = Record<string, any>;
type Injected = Awaited<ReturnType<typeof app.inject>>;

const require = createRequire(import.meta.url);
const jsonld = require('jsonld') as { expand(input: object, options: { documentLoader: typeof outsideContextLoader; safe?: boolean }): Promise<Json[]> };

const testApp = await build(t);
const { app } = testApp;
const admin = await adminToken(testApp);
const centreToken = await demoToken(testApp);

const ALIGNMENT = {
  targetName: 'Knowledge acquisition: digital pedagogy',
  targetUrl: 'https://competencies.example.org/ict-cft/ka-3',
  targetCode: 'KA-3',
  targetFramework: 'ICT Competency Framework for Teachers (example)',
};

function validCourse(changes: Json = {}): Json {
  return {
    name: { en: 'Digital Pedagogy Foundations', ar: 'أسس التربية الرقمية' },
    description: { en: 'How to design online learning.\nWith practice.', ar: 'كيفية تصميم التعلم عبر الإنترنت.' },
    criteria: { en: 'Passed the final quiz with at least 70%.', ar: 'اجتاز الاختبار النهائي بنسبة 70٪ على الأقل.' },
    series: 'Digital Teaching',
    level: 'Foundation',
    hours: 12,
    alignments: [ALIGNMENT],
    ...changes,
  };
}

const post = (payload: unknown, token: string | null = admin) =>
  app.inject({ method: 'POST', url: '/api/v1/achievements', headers: token ? { authorization: `Bearer ${token}` } : {}, payload: payload as Json });
const patch = (id: string, payload: unknown, token: string | null = admin) =>
  app.inject({ method: 'PATCH', url: `/api/v1/achievements/${id}`, headers: token ? { authorization: `Bearer ${token}` } : {}, payload: payload as Json });
const get = (url: string) => app.inject({ method: 'GET', url });

async function counts() {
  const [courses] = await app.ctx.db.select({ n: count() }).from(achievements);
  const [versions] = await app.ctx.db.select({ n: count() }).from(achievementVersions);
  const [audited] = await app.ctx.db.select({ n: count() }).from(auditEvents);
  return { courses: courses?.n, versions: versions?.n, auditEvents: audited?.n };
}

async function created(t: Test, payload: Json = validCourse()): Promise<Json> {
  const response = await post(payload);
  t.equal(response.statusCode, 201, response.body);
  return response.json();
}

/** A problem+json refusal naming what to fix; nothing written. */
const refused = (t: Test, send: () => Promise<Injected>, expected: Parameters<typeof assertRefused>[3]) => assertRefused(t, counts, send, expected);

t.test('create: 201 with the course at version 1, its snapshot and an audit event, together', async (t) => {
  const before = await counts();
  const response = await post(validCourse({ name: { en: '  Digital Pedagogy Foundations ', ar: 'أسس التربية الرقمية' } }));
  t.equal(response.statusCode, 201, response.body);
  const course = response.json();
  t.match(course.id, /^[0-9a-f-]{36}$/);
  t.equal(course.url, `${BASE_URL}/achievements/${course.id}`);
  t.equal(response.headers.location, course.url);
  t.equal(course.version, 1);
  t.equal(course.name.en, 'Digital Pedagogy Foundations', 'texts are trimmed');
  t.same(course.languages, ['en', 'ar']);
  t.equal(course.achievementType, 'MicroCredential', 'the default achievementType');
  t.same(course.alignments, [ALIGNMENT]);
  t.equal(course.hours, 12);
  t.equal(course.demo, false);

  const after = await counts();
  t.equal(after.courses, (before.courses ?? 0) + 1, 'one course row');
  t.equal(after.versions, (before.versions ?? 0) + 1, 'one version row');
  t.equal(after.auditEvents, (before.auditEvents ?? 0) + 1, 'one audit event');

  const [snapshot] = await app.ctx.db.select().from(achievementVersions).where(eq(achievementVersions.achievementId, course.id));
  t.equal(snapshot?.version, 1);
  t.same(snapshot?.content, {
    name: course.name,
    description: course.description,
    criteria: course.criteria,
    achievementType: 'MicroCredential',
    series: 'Digital Teaching',
    level: 'Foundation',
    hours: 12,
    alignments: [ALIGNMENT],
  });
  const [event] = await app.ctx.db.select().from(auditEvents).where(eq(auditEvents.target, `achievement:${course.id}`));
  t.equal(event?.action, 'achievement.created');
  t.equal(event?.centreId, null);
  t.ok(event?.actorClientId, 'the admin client is the actor');
  t.ok(event?.requestId, 'the request id is recorded');
  t.same((event?.details as Json).after.languages, ['en', 'ar']);

  const listed = (await get('/achievements?limit=100')).json().items.find((item: Json) => item.id === course.id);
  t.same(listed, course, 'the list item has the same shape as the created course');
});

t.test('create: achievementType takes OB 3.0 terms and ext: terms; a language other than English alone is fine', async (t) => {
  t.equal((await created(t, validCourse({ achievementType: 'Certificate' }))).achievementType, 'Certificate');
  t.equal((await created(t, validCourse({ achievementType: 'ext:IIOEModule' }))).achievementType, 'ext:IIOEModule');
  const chinese = await created(t, { name: { zh: '数字教学基础' }, description: { zh: '如何设计在线学习。' }, criteria: { zh: '通过期末测验。' } });
  t.same(chinese.languages, ['zh']);
  t.same(chinese.alignments, []);
  t.equal(chinese.series, null);
  t.equal(chinese.hours, null);
  const document = (await get(`/achievements/${chinese.id}`)).json();
  t.equal(document.inLanguage, 'zh', 'served in its only language');
  t.notOk('alignment' in document, 'no alignment property without alignments');
});

t.test('GET /achievements/:id: the current version as a JSON-LD-clean OB 3.0 Achievement with its alignments', async (t) => {
  const course = await created(t);
  const response = await get(`/achievements/${course.id}`);
  t.equal(response.statusCode, 200);
  t.match(response.headers.link, `<${BASE_URL}/achievements/${course.id}/versions>; rel="version-history"`);
  const document = response.json();
  t.equal(document.id, course.url);
  t.equal(document.version, '1', 'OB 3.0 Achievement.version (a string)');
  t.same(document.alignment, [{ type: ['Alignment'], ...ALIGNMENT }]);
  t.same(document.tag, ['Digital Teaching', 'Foundation']);
  t.ok(achievementSchema.safeParse(document).success, 'meets the OB 3.0 Achievement schema');
  const expanded = await jsonld.expand(document, { documentLoader: outsideContextLoader, safe: true });
  t.equal(expanded.length, 1, 'the stock JSON-LD safe mode accepts it (every term defined)');
  const alignment = expanded[0]?.['https://purl.imsglobal.org/spec/vc/ob/vocab.html#alignment']?.[0];
  t.same(alignment?.['https://schema.org/targetUrl'], [{ '@type': 'https://www.w3.org/2001/XMLSchema#anyURI', '@value': ALIGNMENT.targetUrl }], 'targetUrl expands as an anyURI');

  const arabic = (await get(`/achievements/${course.id}?lang=ar`)).json();
  t.equal(arabic.inLanguage, 'ar');
  t.equal(arabic.name, 'أسس التربية الرقمية');
});

t.test('update: a new version with a stable id; earlier versions stay readable', async (t) => {
  const course = await created(t);
  const before = await counts();
  const newName = { en: 'Digital Pedagogy Foundations (2nd edition)', ar: 'أسس التربية الرقمية (الطبعة الثانية)' };
  const response = await patch(course.id, { name: newName, hours: 15 });
  t.equal(response.statusCode, 200, response.body);
  const updated = response.json();
  t.equal(updated.id, course.id, 'the id is stable');
  t.equal(updated.version, 2);
  t.same(updated.name, newName);
  t.equal(updated.hours, 15);
  t.same(updated.description, course.description, 'fields not sent are kept');
  t.same(await counts(), { courses: before.courses, versions: (before.versions ?? 0) + 1, auditEvents: (before.auditEvents ?? 0) + 1 });

  const [event] = await app.ctx.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.target, `achievement:${course.id}`), eq(auditEvents.action, 'achievement.updated')));
  t.match(event?.details, { version: { before: 1, after: 2 }, changed: ['name', 'hours'], before: { name: course.name, hours: 12 }, after: { name: newName, hours: 15 } });

  const current = (await get(`/achievements/${course.id}`)).json();
  t.equal(current.version, '2');
  t.equal(current.name, newName.en);

  const versions = await get(`/achievements/${course.id}/versions`);
  t.equal(versions.statusCode, 200);
  t.match(versions.json(), {
    id: course.id,
    url: course.url,
    currentVersion: 2,
    versions: [
      { version: 2, current: true, url: `${course.url}/versions/2`, createdAt: String },
      { version: 1, current: false, url: `${course.url}/versions/1`, createdAt: String },
    ],
  });
  t.equal(versions.json().versions.length, 2);

  const first = await get(`/achievements/${course.id}/versions/1`);
  t.equal(first.statusCode, 200);
  t.match(first.headers.link, `<${course.url}>; rel="latest-version"`);
  const v1 = first.json();
  t.equal(v1.id, course.url, 'an earlier version keeps the course id');
  t.equal(v1.version, '1');
  t.equal(v1.name, course.name.en, 'version 1 keeps its own name');
  t.ok(achievementSchema.safeParse(v1).success);
  await jsonld.expand(v1, { documentLoader: outsideContextLoader, safe: true });
  t.same((await get(`/achievements/${course.id}/versions/2`)).json(), current, 'the newest version is the current document');
  t.equal((await get(`/achievements/${course.id}/versions/1?lang=ar`)).json().name, course.name.ar);

  t.test('null clears an optional field; an update that changes nothing makes no version', async (t) => {
    const cleared = (await patch(course.id, { series: null, level: null, alignments: [] })).json();
    t.equal(cleared.version, 3);
    t.equal(cleared.series, null);
    const document = (await get(`/achievements/${course.id}`)).json();
    t.notOk('tag' in document);
    t.notOk('alignment' in document);

    const unchanged = await counts();
    const again = await patch(course.id, { series: null, hours: 15 });
    t.equal(again.statusCode, 200);
    t.equal(again.json().version, 3, 'no new version');
    t.same(await counts(), unchanged, 'nothing written');
  });

  t.test('adding a language takes name, description and criteria together', async (t) => {
    const problem = await refused(t, () => patch(course.id, { name: { ...newName, zh: '数字教学基础（第二版）' } }), {
      status: 422,
      type: 'languages-mismatch',
      detail: /same languages/,
      errors: [
        ['body.description', /missing "zh"/],
        ['body.criteria', /missing "zh"/],
      ],
    });
    t.match(problem.detail, /"zh"/);
    const added = await patch(course.id, {
      name: { ...newName, zh: '数字教学基础（第二版）' },
      description: { ...course.description, zh: '如何设计在线学习。' },
      criteria: { ...course.criteria, zh: '通过期末测验。' },
    });
    t.equal(added.statusCode, 200, added.body);
    t.same(added.json().languages, ['en', 'ar', 'zh']);
    t.equal((await get(`/achievements/${course.id}?lang=zh`)).json().inLanguage, 'zh');
  });
});

t.test('versions of a course whose snapshot predates versioning (row only)', async (t) => {
  // A course inserted without a snapshot (as the demo data was before versioning): its current version is
  // still listed and served, and its first update records both versions.
  const [row] = await app.ctx.db
    .insert(achievements)
    .values({ code: 'old-course', name: { en: 'Old course' }, description: { en: 'Old.' }, criteria: { en: 'Did it.' }, achievementType: 'Course' })
    .returning();
  if (!row) throw new Error('no row');
  t.match((await get(`/achievements/${row.id}/versions`)).json(), { currentVersion: 1, versions: [{ version: 1, current: true }] });
  t.equal((await get(`/achievements/${row.id}/versions/1`)).json().name, 'Old course');
  t.equal((await patch(row.id, { name: { en: 'Renamed course' } })).json().version, 2);
  t.equal((await get(`/achievements/${row.id}/versions/1`)).json().name, 'Old course', 'the first version was kept at the update');
  t.equal((await get(`/achievements/${row.id}/versions/2`)).json().name, 'Renamed course');
});

t.test('GET /achievements pages one by one through every course, none skipped', async (t) => {
  // The demo courses are created in one transaction, so they share a creation time to the microsecond.
  const all = (await get('/achievements?limit=100')).json().items.map((item: Json) => item.id);
  const paged: string[] = [];
  let cursor: string | null = null;
  do {
    const page: Json = (await get(`/achievements?limit=1${cursor ? `&cursor=${cursor}` : ''}`)).json();
    paged.push(...page.items.map((item: Json) => item.id));
    cursor = page.nextCursor;
  } while (cursor && paged.length <= all.length);
  t.ok(all.length >= 3);
  t.same(paged, all);
});

t.test('unknown courses and versions are 404 problems', async (t) => {
  const course = await created(t);
  const unknown = randomUUID();
  for (const url of [
    `/achievements/${unknown}/versions`,
    `/achievements/nope/versions`,
    `/achievements/${unknown}/versions/1`,
    `/achievements/${course.id}/versions/0`,
    `/achievements/${course.id}/versions/2`,
    `/achievements/${course.id}/versions/01`,
    `/achievements/${course.id}/versions/abc`,
    `/achievements/${course.id}/versions/-1`,
  ]) {
    const response = await get(url);
    t.equal(response.statusCode, 404, url);
    t.match(response.headers['content-type'], /^application\/problem\+json/, url);
  }
  t.match((await get(`/achievements/${course.id}/versions/7`)).json().detail, /has no version "7".*at version 1/);
  await refused(t, () => patch(unknown, { hours: 3 }), { status: 404, type: 'not-found', detail: new RegExp(`No course has the id "${unknown}"`) });
  await refused(t, () => patch('not-a-uuid', { hours: 3 }), { status: 404, type: 'not-found', detail: /No course has the id "not-a-uuid"/ });
});

t.test('create: bad input is a 400 naming the field, and nothing is written', async (t) => {
  const withName = (name: unknown) => validCourse({ name });
  const cases: [string, Json, string, RegExp][] = [
    ['an unknown field', validCourse({ credits: 3 }), 'body', /Unrecognized key: "credits"/],
    ['no name', (({ name: _n, ...rest }) => rest)(validCourse()), 'body.name', /expected object/],
    ['an empty name object', withName({}), 'body.name', /at least one of en, fr, ar, zh/],
    ['an unknown language', withName({ en: 'A', de: 'B' }), 'body.name', /unknown language "de": use en, fr, ar, zh/],
    ['a name that is only spaces', withName({ en: '   ', ar: 'أ' }), 'body.name.en', /must not be empty/],
    ['a name of 201 characters', withName({ en: 'a'.repeat(201), ar: 'أ' }), 'body.name.en', /at most 200 characters/],
    ['a name with a newline', withName({ en: 'Digital\nPedagogy', ar: 'أ' }), 'body.name.en', /control/],
    ['a name that is not a string', withName({ en: 42, ar: 'أ' }), 'body.name.en', /expected string/],
    ['a description with a right-to-left override', validCourse({ description: { en: 'abc \u202Edef', ar: 'أ' } }), 'body.description.en', /bidirectional/],
    ['a description of 2001 characters', validCourse({ description: { en: 'a'.repeat(2001), ar: 'أ' } }), 'body.description.en', /at most 2000/],
    ['criteria of 4001 characters', validCourse({ criteria: { en: 'a'.repeat(4001), ar: 'أ' } }), 'body.criteria.en', /at most 4000/],
    ['a description missing a language of the name', validCourse({ description: { en: 'Only English.' } }), 'body.description', /missing "ar"/],
    ['criteria in a language the name lacks', validCourse({ criteria: { en: 'x', ar: 'y', fr: 'z' } }), 'body.criteria', /has "fr", which the name lacks/],
    ['an achievementType outside OB 3.0', validCourse({ achievementType: 'MicroCertificate' }), 'body.achievementType', /AchievementType .*ext:/],
    ['a malformed ext: term', validCourse({ achievementType: 'ext:' }), 'body.achievementType', /AchievementType/],
    ['zero hours', validCourse({ hours: 0 }), 'body.hours', /positive/],
    ['fractional hours', validCourse({ hours: 1.5 }), 'body.hours', /whole number/],
    ['hours as a string', validCourse({ hours: '12' }), 'body.hours', /expected number/],
    ['a series that is empty', validCourse({ series: '' }), 'body.series', /must not be empty/],
    ['an ftp alignment URL', validCourse({ alignments: [{ ...ALIGNMENT, targetUrl: 'ftp://example.org/x' }] }), 'body.alignments.0.targetUrl', /http\(s\) URL/],
    ['a javascript: alignment URL', validCourse({ alignments: [{ ...ALIGNMENT, targetUrl: 'javascript:alert(1)' }] }), 'body.alignments.0.targetUrl', /http\(s\) URL/],
    ['an alignment URL that is no URL', validCourse({ alignments: [{ ...ALIGNMENT, targetUrl: 'competency KA-3' }] }), 'body.alignments.0.targetUrl', /http\(s\) URL/],
    ['an alignment without targetName', validCourse({ alignments: [{ targetUrl: ALIGNMENT.targetUrl }] }), 'body.alignments.0.targetName', /expected string/],
    ['an alignment with an unknown field', validCourse({ alignments: [{ ...ALIGNMENT, weight: 2 }] }), 'body.alignments.0', /Unrecognized key: "weight"/],
    ['alignments that are not an array', validCourse({ alignments: ALIGNMENT }), 'body.alignments', /expected array/],
  ];
  for (const [what, payload, path, message] of cases) {
    t.test(what, async (t) => {
      await refused(t, () => post(payload), { status: 400, type: 'validation', detail: /is invalid/, errors: [[path, message]] });
    });
  }
  t.test('21 alignments', async (t) => {
    await refused(t, () => post(validCourse({ alignments: Array.from({ length: 21 }, () => ALIGNMENT) })), {
      status: 400,
      type: 'validation',
      errors: [['body.alignments', /at most 20/]],
    });
  });
  t.test('a body that is not JSON', async (t) => {
    await refused(t, () => app.inject({ method: 'POST', url: '/api/v1/achievements', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, payload: '{"name":' }), {
      status: 400,
      type: 'invalid-json',
    });
  });
});

t.test('update: bad input is a 400 naming the field, and nothing is written', async (t) => {
  const course = await created(t);
  const cases: [string, Json, string, RegExp][] = [
    ['an empty body', {}, 'body', /at least one field/],
    ['an unknown field', { version: 5 }, 'body', /Unrecognized key: "version"/],
    ['the id', { id: randomUUID() }, 'body', /Unrecognized key: "id"/],
    ['negative hours', { hours: -3 }, 'body.hours', /positive/],
    ['a null name', { name: null }, 'body.name', /expected object/],
    ['a bad alignment URL', { alignments: [{ ...ALIGNMENT, targetUrl: 'http://' }] }, 'body.alignments.0.targetUrl', /http\(s\) URL/],
  ];
  for (const [what, payload, path, message] of cases) {
    t.test(what, async (t) => {
      await refused(t, () => patch(course.id, payload), { status: 400, type: 'validation', errors: [[path, message]] });
    });
  }
  t.equal((await get(`/achievements/${course.id}`)).json().version, '1', 'still version 1');
});

t.test('courses are managed by platform admins only', async (t) => {
  const course = await created(t);
  const everyScope = await createCentreWithClient(testApp, { slug: 'courses-scopes', scopes: ['credentials:issue', 'credentials:manage', 'credentials:read', 'clients:manage'] });
  for (const [who, token] of [
    ['the demo centre\'s client', centreToken],
    ['a centre client holding every centre scope', everyScope.token],
  ] as const) {
    t.test(`${who}: 403 insufficient-scope`, async (t) => {
      const problem = await refused(t, () => post(validCourse(), token), { status: 403, type: 'insufficient-scope', detail: /registry:admin/ });
      t.notOk(problem.errors);
      await refused(t, () => patch(course.id, { hours: 99 }, token), { status: 403, type: 'insufficient-scope', detail: /registry:admin/ });
    });
  }
  t.test('no token: 401 with WWW-Authenticate', async (t) => {
    await refused(t, () => post(validCourse(), null), { status: 401, type: 'unauthorized' });
    await refused(t, () => patch(course.id, { hours: 99 }, null), { status: 401, type: 'unauthorized' });
    t.match((await post(validCourse(), null)).headers['www-authenticate'], /^Bearer /);
  });
  t.test('a forged token: 401', async (t) => {
    await refused(t, () => post(validCourse(), `${admin.slice(0, -4)}AAAA`), { status: 401, type: 'unauthorized' });
  });
  t.test('the refused update changed nothing', async (t) => {
    t.equal((await get(`/achievements/${course.id}`)).json().version, '1');
  });
});

t.test('OpenAPI documents the course routes', async (t) => {
  const response = await get('/openapi.json');
  t.equal(response.statusCode, 200);
  const paths = response.json().paths as Json;
  t.ok(paths['/api/v1/achievements']?.post, 'POST /api/v1/achievements');
  t.ok(paths['/api/v1/achievements/{id}']?.patch, 'PATCH /api/v1/achievements/{id}');
  t.ok(paths['/achievements/{id}/versions']?.get);
  t.ok(paths['/achievements/{id}/versions/{version}']?.get);
  t.ok(paths['/api/v1/achievements'].post.requestBody.content['application/json'].schema.properties.alignments, 'the body schema is described');
  t.same(paths['/api/v1/achievements'].post.security, [{ bearerAuth: [] }]);
});
