import { and, eq } from 'drizzle-orm';
import t from 'tap';
import { auditEvents } from '../../../src/db/schema/index.js';
import { build, tokenFor } from '../../helper.js';
import { testClock } from '../../support/clock.js';
import { joinAs, postForm } from '../../support/console.js';
import { linkIn, startTestSmtp } from '../../support/smtp.js';

// A manager's centre settings: every change (staff, API clients, keys) asks for a fresh confirmation first (an
// e-mailed link that confirms only the browser that asked; passkeys are tested with a browser), then does what it
// says, audited as the staff member; a new client secret is shown once and works; the last manager stays.

const smtp = await startTestSmtp(t);
const clock = testClock();
const { app } = await build(t, { SMTP_URL: smtp.url }, { clock });
const { db } = app.ctx;
const manager = await joinAs(app, { email: 'settings.manager@centre.example', role: 'manager', name: 'Settings Manager' });
const issuer = await joinAs(app, { email: 'settings.issuer@centre.example', role: 'issuer', name: 'Settings Issuer' });
const settings = (cookie: string) => app.inject({ method: 'GET', url: '/console/settings', headers: { cookie } });
const staleConfirmation = () => clock.advance(6 * 60 * 1000);

/** Confirms the manager's session by the e-mailed link, as they would: ask, open the message, press the button. */
async function confirmByEmail(cookie: string, mailbox: string) {
  const count = smtp.messagesTo(mailbox).length;
  const asked = await postForm(app, cookie, '/console/confirm/email?lang=en', { next: '/console/settings' });
  if (asked.statusCode !== 303) throw new Error(`asking for a link: ${asked.statusCode}`);
  const link = new URL(linkIn(await smtp.nextMessageTo(mailbox, count + 1), 'http://localhost:3000/console/confirm/'));
  return { path: link.pathname, used: await postForm(app, cookie, link.pathname) };
}

t.test('only managers reach the settings; the page lists staff, API clients and keys', async (t) => {
  const page = await settings(manager.cookie);
  t.equal(page.statusCode, 200);
  t.match(page.body, /Settings Issuer/);
  t.match(page.body, /<h2 id="keys-heading">Signing keys<\/h2>/);
  t.match(page.body, /In use/);
  t.equal((await settings(issuer.cookie)).statusCode, 403);
  t.equal((await postForm(app, issuer.cookie, '/console/settings/keys/rotate')).statusCode, 403);
});

t.test('a change after five minutes asks for confirmation; the e-mailed link confirms this browser only', async (t) => {
  staleConfirmation();
  const asked = await postForm(app, manager.cookie, '/console/settings/staff?lang=en', { name: 'New Colleague', email: 'new.colleague@centre.example', role: 'viewer', language: 'fr' });
  t.equal(asked.statusCode, 303);
  t.equal(asked.headers.location, '/console/confirm?lang=en&next=%2Fconsole%2Fsettings');
  t.equal(smtp.messagesTo('new.colleague@centre.example').length, 0, 'nothing done yet');
  const page = await app.inject({ method: 'GET', url: String(asked.headers.location), headers: { cookie: manager.cookie } });
  t.match(page.body, /E-mail me a confirmation link/);

  // the link, opened in another signed-in browser of the same person, confirms nothing
  const otherBrowser = (await app.inject({ method: 'POST', url: '/console/sign-in/email', payload: { email: 'settings.manager@centre.example' } })).statusCode;
  t.ok(otherBrowser < 500);
  const { path, used } = await confirmByEmail(manager.cookie, 'settings.manager@centre.example');
  t.equal(used.statusCode, 303);
  t.equal(used.headers.location, '/console/settings?lang=en&confirmed=1');
  t.equal((await postForm(app, manager.cookie, path)).statusCode, 410, 'the link works once');

  const invited = await postForm(app, manager.cookie, '/console/settings/staff?lang=en', { name: 'New Colleague', email: 'new.colleague@centre.example', role: 'viewer', language: 'fr' });
  t.equal(invited.statusCode, 303);
  t.match(invited.headers.location, /done=invited&email=new\.colleague%40centre\.example/);
  const message = await smtp.nextMessageTo('new.colleague@centre.example');
  t.match(message.subject, /IIOE/);
  t.match(message.html, /lang="fr"/, 'in the language chosen');
  const [event] = await db.select().from(auditEvents).where(eq(auditEvents.action, 'staff.invited')).orderBy(auditEvents.createdAt);
  t.ok(event);
});

