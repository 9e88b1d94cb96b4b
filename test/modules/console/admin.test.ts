import { and, eq } from 'drizzle-orm';
import t from 'tap';
import { auditEvents } from '../../../src/db/schema/index.js';
import { grantAuthorisation } from '../../../src/modules/authorisations/service.js';
import { setCentreStatus } from '../../../src/modules/centres/service.js';
import { build } from '../../helper.js';
import { testClock } from '../../support/clock.js';
import { joinAs, OPERATOR, postForm, sessionCookieOf } from '../../support/console.js';
import { linkIn, startTestSmtp } from '../../support/smtp.js';

// The platform admin's part of the console, over HTTP as a browser without JavaScript uses it: only admins reach it;
// a centre is registered, its first manager invited by e-mail, suspended and reactivated; a course is defined and
// given a new version; an authorisation granted and revoked (the centre's issue form follows); a key reported
// compromised behind its confirmation; the audit trail filtered; admins invited and removed. Every change goes
// through the API's services and is audited as the staff member.

const smtp = await startTestSmtp(t);
const clock = testClock();
const { app } = await build(t, { SMTP_URL: smtp.url }, { clock });
const { db } = app.ctx;
const admin = await joinAs(app, { email: 'ada.platform@example.org', role: 'admin', name: 'Ada Platform', centre: null });
const manager = await joinAs(app, { email: 'egypt.manager@example.org', role: 'manager', name: 'Egypt Manager' });
const viewer = await joinAs(app, { email: 'egypt.viewer@example.org', role: 'viewer', name: 'Egypt Viewer' });
const get = (cookie: string, url: string) => app.inject({ method: 'GET', url, headers: { cookie } });
const staleConfirmation = () => clock.advance(6 * 60 * 1000);
const MAX_PAGE = 50 * 1024;
let kenyaManager = '';
let courseId = '';

/** Confirms a session by the e-mailed link, as its owner would: ask, open the message, press the button. */
async function confirmByEmail(cookie: string, mailbox: string) {
  const count = smtp.messagesTo(mailbox).length;
  const asked = await postForm(app, cookie, '/console/confirm/email?lang=en', { next: '/console/admin' });
  if (asked.statusCode !== 303) throw new Error(`asking for a link: ${asked.statusCode}`);
  const link = new URL(linkIn(await smtp.nextMessageTo(mailbox, count + 1), 'http://localhost:3000/console/confirm/'));
  return postForm(app, cookie, link.pathname);
}

/** Accepts an e-mailed invitation: the new session's cookie. */
async function acceptInvitation(mailbox: string) {
  const link = new URL(linkIn(await smtp.nextMessageTo(mailbox), 'http://localhost:3000/console/invitations/'));
  const landing = await app.inject({ method: 'GET', url: link.pathname });
  if (landing.statusCode !== 200) throw new Error(`invitation landing: ${landing.statusCode}`);
  const accepted = await app.inject({ method: 'POST', url: link.pathname });
  const cookie = sessionCookieOf(accepted);
  if (accepted.statusCode !== 303 || !cookie) throw new Error(`accepting: ${accepted.statusCode}`);
  return cookie;
}

const PAGES = ['/console/admin', '/console/admin/centres', '/console/admin/centres/new', '/console/admin/courses', '/console/admin/courses/new', '/console/admin/authorisations', '/console/admin/registry', '/console/admin/audit', '/console/admin/staff', '/console/admin/centres/egypt-demo'];

