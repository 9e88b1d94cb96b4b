import { count, eq, sql } from 'drizzle-orm';
import t, { type Test } from 'tap';
import { achievements, achievementVersions, auditEvents } from '../../../src/db/schema/index.js';
import { courseCodeFromName } from '../../../src/modules/achievements/codes.js';
import { findCourseByIdOrCode } from '../../../src/modules/achievements/service.js';
import { DEMO_COURSES } from '../../../src/modules/demo/data.js';
import { ensureDemoData } from '../../../src/modules/demo/service.js';
import { assertRefused } from '../../support/rejections.js';
import { adminToken, build, demoToken } from '../../helper.js';

// Course codes: the short names centre staff type instead of a course's uuid (a batch spreadsheet's course column).
// Given or derived on POST /api/v1/achievements, changed by PATCH, shown in the course views, found without regard
// to case by findCourseByIdOrCode; never inside the signed or public Achievement documents.

type Json = Record<string, any>;
type Injected = Awaited<ReturnType<typeof app.inject>>;

const testApp = await build(t);
const { app } = testApp;
const { db } = app.ctx;
const admin = await adminToken(testApp);

const course = (name: Json, changes: Json = {}): Json => ({
  name,
  description: Object.fromEntries(Object.keys(name).map((language) => [language, `About ${language}.`])),
  criteria: Object.fromEntries(Object.keys(name).map((language) => [language, `Did it (${language}).`])),
  ...changes,
});
const post = (payload: unknown, token = admin) =>
  app.inject({ method: 'POST', url: '/api/v1/achievements', headers: { authorization: `Bearer ${token}` }, payload: payload as Json });
const patch = (id: string, payload: unknown) =>
  app.inject({ method: 'PATCH', url: `/api/v1/achievements/${id}`, headers: { authorization: `Bearer ${admin}` }, payload: payload as Json });

async function created(t: Test, payload: Json): Promise<Json> {
  const response = await post(payload);
  t.equal(response.statusCode, 201, response.body);
  return response.json();
}

async function counts() {
  const [courses] = await db.select({ n: count() }).from(achievements);
  const [versions] = await db.select({ n: count() }).from(achievementVersions);
  const [audited] = await db.select({ n: count() }).from(auditEvents);
  return { courses: courses?.n, versions: versions?.n, auditEvents: audited?.n };
}
const refused = (t: Test, send: () => Promise<Injected>, expected: Parameters<typeof assertRefused>[3]) => assertRefused(t, counts, send, expected);
const events = (id: string) => db.select().from(auditEvents).where(eq(auditEvents.target, `achievement:${id}`)).orderBy(auditEvents.createdAt);

const demoCourses = (await app.inject({ method: 'GET', url: '/achievements?limit=100' })).json().items as Json[];
const foundation = demoCourses.find((item) => item.code === 'genai-foundation')!;

t.test('the demo courses have their short codes, in the list', async (t) => {
  t.same(demoCourses.map((item) => item.code).sort(), ['genai-foundation', 'genai-governance', 'genai-pedagogy']);
  t.same(foundation.languages, ['en', 'fr', 'ar', 'zh'], 'genai-foundation is the four-language foundation course');
  t.same(DEMO_COURSES.map((demo) => demo.code), ['genai-foundation', 'genai-pedagogy', 'genai-governance']);
});

t.test('create without a code: derived from the name, numbered when taken', async (t) => {
  const first = await created(t, course({ en: 'Teaching with AI: Assessment', ar: 'التدريس بالذكاء الاصطناعي' }));
  t.equal(first.code, 'teaching-with-ai-assessment', 'from the English name');
  const second = await created(t, course({ en: 'Teaching with AI — Assessment!' }));
  t.equal(second.code, 'teaching-with-ai-assessment-2', 'the same slug again: -2');
  const third = await created(t, course({ en: 'teaching with ai assessment' }));
  t.equal(third.code, 'teaching-with-ai-assessment-3');
  const french = await created(t, course({ fr: "Évaluation et IA générative à l'école" }));
  t.equal(french.code, 'evaluation-et-ia-generative-a-l-ecole', 'no English name: the first name; accents decomposed');
  const arabic = await created(t, course({ ar: 'أسس الذكاء الاصطناعي' }));
  const chinese = await created(t, course({ zh: '生成式人工智能' }));
  t.match(arabic.code, /^course(-\d+)?$/, 'an Arabic-only name: "course"');
  t.match(chinese.code, /^course-\d+$/, 'and a Chinese-only one the next number');
  t.not(arabic.code, chinese.code);
  const [event] = await events(first.id);
  t.equal(event?.action, 'achievement.created');
  t.equal((event?.details as Json).after.code, 'teaching-with-ai-assessment', 'the audit event records the code');
});

