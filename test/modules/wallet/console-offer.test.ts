import { and, eq } from 'drizzle-orm';
import t from 'tap';
import { auditEvents, walletOffers } from '../../../src/db/schema/index.js';
import { consoleMessages } from '../../../src/web/console/messages/index.js';
import { escapeHtml } from '../../../src/web/html.js';
import { BASE_URL, build, createCentreWithClient, demoToken, firstAchievementId } from '../../helper.js';
import { joinAs, postForm } from '../../support/console.js';

// The console's wallet offer: an issuer or manager creates one from the credential's page (a form with its CSRF
// field), sees its QR codes and link once, and the act is audited; a viewer cannot, a forged form creates nothing,
// and a credential that no longer holds gets no offer.

const testApp = await build(t, { JOBS_IN_PROCESS: 'false' });
const { app } = testApp;
const { db } = app.ctx;
const api = { authorization: `Bearer ${await demoToken(testApp)}` };
const courseId = await firstAchievementId(app);
const en = consoleMessages('en');
const manager = await joinAs(app, { email: 'mona@example.org', role: 'manager', name: 'Mona Manager' });
const issuer = await joinAs(app, { email: 'ines@example.org', role: 'issuer', name: 'Ines Issuer' });
const viewer = await joinAs(app, { email: 'victor@example.org', role: 'viewer', name: 'Victor Viewer' });

async function issued(name: string): Promise<string> {
  const response = await app.inject({ method: 'POST', url: '/api/v1/credentials', headers: api, payload: { achievementId: courseId, recipient: { name } } });
  if (response.statusCode !== 201) throw new Error(`issuing: ${response.statusCode} ${response.body}`);
  return response.json().id;
}
const get = (cookie: string, url: string) => app.inject({ method: 'GET', url, headers: { cookie } });
const offersOf = (id: string) => db.select().from(walletOffers).where(eq(walletOffers.credentialId, id));
const shows = (body: string, text: string) => body.includes(escapeHtml(text));

t.test('an issuer creates an offer from the credential page: shown once, audited, and it works', async (t) => {
  const id = await issued('Console Wallet');
  const page = await get(issuer.cookie, `/console/credentials/${id}?lang=en`);
  t.equal(page.statusCode, 200);
  t.ok(shows(page.body, en.credential.walletButton), 'the page offers the form');
  t.ok(shows(page.body, en.credential.noWalletCopies), 'and says no copy went to a wallet yet');

  const created = await postForm(app, issuer.cookie, `/console/credentials/${id}/wallet-offer?lang=en`);
  t.equal(created.statusCode, 200, created.body.slice(0, 300));
  t.equal(created.headers['cache-control'], 'no-store');
  t.ok(shows(created.body, en.credential.walletOfferTitle({ name: 'Console Wallet' })));
  t.match(created.body, /href="openid-credential-offer:\/\/\?credential_offer=/);
  t.match(created.body, /href="https:\/\/lcw\.app\/request\?request=/);
  t.equal([...created.body.matchAll(/<svg class="qr"/g)].length, 2, 'with both QR codes');
  const link = new RegExp(`value="(${BASE_URL}/wallet/offers/[A-Za-z0-9_-]{43})"`).exec(created.body)?.[1];
  t.ok(link, 'and the link to send the learner');
  t.equal((await app.inject({ method: 'GET', url: link!.replace(BASE_URL, ''), headers: { accept: 'text/html' } })).statusCode, 200, 'which opens the offer page');

  const offers = await offersOf(id);
  t.equal(offers.length, 2);
  const hoursValid = (offers[0]!.expiresAt.getTime() - Date.now()) / 3600_000;
  t.ok(hoursValid > 23.9 && hoursValid <= 24, `a console offer lasts a day (${hoursValid.toFixed(2)} h)`);
  const [event] = await db.select().from(auditEvents).where(and(eq(auditEvents.credentialId, id), eq(auditEvents.action, 'credential.wallet-offer-created')));
  t.match(event, { actorKind: 'staff', actorStaffId: issuer.staffId, details: { channel: 'console', expiresAt: offers[0]!.expiresAt.toISOString() } });
  t.same((event!.details as { offerIds: string[] }).offerIds.sort(), offers.map((offer) => offer.id).sort(), 'the event names the offers, not their codes');
  t.ok(shows((await get(issuer.cookie, `/console/credentials/${id}?lang=en`)).body, en.actions['credential.wallet-offer-created']), 'the history says so');
});

t.test('a viewer sees no form and cannot post one; a forged form creates nothing', async (t) => {
  const id = await issued('Viewer Wallet');
  t.notOk(shows((await get(viewer.cookie, `/console/credentials/${id}?lang=en`)).body, en.credential.walletButton));
  t.equal((await postForm(app, viewer.cookie, `/console/credentials/${id}/wallet-offer`)).statusCode, 403);
  t.equal((await postForm(app, manager.cookie, `/console/credentials/${id}/wallet-offer`, {}, { csrf: 'forged' })).statusCode, 403);
  const noToken = await app.inject({ method: 'POST', url: `/console/credentials/${id}/wallet-offer`, headers: { cookie: manager.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: '' });
  t.equal(noToken.statusCode, 403);
  t.same(await offersOf(id), [], 'no offer was created');
});

t.test('a revoked credential gets no offer: no form, and a posted one is refused in words', async (t) => {
  const id = await issued('Revoked Wallet');
  t.equal((await app.inject({ method: 'POST', url: `/api/v1/credentials/${id}/revoke`, headers: api, payload: { reason: 'issued in error' } })).statusCode, 200);
  t.notOk(shows((await get(manager.cookie, `/console/credentials/${id}?lang=en`)).body, en.credential.walletButton));
  const refused = await postForm(app, manager.cookie, `/console/credentials/${id}/wallet-offer?lang=en`);
  t.equal(refused.statusCode, 409);
  t.ok(shows(refused.body, en.problems['credential-not-offerable']!));
  t.same(await offersOf(id), []);
});

t.test('another centre\'s staff cannot make an offer for this centre\'s credential', async (t) => {
  await createCentreWithClient(testApp, { slug: 'other-centre' });
  const other = await joinAs(app, { email: 'olga@example.org', role: 'manager', name: 'Olga Other', centre: 'other-centre' });
  const id = await issued('Elsewhere Wallet');
  t.equal((await postForm(app, other.cookie, `/console/credentials/${id}/wallet-offer`)).statusCode, 404);
  t.same(await offersOf(id), []);
});