t.test('only a platform admin reaches the platform pages; each stays under 50 KB in every language', async (t) => {
  for (const path of PAGES) {
    t.equal((await get(manager.cookie, path)).statusCode, 403, `a centre manager: ${path}`);
    t.equal((await get(viewer.cookie, path)).statusCode, 403, `a viewer: ${path}`);
    for (const lang of ['en', 'fr', 'ar', 'zh']) {
      const page = await get(admin.cookie, `${path}?lang=${lang}`);
      t.equal(page.statusCode, 200, `${path} in ${lang}`);
      t.ok(Buffer.byteLength(page.body) < MAX_PAGE, `${path} in ${lang}: ${Buffer.byteLength(page.body)} bytes`);
    }
  }
  t.equal((await postForm(app, manager.cookie, '/console/admin/centres', { slug: 'by-manager', 'name-en': 'X', countryCode: 'EG' })).statusCode, 403);
  t.match((await get(admin.cookie, '/console')).body, /<a href="\/console\/admin\?lang=en"[^>]*>Platform<\/a>/, 'the navigation leads there');
  t.notMatch((await get(manager.cookie, '/console')).body, /href="\/console\/admin/, 'not for a manager');
});

t.test('a form without its CSRF token is refused and changes nothing', async (t) => {
  const forged = await app.inject({
    method: 'POST',
    url: '/console/admin/centres',
    headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ slug: 'forged-centre', 'name-en': 'Forged', countryCode: 'EG' }).toString(),
  });
  t.equal(forged.statusCode, 403);
  const wrong = await postForm(app, admin.cookie, '/console/admin/centres', { slug: 'forged-centre', 'name-en': 'Forged', countryCode: 'EG' }, { csrf: 'not-the-token' });
  t.equal(wrong.statusCode, 403);
  t.equal((await get(admin.cookie, '/console/admin/centres/forged-centre')).statusCode, 404);
});

t.test('registering a centre: errors at their fields, then listed, published and audited as the staff member', async (t) => {
  const bad = await postForm(app, admin.cookie, '/console/admin/centres?lang=en', { slug: 'Not A Slug', countryCode: 'XX', contactEmail: 'nope', websiteUrl: 'ftp://x' });
  t.equal(bad.statusCode, 422);
  for (const field of ['slug', 'name-en', 'countryCode', 'contactEmail', 'websiteUrl']) t.match(bad.body, new RegExp(`<a href="#${field}">`), `${field} in the summary`);
  t.match(bad.body, /id="slug-error"/);
  t.match(bad.body, /aria-describedby="slug-hint slug-error" aria-invalid="true"/, 'the error is tied to its control');
  t.match(bad.body, /value="Not A Slug"/, 'what was typed is kept');

  const created = await postForm(app, admin.cookie, '/console/admin/centres?lang=en', {
    slug: 'kenya-test',
    'name-en': 'IIOE Kenya Test Centre',
    'name-fr': 'Centre test IIOE du Kenya',
    countryCode: 'ke',
    defaultLanguage: 'en',
    hostInstitution: 'University of Nairobi',
    contactEmail: 'contact@kenya.example',
  });
  t.equal(created.statusCode, 303);
  t.equal(created.headers.location, '/console/admin/centres/kenya-test?lang=en&done=centre-created');
  const page = await get(admin.cookie, String(created.headers.location));
  t.match(page.body, /The centre is registered/);
  t.match(page.body, /did:web:localhost%3A3000:centres:kenya-test/);
  t.match(page.body, /Kenya \(<span dir="ltr">KE<\/span>\)/, 'the country named');
  t.match(page.body, /In use/, 'with its signing key');

  const list = await get(admin.cookie, '/console/admin/centres?lang=en');
  t.match(list.body, /IIOE Kenya Test Centre/);
  t.match(list.body, /href="\/console\/credentials\?lang=en&amp;centre=kenya-test"/, 'its credentials, read-only');
  t.equal((await get(admin.cookie, '/console/credentials?centre=kenya-test')).statusCode, 200);

  const [event] = await db.select().from(auditEvents).where(and(eq(auditEvents.action, 'centre.created'), eq(auditEvents.target, 'centre:kenya-test')));
  t.match(event, { actorKind: 'staff', actorStaffId: admin.staffId });
  t.match((await get(admin.cookie, '/console/admin/registry?lang=en')).body, /IIOE Kenya Test Centre/, 'the registry lists it');
  t.match((await app.inject({ method: 'GET', url: '/registry' })).body, /centres:kenya-test/);

  const again = await postForm(app, admin.cookie, '/console/admin/centres?lang=en', { slug: 'kenya-test', 'name-en': 'Another', countryCode: 'KE' });
  t.equal(again.statusCode, 422);
  t.match(again.body, /<a href="#slug">A centre already has this slug/);
});