t.test('create with a code: stored lowercase, shown in every product view, not in the Achievement documents', async (t) => {
  const given = await created(t, course({ en: 'Data Literacy for Teachers' }, { code: '  Data-Literacy-101 ' }));
  t.equal(given.code, 'data-literacy-101', 'trimmed and lowercased');
  const listed = (await app.inject({ method: 'GET', url: '/achievements?limit=100' })).json().items.find((item: Json) => item.id === given.id);
  t.equal(listed.code, 'data-literacy-101');
  for (const url of [`/achievements/${given.id}`, `/achievements/${given.id}/versions/1`]) {
    const document = (await app.inject({ method: 'GET', url, headers: { accept: 'application/json' } })).json();
    t.equal(document.type[0], 'Achievement');
    t.notOk('code' in document, `${url}: the OB 3.0 document has no code`);
  }
  const name = await created(t, course({ en: 'Data Literacy 101' }));
  t.equal(name.code, 'data-literacy-101-2', 'a derived code steps around a given one');
});

t.test('a code already taken is a 409, whatever its case; nothing is written', async (t) => {
  for (const code of ['genai-foundation', 'GenAI-Foundation']) {
    t.test(code, async (t) => {
      const problem = await refused(t, () => post(course({ en: 'Another foundation' }, { code })), {
        status: 409,
        type: 'course-code-taken',
        detail: new RegExp(`"genai-foundation" is already used by another course \\(${foundation.id}\\)`),
      });
      t.equal(problem.code, 'genai-foundation');
    });
  }
});

const MALFORMED: [string, string, RegExp][] = [
  ['one character', 'a', /2 to 64 characters long \(it has 1\)/],
  ['empty', '', /2 to 64 characters long \(it has 0\)/],
  ['65 characters', 'x'.repeat(65), /\(it has 65\)/],
  ['a space', 'genai foundation', /only the letters a-z, digits and hyphens/],
  ['an underscore', 'genai_foundation', /only the letters/],
  ['accents', 'éthique', /only the letters/],
  ['Arabic', 'مقرر', /only the letters/],
  ['the Kelvin sign, which lowercases to k', 'genai-\u212Aey', /only the letters/],
  ['a leading hyphen', '-genai', /start and end with a letter or digit/],
  ['a trailing hyphen', 'genai-', /start and end/],
  ['two hyphens', 'genai--foundation', /no two hyphens in a row/],
  ['a uuid', '0f8fad5b-d9cb-469f-a165-70867728950e', /form of a course id/],
];

