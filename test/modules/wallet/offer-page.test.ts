import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { simpleParser } from 'mailparser';
import { and, eq, inArray } from 'drizzle-orm';
import { auditEvents, holderCopies, walletOffers } from '../../../src/db/schema/index.js';
import { createMailer } from '../../../src/modules/delivery/mailer.js';
import { sendDelivery } from '../../../src/modules/delivery/service.js';
import { listHolderCopies } from '../../../src/modules/wallet/repository.js';
import { CREDENTIAL_CONFIGURATION_ID, offerForEmail, PRE_AUTHORIZED_CODE_GRANT } from '../../../src/modules/wallet/service.js';
import { qrSvg } from '../../../src/web/qr.js';
import { BASE_URL } from '../../helper.js';
import { signPresentationAs, testSigner } from '../../support/proof-suites.js';
import { testClock } from '../../support/clock.js';
import { act } from '../../support/lifecycle.js';
import { browser, decode, elements, pageApp, textOf } from '../pages/page-support.js';

// The learner's way into a wallet: the e-mail carries a link to a page of ours, which shows the credential with
// a one-time OpenID4VCI offer and a Learner Credential Wallet invitation (buttons and QR codes). Only the owner's
// link shows it; the public page never does. Only hashes of the codes are kept.

const clock = testClock();
const p = await pageApp(t, { JOBS_IN_PROCESS: 'false' }, { clock });
const { app } = p;
const OFFER_PAGE = /\/wallet\/offers\/([A-Za-z0-9_-]{43})/;

/** A fresh offer link for a credential, as the delivery job makes one. */
const offerFor = async (id: string) => (await offerForEmail({ ctx: app.ctx, credentialId: id })).page.replace(BASE_URL, '');

/** The wallet links of an offer page: the OpenID4VCI offer (decoded) and the Learner Credential Wallet invitation. */
function walletLinks(body: string) {
  const hrefs = elements(body, 'a').map((a) => a.href ?? '');
  const oid4vci = hrefs.find((href) => href.startsWith('openid-credential-offer://'));
  const lcw = hrefs.find((href) => href.startsWith('https://lcw.app/request?'));
  const offer = oid4vci && JSON.parse(new URL(oid4vci.replace('openid-credential-offer://', 'https://wallet.invalid/')).searchParams.get('credential_offer')!);
  const invitation = lcw && JSON.parse(new URL(lcw).searchParams.get('request')!);
  return { oid4vci, lcw, offer, invitation };
}

t.test('the delivery e-mail carries the learner\'s own offer link, in its language', async (t) => {
  const outbox = join(p.keysDir, 'outbox');
  const mailer = createMailer({ mail: app.ctx.config.mail, log: app.log });
  t.teardown(() => mailer.close());
  for (const [language, heading] of [['en', 'Keep it in a wallet app'], ['ar', 'احتفظ بها في تطبيق محفظة']] as const) {
    const issued = await p.issueFor(`Wallet Mail ${language}`, { recipient: { name: `Wallet Mail ${language}`, email: `wallet-${language}@example.org` }, deliver: true, language });
    const [delivery] = (await p.get(`/api/v1/credentials/${issued.id}/deliveries`, { authorization: `Bearer ${p.token}` })).json().items;
    const before = new Set(await readdir(outbox).catch(() => []));
    t.same(await sendDelivery({ ctx: app.ctx, mailer, deliveryId: delivery.id }), { kind: 'sent' });
    const file = (await readdir(outbox)).find((name) => !before.has(name) && name.endsWith('.eml'))!;
    const mail = await simpleParser(await readFile(join(outbox, file)));
    const link = OFFER_PAGE.exec(mail.text ?? '')?.[0];
    t.ok(link, `${language}: the plain text has the offer link`);
    t.match(mail.html, new RegExp(`href="${BASE_URL}${link}"`), `${language}: so has the HTML, as a button`);
    t.ok(mail.text?.includes(heading) && String(mail.html).includes(heading), `${language}: under its heading`);
    const page = await p.get(`${link}?lang=${language}`, browser());
    t.equal(page.statusCode, 200, 'the link opens the offer page');
    t.ok(textOf(page.body).includes(issued.credential.credentialSubject.achievement.name), 'which is the credential\'s page');

    const offers = await app.ctx.db.select().from(walletOffers).where(eq(walletOffers.credentialId, issued.id));
    const events = await app.ctx.db.select().from(auditEvents).where(and(eq(auditEvents.credentialId, issued.id), eq(auditEvents.action, 'credential.wallet-offer-created')));
    t.equal(events.length, 1, `${language}: the e-mail's offer is audited, once`);
    t.match(events[0], { actorKind: 'system', actorClientId: null, actorStaffId: null, target: `credential:${issued.id}`, details: { channel: 'email', expiresAt: offers[0]!.expiresAt.toISOString() } }, `${language}: by the service, for the e-mail`);
    t.same((events[0]!.details as { offerIds: string[] }).offerIds.sort(), offers.map((offer) => offer.id).sort(), `${language}: naming its two offers, not their codes`);
    t.notOk(JSON.stringify(events[0]).includes(link!.split('/').pop()!), `${language}: the link's secret stays out of the trail`);
  }
});

