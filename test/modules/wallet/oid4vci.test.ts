import { and, eq } from 'drizzle-orm';
import { SignJWT } from 'jose';
import t, { type Test } from 'tap';
import { Openid4vciVersion } from '@openid4vc/openid4vci';
import { auditEvents, holderCopies, walletNonces, walletOffers } from '../../../src/db/schema/index.js';
import { tokenHash } from '../../../src/modules/staff/sessions.js';
import { CREDENTIAL_CONFIGURATION_ID, offerForEmail, PRE_AUTHORIZED_CODE_GRANT } from '../../../src/modules/wallet/service.js';
import { BASE_URL } from '../../helper.js';
import { joinAs } from '../../support/console.js';
import { act, type Report } from '../../support/lifecycle.js';
import { credentialOfferOf, type HolderKey, holderKey, ownCentreCredential, walletClient, walletTestApp } from '../../support/wallet.js';

// OpenID for Verifiable Credential Issuance 1.0, pre-authorised code flow, played end to end by a client written by
// others (@openid4vc/openid4vci) as the wallet: offer → metadata → token → nonce → key proof → credential. The copy
// bound to the wallet's did:key verifies with our verifier and the stock one, and is revoked with its original.
// Then every way a wallet (or someone else) can get it wrong, each refused with the specification's error.

type Json = Record<string, any>;
const testApp = await walletTestApp(t);
const { app, clock, token, issued, stock } = testApp;

/** A new offer for a credential, as an e-mail carries it; its pre-authorised code. */
async function offerOf(id: string) {
  const links = await offerForEmail({ ctx: app.ctx, credentialId: id });
  return { links, code: credentialOfferOf(links.credentialOffer).code };
}

