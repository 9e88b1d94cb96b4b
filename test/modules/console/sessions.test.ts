import { eq } from 'drizzle-orm';
import t from 'tap';
import { auditEvents, staffLinks, staffSessions } from '../../../src/db/schema/index.js';
import { build } from '../../helper.js';
import { testClock } from '../../support/clock.js';
import { csrfTokenOf, invitationPath, joinAs, postForm, sessionCookieOf } from '../../support/console.js';
import { linkIn, startTestSmtp } from '../../support/smtp.js';

// The console's accounts and sessions over HTTP: invitations and e-mailed links (used once, expiring, looked at
// without being used), the session cookie's attributes, idle and absolute expiry, fixation, sign-out (here and
// everywhere), CSRF, and removal ending sessions at once.

const smtp = await startTestSmtp(t);
const clock = testClock();
const { app } = await build(t, { SMTP_URL: smtp.url }, { clock });
const { db } = app.ctx;
const dashboard = (cookie?: string) => app.inject({ method: 'GET', url: '/console', headers: cookie ? { cookie } : {} });

t.test('without a session every console page sends to the sign-in page', async (t) => {
  for (const url of ['/console', '/console/account']) {
    const response = await app.inject({ method: 'GET', url });
    t.equal(response.statusCode, 303, url);
    t.match(response.headers.location, /^\/console\/sign-in\?lang=en/);
  }
  const page = await app.inject({ method: 'GET', url: '/console/sign-in' });
  t.equal(page.statusCode, 200);
  t.match(page.body, /E-mail me a sign-in link/);
  t.equal(page.headers['cache-control'], 'no-store');
  t.match(page.headers['content-security-policy'], /frame-ancestors 'none'/);
  t.match(page.headers['content-security-policy'], /script-src 'self'/);
  t.equal(page.headers['x-frame-options'], 'DENY');
});

