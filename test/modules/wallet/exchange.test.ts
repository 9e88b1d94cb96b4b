import { and, eq } from 'drizzle-orm';
import t, { type Test } from 'tap';
import { auditEvents, holderCopies, walletOffers } from '../../../src/db/schema/index.js';
import { CREDENTIAL_CONFIGURATION_ID, offerForEmail, PRE_AUTHORIZED_CODE_GRANT } from '../../../src/modules/wallet/service.js';
import { BASE_URL } from '../../helper.js';
import { act, type Report } from '../../support/lifecycle.js';
import { SIGNING_FORMATS, signPresentationAs, testSigner, type TestSigner } from '../../support/proof-suites.js';
import { credentialOfferOf, ownCentreCredential, walletTestApp } from '../../support/wallet.js';

// The DCC Learner Credential Wallet's way in: the lcw.app invitation on the offer page names a VCALM exchange; the
// wallet POSTs {} and gets a DID authentication request, then POSTs its presentation signed with Ed25519Signature2020
// over its did:key (as that wallet signs) and gets the credential bound to that DID, where both of its flows look.
// The older "credential request" flow posts the bare presentation (challenge, no domain). Once per offer.

type Json = Record<string, any>;
const VC_V1 = 'https://www.w3.org/2018/credentials/v1';
const VC_V2 = 'https://www.w3.org/ns/credentials/v2';
const testApp = await walletTestApp(t);
const { app, clock, token, issued, stock } = testApp;

/** The exchange URL of a new offer, read from its Learner Credential Wallet invitation as the wallet reads it. */
async function exchangeOf(id: string) {
  const links = await offerForEmail({ ctx: app.ctx, credentialId: id });
  const invitation = new URL(links.learnerCredentialWallet);
  const request = JSON.parse(invitation.searchParams.get('request')!);
  return { links, invitation, request, path: new URL(request.protocols.vcapi).pathname };
}

const post = (path: string, payload?: unknown) =>
  app.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/json' }, ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }) });

/** A DID authentication as the wallet makes it: a presentation naming its holder, signed with Ed25519Signature2020 (or `format`). */
const didAuth = (holder: TestSigner, { challenge, domain, context = VC_V2 }: { challenge: string; domain?: string; context?: string }, format: (typeof SIGNING_FORMATS)[number] = 'Ed25519Signature2020') =>
  signPresentationAs(format, { '@context': [context], type: ['VerifiablePresentation'], holder: holder.did }, holder, { challenge, domain });

function assertProblem(t: Test, response: Awaited<ReturnType<typeof post>>, status: number, type: string, detail?: RegExp) {
  t.equal(response.statusCode, status, `${status} ${type}: ${response.body.slice(0, 300)}`);
  t.match(response.headers['content-type'], /^application\/problem\+json/);
  t.equal(response.json().type, `${BASE_URL}/problems/${type}`);
  if (detail) t.match(response.json().detail, detail);
}

const ourReport = async (credential: Json): Promise<Report> => (await app.inject({ method: 'POST', url: '/api/v1/verify', payload: { verifiableCredential: credential } })).json();

t.test('the Learner Credential Wallet\'s exchange: invitation, DID authentication request, credential bound to its DID', async (t) => {
  const { id, credential: original } = await issued('Exchange Holder');
  const { invitation, request, path } = await exchangeOf(id);
  t.equal(`${invitation.origin}${invitation.pathname}`, 'https://lcw.app/request', 'the wallet\'s own deep link');
  t.match(request, { credentialRequestOrigin: BASE_URL, protocols: { vcapi: `${BASE_URL}${path}` } });

  const started = await post(path, {});
  t.equal(started.statusCode, 200, started.body);
  t.equal(started.headers['cache-control'], 'no-store');
  const vpr = started.json().verifiablePresentationRequest;
  t.match(vpr, {
    query: { type: 'DIDAuthentication', acceptedMethods: [{ method: 'key' }] },
    challenge: /^[0-9a-f-]{36}$/,
    domain: 'localhost:3000',
    interact: { service: [{ type: 'VerifiableCredentialApiExchangeService', serviceEndpoint: `${BASE_URL}${path}` }] },
  });
  t.same((await post(path)).json(), started.json(), 'no body starts it too, with the same challenge');

  const holder = await testSigner();
  const answer = await post(new URL(vpr.interact.service[0].serviceEndpoint).pathname, { verifiablePresentation: await didAuth(holder, vpr) });
  t.equal(answer.statusCode, 200, answer.body.slice(0, 500));
  const body = answer.json();
  const copy = body.verifiablePresentation.verifiableCredential[0];
  t.equal(body.verifiablePresentation.verifiableCredential.length, 1, 'where the exchange flow reads it: verifiablePresentation.verifiableCredential');
  t.match(body, { type: ['VerifiablePresentation'], verifiableCredential: [copy] }, 'and where the older flow reads it: a presentation');
  t.equal(copy.credentialSubject.id, holder.did, 'bound to the authenticated DID');
  t.equal(copy.id, original.id);
  t.same(copy.credentialStatus, original.credentialStatus);
  t.equal((await ourReport(copy)).verdict, 'valid');
  t.equal((await stock.verify(copy)).verified, true, 'the stock verifier accepts it');
  const [event] = await app.ctx.db.select().from(auditEvents).where(and(eq(auditEvents.credentialId, id), eq(auditEvents.action, 'credential.sent-to-wallet')));
  t.match(event, { details: { protocol: 'vcapi', boundToHolder: true } });

  assertProblem(t, await post(path, { verifiablePresentation: await didAuth(holder, vpr) }), 410, 'offer-used');
  assertProblem(t, await post(path, {}), 410, 'offer-used', /works once/);
  t.equal((await act(app, token, id, 'revoke', { reason: 'issued in error' })).statusCode, 200);
  t.equal((await ourReport(copy)).verdict, 'revoked', 'revoking the original revokes the copy');
});