t.test('its first manager: the invitation asks for a fresh confirmation, arrives by e-mail and signs them in as the centre\'s manager', async (t) => {
  staleConfirmation();
  const invitation = { name: 'Wanjiru Manager', email: 'wanjiru@kenya.example', language: 'fr' };
  const asked = await postForm(app, admin.cookie, '/console/admin/centres/kenya-test/invite?lang=en', invitation);
  t.equal(asked.statusCode, 303);
  t.equal(asked.headers.location, '/console/confirm?lang=en&next=%2Fconsole%2Fadmin%2Fcentres%2Fkenya-test');
  t.equal(smtp.messagesTo('wanjiru@kenya.example').length, 0, 'nothing sent yet');
  const confirmed = await confirmByEmail(admin.cookie, 'ada.platform@example.org');
  t.equal(confirmed.statusCode, 303);
  t.equal(confirmed.headers.location, '/console/admin?lang=en&confirmed=1', 'an admin goes back to the platform\'s pages');
  t.match((await get(admin.cookie, String(confirmed.headers.location))).body, /Confirmed\. You can go on/);

  const bad = await postForm(app, admin.cookie, '/console/admin/centres/kenya-test/invite?lang=en', { name: '', email: 'nope' });
  t.equal(bad.statusCode, 422);
  t.match(bad.body, /<a href="#invite-name">/);
  t.match(bad.body, /<a href="#invite-email">/);

  const invited = await postForm(app, admin.cookie, '/console/admin/centres/kenya-test/invite?lang=en', invitation);
  t.equal(invited.statusCode, 303);
  t.match(invited.headers.location, /done=invited/);
  const message = await smtp.nextMessageTo('wanjiru@kenya.example');
  t.match(message.html, /lang="fr"/, 'in the language chosen');
  const cookie = await acceptInvitation('wanjiru@kenya.example');
  const settings = await get(cookie, '/console/settings?lang=en');
  t.equal(settings.statusCode, 200, 'a manager: the centre\'s settings are theirs');
  t.match(settings.body, /Wanjiru Manager · Manager · IIOE Kenya Test Centre/);
  const [event] = await db.select().from(auditEvents).where(and(eq(auditEvents.action, 'staff.invited'), eq(auditEvents.actorStaffId, admin.staffId)));
  t.match(event, { actorKind: 'staff', details: { role: 'manager' } });
  t.match((await get(admin.cookie, '/console/admin/centres/kenya-test?lang=en')).body, /Wanjiru Manager/, 'listed with the centre\'s staff');
  kenyaManager = cookie;
});

const COURSE = {
  code: 'admin-test-course',
  'name-en': 'Teaching with AI: assessment',
  'description-en': 'Designing assessment with generative AI.',
  'criteria-en': 'Completed every module and the final project.',
  'name-fr': 'Enseigner avec l’IA : l’évaluation',
  'description-fr': 'Concevoir l’évaluation avec l’IA générative.',
  'criteria-fr': 'A suivi tous les modules et le projet final.',
  achievementType: 'MicroCredential',
  series: '1+X GenAI',
  level: 'Module',
  hours: '12',
};

