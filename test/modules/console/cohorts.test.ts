import { eq } from 'drizzle-orm';
import t from 'tap';
import { auditEvents, batchUploads, credentials } from '../../../src/db/schema/index.js';
import { build, createCentreWithClient } from '../../helper.js';
import { csrfTokenOf, joinAs, postForm } from '../../support/console.js';
import { eventually, multipartRequest } from '../../support/batches.js';
import { startTestSmtp } from '../../support/smtp.js';

// Cohorts in the console: upload (multipart, its CSRF token a field of the form), the dry run with each row's
// problems in the cell of its column, confirmation (with "issue the others"), the batch followed to its end (page,
// progress JSON), results CSV, cancel and re-send of failed e-mails; every step isolated to the centre.

const smtp = await startTestSmtp(t);
const testApp = await build(t, { SMTP_URL: smtp.url, DELIVERY_RETRY_BASE_SECONDS: '1' });
const { app } = testApp;
const { db } = app.ctx;
const issuer = await joinAs(app, { email: 'cohort.issuer@centre.example', role: 'issuer', name: 'Cohort Issuer' });
const viewer = await joinAs(app, { email: 'cohort.viewer@centre.example', role: 'viewer', name: 'Cohort Viewer' });
const token = await csrfTokenOf(app, issuer.cookie);

const GOOD = 'name,email,course,externalId\nLayla Ahmed,layla@learners.example,genai-foundation,C-1\nOmar Said,omar@learners.example,genai-foundation,C-2\n';
const MIXED = 'name,email,course,externalId\nLayla Ahmed,layla@learners.example,genai-foundation,M-1\n,noname@learners.example,genai-foundation,M-2\nKarim Nabil,not-an-address,no-such-course,M-3\n';

/** Posts the upload form as a browser does: CSRF field, options, then the file. */
function upload(cookie: string, csv: string, { csrf = token, course = '', deliver = 'on', lang = 'en' }: { csrf?: string; course?: string; deliver?: string; lang?: string } = {}) {
  const parts = [
    { name: '_csrf', content: csrf },
    { name: 'course', content: course },
    ...(deliver ? [{ name: 'deliver', content: deliver }] : []),
    { name: 'file', fileName: 'cohort-2026.csv', content: csv, contentType: 'text/csv' },
  ];
  return app.inject({ method: 'POST', url: `/console/cohorts?lang=${lang}`, ...multipartRequest({ cookie }, parts) });
}

const uploadIdOf = (location: unknown) => /^\/console\/cohorts\/uploads\/([0-9a-f-]{36})\?lang=\w+$/.exec(String(location))?.[1];
const batchIdOf = (location: unknown) => /^\/console\/cohorts\/([0-9a-f-]{36})\?lang=en&done=confirmed$/.exec(String(location))?.[1];
const countRows = async (table: typeof credentials | typeof batchUploads) => (await db.select().from(table)).length;

t.test('the cohorts page: the form with its templates; a viewer may not upload', async (t) => {
  const page = await app.inject({ method: 'GET', url: '/console/cohorts', headers: { cookie: issuer.cookie } });
  t.equal(page.statusCode, 200);
  t.match(page.body, /<form method="post" action="\/console\/cohorts\?lang=en" enctype="multipart\/form-data">/);
  t.match(page.body, /href="\/api\/v1\/batches\/template\?language=ar&amp;format=xlsx"/);
  t.match(page.body, 'No cohort uploaded yet.');
  t.equal((await app.inject({ method: 'GET', url: '/console/cohorts', headers: { cookie: viewer.cookie } })).statusCode, 403);
  const viewerToken = await csrfTokenOf(app, viewer.cookie);
  t.equal((await upload(viewer.cookie, GOOD, { csrf: viewerToken })).statusCode, 403);
  t.equal(await countRows(batchUploads), 0, 'nothing kept');
});

t.test('a forged upload is refused before its file is read; a missing or unreadable file is explained at the field', async (t) => {
  const forged = await upload(issuer.cookie, GOOD, { csrf: 'forged' });
  t.equal(forged.statusCode, 403);
  t.match(forged.body, /did not come from this console/);
  t.equal(await countRows(batchUploads), 0);

  const empty = await upload(issuer.cookie, '', { course: '' });
  t.equal(empty.statusCode, 422);
  t.match(empty.body, /<a href="#file">/);
  const garbage = await upload(issuer.cookie, 'just one line without learners\n');
  t.equal(garbage.statusCode, 422);
  t.match(garbage.body, /aria-invalid="true"/);
  t.equal(await countRows(batchUploads), 0);
});