t.test('the offer page: both wallets, one-time codes, QR codes of exactly those links, never cached', async (t) => {
  const issued = await p.issueFor('Offer Page');
  const path = await offerFor(issued.id);
  const page = await p.get(path, browser());
  t.equal(page.statusCode, 200);
  t.equal(page.headers['cache-control'], 'no-store');
  t.equal(page.headers['referrer-policy'], 'no-referrer', 'the link never leaves as a referrer');
  t.match(page.headers['x-robots-tag'], /noindex/);
  const { oid4vci, lcw, offer, invitation } = walletLinks(page.body);
  t.same(offer, {
    credential_issuer: BASE_URL,
    credential_configuration_ids: [CREDENTIAL_CONFIGURATION_ID],
    grants: { [PRE_AUTHORIZED_CODE_GRANT]: { 'pre-authorized_code': offer.grants[PRE_AUTHORIZED_CODE_GRANT]['pre-authorized_code'] } },
  }, 'an OpenID4VCI 1.0 offer by value, for our one configuration, with a pre-authorised code and no transaction code');
  const code: string = offer.grants[PRE_AUTHORIZED_CODE_GRANT]['pre-authorized_code'];
  t.match(code, /^[A-Za-z0-9_-]{43}$/, 'the code is 256 bits, base64url');
  t.match(invitation, { credentialRequestOrigin: BASE_URL, protocols: { vcapi: new RegExp(`^${BASE_URL}/wallet/exchanges/[A-Za-z0-9_-]{43}$`) } });
  const exchangeCode = invitation.protocols.vcapi.split('/').pop();
  const secret = path.split('/').pop()!;
  t.not(code, secret, 'the codes are not the link\'s secret');
  t.not(code, exchangeCode, 'and differ from each other');

  // each QR code is the one of its link (the same generator draws it)
  const svgs = [...page.body.matchAll(/<svg class="qr"[^>]*>([\s\S]*?)<\/svg>/g)].map((match) => match[1]);
  t.equal(svgs.length, 2, 'two QR codes');
  for (const link of [oid4vci!, lcw!]) {
    const expected = /<svg[^>]*>([\s\S]*?)<\/svg>/.exec(await qrSvg(link))![1];
    t.ok(svgs.includes(expected), `a QR code encodes ${link.slice(0, 40)}…`);
  }
  t.ok(elements(page.body, 'svg').filter((svg) => svg.class === 'qr').every((svg) => svg.role === 'img' && svg['aria-label']), 'each QR code has a text alternative');

  const stored = await app.ctx.db.select().from(walletOffers);
  const everything = JSON.stringify(stored);
  for (const [what, value] of [['link secret', secret], ['pre-authorised code', code], ['exchange code', exchangeCode]]) {
    t.notOk(everything.includes(value), `the ${what} is not stored`);
  }
  t.same(stored.filter((row) => row.credentialId === issued.id).map((row) => row.protocol).sort(), ['oid4vci', 'vcapi'], 'one row per protocol');
});

