import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import t from 'tap';
import { build, createCentreWithClient, demoToken, firstAchievementId } from '../../helper.js';
import { fileUpload, waitForBatch, waitForDeliveries } from '../../support/batches.js';
import { stockVerifier } from '../../support/stock-verifier.js';

// A cohort end to end on the in-process queue: upload, check, issue, deliver, results; the same file twice issues nothing new.

const testApp = await build(t);
const { app } = testApp;
const token = await demoToken(testApp, 'credentials:issue credentials:read');
const auth = { authorization: `Bearer ${token}` };
const courseId = await firstAchievementId(app);
const stock = stockVerifier(app);

const csv = [
  'name,email,course,externalId,language',
  `أمينة السيد,amina@example.org,genai-foundation,EG-001,ar`,
  `Éloïse Dubois,eloise@example.org,genai-foundation,EG-002,fr`,
  `王小明,,${courseId},EG-003,zh`,
].join('\r\n');

t.test('a dry run reports and issues nothing', async (t) => {
  const response = await app.inject({ method: 'POST', url: '/api/v1/batches?dryRun=true', ...fileUpload(auth, 'cohort.csv', csv) });
  t.equal(response.statusCode, 200, response.body);
  const { report } = response.json();
  t.equal(report.totalRows, 3);
  t.equal(report.toIssue, 3);
  t.same(report.issues, []);
  const list = (await app.inject({ method: 'GET', url: '/api/v1/batches', headers: auth })).json();
  t.equal(list.items.length, 0, 'no batch was created');
});

