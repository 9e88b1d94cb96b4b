import { count } from 'drizzle-orm';
import t from 'tap';
import { batches } from '../../../src/db/schema/index.js';
import { build, createCentreWithClient, demoToken, firstAchievementId } from '../../helper.js';
import { fileUpload, waitForBatch } from '../../support/batches.js';

// The dry-run report of POST /api/v1/batches?dryRun=true, cell by cell: duplicates in the file and against what was
// issued before, dates, courses by code, language names, and every message in the caller's language. A dry run
// writes nothing.

const testApp = await build(t);
const { app } = testApp;
const auth = { authorization: `Bearer ${await demoToken(testApp, 'credentials:issue credentials:read')}` };
const courseId = await firstAchievementId(app);

type Row = Record<string, string>;
interface Issue {
  row: number;
  column: string | null;
  code: string;
  severity: 'error' | 'warning';
  message: string;
}

async function dryRun(rows: Row[], { headers = {}, query = '' }: { headers?: Record<string, string>; query?: string } = {}) {
  const response = await app.inject({ method: 'POST', url: `/api/v1/batches?dryRun=true${query}`, headers: { ...auth, ...headers }, payload: { rows } });
  if (response.statusCode !== 200) throw new Error(`dry run: ${response.statusCode} ${response.body}`);
  const body = response.json();
  if (body.dryRun !== true) throw new Error('not a dry run');
  return body.report as { totalRows: number; toIssue: number; alreadyIssued: number; invalidRows: number; issues: Issue[] };
}

const brief = (issues: Issue[]) => issues.map(({ row, column, code, severity }) => [row, column, code, severity]);
const batchCount = async () => Number((await app.ctx.db.select({ n: count() }).from(batches))[0]!.n);

t.test('an externalId twice in the file is an error on the second row, naming the first', async (t) => {
  const report = await dryRun([
    { name: 'Amina Saleh', externalId: 'D-1', achievementId: 'genai-foundation' },
    { name: 'Omar Farouk', externalId: 'D-2', achievementId: 'genai-foundation' },
    { name: 'Amina S.', externalId: 'D-1', achievementId: 'genai-foundation' },
    // the same learner id for another course is another credential
    { name: 'Amina Saleh', externalId: 'D-1', achievementId: 'genai-pedagogy' },
  ]);
  t.same(brief(report.issues), [[3, 'externalId', 'duplicate-in-file', 'error']]);
  t.match(report.issues[0]!.message, /row 1\b/);
  t.equal(report.invalidRows, 1);
  t.equal(report.toIssue, 3);
});

t.test('the same name, e-mail and course without an externalId is a warning (perhaps two people)', async (t) => {
  const report = await dryRun([
    { name: 'Li Wei', email: 'li.wei@example.cn', achievementId: 'genai-foundation' },
    { name: 'LI WEI', email: 'Li.Wei@Example.cn', achievementId: 'genai-foundation' },
    { name: 'Li Wei', email: 'li.wei@example.cn', achievementId: 'genai-pedagogy' },
    { name: 'Li Wei', email: 'another.li@example.cn', achievementId: 'genai-foundation' },
  ]);
  t.same(brief(report.issues), [[2, 'name', 'repeated-learner', 'warning']]);
  t.match(report.issues[0]!.message, /row 1\b/);
  t.equal(report.invalidRows, 0, 'a warning does not make the row invalid');
  t.equal(report.toIssue, 4);
});

t.test('a learner id already issued (by POST /api/v1/credentials) is a warning, counted apart and not issued again', async (t) => {
  const issued = await app.inject({ method: 'POST', url: '/api/v1/credentials', headers: auth, payload: { achievementId: courseId, recipient: { name: 'Karim Haddad' }, externalId: 'PRIOR-1' } });
  t.equal(issued.statusCode, 201, issued.body);
  const rows = [
    { name: 'Karim Haddad', externalId: 'PRIOR-1', achievementId: 'genai-foundation' },
    { name: 'Karim Haddad', externalId: 'PRIOR-1', achievementId: 'genai-pedagogy' },
    { name: 'Salma Nour', externalId: 'PRIOR-2', achievementId: 'genai-foundation' },
  ];
  const report = await dryRun(rows);
  t.same(brief(report.issues), [[1, 'externalId', 'already-issued', 'warning']]);
  t.same({ toIssue: report.toIssue, alreadyIssued: report.alreadyIssued, invalidRows: report.invalidRows }, { toIssue: 2, alreadyIssued: 1, invalidRows: 0 });

  // the real run says so too, and the row points at the credential issued before
  const response = await app.inject({ method: 'POST', url: '/api/v1/batches', headers: auth, payload: { rows } });
  t.equal(response.statusCode, 202, response.body);
  const batch = await waitForBatch(app, auth, response.json().batchId);
  t.same(batch.totals, { rows: 3, pending: 0, issued: 2, alreadyIssued: 1, failed: 0, cancelled: 0 });
  const results = (await app.inject({ method: 'GET', url: `/api/v1/batches/${batch.id}/results?format=json`, headers: auth })).json().items;
  t.equal(results[0].state, 'existing');
  t.equal(results[0].credentialId, issued.json().id);
});