t.test('the dry run marks each problem in its row and column and issues nothing; "issue the others" must be ticked', async (t) => {
  const before = await countRows(credentials);
  const uploaded = await upload(issuer.cookie, MIXED);
  t.equal(uploaded.statusCode, 303, uploaded.body.slice(0, 200));
  const id = uploadIdOf(uploaded.headers.location);
  t.ok(id, String(uploaded.headers.location));
  const report = await app.inject({ method: 'GET', url: String(uploaded.headers.location), headers: { cookie: issuer.cookie } });
  t.equal(report.statusCode, 200);
  t.match(report.body, /<li><strong>3<\/strong>rows in the file<\/li>/);
  t.match(report.body, /<li><strong>1<\/strong>credentials to issue<\/li>/);
  t.match(report.body, /<li><strong>2<\/strong>rows that cannot be issued<\/li>/);
  t.match(report.body, /<tr><th scope="row">3<\/th><td class="cell-issue">/, 'row 3 (no name): the name cell is marked');
  t.match(report.body, /<tr><th scope="row">4<\/th><td><bdi>Karim Nabil<\/bdi><\/td><td class="cell-issue"><bdi>not-an-address<\/bdi><p class="field-error">/, 'row 4: the e-mail cell');
  t.notMatch(report.body, /<th scope="row">2<\/th>/, 'the good row is not listed');
  t.equal(await countRows(credentials), before, 'a dry run issues nothing');

  const refused = await postForm(app, issuer.cookie, `/console/cohorts/uploads/${id}/confirm?lang=en`, {});
  t.equal(refused.statusCode, 422);
  t.match(refused.body, /<a href="#skipInvalid">Some rows cannot be issued/);
  const confirmed = await postForm(app, issuer.cookie, `/console/cohorts/uploads/${id}/confirm?lang=en`, { skipInvalid: 'on' });
  t.equal(confirmed.statusCode, 303);
  const batchId = batchIdOf(confirmed.headers.location);
  t.ok(batchId, String(confirmed.headers.location));
  t.equal(await countRows(batchUploads), 0, 'the upload is gone once it is a batch');
  const again = await postForm(app, issuer.cookie, `/console/cohorts/uploads/${id}/confirm?lang=en`, { skipInvalid: 'on' });
  t.equal(again.statusCode, 404, 'confirming twice makes one batch');
  t.match(again.body, /no longer waiting/);

  const finished = await eventually('the batch to finish', () => app.inject({ method: 'GET', url: `/console/cohorts/${batchId}/progress`, headers: { cookie: issuer.cookie, accept: 'application/json' } }).then((r) => r.json()), (progress) => progress.finished, 60_000);
  t.same(finished, { done: 3, total: 3, text: '3 of 3 rows done', finished: true });
  const page = await app.inject({ method: 'GET', url: `/console/cohorts/${batchId}`, headers: { cookie: issuer.cookie } });
  t.match(page.body, 'Completed with errors');
  t.match(page.body, /<h2 id="failed-heading">Rows not issued<\/h2>/);
  t.match(page.body, /<th scope="row">4<\/th><td><bdi>Karim Nabil<\/bdi><\/td>/);
  t.notMatch(page.body, /http-equiv="refresh"/, 'a finished batch no longer refreshes');
  const [event] = await db.select().from(auditEvents).where(eq(auditEvents.target, `batch:${batchId}`));
  t.match(event, { action: 'batch.created', actorKind: 'staff', actorStaffId: issuer.staffId });
});