t.test('invitation errors are shown at their fields; a known address is refused in words', async (t) => {
  const bad = await postForm(app, manager.cookie, '/console/settings/staff?lang=en', { name: '', email: 'nope', role: 'admin' });
  t.equal(bad.statusCode, 422);
  t.match(bad.body, /<a href="#invite-name">/);
  t.match(bad.body, /<a href="#invite-email">/);
  t.match(bad.body, /<a href="#invite-role">/, 'a manager cannot invite an admin');
  const known = await postForm(app, manager.cookie, '/console/settings/staff?lang=en', { name: 'Again', email: 'settings.issuer@centre.example', role: 'viewer' });
  t.equal(known.statusCode, 422);
  t.match(known.body, /This address already has an account/);
});

t.test('an API client: created with its secret shown once, usable, rotated, disabled with a reason', async (t) => {
  const noScope = await postForm(app, manager.cookie, '/console/settings/clients?lang=en', { name: 'Moodle' });
  t.equal(noScope.statusCode, 422);
  t.match(noScope.body, /<a href="#client-scopes">Choose at least one permission/);
  const created = await app.inject({
    method: 'POST',
    url: '/console/settings/clients?lang=en',
    headers: { cookie: manager.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: `_csrf=${encodeURIComponent(/name="csrf-token" content="([^"]+)"/.exec((await settings(manager.cookie)).body)![1]!)}&name=Moodle&scopes=credentials%3Aissue&scopes=credentials%3Aread&scopes=registry%3Aadmin`,
  });
  t.equal(created.statusCode, 200);
  t.equal(created.headers['cache-control'], 'no-store');
  const clientId = /<dd class="code" dir="ltr">([^<]+)<\/dd>/.exec(created.body)?.[1];
  const secret = /value="([^"]+)" aria-label="client_secret"/.exec(created.body)?.[1];
  t.ok(clientId && secret, 'the id and secret are on the page');
  const token = await tokenFor(app, clientId!, secret!);
  t.ok(token, 'the secret works at the token endpoint');
  t.notMatch((await settings(manager.cookie)).body, secret!, 'and is never shown again');
  const [createdEvent] = await db.select().from(auditEvents).where(and(eq(auditEvents.action, 'client.created'), eq(auditEvents.target, `client:${clientId}`)));
  t.match(createdEvent, { actorKind: 'staff', actorStaffId: manager.staffId, details: { scopes: ['credentials:issue', 'credentials:read'] } }, 'registry:admin was not granted');

  const rotated = await postForm(app, manager.cookie, `/console/settings/clients/${clientId}/rotate?lang=en`);
  const newSecret = /value="([^"]+)" aria-label="client_secret"/.exec(rotated.body)?.[1];
  t.ok(newSecret && newSecret !== secret);
  await t.rejects(tokenFor(app, clientId!, secret!), 'the old secret gets no token');
  t.ok(await tokenFor(app, clientId!, newSecret!));

  const noReason = await postForm(app, manager.cookie, `/console/settings/clients/${clientId}/disable?lang=en`, { reason: ' ' });
  t.equal(noReason.statusCode, 422);
  const disabled = await postForm(app, manager.cookie, `/console/settings/clients/${clientId}/disable?lang=en`, { reason: 'Moodle retired' });
  t.equal(disabled.statusCode, 303);
  await t.rejects(tokenFor(app, clientId!, newSecret!), 'a disabled client gets no token');
});

t.test('key rotation: a new key in use, the old one retired, audited as the staff member', async (t) => {
  const rotated = await postForm(app, manager.cookie, '/console/settings/keys/rotate?lang=en');
  t.equal(rotated.statusCode, 303);
  const page = await app.inject({ method: 'GET', url: String(rotated.headers.location), headers: { cookie: manager.cookie } });
  t.match(page.body, /A new signing key is in use/);
  t.match(page.body, /Retired \(still verifies\)/);
  const [event] = await db.select().from(auditEvents).where(eq(auditEvents.action, 'key.rotated'));
  t.match(event, { actorKind: 'staff', actorStaffId: manager.staffId });
});

t.test('roles and removal: a removed colleague is signed out at once; the last manager stays', async (t) => {
  const changed = await postForm(app, manager.cookie, `/console/settings/staff/${issuer.staffId}/role?lang=en`, { role: 'viewer' });
  t.equal(changed.statusCode, 303);
  t.match((await app.inject({ method: 'GET', url: String(changed.headers.location), headers: { cookie: manager.cookie } })).body, /The role is changed/);
  t.equal((await app.inject({ method: 'GET', url: '/console/issue', headers: { cookie: issuer.cookie } })).statusCode, 403, 'a viewer now');

  const removed = await postForm(app, manager.cookie, `/console/settings/staff/${issuer.staffId}/remove?lang=en`);
  t.equal(removed.statusCode, 303);
  t.equal((await app.inject({ method: 'GET', url: '/console', headers: { cookie: issuer.cookie } })).statusCode, 303, 'their session ended');

  const last = await postForm(app, manager.cookie, `/console/settings/staff/${manager.staffId}/remove?lang=en`);
  t.equal(last.statusCode, 409);
  t.match(last.body, /last manager/);
});