t.test('a course: the API\'s schema judges the form, each error at its field; then a new version', async (t) => {
  const bad = await postForm(app, admin.cookie, '/console/admin/courses?lang=en', { code: 'Bad Code!', 'name-en': 'Only a name', hours: 'twelve', achievementType: 'NoSuchType' });
  t.equal(bad.statusCode, 422);
  for (const field of ['code', 'description-en', 'criteria-en', 'hours', 'achievementType']) t.match(bad.body, new RegExp(`<a href="#${field}">`), `${field} in the summary`);
  t.match(bad.body, /Give the name, description and criteria in the same languages/);

  const created = await postForm(app, admin.cookie, '/console/admin/courses?lang=en', COURSE);
  t.equal(created.statusCode, 303);
  courseId = /^\/console\/admin\/courses\/([0-9a-f-]{36})\?lang=en&done=created$/.exec(String(created.headers.location))?.[1] ?? '';
  t.ok(courseId, String(created.headers.location));
  const page = await get(admin.cookie, `/console/admin/courses/${courseId}?lang=en&done=created`);
  t.match(page.body, /The course is defined: version 1/);
  t.match(page.body, /value="Teaching with AI: assessment"/, 'the next version starts from the current one');
  const [event] = await db.select().from(auditEvents).where(and(eq(auditEvents.action, 'achievement.created'), eq(auditEvents.target, `achievement:${courseId}`)));
  t.match(event, { actorKind: 'staff', actorStaffId: admin.staffId });
  t.match((await get(admin.cookie, '/console/admin/courses?lang=en')).body, /admin-test-course/);

  const taken = await postForm(app, admin.cookie, '/console/admin/courses?lang=en', COURSE);
  t.equal(taken.statusCode, 422);
  t.match(taken.body, /<a href="#code">Another course already has this code/);

  const mismatched = await postForm(app, admin.cookie, `/console/admin/courses/${courseId}?lang=en`, { ...COURSE, 'criteria-fr': '' });
  t.equal(mismatched.statusCode, 422);
  t.match(mismatched.body, /<a href="#criteria-fr">Give the name, description and criteria in the same languages/);

  const unchanged = await postForm(app, admin.cookie, `/console/admin/courses/${courseId}?lang=en`, COURSE);
  t.match(unchanged.headers.location, /done=unchanged/);
  const versioned = await postForm(app, admin.cookie, `/console/admin/courses/${courseId}?lang=en`, { ...COURSE, 'description-en': 'Designing fair assessment with generative AI.' });
  t.equal(versioned.statusCode, 303);
  t.match(versioned.headers.location, /done=version&version=2|version=2&done=version/);
  const after = await get(admin.cookie, String(versioned.headers.location));
  t.match(after.body, /Version 2 is published/);
  t.equal([...after.body.matchAll(/As Open Badges JSON/g)].length, 2, 'both versions listed');
  const versions = (await app.inject({ method: 'GET', url: `/achievements/${courseId}/versions` })).json();
  t.equal(versions.currentVersion, 2);
});

const issueForm = (cookie: string) => postForm(app, cookie, '/console/issue?lang=en', { step: 'issue', course: courseId, name: 'Kenyan Learner', language: 'en' });