t.test('a malformed code is a 422 stating the format; nothing is written', async (t) => {
  for (const [what, code, reason] of MALFORMED) {
    t.test(`create: ${what}`, async (t) => {
      const problem = await refused(t, () => post(course({ en: 'Malformed code course' }, { code })), {
        status: 422,
        type: 'invalid-course-code',
        detail: /A course code is lowercase letters a-z and digits, words joined by single hyphens, 2 to 64 characters/,
        errors: [['body.code', reason]],
      });
      t.match(problem.detail, reason);
    });
    t.test(`update: ${what}`, async (t) => {
      await refused(t, () => patch(foundation.id, { code }), { status: 422, type: 'invalid-course-code', errors: [['body.code', reason]] });
    });
  }
  t.test('a very long value is not echoed back', async (t) => {
    const problem = await refused(t, () => post(course({ en: 'Long code' }, { code: 'y'.repeat(5000) })), { status: 422, type: 'invalid-course-code' });
    t.notMatch(problem.detail, /y{200}/);
    t.match(problem.detail, /given \(5000 characters\)/);
  });
  t.test('a code that is not a string is a 400 validation problem', async (t) => {
    await refused(t, () => post(course({ en: 'Numeric code' }, { code: 42 })), { status: 400, type: 'validation', errors: [['body.code', /string/]] });
    await refused(t, () => patch(foundation.id, { code: null }), { status: 400, type: 'validation', errors: [['body.code', /string/]] });
  });
  t.test('only platform admins set codes', async (t) => {
    const response = await post(course({ en: 'By a centre' }, { code: 'by-a-centre' }), await demoToken(testApp));
    t.equal(response.statusCode, 403);
    t.equal(await findCourseByIdOrCode(db, 'by-a-centre'), undefined);
  });
});

t.test('findCourseByIdOrCode: a uuid is an id, anything else a code, case and spaces ignored', async (t) => {
  for (const value of ['genai-foundation', 'GENAI-FOUNDATION', ' GenAI-Foundation\t', foundation.id, foundation.id.toUpperCase(), ` ${foundation.id} `]) {
    t.equal((await findCourseByIdOrCode(db, value))?.id, foundation.id, JSON.stringify(value));
  }
  for (const value of ['genai-foundations', '', '   ', 'genai foundation', 'x'.repeat(10_000), "'; drop table achievements; --", '00000000-0000-4000-8000-000000000000', '\u0000', 'مقرر', 'genai-\u212Aey']) {
    t.equal(await findCourseByIdOrCode(db, value), undefined, `${JSON.stringify(value.slice(0, 40))}: no course`);
  }
  t.equal((await findCourseByIdOrCode(db, 'genai-pedagogy'))?.code, 'genai-pedagogy');
});

t.test('update: the code changes without a new version, audited; a taken one is a 409', async (t) => {
  const target = await created(t, course({ en: 'Rename me' }));
  t.equal(target.code, 'rename-me');
  const versionsBefore = (await counts()).versions;

  const renamed = await patch(target.id, { code: 'Renamed-Course' });
  t.equal(renamed.statusCode, 200, renamed.body);
  t.equal(renamed.json().code, 'renamed-course');
  t.equal(renamed.json().version, 1, 'the code is in no version: still version 1');
  t.equal((await counts()).versions, versionsBefore, 'no version row');
  t.equal((await findCourseByIdOrCode(db, 'RENAMED-course'))?.id, target.id, 'found by the new code');
  t.equal(await findCourseByIdOrCode(db, 'rename-me'), undefined, 'the old code is free again');
  const updated = (await events(target.id)).filter((event) => event.action === 'achievement.updated');
  t.equal(updated.length, 1);
  t.same(updated[0]?.details, { version: { before: 1, after: 1 }, changed: ['code'], before: { code: 'rename-me' }, after: { code: 'renamed-course' } });

  t.test('the same code in another case changes nothing and writes nothing', async (t) => {
    const before = await counts();
    const response = await patch(target.id, { code: 'RENAMED-COURSE' });
    t.equal(response.statusCode, 200);
    t.equal(response.json().code, 'renamed-course');
    t.same(await counts(), before);
  });

  t.test('a code and a text together: one new version, one audit event naming both', async (t) => {
    const response = await patch(target.id, { code: 'renamed-twice', name: { en: 'Renamed twice' } });
    t.equal(response.statusCode, 200, response.body);
    t.match(response.json(), { code: 'renamed-twice', version: 2, name: { en: 'Renamed twice' } });
    const last = (await events(target.id)).at(-1);
    t.match(last?.details, { version: { before: 1, after: 2 }, changed: ['code', 'name'], before: { code: 'renamed-course', name: { en: 'Rename me' } }, after: { code: 'renamed-twice', name: { en: 'Renamed twice' } } });
  });

  t.test("another course's code: 409, nothing changes", async (t) => {
    await refused(t, () => patch(target.id, { code: 'GENAI-pedagogy' }), { status: 409, type: 'course-code-taken', detail: /"genai-pedagogy" is already used by another course/ });
    t.equal((await findCourseByIdOrCode(db, target.id))?.code, 'renamed-twice');
  });

  t.test('a refused text change does not change the code either', async (t) => {
    const response = await patch(target.id, { code: 'half-done', description: { fr: 'Seulement en français.' } });
    t.equal(response.statusCode, 422);
    t.equal((await findCourseByIdOrCode(db, target.id))?.code, 'renamed-twice');
    t.equal(await findCourseByIdOrCode(db, 'half-done'), undefined);
  });

  t.test('an unknown course: 404 before any code is judged', async (t) => {
    const response = await patch('00000000-0000-4000-8000-000000000000', { code: 'genai-foundation' });
    t.equal(response.statusCode, 404);
  });
});