t.test('a clean file: confirmed, issued, e-mailed; results CSV; re-send of failed e-mails', async (t) => {
  smtp.refuse('omar@learners.example', { code: 550, text: '5.1.1 no such user' });
  const uploaded = await upload(issuer.cookie, GOOD);
  const id = uploadIdOf(uploaded.headers.location)!;
  const report = await app.inject({ method: 'GET', url: String(uploaded.headers.location), headers: { cookie: issuer.cookie } });
  t.match(report.body, 'Every row can be issued.');
  t.notMatch(report.body, 'skipInvalid', 'no box to tick');
  const confirmed = await postForm(app, issuer.cookie, `/console/cohorts/uploads/${id}/confirm?lang=en`, {});
  const batchId = batchIdOf(confirmed.headers.location)!;
  const running = await app.inject({ method: 'GET', url: String(confirmed.headers.location), headers: { cookie: issuer.cookie } });
  t.match(running.body, 'The cohort is confirmed');
  await smtp.nextMessageTo('layla@learners.example');
  const failedMail = await eventually('the refused e-mail to fail', () => app.inject({ method: 'GET', url: `/console/cohorts/${batchId}`, headers: { cookie: issuer.cookie } }), (r) => /<li><strong>1<\/strong>could not be delivered<\/li>/.test(r.body), 30_000);
  t.match(failedMail.body, /E-mail the 1 failed ones again/);

  const results = await app.inject({ method: 'GET', url: `/console/cohorts/${batchId}/results.csv`, headers: { cookie: issuer.cookie } });
  t.equal(results.statusCode, 200);
  t.match(results.headers['content-type'], /^text\/csv/);
  const lines = results.body.replace(/^\uFEFF/, '').trim().split('\r\n');
  t.equal(lines.length, 3, 'header and two rows');
  t.match(lines[1], /^2,issued,Layla Ahmed,C-1,/);

  const resent = await postForm(app, issuer.cookie, `/console/cohorts/${batchId}/resend?lang=en`, {});
  t.equal(resent.statusCode, 303);
  t.match(resent.headers.location, /done=resent&count=1$/);
  await smtp.nextMessageTo('omar@learners.example');
  const [event] = await db.select().from(auditEvents).where(eq(auditEvents.action, 'batch.delivery-requested'));
  t.match(event, { actorKind: 'staff', details: { count: 1 } });
});

t.test('another centre reaches none of it: uploads, batches, results', async (t) => {
  const uploaded = await upload(issuer.cookie, GOOD.replace(/C-/g, 'X-'));
  const uploadId = uploadIdOf(uploaded.headers.location)!;
  const confirmed = await postForm(app, issuer.cookie, `/console/cohorts/uploads/${uploadId}/confirm?lang=en`, {});
  const batchId = batchIdOf(confirmed.headers.location)!;
  const otherUpload = await upload(issuer.cookie, GOOD.replace(/C-/g, 'Y-'));
  const pendingUpload = uploadIdOf(otherUpload.headers.location)!;

  await createCentreWithClient(testApp, { slug: 'cohort-elsewhere' });
  const stranger = await joinAs(app, { email: 'issuer@elsewhere.example', role: 'issuer', centre: 'cohort-elsewhere' });
  for (const url of [`/console/cohorts/${batchId}`, `/console/cohorts/${batchId}/progress`, `/console/cohorts/${batchId}/results.csv`, `/console/cohorts/uploads/${pendingUpload}`]) {
    t.equal((await app.inject({ method: 'GET', url, headers: { cookie: stranger.cookie } })).statusCode, 404, url);
  }
  t.equal((await postForm(app, stranger.cookie, `/console/cohorts/uploads/${pendingUpload}/confirm`, {})).statusCode, 404);
  t.equal((await postForm(app, stranger.cookie, `/console/cohorts/${batchId}/resend`, {})).statusCode, 404);
  const list = await app.inject({ method: 'GET', url: '/console/cohorts', headers: { cookie: stranger.cookie } });
  t.notMatch(list.body, batchId);
  t.equal(await countRows(batchUploads), 1, 'the pending upload is still there for its own centre');
});

t.test('an upload expires after an hour, and expired ones are deleted when another is stored', async (t) => {
  const uploaded = await upload(issuer.cookie, GOOD.replace(/C-/g, 'Z-'));
  const id = uploadIdOf(uploaded.headers.location)!;
  const [stored] = await db.select().from(batchUploads).where(eq(batchUploads.id, id));
  t.ok(Math.abs(stored!.expiresAt.getTime() - stored!.createdAt.getTime() - 3_600_000) < 5_000, 'it keeps an hour');
  await db.update(batchUploads).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(batchUploads.id, id));
  const late = await app.inject({ method: 'GET', url: String(uploaded.headers.location), headers: { cookie: issuer.cookie } });
  t.equal(late.statusCode, 404);
  await upload(issuer.cookie, GOOD.replace(/C-/g, 'W-'));
  t.equal((await db.select().from(batchUploads).where(eq(batchUploads.id, id))).length, 0, 'the expired upload (personal data) is deleted');
});