t.test('dates: plain dates are accepted (the start of that day, UTC); a past, reversed or unreadable one is named', async (t) => {
  const report = await dryRun([
    { name: 'Plain Dates', achievementId: 'genai-foundation', validFrom: '2026-11-23', validUntil: '2036-11-23' },
    { name: 'Full Times', achievementId: 'genai-foundation', validFrom: '2026-11-23T08:00:00Z', validUntil: '2036-11-23T08:00:00+02:00' },
    { name: 'Expired', achievementId: 'genai-foundation', validUntil: '2020-01-01' },
    { name: 'Reversed', achievementId: 'genai-foundation', validFrom: '2035-01-01', validUntil: '2034-01-01' },
    { name: 'European', achievementId: 'genai-foundation', validFrom: '23/11/2026' },
    { name: 'Impossible', achievementId: 'genai-foundation', validUntil: '2031-02-30' },
  ]);
  t.same(brief(report.issues), [
    [3, 'validUntil', 'valid-until-in-past', 'error'],
    [4, 'validUntil', 'valid-until-before-valid-from', 'error'],
    [5, 'validFrom', 'invalid-date', 'error'],
    [6, 'validUntil', 'invalid-date', 'error'],
  ]);
  t.match(report.issues[2]!.message, /2026-11-23/, 'the message shows the expected format');

  // and a plain date is what the signed credential says
  const response = await app.inject({ method: 'POST', url: '/api/v1/batches', headers: auth, payload: { rows: [{ name: 'Plain Dates', achievementId: 'genai-foundation', validFrom: '2026-11-23', validUntil: '2036-11-23' }] } });
  const batch = await waitForBatch(app, auth, response.json().batchId);
  const [row] = (await app.inject({ method: 'GET', url: `/api/v1/batches/${batch.id}/results?format=json`, headers: auth })).json().items;
  const document = (await app.inject({ method: 'GET', url: `/credentials/${row.credentialId}`, headers: { accept: 'application/json' } })).json();
  t.equal(document.validFrom, '2026-11-23T00:00:00Z');
  t.equal(document.validUntil, '2036-11-23T00:00:00Z');
});

t.test('courses: by id or by code in any case; an unknown one named; a batch default for rows that give none', async (t) => {
  const report = await dryRun([
    { name: 'By Code', achievementId: 'GenAI-Foundation' },
    { name: 'By Upper Code', achievementId: 'GENAI-PEDAGOGY' },
    { name: 'By Id', achievementId: courseId },
    { name: 'By Id Upper', achievementId: courseId.toUpperCase() },
    { name: 'Unknown', achievementId: 'genai-cooking' },
    { name: 'None' },
  ]);
  t.same(brief(report.issues), [
    [5, 'achievementId', 'unknown-course', 'error'],
    [6, 'achievementId', 'required', 'error'],
  ]);
  t.match(report.issues[0]!.message, /genai-cooking/);
  const withDefault = await dryRun([{ name: 'Defaulted' }, { name: 'Own Course', achievementId: 'genai-pedagogy' }], { query: '&achievementId=GENAI-FOUNDATION' });
  t.same(withDefault.issues, []);
  t.equal(withDefault.toIssue, 2);
});

t.test('a course the centre is not authorised for: every row names it', async (t) => {
  const unauthorised = await createCentreWithClient(testApp, { slug: 'no-courses', scopes: ['credentials:issue'], authorise: [] });
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/batches?dryRun=true',
    headers: { authorization: `Bearer ${unauthorised.token}` },
    payload: { rows: [{ name: 'A', achievementId: 'genai-foundation' }, { name: 'B', achievementId: courseId }] },
  });
  t.equal(response.statusCode, 200, response.body);
  const { report } = response.json();
  t.same(brief(report.issues), [
    [1, 'achievementId', 'course-not-authorised', 'error'],
    [2, 'achievementId', 'course-not-authorised', 'error'],
  ]);
  t.match(report.issues[0].message, /not authorised.*genai-foundation/);
  t.equal(report.toIssue, 0);
  const real = await app.inject({ method: 'POST', url: '/api/v1/batches', headers: { authorization: `Bearer ${unauthorised.token}` }, payload: { rows: [{ name: 'A', achievementId: 'genai-foundation' }] } });
  t.equal(real.statusCode, 422, 'a real run is refused with the same report');
  t.equal(real.json().report.issues[0].code, 'course-not-authorised');
});