t.test('the older credential-request flow: the bare presentation, VC 1.1 context, challenge without domain', async (t) => {
  const { id } = await issued('Legacy Holder');
  const { path } = await exchangeOf(id);
  const { challenge } = (await post(path, {})).json().verifiablePresentationRequest;
  const holder = await testSigner();
  const answer = await post(path, await didAuth(holder, { challenge, context: VC_V1 }));
  t.equal(answer.statusCode, 200, answer.body.slice(0, 500));
  t.equal(answer.json().verifiableCredential[0].credentialSubject.id, holder.did);
  t.equal((await stock.verify(answer.json().verifiableCredential[0])).verified, true);
});

t.test('a DID authentication that fails is refused and leaves the exchange open', async (t) => {
  const { id } = await issued('Failed Authentication');
  const { path } = await exchangeOf(id);
  const vpr = (await post(path, {})).json().verifiablePresentationRequest;
  const holder = await testSigner();
  const refused = async (presentation: unknown, detail: RegExp) => assertProblem(t, await post(path, { verifiablePresentation: presentation }), 400, 'did-authentication-failed', detail);

  await refused(await didAuth(holder, { ...vpr, challenge: 'another-challenge' }), /challenge/);
  await refused(await didAuth(holder, { ...vpr, domain: 'elsewhere.example' }), /domain/);
  await refused(await didAuth(holder, { challenge: vpr.challenge }), /domain/);
  const signed = await didAuth(holder, vpr);
  await refused({ ...signed, holder: (await testSigner()).did }, /./);
  const proof = signed.proof as Json;
  await refused({ ...signed, proof: { ...proof, proofValue: `${proof.proofValue.slice(0, -3)}abc` } }, /./);
  await refused({ '@context': [VC_V2], type: ['VerifiablePresentation'], holder: holder.did }, /no proof/);
  const webHolder = await testSigner('did:web:wallet.example');
  await refused(await didAuth(webHolder, vpr), /./);

  // the route's schema refuses what is not an object, naming the member; the exchange what is neither {} nor a presentation
  assertProblem(t, await post(path, []), 400, 'validation', /body: expected object/);
  assertProblem(t, await post(path, { verifiablePresentation: 'text' }), 400, 'validation', /body\.verifiablePresentation/);
  assertProblem(t, await post(path, { hello: 'wallet' }), 400, 'invalid-exchange-message', /Send \{\} to start the exchange/);
  const after = await post(path, { verifiablePresentation: signed });
  t.equal(after.statusCode, 200, 'the right authentication still works afterwards');
});

t.test('acceptedCryptosuites: the three suites asked for are each accepted, another is refused by name', async (t) => {
  for (const format of SIGNING_FORMATS) {
    const { id } = await issued(`Suite ${format}`);
    const { path } = await exchangeOf(id);
    const vpr = (await post(path, {})).json().verifiablePresentationRequest;
    t.same(vpr.query.acceptedCryptosuites, [{ cryptosuite: 'Ed25519Signature2020' }, { cryptosuite: 'eddsa-rdfc-2022' }, { cryptosuite: 'eddsa-jcs-2022' }], 'the request lists what our presentation check verifies');
    const holder = await testSigner();
    const answer = await post(path, { verifiablePresentation: await didAuth(holder, vpr, format) });
    t.equal(answer.statusCode, 200, `${format}: ${answer.body.slice(0, 300)}`);
    t.equal(answer.json().verifiableCredential[0].credentialSubject.id, holder.did, `${format}: the copy is bound to the holder`);
  }
  const { id } = await issued('Other Suite');
  const { path } = await exchangeOf(id);
  const vpr = (await post(path, {})).json().verifiablePresentationRequest;
  const holder = await testSigner();
  const signed = await didAuth(holder, vpr, 'eddsa-rdfc-2022');
  const otherSuite = { ...signed, proof: { ...(signed.proof as Json), cryptosuite: 'ecdsa-rdfc-2019' } };
  assertProblem(t, await post(path, { verifiablePresentation: otherSuite }), 400, 'did-authentication-failed', /unsupported proof DataIntegrityProof\/ecdsa-rdfc-2019/);
  const otherType = { ...signed, proof: { ...(signed.proof as Json), type: 'EcdsaSecp256k1Signature2019', cryptosuite: undefined } };
  assertProblem(t, await post(path, { verifiablePresentation: otherType }), 400, 'did-authentication-failed', /unsupported proof EcdsaSecp256k1Signature2019/);
  t.equal((await post(path, { verifiablePresentation: signed })).statusCode, 200, 'the exchange stayed open for a suite that is accepted');
});