t.test('authorisations: granted, the centre\'s issue form offers the course; suspended, the centre cannot issue; revoked, the course is gone', async (t) => {
  t.notMatch((await get(kenyaManager, '/console/issue?lang=en')).body, new RegExp(`value="${courseId}"`), 'not authorised yet');
  const noCentre = await postForm(app, admin.cookie, '/console/admin/authorisations?lang=en', { centre: '', course: courseId });
  t.equal(noCentre.statusCode, 422);
  t.match(noCentre.body, /<a href="#grant-centre">Choose a centre/);
  const backwards = await postForm(app, admin.cookie, '/console/admin/authorisations?lang=en', { centre: 'kenya-test', course: courseId, from: '2030-01-10', until: '2030-01-01' });
  t.equal(backwards.statusCode, 422);
  t.match(backwards.body, /<a href="#grant-until">Enter a date after the start/);
  const unknown = await postForm(app, admin.cookie, '/console/admin/authorisations?lang=en', { centre: 'no-such-centre', course: courseId });
  t.equal(unknown.statusCode, 422);
  t.match(unknown.body, /<a href="#grant-centre">There is no such centre/);

  const granted = await postForm(app, admin.cookie, '/console/admin/authorisations?lang=en', { centre: 'kenya-test', course: courseId });
  t.equal(granted.statusCode, 303);
  t.match((await get(admin.cookie, String(granted.headers.location))).body, /The authorisation is granted/);
  t.match((await get(kenyaManager, '/console/issue?lang=en')).body, new RegExp(`value="${courseId}"`), 'the issue form offers it');
  const overlap = await postForm(app, admin.cookie, '/console/admin/authorisations?lang=en', { centre: 'kenya-test', course: courseId });
  t.equal(overlap.statusCode, 422);
  t.match(overlap.body, /<a href="#grant-course">The centre is already authorised for this course/);

  const noReason = await postForm(app, admin.cookie, '/console/admin/centres/kenya-test/suspend?lang=en', { reason: '  ' });
  t.equal(noReason.statusCode, 422);
  t.match(noReason.body, /<a href="#status-reason">Give the reason/);
  const suspended = await postForm(app, admin.cookie, '/console/admin/centres/kenya-test/suspend?lang=en', { reason: 'Accreditation under review' });
  t.equal(suspended.statusCode, 303);
  t.match((await get(admin.cookie, String(suspended.headers.location))).body, /The centre is suspended/);
  const refused = await issueForm(kenyaManager);
  t.equal(refused.statusCode, 422);
  t.match(refused.body, /Your centre is suspended and cannot issue credentials/);
  const [event] = await db.select().from(auditEvents).where(eq(auditEvents.action, 'centre.suspended'));
  t.match(event, { actorKind: 'staff', actorStaffId: admin.staffId, details: { reason: 'Accreditation under review' } });
  t.match((await get(admin.cookie, '/console/admin/registry?lang=en')).body, /IIOE Kenya Test Centre<\/bdi>(?:(?!<\/tr>)[\s\S])*Suspended/, 'the registry says so');

  const reactivated = await postForm(app, admin.cookie, '/console/admin/centres/kenya-test/reactivate?lang=en', { reason: 'Review completed' });
  t.equal(reactivated.statusCode, 303);
  const issued = await issueForm(kenyaManager);
  t.equal(issued.statusCode, 303, 'active again: it issues');
  t.match(issued.headers.location, /^\/console\/credentials\//);

  const list = await get(admin.cookie, `/console/admin/authorisations?lang=en&centre=kenya-test`);
  const id = /href="\/console\/admin\/authorisations\/([0-9a-f-]{36})\/revoke\?lang=en&amp;centre=kenya-test"/.exec(list.body)?.[1];
  t.ok(id, 'the authorisation in force offers its revocation');
  t.match(list.body, /In force/);
  const confirm = await get(admin.cookie, `/console/admin/authorisations/${id}/revoke?lang=en&centre=kenya-test`);
  t.equal(confirm.statusCode, 200);
  t.match(confirm.body, /Revoke this authorisation\?[\s\S]*IIOE Kenya Test Centre[\s\S]*Teaching with AI: assessment[\s\S]*Credentials issued before stay valid/);
  const unexplained = await postForm(app, admin.cookie, `/console/admin/authorisations/${id}/revoke?lang=en&centre=kenya-test`, { reason: '' });
  t.equal(unexplained.statusCode, 422);
  t.match(unexplained.body, /<a href="#reason">Give the reason/);
  const revoked = await postForm(app, admin.cookie, `/console/admin/authorisations/${id}/revoke?lang=en&centre=kenya-test`, { reason: 'Course retired in Kenya' });
  t.equal(revoked.statusCode, 303);
  t.match(revoked.headers.location, /centre=kenya-test/, 'the filter is kept');
  t.match((await get(admin.cookie, String(revoked.headers.location))).body, /Revoked[^<]*: Course retired in Kenya/);
  clock.advance(1000);
  t.notMatch((await get(kenyaManager, '/console/issue?lang=en')).body, new RegExp(`value="${courseId}"`), 'no longer offered');
  const [revokedEvent] = await db.select().from(auditEvents).where(eq(auditEvents.action, 'authorisation.revoked'));
  t.match(revokedEvent, { actorKind: 'staff', actorStaffId: admin.staffId });
});

t.test('key compromise: a deliberate confirmation with a reason and a box, then a fresh confirmation; the key leaves the DID document', async (t) => {
  const centrePage = await get(admin.cookie, '/console/admin/centres/kenya-test?lang=en');
  const path = /href="(\/console\/admin\/centres\/kenya-test\/keys\/[^/]+\/compromise)\?lang=en"/.exec(centrePage.body)?.[1];
  t.ok(path, 'the key in use can be reported');
  const key = path!.split('/')[6]!;
  const page = await get(admin.cookie, `${path}?lang=en`);
  t.equal(page.statusCode, 200);
  t.match(page.body, /every credential it signed stops verifying/);
  t.match(page.body, /a new key replaces it/);
  t.equal((await get(admin.cookie, '/console/admin/centres/kenya-test/keys/zNoSuchKey/compromise')).statusCode, 404);
  t.equal((await get(manager.cookie, `${path}?lang=en`)).statusCode, 403, 'not for a centre manager');

  const unticked = await postForm(app, admin.cookie, `${path}?lang=en`, { reason: '' });
  t.equal(unticked.statusCode, 422);
  t.match(unticked.body, /<a href="#reason">/);
  t.match(unticked.body, /<a href="#confirm">Tick the box/);
  const noReason = await postForm(app, admin.cookie, `${path}?lang=en`, { confirm: 'compromised' });
  t.equal(noReason.statusCode, 422);
  t.notMatch(noReason.body, /<a href="#confirm">/);

  staleConfirmation();
  const asked = await postForm(app, admin.cookie, `${path}?lang=en`, { reason: 'Laptop stolen', confirm: 'compromised' });
  t.equal(asked.statusCode, 303);
  t.equal(asked.headers.location, `/console/confirm?lang=en&next=${encodeURIComponent(path!)}`);
  t.match((await app.inject({ method: 'GET', url: '/centres/kenya-test/did.json' })).body, new RegExp(key), 'nothing changed yet');
  await confirmByEmail(admin.cookie, 'ada.platform@example.org');

  const done = await postForm(app, admin.cookie, `${path}?lang=en`, { reason: 'Laptop stolen', confirm: 'compromised' });
  t.equal(done.statusCode, 303);
  t.equal(done.headers.location, '/console/admin/centres/kenya-test?lang=en&done=compromised');
  const after = await get(admin.cookie, String(done.headers.location));
  t.match(after.body, /The key is withdrawn/);
  t.match(after.body, new RegExp(`${key}</td><td>Compromised \\(no longer verifies\\)`));
  t.match(after.body, /In use/, 'a new key replaces it');
  t.notMatch((await app.inject({ method: 'GET', url: '/centres/kenya-test/did.json' })).body, new RegExp(key), 'gone from the DID document');
  const [event] = await db.select().from(auditEvents).where(eq(auditEvents.action, 'key.compromised'));
  t.match(event, { actorKind: 'staff', actorStaffId: admin.staffId, details: { reason: 'Laptop stolen' } });
});

t.test('the audit trail across centres: filtered by centre, action and dates, 25 a page', async (t) => {
  const kenya = await get(admin.cookie, '/console/admin/audit?lang=en&centre=kenya-test');
  t.equal(kenya.statusCode, 200);
  t.match(kenya.body, /Ada Platform<\/bdi><\/td><td>registered a centre/);
  t.match(kenya.body, /suspended a centre<br><span class="muted">Reason: Accreditation under review/);
  t.match(kenya.body, /reported a key compromised/);
  t.notMatch(kenya.body, />egypt-demo</, 'only that centre');
  const egypt = await get(admin.cookie, '/console/admin/audit?lang=en&centre=egypt-demo');
  t.notMatch(egypt.body, />kenya-test</);

  for (let round = 0; round < 14; round++) {
    await setCentreStatus({ ctx: app.ctx, actor: OPERATOR, slug: 'kenya-test', status: 'suspended', reason: `round ${round}` });
    await setCentreStatus({ ctx: app.ctx, actor: OPERATOR, slug: 'kenya-test', status: 'active', reason: `round ${round}` });
  }
  const first = await get(admin.cookie, '/console/admin/audit?lang=en&centre=kenya-test');
  t.equal([...first.body.matchAll(/<tr><td><time/g)].length, 25, 'a page holds 25');
  const older = /<a href="([^"]+)">Older<\/a>/.exec(first.body)?.[1]?.replaceAll('&amp;', '&');
  t.ok(older, 'and links to the older ones');
  const second = await get(admin.cookie, older!);
  t.equal(second.statusCode, 200);
  t.match(second.body, /registered a centre/, 'the oldest on the next page');
  t.match(second.body, /Newer<\/a>/);

  const suspensions = await get(admin.cookie, '/console/admin/audit?lang=en&centre=kenya-test&action=centre.suspended');
  t.equal([...suspensions.body.matchAll(/<tr><td><time/g)].length, 15);
  const today = new Date().toISOString().slice(0, 10);
  t.equal([...(await get(admin.cookie, `/console/admin/audit?lang=en&centre=kenya-test&action=centre.suspended&from=2000-01-01&to=2000-12-31`)).body.matchAll(/<tr><td><time/g)].length, 0, 'dates filter');
  t.equal([...(await get(admin.cookie, `/console/admin/audit?lang=en&centre=kenya-test&action=centre.suspended&from=${today}&to=${today}`)).body.matchAll(/<tr><td><time/g)].length, 15, 'to is inclusive');
  const bad = await get(admin.cookie, '/console/admin/audit?lang=en&from=yesterday&centre=nowhere');
  t.equal(bad.statusCode, 422);
  t.match(bad.body, /<a href="#from">/);
  t.match(bad.body, /<a href="#centre">/);
});