t.test('a real run issues every row, e-mails those with an address, and the results say so', async (t) => {
  const response = await app.inject({ method: 'POST', url: '/api/v1/batches?deliver=true', ...fileUpload(auth, 'cohort.csv', csv) });
  t.equal(response.statusCode, 202, response.body);
  const batch = await waitForBatch(app, auth, response.json().batchId);
  t.equal(batch.state, 'completed');
  t.same(batch.totals, { rows: 3, pending: 0, issued: 3, alreadyIssued: 0, failed: 0, cancelled: 0 });
  const results = (await app.inject({ method: 'GET', url: `/api/v1/batches/${batch.id}/results?format=json`, headers: auth })).json().items;
  t.same(results.map((row: { name: string }) => row.name), ['أمينة السيد', 'Éloïse Dubois', '王小明'], 'names arrive intact');
  for (const row of results) {
    t.equal(row.state, 'issued');
    const credential = await app.inject({ method: 'GET', url: `/credentials/${row.credentialId}`, headers: { accept: 'application/json' } });
    t.ok((await stock.verify(credential.json())).verified, `row ${row.row} verifies with the stock library`);
  }
  // deliveries run on the same queue: wait for the two e-mails in the outbox
  const outbox = join(testApp.keysDir, 'outbox');
  let files: string[] = [];
  for (let i = 0; i < 100 && files.length < 2; i++) {
    files = (await readdir(outbox).catch(() => [])).filter((name) => name.endsWith('.eml'));
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  t.equal(files.length, 2, 'two learners had an address');
  const mails = await Promise.all(files.map(async (name) => simpleParser(await readFile(join(outbox, name)))));
  const toAmina = mails.find((mail) => JSON.stringify(mail.to).includes('amina@example.org'));
  t.ok(toAmina?.html && String(toAmina.html).includes('dir="rtl"'), 'the Arabic credential is e-mailed in Arabic');
  const after = await waitForDeliveries(app, auth, batch.id);
  t.same(after.deliveries, { queued: 0, sent: 2, failed: 0 });
});

t.test('the same file again issues nothing new and says so', async (t) => {
  const dry = (await app.inject({ method: 'POST', url: '/api/v1/batches?dryRun=true', ...fileUpload(auth, 'cohort.csv', csv) })).json();
  t.equal(dry.report.toIssue, 0);
  t.equal(dry.report.alreadyIssued, 3);
  const response = await app.inject({ method: 'POST', url: '/api/v1/batches', ...fileUpload(auth, 'cohort.csv', csv) });
  t.equal(response.statusCode, 202);
  const batch = await waitForBatch(app, auth, response.json().batchId);
  t.equal(batch.state, 'completed');
  t.equal(batch.totals.issued, 0);
  t.equal(batch.totals.alreadyIssued, 3);
});

t.test('invalid rows refuse the upload with a localised report, or are skipped when asked', async (t) => {
  const bad = ['name,email,course,externalId', ',x@example.org,genai-foundation,B-1', 'Ok Person,not-an-email,genai-foundation,B-2', 'Good Person,,no-such-course,B-3', 'Fine Person,,genai-foundation,B-4'].join('\n');
  const refused = await app.inject({ method: 'POST', url: '/api/v1/batches?lang=fr', ...fileUpload(auth, 'bad.csv', bad) });
  t.equal(refused.statusCode, 422);
  const problem = refused.json();
  t.match(problem.type, /\/problems\/invalid-rows$/);
  t.same(
    problem.report.issues.map((issue: { row: number; column: string; code: string }) => [issue.row, issue.column, issue.code]),
    [[2, 'name', 'required'], [3, 'email', 'invalid-email'], [4, 'achievementId', 'unknown-course']],
  );
  t.match(problem.report.issues[0].message, /obligatoire/, 'messages in the caller\'s language');
  const skipped = await app.inject({ method: 'POST', url: '/api/v1/batches?skipInvalidRows=true', ...fileUpload(auth, 'bad.csv', bad) });
  t.equal(skipped.statusCode, 202);
  const batch = await waitForBatch(app, auth, skipped.json().batchId);
  t.equal(batch.state, 'completed-with-errors');
  t.equal(batch.totals.issued, 1);
  t.equal(batch.totals.failed, 3);
  const resultsCsv = await app.inject({ method: 'GET', url: `/api/v1/batches/${batch.id}/results`, headers: { ...auth, accept: 'text/csv' } });
  t.equal(resultsCsv.headers['content-type'], 'text/csv; charset=utf-8');
  t.match(resultsCsv.body, /^\uFEFFrow,state,name,externalId,credentialId,url,shortCode,deliveryState,errorCode,error\r\n/);
});

t.test('cells that a spreadsheet would run as formulas come back neutralised', async (t) => {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/batches',
    headers: auth,
    payload: { rows: [{ name: '=HYPERLINK("http://evil.example","x")', achievementId: courseId, externalId: '@SUM(1)' }] },
  });
  t.equal(response.statusCode, 202, response.body);
  const batch = await waitForBatch(app, auth, response.json().batchId);
  const body = (await app.inject({ method: 'GET', url: `/api/v1/batches/${batch.id}/results?format=csv`, headers: auth })).body;
  t.notMatch(body, /,=HYPERLINK/);
  t.match(body, /'=HYPERLINK/);
  t.match(body, /'@SUM\(1\)/);
});

t.test('POST /api/v1/credentials with an externalId a batch already used is a 409 naming the credential', async (t) => {
  const response = await app.inject({ method: 'POST', url: '/api/v1/credentials', headers: auth, payload: { achievementId: courseId, recipient: { name: 'أمينة السيد' }, externalId: 'EG-001' } });
  t.equal(response.statusCode, 409, response.body);
  t.match(response.json().type, /\/problems\/already-issued$/);
  t.ok(response.json().credentialId);
});

t.test('another centre sees none of these batches', async (t) => {
  const other = await createCentreWithClient(testApp, { slug: 'other-batches', scopes: ['credentials:issue', 'credentials:read'] });
  const mine = (await app.inject({ method: 'GET', url: '/api/v1/batches', headers: auth })).json().items;
  t.ok(mine.length > 0);
  const theirs = await app.inject({ method: 'GET', url: '/api/v1/batches', headers: { authorization: `Bearer ${other.token}` } });
  t.same(theirs.json().items, []);
  const peek = await app.inject({ method: 'GET', url: `/api/v1/batches/${mine[0].id}`, headers: { authorization: `Bearer ${other.token}` } });
  t.equal(peek.statusCode, 404);
  const results = await app.inject({ method: 'GET', url: `/api/v1/batches/${mine[0].id}/results`, headers: { authorization: `Bearer ${other.token}` } });
  t.equal(results.statusCode, 404);
});