t.test('409 copy-refused: another holder\'s DID, or a centre that cannot sign now; nothing written, the exchange still open', async (t) => {
  const named = await testSigner();
  const { id } = await issued('Named Exchange Holder', { did: named.did });
  const { path } = await exchangeOf(id);
  const vpr = (await post(path, {})).json().verifiablePresentationRequest;
  assertProblem(t, await post(path, { verifiablePresentation: await didAuth(await testSigner(), vpr) }), 409, 'copy-refused', /names its holder by another DID/);
  const answer = await post(path, { verifiablePresentation: await didAuth(named, vpr) });
  t.equal(answer.statusCode, 200, 'the DID it names still gets it afterwards');
  t.equal(answer.json().verifiableCredential[0].credentialSubject.id, named.did);

  for (const how of ['suspended', 'unauthorised'] as const) {
    const own = await ownCentreCredential(testApp, { slug: `exchange-${how}`, name: `Exchange ${how}` });
    const exchange = await exchangeOf(own.id);
    const request = (await post(exchange.path, {})).json().verifiablePresentationRequest;
    await own.stopSigning(how);
    assertProblem(t, await post(exchange.path, { verifiablePresentation: await didAuth(await testSigner(), request) }), 409, 'copy-refused', /cannot sign a copy now/);
    t.same(await app.ctx.db.select().from(holderCopies).where(eq(holderCopies.credentialId, own.id)), [], `${how}: no copy kept`);
    t.same(await app.ctx.db.select().from(auditEvents).where(and(eq(auditEvents.credentialId, own.id), eq(auditEvents.action, 'credential.sent-to-wallet'))), [], `${how}: nothing audited`);
    const [offer] = await app.ctx.db.select().from(walletOffers).where(and(eq(walletOffers.credentialId, own.id), eq(walletOffers.protocol, 'vcapi')));
    t.equal(offer?.completedAt, null, `${how}: the exchange is not used up`);
    t.equal((await post(exchange.path, {})).statusCode, 200, `${how}: and still answers`);
  }
});

t.test('unknown, expired and no longer offerable exchanges', async (t) => {
  assertProblem(t, await post(`/wallet/exchanges/${'A'.repeat(43)}`, {}), 404, 'unknown-offer');
  assertProblem(t, await post('/wallet/exchanges/short', {}), 404, 'unknown-offer');
  const { id } = await issued('Exchange Rules');
  const { links, path } = await exchangeOf(id);
  assertProblem(t, await post(`/wallet/exchanges/${credentialOfferOf(links.credentialOffer).code}`, {}), 404, 'unknown-offer', /No exchange/);

  const suspended = await issued('Suspended Exchange');
  const suspendedExchange = await exchangeOf(suspended.id);
  const vpr = (await post(suspendedExchange.path, {})).json().verifiablePresentationRequest;
  t.equal((await act(app, token, suspended.id, 'suspend', { reason: 'under review' })).statusCode, 200);
  assertProblem(t, await post(suspendedExchange.path, { verifiablePresentation: await didAuth(await testSigner(), vpr) }), 409, 'credential-not-offerable', /suspended/);

  clock.advance(31 * 24 * 3600_000);
  assertProblem(t, await post(path, {}), 410, 'offer-expired');
});

t.test('the offer page shows what is still open, and says when everything was used', async (t) => {
  const { id } = await issued('Both Used');
  const { links, path } = await exchangeOf(id);
  const page = links.page.replace(BASE_URL, '');
  const html = async () => app.inject({ method: 'GET', url: page, headers: { accept: 'text/html' } });
  const vpr = (await post(path, {})).json().verifiablePresentationRequest;
  t.equal((await post(path, { verifiablePresentation: await didAuth(await testSigner(), vpr) })).statusCode, 200);
  const afterExchange = await html();
  t.equal(afterExchange.statusCode, 200);
  t.notMatch(afterExchange.body, /lcw\.app/, 'the used Learner Credential Wallet link is gone');
  t.match(afterExchange.body, /openid-credential-offer:/, 'the OpenID4VCI offer is still there');

  const { code } = credentialOfferOf(links.credentialOffer);
  const tokenResponse = await app.inject({ method: 'POST', url: '/oauth/token', payload: { grant_type: PRE_AUTHORIZED_CODE_GRANT, 'pre-authorized_code': code } });
  t.equal(tokenResponse.statusCode, 200);
  const credential = await app.inject({ method: 'POST', url: '/wallet/credential', headers: { authorization: `Bearer ${tokenResponse.json().access_token}` }, payload: { credential_configuration_id: CREDENTIAL_CONFIGURATION_ID } });
  t.equal(credential.statusCode, 200);
  const used = await html();
  t.equal(used.statusCode, 410);
  t.match(used.body, /already used/);
});