t.test('platform admins: invite another (fresh confirmation), remove them; the last admin stays', async (t) => {
  const list = await get(admin.cookie, '/console/admin/staff?lang=en');
  t.match(list.body, /Ada Platform<\/bdi> <span class="muted">\(you\)/);
  const bad = await postForm(app, admin.cookie, '/console/admin/staff?lang=en', { name: 'Second', email: 'not an address' });
  t.equal(bad.statusCode, 422);
  t.match(bad.body, /<a href="#invite-email">/);
  const invited = await postForm(app, admin.cookie, '/console/admin/staff?lang=en', { name: 'Second Admin', email: 'second.admin@example.org', language: 'en' });
  if (invited.headers.location?.startsWith('/console/confirm')) t.fail('the confirmation was fresh');
  t.equal(invited.statusCode, 303);
  const cookie = await acceptInvitation('second.admin@example.org');
  t.equal((await get(cookie, '/console/admin/centres')).statusCode, 200, 'an admin now');
  const [event] = await db.select().from(auditEvents).where(and(eq(auditEvents.action, 'staff.invited'), eq(auditEvents.actorStaffId, admin.staffId)));
  t.ok(event);

  const second = /action="\/console\/admin\/staff\/([0-9a-f-]{36})\/remove/.exec((await get(admin.cookie, '/console/admin/staff?lang=en')).body)?.[1];
  t.ok(second, 'another admin can be removed');
  const removed = await postForm(app, admin.cookie, `/console/admin/staff/${second}/remove?lang=en`);
  t.equal(removed.statusCode, 303);
  t.match((await get(admin.cookie, String(removed.headers.location))).body, /The admin is removed/);
  t.equal((await get(cookie, '/console')).statusCode, 303, 'their session ended');

  const last = await postForm(app, admin.cookie, `/console/admin/staff/${admin.staffId}/remove?lang=en`);
  t.equal(last.statusCode, 409);
  t.match(last.body, /This is the last platform admin/);
});