t.test('an invitation: its page uses nothing; its button signs in once; the cookie is HttpOnly and SameSite=Lax', async (t) => {
  const { path, staffId } = await invitationPath(app, { email: 'Manager.One@Example.org', role: 'manager', name: 'Manager One' });
  const look = await app.inject({ method: 'GET', url: path });
  t.equal(look.statusCode, 200);
  t.match(look.body, /Manager One, you are invited to IIOE Egypt National Centre \(demo\) as Manager/);
  t.equal(sessionCookieOf(look), undefined, 'looking at the link signs nobody in');
  const accepted = await app.inject({ method: 'POST', url: path });
  t.equal(accepted.statusCode, 303);
  t.match(accepted.headers.location, /^\/console\/account\?lang=en&welcome=1/);
  const setCookie = String([accepted.headers['set-cookie']].flat().find((line) => String(line).startsWith('iioe-console=')));
  t.match(setCookie, /HttpOnly/);
  t.match(setCookie, /SameSite=Lax/);
  t.match(setCookie, /Path=\//);
  t.notMatch(setCookie, /Secure/, 'not Secure on plain http (PUBLIC_BASE_URL http://localhost:3000)');
  const cookie = sessionCookieOf(accepted)!;
  const home = await dashboard(cookie);
  t.equal(home.statusCode, 200);
  t.match(home.body, /Manager One · Manager · IIOE Egypt National Centre/);
  t.equal((await app.inject({ method: 'POST', url: path })).statusCode, 410, 'the link works once');
  const [joined] = await db.select().from(auditEvents).where(eq(auditEvents.target, `staff:${staffId}`));
  t.ok(joined, 'audited');
  const stored = await db.select({ hash: staffSessions.tokenHash }).from(staffSessions).where(eq(staffSessions.staffId, staffId));
  t.notOk(stored.some((row) => cookie.includes(row.hash)), 'the table holds the token\'s hash, not the token');
});

t.test('an e-mailed sign-in link: the same answer for unknown addresses, a link that works once for 15 minutes', async (t) => {
  await joinAs(app, { email: 'issuer.mail@example.org', role: 'issuer', name: 'Issuer Mail' });
  const ask = (email: string) => app.inject({ method: 'POST', url: '/console/sign-in/email', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `email=${encodeURIComponent(email)}` });
  const known = await ask('ISSUER.MAIL@example.org');
  const unknown = await ask('nobody@example.org');
  t.equal(known.statusCode, 200);
  t.equal(unknown.statusCode, 200);
  t.equal(known.body.replace(/ISSUER\.MAIL@example\.org/g, 'X'), unknown.body.replace(/nobody@example\.org/g, 'X'), 'the same page either way');
  const invalid = await ask('not an address');
  t.equal(invalid.statusCode, 422);
  t.match(invalid.body, /Enter an e-mail address/);
  t.match(invalid.body, /aria-invalid="true"/);
  const message = await smtp.nextMessageTo('issuer.mail@example.org');
  t.equal(message.subject, 'Your sign-in link');
  t.equal(smtp.messagesTo('nobody@example.org').length, 0);
  const link = new URL(linkIn(message, 'http://localhost:3000/console/sign-in/link/'));
  t.equal((await app.inject({ method: 'GET', url: link.pathname })).statusCode, 200);
  const signedIn = await app.inject({ method: 'POST', url: link.pathname });
  t.equal(signedIn.statusCode, 303);
  t.equal((await dashboard(sessionCookieOf(signedIn))).statusCode, 200);
  t.equal((await app.inject({ method: 'POST', url: link.pathname })).statusCode, 410, 'used');

  await ask('issuer.mail@example.org');
  const second = new URL(linkIn(await smtp.nextMessageTo('issuer.mail@example.org', 2), 'http://localhost:3000/console/'));
  clock.advance(16 * 60_000);
  const late = await app.inject({ method: 'POST', url: second.pathname });
  t.equal(late.statusCode, 410, 'expired after 15 minutes');
  t.match(late.body, /no longer works/);
  t.equal(sessionCookieOf(late), undefined);
});

t.test('sign-in links: at most 5 an hour to one address', async (t) => {
  await joinAs(app, { email: 'flooded@example.org', role: 'viewer' });
  for (let i = 0; i < 8; i++) await app.inject({ method: 'POST', url: '/console/sign-in/email', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'email=flooded@example.org' });
  await smtp.nextMessageTo('flooded@example.org', 5);
  await new Promise((resolve) => setTimeout(resolve, 300));
  t.equal(smtp.messagesTo('flooded@example.org').length, 5);
  const stored = await db.select().from(staffLinks);
  t.ok(stored.every((link) => !link.tokenHash.includes('/console/')), 'links are stored as hashes');
});

t.test('sessions end after 30 minutes idle and after 12 hours however active', async (t) => {
  const { cookie } = await joinAs(app, { email: 'idle@example.org', role: 'viewer' });
  clock.advance(29 * 60_000);
  t.equal((await dashboard(cookie)).statusCode, 200, 'active within 30 minutes');
  clock.advance(29 * 60_000);
  t.equal((await dashboard(cookie)).statusCode, 200, 'activity kept it open');
  clock.advance(31 * 60_000);
  const idle = await dashboard(cookie);
  t.equal(idle.statusCode, 303, 'idle for 31 minutes: ended');
  t.match(idle.headers.location, /ended=1/);
  t.equal((await dashboard(cookie)).statusCode, 303, 'and stays ended');

  const busy = await joinAs(app, { email: 'busy@example.org', role: 'viewer' });
  for (let hour = 0; hour < 12; hour++) {
    for (let step = 0; step < 3; step++) {
      clock.advance(20 * 60_000);
      const response = await dashboard(busy.cookie);
      if (hour === 11 && step === 2) t.equal(response.statusCode, 303, 'after 12 hours: ended');
      else if (response.statusCode !== 200) t.fail(`ended early at ${hour}h${step * 20}`);
    }
  }
});

t.test('fixation: a session id the browser brings is never adopted; sign-in always sets a new one', async (t) => {
  const planted = 'iioe-console=attacker-chosen-token';
  t.equal((await dashboard(planted)).statusCode, 303, 'an unknown token is no session');
  const { path } = await invitationPath(app, { email: 'fixation@example.org', role: 'viewer' });
  const accepted = await app.inject({ method: 'POST', url: path, headers: { cookie: planted } });
  const issued = sessionCookieOf(accepted)!;
  t.not(issued, planted);
  t.equal((await dashboard(planted)).statusCode, 303, 'the planted token still opens nothing');
  t.equal((await dashboard(issued)).statusCode, 200);
  // signing in again from a signed-in browser replaces the session
  const { path: again } = await invitationPath(app, { email: 'fixation2@example.org', role: 'viewer' });
  const second = sessionCookieOf(await app.inject({ method: 'POST', url: again, headers: { cookie: issued } }))!;
  t.not(second, issued);
  t.equal((await dashboard(issued)).statusCode, 303, 'the previous session of that browser ended');
});

t.test('CSRF: a state-changing post without the session\'s token, or from another site, is refused', async (t) => {
  const { cookie } = await joinAs(app, { email: 'csrf@example.org', role: 'viewer' });
  const noToken = await app.inject({ method: 'POST', url: '/console/sign-out', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: '' });
  t.equal(noToken.statusCode, 403);
  t.match(noToken.body, /did not come from this console/);
  const other = await joinAs(app, { email: 'csrf-other@example.org', role: 'viewer' });
  const foreignToken = await csrfTokenOf(app, other.cookie);
  t.equal((await postForm(app, cookie, '/console/sign-out', {}, { csrf: foreignToken })).statusCode, 403, 'another session\'s token');
  const crossSite = await app.inject({ method: 'POST', url: '/console/sign-out', headers: { cookie, 'sec-fetch-site': 'cross-site', 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${await csrfTokenOf(app, cookie)}` });
  t.equal(crossSite.statusCode, 403, 'a cross-site post');
  // refused as a page, in words; also where the route's body schema would have refused the form before the check
  const schemaless = await app.inject({ method: 'POST', url: '/console/account/passkeys/00000000-0000-4000-8000-000000000000/remove', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'reason=x' });
  t.equal(schemaless.statusCode, 403);
  t.match(schemaless.headers['content-type'], /^text\/html/);
  const noField = await app.inject({ method: 'POST', url: '/console/confirm/email', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'next=%2Fconsole' });
  t.equal(noField.statusCode, 403, 'a body schema that requires _csrf: refused as a forgery, not as a bad request');
  t.match(noField.body, /did not come from this console/);
  t.equal((await dashboard(cookie)).statusCode, 200, 'still signed in: nothing happened');
  const out = await postForm(app, cookie, '/console/sign-out');
  t.equal(out.statusCode, 303);
  t.equal((await dashboard(cookie)).statusCode, 303, 'signed out');
});

t.test('sign out everywhere ends every session of the account, and only of it', async (t) => {
  const { path } = await invitationPath(app, { email: 'everywhere@example.org', role: 'issuer' });
  const first = sessionCookieOf(await app.inject({ method: 'POST', url: path }))!;
  const { default: service } = { default: await import('../../../src/modules/staff/sessions.js') };
  const [row] = await db.select().from(staffSessions).where(eq(staffSessions.tokenHash, service.tokenHash(first.split('=')[1]!)));
  const second = `iioe-console=${(await service.startSession({ ctx: app.ctx, staff: { id: row!.staffId }, method: 'email-link' })).token}`;
  const bystander = await joinAs(app, { email: 'bystander@example.org', role: 'issuer' });
  t.equal((await postForm(app, first, '/console/account/sign-out-everywhere')).statusCode, 303);
  t.equal((await dashboard(first)).statusCode, 303);
  t.equal((await dashboard(second)).statusCode, 303, 'the other browser too');
  t.equal((await dashboard(bystander.cookie)).statusCode, 200, 'another account is untouched');
});

t.test('sign-in attempts are rate-limited per address', async (t) => {
  const limited = await build(t, { RATE_LIMIT_SIGN_IN_PER_MINUTE: '3' });
  const attempt = () => limited.app.inject({ method: 'POST', url: '/console/sign-in/link/not-a-real-token' });
  for (let i = 0; i < 3; i++) t.equal((await attempt()).statusCode, 410);
  const refused = await attempt();
  t.equal(refused.statusCode, 429);
  t.match(refused.body, /Too many attempts/);
  t.ok(refused.headers['retry-after']);
});

t.test('the sign-in page of an IP host offers e-mailed links only and says why', async (t) => {
  const ipApp = await build(t, { PUBLIC_BASE_URL: 'http://192.0.2.10:3000' });
  const page = await ipApp.app.inject({ method: 'GET', url: '/console/sign-in' });
  t.match(page.body, /reached by an IP address/);
  t.notMatch(page.body, /data-passkey=/);
  const options = await ipApp.app.inject({ method: 'POST', url: '/console/passkeys/sign-in/options', headers: { 'content-type': 'application/json', accept: 'application/json' }, payload: '{}' });
  t.equal(options.statusCode, 400);
  t.match(options.json(), { type: /passkeys-unavailable/ });
});


