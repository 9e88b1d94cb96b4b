import { readFile } from 'node:fs/promises';
import { count } from 'drizzle-orm';
import type { InjectOptions } from 'fastify';
import t, { type Test } from 'tap';
import { batches, batchRows, credentials } from '../../../src/db/schema/index.js';
import { createClient } from '../../../src/modules/auth/service.js';
import { adminToken, build, demoToken, firstAchievementId, tokenFor } from '../../helper.js';
import { fileUpload, multipartRequest } from '../../support/batches.js';

// Uploads POST /api/v1/batches refuses: too large, too many rows, the wrong kind of file, a malformed multipart or
// JSON body, no token, the wrong scope, a client of no centre. Each is a problem+json that says what to do, and
// none writes anything.

const MAX_BYTES = 2048;
const MAX_ROWS = 5;
const testApp = await build(t, { BATCH_MAX_FILE_BYTES: String(MAX_BYTES), BATCH_MAX_ROWS: String(MAX_ROWS) });
const { app } = testApp;
const auth = { authorization: `Bearer ${await demoToken(testApp, 'credentials:issue credentials:read')}` };
const courseId = await firstAchievementId(app);

const csvOf = (rows: number, pad = 0) =>
  ['name,achievementId,externalId', ...Array.from({ length: rows }, (_, i) => `Learner ${i + 1}${' '.repeat(pad)}x,genai-foundation,R-${i + 1}`)].join('\r\n');

/** How many batches, batch rows and credentials exist: a refused upload changes none of them. */
async function written() {
  const { db } = app.ctx;
  const [[b], [r], [c]] = await Promise.all([db.select({ n: count() }).from(batches), db.select({ n: count() }).from(batchRows), db.select({ n: count() }).from(credentials)]);
  return { batches: Number(b!.n), rows: Number(r!.n), credentials: Number(c!.n) };
}

/** Sends the request and checks the problem: status, type, a detail matching `says`, and nothing written. */
async function refused(t: Test, request: InjectOptions, status: number, type: string, says?: RegExp) {
  const before = await written();
  const response = await app.inject(request);
  t.equal(response.statusCode, status, response.body.slice(0, 400));
  t.match(response.headers['content-type'], /^application\/problem\+json/, 'problem+json');
  const problem = response.json();
  t.equal(problem.status, status);
  t.match(problem.type, new RegExp(`/problems/${type}$`));
  if (says) t.match(problem.detail, says);
  t.same(await written(), before, 'nothing written');
  return problem;
}

t.test('a file over BATCH_MAX_FILE_BYTES: 413 stating the limit', async (t) => {
  const big = csvOf(4, 600);
  t.ok(big.length > MAX_BYTES && big.split('\r\n').length - 1 <= MAX_ROWS, 'larger than the limit, within the row limit');
  await refused(t, { method: 'POST', url: '/api/v1/batches', ...fileUpload(auth, 'big.csv', big) }, 413, 'file-too-large', /2048 bytes/);
  await refused(t, { method: 'POST', url: '/api/v1/batches?dryRun=true', ...fileUpload(auth, 'big.csv', big) }, 413, 'file-too-large');
  // a JSON body is held to the same size
  const rows = Array.from({ length: 3 }, (_, i) => ({ name: `Learner ${i} ${'x'.repeat(800)}`, achievementId: courseId }));
  await refused(t, { method: 'POST', url: '/api/v1/batches', headers: auth, payload: { rows } }, 413, 'body-too-large', /limit of 2048 bytes/);
});

t.test('more rows than BATCH_MAX_ROWS: 413 telling to split the cohort, for CSV and JSON', async (t) => {
  await refused(t, { method: 'POST', url: '/api/v1/batches', ...fileUpload(auth, 'many.csv', csvOf(MAX_ROWS + 1)) }, 413, 'too-many-rows', /split/i);
  // (a workbook's row limit is tested in intake/xlsx.test.ts: the smallest .xlsx is larger than this app's file limit)
  const rows = Array.from({ length: MAX_ROWS + 1 }, (_, i) => ({ name: `L${i}`, achievementId: courseId }));
  await refused(t, { method: 'POST', url: '/api/v1/batches', headers: auth, payload: { rows } }, 413, 'too-many-rows', /split/i);
  // exactly at the limit is accepted
  const dry = await app.inject({ method: 'POST', url: '/api/v1/batches?dryRun=true', ...fileUpload(auth, 'five.csv', csvOf(MAX_ROWS)) });
  t.equal(dry.statusCode, 200, dry.body);
  t.equal(dry.json().report.totalRows, MAX_ROWS);
});