const tokenRequest = (fields: Record<string, string>) =>
  app.inject({ method: 'POST', url: '/oauth/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(fields).toString() });
const redeem = (code: string) => tokenRequest({ grant_type: PRE_AUTHORIZED_CODE_GRANT, 'pre-authorized_code': code });

async function accessTokenFor(id: string): Promise<string> {
  const response = await redeem((await offerOf(id)).code);
  if (response.statusCode !== 200) throw new Error(`token: ${response.statusCode} ${response.body}`);
  return response.json().access_token;
}

const nonce = async (): Promise<string> => (await app.inject({ method: 'POST', url: '/wallet/nonce' })).json().c_nonce;

/** A key proof as a wallet signs it, with any header or claim changed. */
async function keyProof(holder: HolderKey, { header = {}, claims = {}, key = holder.privateKey }: { header?: Json; claims?: Json; key?: HolderKey['privateKey'] } = {}) {
  const payload = { aud: BASE_URL, iat: Math.floor(clock.now().getTime() / 1000), nonce: await nonce(), ...claims };
  for (const [name, value] of Object.entries(payload)) if (value === undefined) delete (payload as Json)[name];
  return new SignJWT(payload).setProtectedHeader({ typ: 'openid4vci-proof+jwt', alg: 'EdDSA', kid: holder.kid, ...header } as { alg: string }).sign(key);
}

const credentialRequest = (accessToken: string | undefined, body: unknown, headers: Record<string, string> = {}) =>
  app.inject({
    method: 'POST',
    url: '/wallet/credential',
    headers: { ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}), 'content-type': 'application/json', ...headers },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
const withProof = (jwt: string) => ({ credential_configuration_id: CREDENTIAL_CONFIGURATION_ID, proofs: { jwt: [jwt] } });

/** An error answer of the token or credential endpoint: its status, its error code, JSON and never cached. */
function assertError(t: Test, response: Awaited<ReturnType<typeof app.inject>>, status: number, error: string, description?: RegExp) {
  t.equal(response.statusCode, status, `${status} ${error}: ${response.body}`);
  t.match(response.headers['content-type'], /^application\/json/);
  t.equal(response.headers['cache-control'], 'no-store');
  t.equal(response.json().error, error);
  t.match(response.json().error_description, /^[\x20-\x21\x23-\x5B\x5D-\x7E]+$/, 'the description is ASCII without quotes or backslashes');
  if (description) t.match(response.json().error_description, description);
}

const ourReport = async (credential: Json): Promise<Report> => (await app.inject({ method: 'POST', url: '/api/v1/verify', payload: { verifiableCredential: credential } })).json();

t.test('a wallet written by others takes the credential, bound to its did:key', async (t) => {
  const { id, credential: original } = await issued('Wallet Holder');
  const { links } = await offerOf(id);
  const holder = await holderKey();
  const client = walletClient(app, holder);

  const offer = await client.resolveCredentialOffer(links.credentialOffer);
  t.same(offer.credential_configuration_ids, [CREDENTIAL_CONFIGURATION_ID]);
  const issuerMetadata = await client.resolveIssuerMetadata(offer.credential_issuer);
  t.equal(issuerMetadata.originalDraftVersion, Openid4vciVersion.V1, 'the client reads our metadata as OpenID4VCI 1.0');
  t.equal(issuerMetadata.authorizationServers[0]?.token_endpoint, `${BASE_URL}/oauth/token`, 'and finds the token endpoint in our authorization server metadata');
  const { accessTokenResponse } = await client.retrievePreAuthorizedCodeAccessTokenFromOffer({ credentialOffer: offer, issuerMetadata });
  t.match(accessTokenResponse, { token_type: 'Bearer', expires_in: 600 });
  const { c_nonce } = await client.requestNonce({ issuerMetadata });
  const { jwt } = await client.createCredentialRequestJwtProof({
    issuerMetadata,
    credentialConfigurationId: CREDENTIAL_CONFIGURATION_ID,
    signer: { method: 'did', didUrl: holder.kid, alg: 'EdDSA' },
    nonce: c_nonce,
  });
  const response = await client.retrieveCredentials({ issuerMetadata, credentialConfigurationId: CREDENTIAL_CONFIGURATION_ID, accessToken: accessTokenResponse.access_token, proofs: { jwt: [jwt] } });
  t.equal(response.response.status, 200);
  const copy = (response.credentialResponse.credentials?.[0] as { credential: Json } | undefined)?.credential as Json;
  t.ok(copy, 'one credential came back');

  t.equal(copy.credentialSubject.id, holder.did, 'bound to the wallet\'s DID');
  t.equal(copy.id, original.id, 'the same credential id');
  t.same(copy.credentialStatus, original.credentialStatus, 'the original\'s status entry');
  const { proof: originalProof, credentialSubject: originalSubject, ...originalRest } = original;
  const { proof: copyProof, credentialSubject: copySubject, ...copyRest } = copy;
  t.same(copyRest, originalRest, 'and otherwise what the original says');
  t.same({ ...copySubject, id: undefined }, { ...originalSubject, id: undefined });
  t.equal(copyProof[0].verificationMethod, originalProof[0].verificationMethod, 'signed by the centre\'s key');
  t.not(copyProof[0].proofValue, originalProof[0].proofValue);

  const report = await ourReport(copy);
  t.equal(report.verdict, 'valid', JSON.stringify(report.checks.filter((check) => check.status !== 'passed')));
  t.equal((await stock.verify(copy)).verified, true, 'the stock verifier accepts the copy');

  const [stored] = await app.ctx.db.select().from(holderCopies).where(eq(holderCopies.credentialId, id));
  t.match(stored, { holderDid: holder.did });
  t.same(JSON.parse(stored!.document!), copy, 'the copy is kept with the original');
  const [event] = await app.ctx.db.select().from(auditEvents).where(eq(auditEvents.action, 'credential.sent-to-wallet'));
  t.match(event, { actorKind: 'system', credentialId: id, details: { protocol: 'oid4vci', holderCopyId: stored!.id, boundToHolder: true } });
  t.notOk(JSON.stringify(event).includes(holder.did), 'the audit trail does not name the wallet\'s DID');

  const manager = await joinAs(app, { email: 'mona@example.org', role: 'manager', name: 'Mona Manager' });
  const page = await app.inject({ method: 'GET', url: `/console/credentials/${id}?lang=en`, headers: { cookie: manager.cookie } });
  t.ok(page.body.includes(holder.did), 'the console lists the copy under the original');

  await t.test('revoking the original revokes the copy, for us and for the stock status check', async (t) => {
    t.equal((await act(app, token, id, 'revoke', { reason: 'issued in error' })).statusCode, 200);
    const after = await ourReport(copy);
    t.equal(after.verdict, 'revoked');
    t.match(after.checks.find((check) => check.check === 'status'), { status: 'failed', code: 'status.revoked' });
    const status = await stock.checkStatus(copy);
    t.equal(status.verified, true, 'the stock check read the list');
    t.equal((status as { results?: { status: boolean }[] }).results?.[0]?.status, true, 'the bit is set');
  });
});

t.test('without a key proof, the wallet gets the credential exactly as signed at issuance', async (t) => {
  const { id } = await issued('No Proof');
  const accessToken = await accessTokenFor(id);
  const response = await credentialRequest(accessToken, { credential_configuration_id: CREDENTIAL_CONFIGURATION_ID });
  t.equal(response.statusCode, 200, response.body);
  t.equal(response.headers['cache-control'], 'no-store');
  const stored = (await app.inject({ method: 'GET', url: `/credentials/${id}`, headers: { accept: 'application/json' } })).body;
  t.same(response.json().credentials[0].credential, JSON.parse(stored));
  t.same(await app.ctx.db.select().from(holderCopies).where(eq(holderCopies.credentialId, id)), [], 'no copy is made');
  assertError(t, await credentialRequest(accessToken, { credential_configuration_id: CREDENTIAL_CONFIGURATION_ID }), 401, 'invalid_token', /already used/);
});

t.test('a credential that names its holder\'s DID already: that DID gets the original, another is refused', async (t) => {
  const holder = await holderKey();
  const { id, credential } = await issued('Named Holder', { did: holder.did });
  const same = await credentialRequest(await accessTokenFor(id), withProof(await keyProof(holder)));
  t.equal(same.statusCode, 200, same.body);
  t.same(same.json().credentials[0].credential, credential, 'the original, already bound');
  const other = await credentialRequest(await accessTokenFor(id), withProof(await keyProof(await holderKey())));
  assertError(t, other, 400, 'credential_request_denied', /another DID/);
});

t.test('the token endpoint: a code works once, until it expires; errors in RFC 6749 form', async (t) => {
  const { id } = await issued('Token Rules');
  const { code } = await offerOf(id);
  const first = await redeem(code);
  t.equal(first.statusCode, 200, first.body);
  t.equal(first.headers['cache-control'], 'no-store');
  t.same(Object.keys(first.json()).sort(), ['access_token', 'expires_in', 'token_type']);
  assertError(t, await redeem(code), 400, 'invalid_grant', /already used/);

  const expiring = await offerOf(id);
  clock.advance(31 * 24 * 3600_000);
  assertError(t, await redeem(expiring.code), 400, 'invalid_grant', /expired/);
  assertError(t, await redeem('A'.repeat(43)), 400, 'invalid_grant', /no offer/);
  assertError(t, await tokenRequest({ grant_type: PRE_AUTHORIZED_CODE_GRANT }), 400, 'invalid_request', /pre-authorized_code/);
  const withTxCode = await offerOf(id);
  assertError(t, await tokenRequest({ grant_type: PRE_AUTHORIZED_CODE_GRANT, 'pre-authorized_code': withTxCode.code, tx_code: '1234' }), 400, 'invalid_request', /transaction code/);
  t.equal((await redeem(withTxCode.code)).statusCode, 200, 'and the refused request did not spend the code');
  const exchangeCode = new URL(JSON.parse(new URL(withTxCode.links.learnerCredentialWallet).searchParams.get('request')!).protocols.vcapi).pathname.split('/').pop()!;
  assertError(t, await redeem(exchangeCode), 400, 'invalid_grant', /no offer/);
});

t.test('two wallets racing with one code: one token', async (t) => {
  const { id } = await issued('Race');
  const { code } = await offerOf(id);
  const answers = await Promise.all([redeem(code), redeem(code), redeem(code)]);
  t.same(answers.map((answer) => answer.statusCode).sort(), [200, 400, 400]);
});

t.test('the access token: required, valid, unexpired, good for one credential', async (t) => {
  const { id } = await issued('Token Use');
  const body = { credential_configuration_id: CREDENTIAL_CONFIGURATION_ID };
  const missing = await credentialRequest(undefined, body);
  assertError(t, missing, 401, 'invalid_token');
  t.match(missing.headers['www-authenticate'], /^Bearer /);
  assertError(t, await credentialRequest('not-a-token', body), 401, 'invalid_token');
  assertError(t, await credentialRequest('x', body, { authorization: 'Basic eDp5' }), 401, 'invalid_token');
  const accessToken = await accessTokenFor(id);
  clock.advance(11 * 60_000);
  assertError(t, await credentialRequest(accessToken, body), 401, 'invalid_token', /expired/);
});

t.test('key proofs: each fault refused with invalid_proof or invalid_nonce, and the token still usable after', async (t) => {
  const { id } = await issued('Proof Faults');
  const accessToken = await accessTokenFor(id);
  const holder = await holderKey();
  const stranger = await holderKey();
  const refused = async (jwt: string, error: string, description: RegExp) => assertError(t, await credentialRequest(accessToken, withProof(jwt)), 400, error, description);

  await refused(await keyProof(holder, { claims: { aud: 'https://elsewhere.example' } }), 'invalid_proof', /aud must be the credential issuer/);
  const good = await keyProof(holder);
  const [head, body, signature] = good.split('.') as [string, string, string];
  const tampered = JSON.parse(Buffer.from(body, 'base64url').toString());
  tampered.aud = BASE_URL;
  tampered.iat += 1;
  await refused(`${head}.${Buffer.from(JSON.stringify(tampered)).toString('base64url')}.${signature}`, 'invalid_proof', /signature does not verify/);
  await refused(`${head}.${body}.${signature.slice(0, -4)}AAAA`, 'invalid_proof', /signature/);
  await refused(await keyProof(holder, { key: stranger.privateKey }), 'invalid_proof', /signature does not verify/);
  await refused(await keyProof(holder, { header: { typ: 'JWT' } }), 'invalid_proof', /typ openid4vci-proof\+jwt/);
  await refused(await keyProof(holder, { header: { kid: undefined, jwk: holder.publicJwk } }), 'invalid_proof', /not jwk or x5c/);
  await refused(await keyProof(holder, { header: { x5c: ['MIIBszCCAVmgAwIBAgIUYWJjZGVmZ2hpamtsbW5vcHFyc3QwCgYIKoZIzj0EAwIw'] } }), 'invalid_proof', /name the key with kid, not jwk or x5c/);
  await refused(await keyProof(holder, { header: { kid: undefined, x5c: ['MIIBszCCAVmgAwIBAgIUYWJjZGVmZ2hpamtsbW5vcHFyc3QwCgYIKoZIzj0EAwIw'] } }), 'invalid_proof', /not jwk or x5c/);
  await refused(await keyProof(holder, { header: { kid: 'did:web:example.org#key-1' } }), 'invalid_proof', /did:key/);
  await refused(await keyProof(holder, { header: { kid: holder.did } }), 'invalid_proof', /DID URL/);
  await refused(await keyProof(holder, { header: { kid: 'did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme#zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme' } }), 'invalid_proof', /secp256k1/);
  await refused(await keyProof(holder, { claims: { iat: Math.floor(clock.now().getTime() / 1000) - 600 } }), 'invalid_proof', /iat/);
  await refused(await keyProof(holder, { claims: { iat: Math.floor(clock.now().getTime() / 1000) + 600 } }), 'invalid_proof', /iat/);
  await refused(await keyProof(holder, { claims: { iat: undefined } }), 'invalid_proof', /iat/);
  await refused(await keyProof(holder, { claims: { nonce: undefined } }), 'invalid_proof', /nonce/);
  await refused(await keyProof(holder, { claims: { nonce: 'made-up' } }), 'invalid_nonce', /nonce endpoint/);
  await refused('not a jwt', 'invalid_proof', /not a JWT/);
  const encode = (value: Json) => Buffer.from(JSON.stringify(value)).toString('base64url');
  for (const alg of ['ES256', 'HS256', 'none']) {
    await refused(`${encode({ typ: 'openid4vci-proof+jwt', alg, kid: holder.kid })}.${body}.${signature}`, 'invalid_proof', /Ed25519/);
  }

  const ed25519 = await credentialRequest(await accessTokenFor((await issued('Fully Specified')).id), withProof(await keyProof(holder, { header: { alg: 'Ed25519' } })));
  t.equal(ed25519.statusCode, 200, 'a proof signed under the fully specified name Ed25519 is accepted too');

  const spent = await nonce();
  t.equal((await credentialRequest(accessToken, withProof(await keyProof(holder, { claims: { nonce: spent } })))).statusCode, 200, 'a correct proof still works with the same token');
  const { id: other } = await issued('Nonce Reuse');
  await assertError(t, await credentialRequest(await accessTokenFor(other), withProof(await keyProof(holder, { claims: { nonce: spent } }))), 400, 'invalid_nonce');

  const late = await nonce();
  const { id: third } = await issued('Nonce Expiry');
  const lateToken = await accessTokenFor(third);
  clock.advance(6 * 60_000);
  await assertError(t, await credentialRequest(lateToken, withProof(await keyProof(holder, { claims: { nonce: late } }))), 400, 'invalid_nonce', /expired/);
});

t.test('credential requests: what 1.0 does not allow, and what we do not offer', async (t) => {
  const { id } = await issued('Request Shapes');
  const accessToken = await accessTokenFor(id);
  const holder = await holderKey();
  const jwt = await keyProof(holder);
  const refused = async (body: unknown, status: number, error: string, description?: RegExp) => assertError(t, await credentialRequest(accessToken, body), status, error, description);
  await refused({ credential_configuration_id: 'UniversityDegree' }, 400, 'unknown_credential_configuration');
  await refused({ credential_identifier: 'x' }, 400, 'unknown_credential_identifier');
  await refused({ format: 'ldp_vc', credential_definition: { type: ['VerifiableCredential'] } }, 400, 'invalid_credential_request', /credential_configuration_id/);
  await refused({ credential_configuration_id: CREDENTIAL_CONFIGURATION_ID, proof: { proof_type: 'jwt', jwt } }, 400, 'invalid_proof', /proofs/);
  await refused({ credential_configuration_id: CREDENTIAL_CONFIGURATION_ID, proofs: { jwt: [jwt, jwt] } }, 400, 'invalid_proof', /exactly one/);
  await refused({ credential_configuration_id: CREDENTIAL_CONFIGURATION_ID, proofs: { jwt: [] } }, 400, 'invalid_proof');
  await refused({ credential_configuration_id: CREDENTIAL_CONFIGURATION_ID, proofs: { jwt } }, 400, 'invalid_proof');
  await refused({ credential_configuration_id: CREDENTIAL_CONFIGURATION_ID, proofs: { di_vp: [{}] } }, 400, 'invalid_proof', /jwt/);
  await refused({ credential_configuration_id: CREDENTIAL_CONFIGURATION_ID, credential_response_encryption: { jwk: {}, enc: 'A256GCM' } }, 400, 'invalid_encryption_parameters');
  await refused([withProof(jwt)], 400, 'invalid_credential_request');
  await refused('{"credential_configuration_id":', 400, 'invalid_credential_request');
  const plain = await credentialRequest(accessToken, 'credential_configuration_id=x', { 'content-type': 'text/plain' });
  assertError(t, plain, 415, 'invalid_credential_request');
  t.equal((await credentialRequest(accessToken, withProof(jwt))).statusCode, 200, 'none of these spent the token');
});

t.test('a credential revoked or erased after its offer is not handed out', async (t) => {
  const holder = await holderKey();
  const revokedEarly = await issued('Revoked Before Token');
  const { code } = await offerOf(revokedEarly.id);
  t.equal((await act(app, token, revokedEarly.id, 'revoke', { reason: 'issued in error' })).statusCode, 200);
  assertError(t, await redeem(code), 400, 'invalid_grant', /revoked/);

  const revokedLate = await issued('Revoked After Token');
  const lateToken = await accessTokenFor(revokedLate.id);
  t.equal((await act(app, token, revokedLate.id, 'revoke', { reason: 'issued in error' })).statusCode, 200);
  assertError(t, await credentialRequest(lateToken, withProof(await keyProof(holder))), 400, 'credential_request_denied', /revoked/);

  const suspended = await issued('Suspended After Token');
  const suspendedToken = await accessTokenFor(suspended.id);
  t.equal((await act(app, token, suspended.id, 'suspend', { reason: 'under review' })).statusCode, 200);
  assertError(t, await credentialRequest(suspendedToken, { credential_configuration_id: CREDENTIAL_CONFIGURATION_ID }), 400, 'credential_request_denied', /suspended/);

  const erase = (id: string) => app.inject({ method: 'POST', url: `/api/v1/credentials/${id}/erase`, headers: { authorization: `Bearer ${token}` }, payload: { confirm: 'erase' } });
  const erasedEarly = await issued('Erased Before Token');
  const early = await offerOf(erasedEarly.id);
  t.equal((await erase(erasedEarly.id)).statusCode, 200);
  assertError(t, await redeem(early.code), 400, 'invalid_grant');

  const erasedLate = await issued('Erased After Token');
  const erasedToken = await accessTokenFor(erasedLate.id);
  t.equal((await erase(erasedLate.id)).statusCode, 200);
  assertError(t, await credentialRequest(erasedToken, withProof(await keyProof(holder))), 400, 'credential_request_denied', /withdrawn/);
});

t.test('no copy is signed while the centre is suspended or no longer authorised for the course: refused in words, nothing written', async (t) => {
  for (const how of ['suspended', 'unauthorised'] as const) {
    const own = await ownCentreCredential(testApp, { slug: `wallet-${how}`, name: `Centre ${how}` });
    const accessToken = await accessTokenFor(own.id);
    await own.stopSigning(how);
    const holder = await holderKey();
    const refused = await credentialRequest(accessToken, withProof(await keyProof(holder)));
    assertError(t, refused, 400, 'credential_request_denied', /cannot sign a copy now \(it is suspended or no longer authorised for this course\)/);
    t.same(await app.ctx.db.select().from(holderCopies).where(eq(holderCopies.credentialId, own.id)), [], `${how}: no copy kept`);
    t.same(await app.ctx.db.select().from(auditEvents).where(and(eq(auditEvents.credentialId, own.id), eq(auditEvents.action, 'credential.sent-to-wallet'))), [], `${how}: nothing handed out, nothing audited`);
    const [offer] = await app.ctx.db.select().from(walletOffers).where(and(eq(walletOffers.credentialId, own.id), eq(walletOffers.protocol, 'oid4vci')));
    t.equal(offer?.completedAt, null, `${how}: the offer is not used up`);

    const original = await credentialRequest(accessToken, { credential_configuration_id: CREDENTIAL_CONFIGURATION_ID });
    t.equal(original.statusCode, 200, `${how}: the same token still obtains the credential without a proof, as the description says`);
    t.same(original.json().credentials[0].credential, own.credential, `${how}: exactly as signed at issuance`);
  }
});

t.test('erasure empties the copies handed to wallets', async (t) => {
  const holder = await holderKey();
  const { id } = await issued('Erased Copy');
  t.equal((await credentialRequest(await accessTokenFor(id), withProof(await keyProof(holder)))).statusCode, 200);
  t.equal((await app.inject({ method: 'POST', url: `/api/v1/credentials/${id}/erase`, headers: { authorization: `Bearer ${token}` }, payload: { confirm: 'erase' } })).statusCode, 200);
  const [copy] = await app.ctx.db.select().from(holderCopies).where(eq(holderCopies.credentialId, id));
  t.match(copy, { document: null, holderDid: null });
});

t.test('expired nonces are deleted when the next one is issued; live ones, used or not, stay', async (t) => {
  const stored = async () => (await app.ctx.db.select().from(walletNonces)).map((row) => row.nonceHash).sort();
  const old = await nonce();
  const spent = await nonce();
  const { id } = await issued('Nonce Purge');
  t.equal((await credentialRequest(await accessTokenFor(id), withProof(await keyProof(await holderKey(), { claims: { nonce: spent } })))).statusCode, 200, 'one of them used');
  const before = await stored();
  t.ok([old, spent].every((value) => before.includes(tokenHash(value))), 'both kept while they live (as hashes)');
  await nonce();
  const after = await stored();
  t.ok([old, spent].every((value) => after.includes(tokenHash(value))), 'a new nonce within five minutes deletes neither');
  clock.advance(6 * 60_000);
  const latest = await nonce();
  t.same(await stored(), [tokenHash(latest)], 'five minutes on, the next nonce leaves only itself: expired ones go, used or not');
});

t.test('the metadata documents, as wallets read them', async (t) => {
  const issuer = await app.inject({ method: 'GET', url: '/.well-known/openid-credential-issuer' });
  t.equal(issuer.statusCode, 200);
  t.match(issuer.headers['cache-control'], /max-age/);
  const metadata = issuer.json();
  t.match(metadata, { credential_issuer: BASE_URL, credential_endpoint: `${BASE_URL}/wallet/credential`, nonce_endpoint: `${BASE_URL}/wallet/nonce` });
  t.notOk('authorization_servers' in metadata, 'we are our own authorization server');
  const configuration = metadata.credential_configurations_supported[CREDENTIAL_CONFIGURATION_ID];
  t.same(configuration.credential_definition, {
    '@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
  });
  t.match(configuration, { format: 'ldp_vc', cryptographic_binding_methods_supported: ['did:key'], proof_types_supported: { jwt: { proof_signing_alg_values_supported: ['EdDSA', 'Ed25519'] } } });
  t.same(configuration.credential_metadata.display.map((display: Json) => display.locale), ['en', 'fr', 'ar', 'zh']);
  t.ok(configuration.credential_metadata.display.every((display: Json) => display.name), 'named in each language');
  t.same(configuration.credential_signing_alg_values_supported, ['eddsa-rdfc-2022'], 'A.1.2: the Data Integrity cryptosuite our proofs use');
  const claims = configuration.credential_metadata.claims as { path: unknown[]; display: Json[] }[];
  t.same(claims.map((claim) => claim.path), [
    ['credentialSubject', 'identifier', null, 'identityHash'],
    ['credentialSubject', 'achievement', 'name'],
    ['issuer', 'name'],
    ['validFrom'],
    ['validUntil'],
  ], 'claims named by claims path pointers into the credential (null: every item of identifier)');
  for (const claim of claims) {
    t.same(claim.display.map((display) => display.locale), ['en', 'fr', 'ar', 'zh'], `${claim.path.join('.')}: labelled in each language`);
    t.ok(claim.display.every((display) => typeof display.name === 'string' && display.name.length > 0), `${claim.path.join('.')}: with a name`);
  }
  t.equal(claims[0]!.display[0]!.name, 'Awarded to', 'e.g. the learner\'s name, in English');
  const server = (await app.inject({ method: 'GET', url: '/.well-known/oauth-authorization-server' })).json();
  t.match(server, { issuer: BASE_URL, token_endpoint: `${BASE_URL}/oauth/token`, 'pre-authorized_grant_anonymous_access_supported': true });
  t.ok(server.grant_types_supported.includes(PRE_AUTHORIZED_CODE_GRANT));
  const nonceResponse = await app.inject({ method: 'POST', url: '/wallet/nonce', headers: { 'content-type': 'application/json' } });
  t.equal(nonceResponse.statusCode, 200, 'an empty JSON body is no body');
  t.equal(nonceResponse.headers['cache-control'], 'no-store');
  t.match(nonceResponse.json().c_nonce, /^[A-Za-z0-9_-]{43}$/);
  t.equal(nonceResponse.json().c_nonce_expires_in, 300, 'five minutes');
  t.not(nonceResponse.json().c_nonce, (await app.inject({ method: 'POST', url: '/wallet/nonce' })).json().c_nonce, 'a new nonce each time');
});