t.test('only the owner\'s link shows the offer: the public page and the JSON never do', async (t) => {
  const issued = await p.issueFor('Public Page');
  await offerFor(issued.id);
  for (const response of [await p.get(`/credentials/${issued.id}`, browser()), await p.get(`/credentials/${issued.id}`)]) {
    t.equal(response.statusCode, 200);
    t.notMatch(response.body, /openid-credential-offer|lcw\.app|wallet\/offers|wallet\/exchanges/);
  }
});

t.test('the page speaks the reader\'s language, right to left in Arabic', async (t) => {
  const issued = await p.issueFor('Language Offer');
  const path = await offerFor(issued.id);
  const ar = await p.get(`${path}?lang=ar`, browser());
  t.match(elements(ar.body, 'html')[0], { lang: 'ar', dir: 'rtl' });
  t.ok(decode(ar.body).includes('أضِف الشهادة إلى محفظتك'));
  const switcher = elements(ar.body, 'a').filter((a) => a.hreflang).map((a) => a.href);
  t.ok(switcher.every((href) => href?.startsWith(`${path}?`)), 'the language switcher stays on the offer page');
});

t.test('a link that names no offer, or names one that can no longer be used, is a page that says so', async (t) => {
  // a page whatever the client asks for: the route is a page (its problem types are in docs/api.md)
  const errorOf = async (path: string, status: number, text: RegExp) => {
    for (const headers of [browser(), { accept: 'application/json' }]) {
      const page = await p.get(path, headers);
      t.equal(page.statusCode, status, `${path}: ${status}`);
      t.match(page.headers['content-type'], /^text\/html/);
      t.match(textOf(page.body), text);
      t.notMatch(page.body, /openid-credential-offer|lcw\.app/, 'and no wallet link');
    }
  };
  await errorOf(`/wallet/offers/${'A'.repeat(43)}`, 404, /This wallet link does not work/);
  await errorOf('/wallet/offers/short', 404, /This wallet link does not work/);

  const revoked = await p.issueFor('Revoked Offer');
  const revokedPath = await offerFor(revoked.id);
  t.equal((await act(app, p.token, revoked.id, 'revoke', { reason: 'issued in error' })).statusCode, 200);
  await errorOf(revokedPath, 409, /no longer valid .*cannot be added to a wallet/);

  const suspended = await p.issueFor('Suspended Offer');
  const suspendedPath = await offerFor(suspended.id);
  t.equal((await act(app, p.token, suspended.id, 'suspend', { reason: 'under review' })).statusCode, 200);
  await errorOf(suspendedPath, 409, /cannot be added to a wallet/);
  t.equal((await act(app, p.token, suspended.id, 'unsuspend', { reason: 'reviewed' })).statusCode, 200);
  t.equal((await p.get(suspendedPath, browser())).statusCode, 200, 'and works again once the suspension is lifted');

  const erased = await p.issueFor('Erased Offer');
  const erasedPath = await offerFor(erased.id);
  const erase = await app.inject({ method: 'POST', url: `/api/v1/credentials/${erased.id}/erase`, headers: { authorization: `Bearer ${p.token}` }, payload: { confirm: 'erase' } });
  t.equal(erase.statusCode, 200, erase.body);
  await errorOf(erasedPath, 410, /withdrawn at the request of its holder/);

  const expiring = await p.issueFor('Expiring Offer');
  const expiringPath = await offerFor(expiring.id);
  clock.advance(29 * 24 * 3600_000);
  t.equal((await p.get(expiringPath, browser())).statusCode, 200, 'an e-mailed offer still works after 29 days');
  clock.advance(2 * 24 * 3600_000);
  await errorOf(expiringPath, 410, /has expired/);
});