t.test('the wrong kind of file: 422 saying how to save it', async (t) => {
  const xls = await readFile(new URL('../../fixtures/batches/old-excel.xls', import.meta.url));
  await refused(t, { method: 'POST', url: '/api/v1/batches', ...fileUpload(auth, 'cohort.xls', xls, 'application/vnd.ms-excel') }, 422, 'unsupported-file-type', /\.xlsx/);
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
  await refused(t, { method: 'POST', url: '/api/v1/batches', ...fileUpload(auth, 'photo.png', png, 'image/png') }, 422, 'unsupported-file-type', /PNG/);
  await refused(t, { method: 'POST', url: '/api/v1/batches', ...fileUpload(auth, 'renamed.xlsx', 'name\r\nX\r\n', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet') }, 422, 'unreadable-file');
  // a CSV without a name column cannot be a cohort
  const problem = await refused(t, { method: 'POST', url: '/api/v1/batches', ...fileUpload(auth, 'noname.csv', 'email,course\r\na@example.org,genai-foundation\r\n') }, 422, '[a-z-]+');
  t.match(problem.detail, /name/i, 'the detail names the missing column');
});

t.test('malformed multipart uploads: 400 saying what to send', async (t) => {
  await refused(t, { method: 'POST', url: '/api/v1/batches', ...multipartRequest(auth, []) }, 400, 'missing-file', /field "file"/);
  await refused(t, { method: 'POST', url: '/api/v1/batches', ...fileUpload(auth, 'empty.csv', '') }, 400, 'missing-file');
  await refused(
    t,
    { method: 'POST', url: '/api/v1/batches', ...multipartRequest(auth, [{ fileName: 'a.csv', content: csvOf(1) }, { fileName: 'b.csv', content: csvOf(1) }]) },
    400,
    'too-many-parts',
    /one file/,
  );
  await refused(t, { method: 'POST', url: '/api/v1/batches', ...multipartRequest(auth, [{ name: 'dryRun', content: 'true' }, { fileName: 'a.csv', content: csvOf(1) }]) }, 400, 'too-many-parts', /query string/);
  // a boundary that does not match the body
  const broken = fileUpload(auth, 'a.csv', csvOf(1));
  await refused(t, { method: 'POST', url: '/api/v1/batches', payload: broken.payload, headers: { ...broken.headers, 'content-type': 'multipart/form-data; boundary=other' } }, 400, '[a-z-]+');
  await refused(t, { method: 'POST', url: '/api/v1/batches', payload: broken.payload.subarray(0, 80), headers: broken.headers }, 400, '[a-z-]+');
});

t.test('JSON bodies of the wrong shape: 400 naming the field', async (t) => {
  const post = (payload: unknown) => ({ method: 'POST' as const, url: '/api/v1/batches', headers: { ...auth, 'content-type': 'application/json' }, payload: JSON.stringify(payload) });
  await refused(t, post({}), 400, '[a-z-]+', /rows/);
  await refused(t, post({ rows: [] }), 400, 'validation', /at least one row/);
  await refused(t, post({ rows: 'name,course' }), 400, 'validation', /body\.rows/);
  let problem = await refused(t, post({ rows: [{ nom: 'Amina', achievementId: courseId }] }), 400, 'validation');
  t.match(JSON.stringify(problem.errors), /nom/, 'the unknown key is named');
  problem = await refused(t, post({ rows: [{ name: 12, achievementId: courseId }] }), 400, 'validation');
  t.match(problem.errors[0].path, /body\.rows\.0\.name/);
  await refused(t, post([{ name: 'Amina' }]), 400, 'validation');
  await refused(t, { method: 'POST', url: '/api/v1/batches', headers: { ...auth, 'content-type': 'application/json' }, payload: '{"rows": [' }, 400, 'invalid-json');
  await refused(t, { method: 'POST', url: '/api/v1/batches', headers: { ...auth, 'content-type': 'text/csv' }, payload: csvOf(1) }, 415, 'unsupported-media-type');
  // a row that is well formed JSON but cannot be issued refuses the whole upload (the report says why)
  problem = await refused(t, post({ rows: [{ name: 'Amina', achievementId: courseId }, { name: 'Omar', achievementId: courseId, email: 'not-an-address' }] }), 422, 'invalid-rows');
  t.same(problem.report.issues.map((issue: { row: number; code: string }) => [issue.row, issue.code]), [[2, 'invalid-email']]);
});

t.test('who may upload: a token, the issue scope, a centre', async (t) => {
  const upload = (headers: Record<string, string>) => ({ method: 'POST' as const, url: '/api/v1/batches', ...fileUpload(headers, 'a.csv', csvOf(1)) });
  const problem = await refused(t, upload({}), 401, '[a-z-]+');
  t.ok(problem.detail.length > 10);
  await refused(t, upload({ authorization: 'Bearer not-a-token' }), 401, '[a-z-]+');
  const reader = await demoToken(testApp, 'credentials:read');
  await refused(t, upload({ authorization: `Bearer ${reader}` }), 403, '[a-z-]+', /credentials:issue/);
  const admin = await adminToken(testApp);
  await refused(t, upload({ authorization: `Bearer ${admin}` }), 403, '[a-z-]+');
  // a platform client that somehow holds the issue scope still belongs to no centre
  const { client, clientSecret } = await createClient({ db: app.ctx.db, centreId: null, name: 'platform issuer', scopes: ['credentials:issue', 'credentials:read'] });
  const platform = { authorization: `Bearer ${await tokenFor(app, client.clientId, clientSecret)}` };
  await refused(t, upload(platform), 403, 'not-a-centre');
  await refused(t, { method: 'POST', url: '/api/v1/batches?dryRun=true', headers: platform, payload: { rows: [{ name: 'A', achievementId: courseId }] } }, 403, 'not-a-centre');
  for (const url of ['/api/v1/batches', '/api/v1/batches/00000000-0000-4000-8000-000000000000']) {
    await refused(t, { method: 'GET', url }, 401, '[a-z-]+');
    await refused(t, { method: 'GET', url, headers: { authorization: `Bearer ${admin}` } }, 403, '[a-z-]+');
  }
  await refused(t, { method: 'GET', url: '/api/v1/batches', headers: platform }, 403, 'not-a-centre');
  await refused(t, { method: 'POST', url: '/api/v1/batches/00000000-0000-4000-8000-000000000000/cancel', headers: { authorization: `Bearer ${reader}` } }, 403, '[a-z-]+');
});
