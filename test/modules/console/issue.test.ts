import { eq } from 'drizzle-orm';
import t from 'tap';
import { auditEvents, credentials } from '../../../src/db/schema/index.js';
import { build, createCentreWithClient, firstAchievementId } from '../../helper.js';
import { joinAs, postForm } from '../../support/console.js';
import { startTestSmtp } from '../../support/smtp.js';
import { stockVerifier } from '../../support/stock-verifier.js';

// Issue one credential from the console: the form, the preview (nothing signed or stored), "Change" keeping what
// was typed, issuance through the API's service (audited as the staff member), the result page with the links and
// the QR code, e-mail delivery; and every refusal shown at its field without writing anything.

const smtp = await startTestSmtp(t);
const testApp = await build(t, { SMTP_URL: smtp.url });
const { app } = testApp;
const { db } = app.ctx;
const courseId = await firstAchievementId(app);
const issuer = await joinAs(app, { email: 'issuer@centre.example', role: 'issuer', name: 'Issuer Person' });
const viewer = await joinAs(app, { email: 'viewer@centre.example', role: 'viewer', name: 'Viewer Person' });
const countCredentials = async () => (await db.select({ id: credentials.id }).from(credentials)).length;

const learner = { course: courseId, name: 'Amina Haddad', email: 'amina@learners.example', language: 'fr', narrative: 'A conçu un cours hybride.', evidenceUrl: 'https://portfolio.example/amina', deliver: 'on' };

t.test('the form offers the centre\'s authorised courses and the four languages; a viewer may not issue', async (t) => {
  const page = await app.inject({ method: 'GET', url: '/console/issue', headers: { cookie: issuer.cookie } });
  t.equal(page.statusCode, 200);
  t.match(page.body, `<option value="${courseId}"`);
  t.match(page.body, /<option value="ar" lang="ar">العربية<\/option>/);
  t.match(page.body, /<input type="checkbox" id="deliver" name="deliver" value="on" checked>/, 'e-mail delivery is the default');
  t.equal((await app.inject({ method: 'GET', url: '/console/issue', headers: { cookie: viewer.cookie } })).statusCode, 403);
  const before = await countCredentials();
  t.equal((await postForm(app, viewer.cookie, '/console/issue', { ...learner, step: 'issue' })).statusCode, 403);
  t.equal(await countCredentials(), before, 'nothing issued');
});

t.test('the preview shows the credential as its page will, in its language, and signs nothing', async (t) => {
  const before = await countCredentials();
  const preview = await postForm(app, issuer.cookie, '/console/issue', { ...learner, step: 'preview' });
  t.equal(preview.statusCode, 200, preview.body.slice(0, 300));
  t.match(preview.body, /<div class="card preview" lang="fr" dir="ltr">/);
  t.match(preview.body, 'Amina Haddad');
  t.match(preview.body, 'A conçu un cours hybride.');
  t.match(preview.body, 'https://portfolio.example/amina');
  t.match(preview.body, 'It will be e-mailed to amina@learners.example.');
  t.match(preview.body, /<input type="hidden" name="name" value="Amina Haddad">/, 'what was typed travels with the form');
  t.equal(await countCredentials(), before, 'nothing stored');

  const edit = await postForm(app, issuer.cookie, '/console/issue', { ...learner, step: 'edit' });
  t.equal(edit.statusCode, 200);
  t.match(edit.body, /<input type="text" id="name" name="name" value="Amina Haddad"/, '"Change" brings back the form as typed');
  t.match(edit.body, /<textarea id="narrative"[^>]*>A conçu un cours hybride\.<\/textarea>/);
});

