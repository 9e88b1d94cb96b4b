import { eq } from 'drizzle-orm';
import t from 'tap';
import { auditEvents, credentials } from '../../../src/db/schema/index.js';
import { build, demoToken, firstAchievementId, issue } from '../../helper.js';
import { joinAs, postForm } from '../../support/console.js';

// Correcting a credential (reissue) and erasing a learner's data from the console: each through the API's service,
// a manager's act (an issuer gets 403), refusals at their fields, and nothing changed by a refused form.

const testApp = await build(t);
const { app } = testApp;
const { db } = app.ctx;
const achievementId = await firstAchievementId(app);
const token = await demoToken(testApp, 'credentials:issue');
const manager = await joinAs(app, { email: 'corrections.manager@centre.example', role: 'manager', name: 'Corrections Manager' });
const issuer = await joinAs(app, { email: 'corrections.issuer@centre.example', role: 'issuer', name: 'Corrections Issuer' });
const issueOne = async (name: string) => (await issue(app, token, { achievementId, recipient: { name, email: 'learner@learners.example' }, narrative: 'Built a course.' })).json().id as string;
const page = (url: string, cookie = manager.cookie) => app.inject({ method: 'GET', url, headers: { cookie } });

t.test('correct and reissue: the form holds what the credential says; a change signs a new one and replaces the old', async (t) => {
  const id = await issueOne('Amina Haddd');
  t.equal((await page(`/console/credentials/${id}/reissue`, issuer.cookie)).statusCode, 403, 'an issuer may not');
  const form = await page(`/console/credentials/${id}/reissue`);
  t.equal(form.statusCode, 200);
  t.match(form.body, /id="name" name="name" value="Amina Haddd"/);
  t.match(form.body, /<textarea id="narrative"[^>]*>Built a course\.<\/textarea>/);

  const unchanged = await postForm(app, manager.cookie, `/console/credentials/${id}/reissue?lang=en`, { name: 'Amina Haddd', email: 'learner@learners.example', narrative: 'Built a course.', reason: 'typo' });
  t.equal(unchanged.statusCode, 422);
  t.match(unchanged.body, /Change at least one detail/);
  const noReason = await postForm(app, manager.cookie, `/console/credentials/${id}/reissue?lang=en`, { name: 'Amina Haddad', email: 'learner@learners.example', narrative: 'Built a course.', reason: '' });
  t.equal(noReason.statusCode, 422);
  t.match(noReason.body, /<a href="#reason">/);
  t.equal((await db.select().from(credentials)).filter((row) => row.supersedes === id).length, 0, 'nothing issued by refused forms');

  const corrected = await postForm(app, manager.cookie, `/console/credentials/${id}/reissue?lang=en`, { name: 'Amina Haddad', email: 'learner@learners.example', narrative: 'Built a course.', reason: 'Misspelt name' });
  t.equal(corrected.statusCode, 303);
  const newId = /^\/console\/credentials\/([0-9a-f-]{36})\?lang=en&done=reissued$/.exec(String(corrected.headers.location))?.[1];
  t.ok(newId && newId !== id);
  const [row] = await db.select().from(credentials).where(eq(credentials.id, newId!));
  t.match(row, { recipientName: 'Amina Haddad', supersedes: id });
  const [old] = await db.select().from(credentials).where(eq(credentials.id, id));
  t.equal(old!.supersededBy, newId);
  t.match((await page(String(corrected.headers.location))).body, /The corrected credential is signed/);
  t.equal((await page(`/console/credentials/${id}/reissue`)).statusCode, 409, 'a replaced credential has nothing to correct');
});

t.test('erase a learner\'s data: the box must be ticked; then the credential is withdrawn and its page says so', async (t) => {
  const id = await issueOne('Karim Nabil');
  t.equal((await postForm(app, issuer.cookie, `/console/credentials/${id}/erase?lang=en`, { confirm: 'erase' })).statusCode, 403);
  const confirmPage = await page(`/console/credentials/${id}/erase`);
  t.match(confirmPage.body, /cannot be undone/);
  const unticked = await postForm(app, manager.cookie, `/console/credentials/${id}/erase?lang=en`, {});
  t.equal(unticked.statusCode, 422);
  t.match(unticked.body, /<a href="#confirm">Tick the box to confirm\.<\/a>/);
  t.equal((await db.select().from(credentials).where(eq(credentials.id, id)))[0]!.erasedAt, null, 'nothing erased');

  const erased = await postForm(app, manager.cookie, `/console/credentials/${id}/erase?lang=en`, { confirm: 'erase' });
  t.equal(erased.statusCode, 303);
  const [row] = await db.select().from(credentials).where(eq(credentials.id, id));
  t.ok(row!.erasedAt);
  t.equal(row!.document, null);
  const detail = await page(String(erased.headers.location));
  t.equal(detail.statusCode, 200);
  t.match(detail.body, /personal data is erased/);
  t.notMatch(detail.body, /Karim/);
  t.notMatch(detail.body, /\/erase\?/, 'no erase action any more');
  const [event] = await db.select().from(auditEvents).where(eq(auditEvents.action, 'credential.erased'));
  t.match(event, { actorKind: 'staff', actorStaffId: manager.staffId });
  t.notMatch(JSON.stringify(event), /Karim|learner@/);
  t.equal((await postForm(app, manager.cookie, `/console/credentials/${id}/erase?lang=en`, { confirm: 'erase' })).statusCode, 409, 'erasing twice');
  t.equal((await app.inject({ method: 'GET', url: `/credentials/${id}`, headers: { accept: 'text/html' } })).statusCode, 410, 'the public page: withdrawn');
});