t.test('the registry as published: its version, the JSON link and each centre with its status and keys', async (t) => {
  const page = await get(admin.cookie, '/console/admin/registry?lang=en');
  t.match(page.body, /<a href="\/registry"/);
  const version = (await app.inject({ method: 'GET', url: '/registry' })).headers['x-registry-version'];
  t.match(page.body, new RegExp(`Version ${version}</h2>`), 'the version verifiers read');
  t.match(page.body, /IIOE Kenya Test Centre<\/bdi>(?:(?!<\/tr>)[\s\S])*Active(?:(?!<\/tr>)[\s\S])*1 in use, 0 retired, 1 compromised/);
});

t.test('a full page of authorisations, each revocable, stays under 50 KB in every language', async (t) => {
  for (let year = 2031; year < 2031 + 26; year++) {
    await grantAuthorisation({ ctx: app.ctx, actor: OPERATOR, input: { centre: 'kenya-test', achievementId: courseId, validFrom: `${year}-01-01T00:00:00Z`, validUntil: `${year}-06-30T00:00:00Z` } });
  }
  for (const lang of ['en', 'fr', 'ar', 'zh']) {
    const page = await get(admin.cookie, `/console/admin/authorisations?lang=${lang}`);
    t.equal([...page.body.matchAll(/\/revoke\?lang=/g)].length, 25, `${lang}: 25 rows, each revocable`);
    t.ok(Buffer.byteLength(page.body) < MAX_PAGE, `${lang}: ${Buffer.byteLength(page.body)} bytes`);
  }
});