t.test('an expired offer is kept a week (the page says expired), then deleted when an offer is made (the page says unknown); one a copy went out under stays', async (t) => {
  const rowsOf = async (ids: string[]) => app.ctx.db.select().from(walletOffers).where(inArray(walletOffers.credentialId, ids));
  const unused = await p.issueFor('Purged Unused');
  const unusedPath = await offerFor(unused.id);
  // one taken by a wallet through the exchange (a bound copy is kept, naming the offer) and one through OpenID4VCI
  // without a key proof (no copy)
  const copied = await p.issueFor('Purged Copied');
  const copiedPath = await offerFor(copied.id);
  const { page: takenPage, learnerCredentialWallet, credentialOffer } = await offerForEmail({ ctx: app.ctx, credentialId: copied.id });
  const exchange = new URL(JSON.parse(new URL(learnerCredentialWallet).searchParams.get('request')!).protocols.vcapi).pathname;
  const request = (await app.inject({ method: 'POST', url: exchange, payload: {} })).json().verifiablePresentationRequest;
  const holder = await testSigner();
  const presentation = await signPresentationAs('Ed25519Signature2020', { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiablePresentation'], holder: holder.did }, holder, request);
  t.equal((await app.inject({ method: 'POST', url: exchange, payload: { verifiablePresentation: presentation } })).statusCode, 200, 'a copy went out through the exchange');
  const code = JSON.parse(new URL(credentialOffer.replace('openid-credential-offer://', 'https://wallet.invalid/')).searchParams.get('credential_offer')!).grants[PRE_AUTHORIZED_CODE_GRANT]['pre-authorized_code'];
  const accessToken = (await app.inject({ method: 'POST', url: '/oauth/token', payload: { grant_type: PRE_AUTHORIZED_CODE_GRANT, 'pre-authorized_code': code } })).json().access_token;
  t.equal((await app.inject({ method: 'POST', url: '/wallet/credential', headers: { authorization: `Bearer ${accessToken}` }, payload: { credential_configuration_id: CREDENTIAL_CONFIGURATION_ID } })).statusCode, 200, 'the original went out through OpenID4VCI');
  const [copy] = await app.ctx.db.select().from(holderCopies).where(eq(holderCopies.credentialId, copied.id));
  const before = await rowsOf([unused.id, copied.id]);
  t.equal(before.length, 6, 'three offer links, two offers each');

  clock.advance(31 * 24 * 3600_000);
  await offerFor((await p.issueFor('Purge Trigger 1')).id);
  t.same((await rowsOf([unused.id, copied.id])).map((row) => row.id).sort(), before.map((row) => row.id).sort(), 'expired less than a week ago: kept');
  t.equal((await p.get(unusedPath, browser())).statusCode, 410, 'so a late wallet is told the offer expired');
  t.match(textOf((await p.get(unusedPath, browser())).body), /has expired/);

  clock.advance(7 * 24 * 3600_000);
  t.equal((await rowsOf([unused.id, copied.id])).length, 6, 'nothing is deleted until an offer is made');
  const fresh = await p.issueFor('Purge Trigger 2');
  const freshPath = await offerFor(fresh.id);
  const left = await rowsOf([unused.id, copied.id]);
  t.same(left.map((row) => row.id), [copy!.offerId], 'a week after expiry only the offer a copy went out under is left');
  t.equal((await p.get(unusedPath, browser())).statusCode, 404, 'the deleted offer\'s link is unknown');
  t.equal((await p.get(copiedPath, browser())).statusCode, 404, 'so is the one nothing was taken through');
  const taken = await p.get(takenPage.replace(BASE_URL, ''), browser());
  t.equal(taken.statusCode, 410, 'the link a copy was taken through, by the offer that is kept: used');
  t.match(textOf(taken.body), /already used/);
  t.match(await listHolderCopies(app.ctx.db, copied.id, 50), [{ holderDid: holder.did, protocol: 'vcapi' }], 'the copy, as the console lists it, still names the protocol it went out by');
  t.equal((await rowsOf([fresh.id])).length, 2, 'the new offer is there');
  t.equal((await p.get(freshPath, browser())).statusCode, 200, 'and works');
});