t.test('"Sign and issue" issues through the API service: verifiable, audited as the staff member, e-mailed', async (t) => {
  const issued = await postForm(app, issuer.cookie, '/console/issue?lang=en', { ...learner, step: 'issue' });
  t.equal(issued.statusCode, 303, issued.body.slice(0, 300));
  const id = /^\/console\/credentials\/([0-9a-f-]{36})\?lang=en&done=issued-delivered$/.exec(issued.headers.location as string)?.[1];
  t.ok(id, `to the credential's page (${issued.headers.location})`);
  const [row] = await db.select().from(credentials).where(eq(credentials.id, id!));
  t.match(row, { recipientName: 'Amina Haddad', recipientEmail: 'amina@learners.example', language: 'fr', achievementId: courseId });
  t.equal(row!.issuedByClientId, null, 'no API client issued it');
  const verification = await stockVerifier(app).verify(JSON.parse(row!.document!));
  t.equal(verification.verified, true, 'the stock verifier accepts it');
  const [event] = await db.select().from(auditEvents).where(eq(auditEvents.credentialId, id!));
  t.match(event, { action: 'credential.issued', actorKind: 'staff', actorStaffId: issuer.staffId });

  const page = await app.inject({ method: 'GET', url: issued.headers.location as string, headers: { cookie: issuer.cookie } });
  t.equal(page.statusCode, 200);
  t.match(page.body, 'the e-mail to the learner is on its way');
  t.match(page.body, new RegExp(`<a href="http://localhost:3000/v/${row!.shortCode}" dir="ltr">`), 'the short link');
  t.match(page.body, `<img src="/credentials/${id}/qr.svg"`, 'the QR code');
  t.match(page.body, `/credentials/${id}/certificate.pdf`);
  const message = await smtp.nextMessageTo('amina@learners.example');
  t.match(message.text, new RegExp(`Code de vérification\\s:\\s${row!.shortCode}`), 'the learner received it, in the credential\'s language');
});

t.test('refusals are shown at their fields, in the reader\'s language, and write nothing', async (t) => {
  const before = await countCredentials();
  const empty = await postForm(app, issuer.cookie, '/console/issue?lang=en', { step: 'preview' });
  t.equal(empty.statusCode, 422);
  t.match(empty.body, /<a href="#course">Choose a course\.<\/a>/);
  t.match(empty.body, /<a href="#name">Enter the learner&#39;s name/);
  t.match(empty.body, /id="name" name="name" value="" maxlength="200" aria-describedby="name-error" aria-invalid="true"/);

  const bad = await postForm(app, issuer.cookie, '/console/issue?lang=fr', { ...learner, email: 'not-an-address', evidenceUrl: 'javascript:alert(1)', validUntil: '2001-01-01', step: 'issue' });
  t.equal(bad.statusCode, 422);
  t.match(bad.body, /href="#email"/);
  t.match(bad.body, /href="#evidenceUrl"/);
  t.match(bad.body, /href="#validUntil"/);
  t.match(bad.body, /<html lang="fr"/);

  const noAddress = await postForm(app, issuer.cookie, '/console/issue?lang=en', { ...learner, email: '', step: 'issue' });
  t.match(noAddress.body, /<a href="#deliver">Enter the e-mail address to send it to/, 'e-mailing needs an address');

  const withNumber = { ...learner, externalId: 'EG-2026-0042', deliver: '' };
  t.equal((await postForm(app, issuer.cookie, '/console/issue', { ...withNumber, step: 'issue' })).statusCode, 303);
  const twice = await postForm(app, issuer.cookie, '/console/issue?lang=en', { ...withNumber, step: 'preview' });
  t.equal(twice.statusCode, 422, 'the preview already says the learner number has its credential');
  t.match(twice.body, /<a href="#externalId">This learner number already has a credential for this course/);
  t.equal(await countCredentials(), before + 1, 'only the first of the two was issued');

  const unknown = await postForm(app, issuer.cookie, '/console/issue?lang=en', { ...learner, course: '00000000-0000-4000-8000-000000000000', step: 'preview' });
  t.equal(unknown.statusCode, 422);
  t.match(unknown.body, /<a href="#course">/);
});

t.test('a course the centre is not authorised for is refused before signing', async (t) => {
  await createCentreWithClient(testApp, { slug: 'console-unauthorised', scopes: ['credentials:issue'], authorise: [] });
  const other = await joinAs(app, { email: 'issuer@unauthorised.example', role: 'issuer', centre: 'console-unauthorised' });
  const form = await app.inject({ method: 'GET', url: '/console/issue', headers: { cookie: other.cookie } });
  t.notMatch(form.body, `<option value="${courseId}"`, 'the course is not offered');
  const forced = await postForm(app, other.cookie, '/console/issue?lang=en', { ...learner, step: 'preview' });
  t.equal(forced.statusCode, 422);
  t.match(forced.body, /not authorised to issue this course/);
});