t.test('courses created at the same time with the same name get different codes', async (t) => {
  const responses = await Promise.all(Array.from({ length: 5 }, () => post(course({ en: 'Simultaneous Course' }))));
  t.same(responses.map((response) => response.statusCode), [201, 201, 201, 201, 201], responses.map((response) => response.body).join('\n'));
  t.same(
    responses.map((response) => response.json().code).sort(),
    ['simultaneous-course', 'simultaneous-course-2', 'simultaneous-course-3', 'simultaneous-course-4', 'simultaneous-course-5'],
  );
  const [{ n } = { n: 0 }] = await db.select({ n: count() }).from(achievements).where(sql`${achievements.code} like 'simultaneous-course%'`);
  t.equal(n, 5);
});

t.test('the OpenAPI document describes the code and the refusals', async (t) => {
  const openapi = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
  const create = openapi.paths['/api/v1/achievements'].post;
  t.ok(create.responses['409'] && create.responses['422'], 'POST documents 409 and 422');
  t.ok(openapi.paths['/api/v1/achievements/{id}'].patch.responses['409'], 'PATCH documents 409');
  t.match(JSON.stringify(create.requestBody), /genai-foundation/);
});

t.test('demo courses migrated with codes derived from their names get the short demo codes on the next start', async (t) => {
  const pedagogy = demoCourses.find((item) => item.code === 'genai-pedagogy')!;
  const governance = demoCourses.find((item) => item.code === 'genai-governance')!;
  // as migration 0008 left them: the foundation with its derived code; the governance course with a code an
  // admin chose since (kept); the pedagogy code held by another course (the demo course keeps its derived one)
  const derived = courseCodeFromName(foundation.name);
  t.equal(derived, '1-x-genai-foundation-generative-ai-for-university-teachers-demo');
  await db.update(achievements).set({ code: derived }).where(eq(achievements.id, foundation.id));
  await db.update(achievements).set({ code: 'governance-by-admin' }).where(eq(achievements.id, governance.id));
  const pedagogyDerived = courseCodeFromName(pedagogy.name);
  await db.update(achievements).set({ code: pedagogyDerived }).where(eq(achievements.id, pedagogy.id));
  const squatter = await created(t, course({ en: 'Squatter' }, { code: 'genai-pedagogy' }));

  await ensureDemoData({ ctx: app.ctx, log: app.log });

  t.equal((await findCourseByIdOrCode(db, foundation.id))?.code, 'genai-foundation', 'the derived code became the demo code');
  t.equal((await findCourseByIdOrCode(db, governance.id))?.code, 'governance-by-admin', "an admin's code is kept");
  t.equal((await findCourseByIdOrCode(db, pedagogy.id))?.code, pedagogyDerived, 'a demo code held by another course is left to it');
  t.equal((await findCourseByIdOrCode(db, 'genai-pedagogy'))?.id, squatter.id);
  const last = (await events(foundation.id)).at(-1);
  t.match(last?.details, { changed: ['code'], before: { code: derived }, after: { code: 'genai-foundation' } }, 'the change is audited');
  const before = await counts();
  await ensureDemoData({ ctx: app.ctx, log: app.log });
  t.same(await counts(), before, 'a second start changes nothing');
});