t.test('languages by code or by name, in any of our languages; an unknown or unavailable one named', async (t) => {
  const names = ['fr', 'FR', 'fr-FR', 'Français', 'francais', 'French', 'الفرنسية', '法语', 'Arabe', '中文', 'english'];
  const report = await dryRun([
    ...names.map((language, i) => ({ name: `Learner ${i}`, achievementId: 'genai-foundation', language })),
    { name: 'Klingon', achievementId: 'genai-foundation', language: 'tlh' },
    { name: 'No Chinese Texts', achievementId: 'genai-pedagogy', language: '中文' },
  ]);
  t.same(brief(report.issues), [
    [names.length + 1, 'language', 'unknown-language', 'error'],
    [names.length + 2, 'language', 'language-unavailable', 'error'],
  ]);
  t.match(report.issues[1]!.message, /en, fr, ar|ar, en|en, ar/, 'the available languages are listed');
});

t.test('cell problems: a missing name, a bad e-mail or link, text-direction characters, a value too long', async (t) => {
  const report = await dryRun([
    { name: '', achievementId: 'genai-foundation', email: 'x@example.org' },
    { name: 'Bad Mail', achievementId: 'genai-foundation', email: 'amina.example.org' },
    { name: 'Bad Link', achievementId: 'genai-foundation', evidenceUrl: 'javascript:alert(1)' },
    { name: 'Evil\u202Egnp.exe', achievementId: 'genai-foundation' },
    { name: 'x'.repeat(5000), achievementId: 'genai-foundation' },
  ]);
  t.same(
    report.issues.map(({ row, column, code }) => [row, column, code]),
    [
      [1, 'name', 'required'],
      [2, 'email', 'invalid-email'],
      [3, 'evidenceUrl', 'invalid-url'],
      [4, 'name', 'forbidden-characters'],
      [5, 'name', 'too-long'],
    ],
  );
  t.match(report.issues[4]!.message, /at most \d+ characters/);
});

t.test('messages in each of the four languages, by ?lang= or Accept-Language (?lang= wins)', async (t) => {
  const rows: Row[] = [{ name: '', achievementId: 'genai-foundation' }, { name: 'Bad Mail', achievementId: 'genai-foundation', email: 'nope' }, { name: 'Who', achievementId: 'genai-cooking' }];
  const scripts = { en: /^[\x20-\x7E\u2068\u2069]+$/, fr: /[éèàç]|obligatoire|^Aucun cours/, ar: /[\u0600-\u06FF]/, zh: /[\u4E00-\u9FFF]/ };
  const seen = new Map<string, string[]>();
  for (const [language, script] of Object.entries(scripts)) {
    for (const [how, options] of [
      ['?lang=', { query: `&lang=${language}` }],
      ['Accept-Language', { headers: { 'accept-language': `${language}-XX;q=0.9, de;q=0.5` } }],
    ] as const) {
      const report = await dryRun(rows, options);
      const messages = report.issues.map((issue) => issue.message);
      t.equal(messages.length, 3, `${language} by ${how}`);
      for (const message of messages) t.match(message, script, `${language} by ${how}: ${message}`);
      t.match(messages[2], /genai-cooking/, 'the value is quoted in every language');
      if (how === '?lang=') seen.set(language, messages);
      else t.same(messages, seen.get(language), 'the same words either way');
    }
  }
  t.equal(new Set([...seen.values()].map((messages) => messages.join())).size, 4, 'four different translations');
  const both = await dryRun(rows, { query: '&lang=zh', headers: { 'accept-language': 'ar' } });
  t.same(both.issues.map((issue) => issue.message), seen.get('zh'));
  const unknown = await dryRun(rows, { headers: { 'accept-language': 'de-DE, ja' } });
  t.same(unknown.issues.map((issue) => issue.message), seen.get('en'), 'English when none of ours is asked for');
  const refused = await app.inject({ method: 'POST', url: '/api/v1/batches?dryRun=true&lang=de', headers: auth, payload: { rows } });
  t.equal(refused.statusCode, 400, 'an unsupported ?lang= is a 400 naming it');
  t.match(refused.json().errors[0].path, /lang/);
});

t.test('a file\'s rows are numbered as the spreadsheet shows them (the header is row 1)', async (t) => {
  const csv = 'name,email,course\r\nGood Row,,genai-foundation\r\n,,genai-foundation\r\n\r\nBad Mail,nope,genai-foundation\r\n';
  const response = await app.inject({ method: 'POST', url: '/api/v1/batches?dryRun=true', ...fileUpload(auth, 'cohort.csv', csv) });
  t.equal(response.statusCode, 200, response.body);
  t.same(brief(response.json().report.issues), [
    [3, 'name', 'required', 'error'],
    [5, 'email', 'invalid-email', 'error'],
  ]);
});

t.test('no dry run wrote a batch', async (t) => {
  const before = await batchCount();
  await dryRun([{ name: 'Nothing Written', achievementId: 'genai-foundation' }]);
  t.equal(await batchCount(), before);
});
