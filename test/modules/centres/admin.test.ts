import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as stockCryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import { eq } from 'drizzle-orm';
import t from 'tap';
import { auditEvents, signingKeys } from '../../../src/db/schema/index.js';
import { createClient } from '../../../src/modules/auth/service.js';
import { BASE_URL, build, createCentreWithClient, type TestApp, tokenFor } from '../../helper.js';
import { outsideContexts } from '../../support/outside-contexts.js';

async function platformAdminToken(testApp: TestApp) {
  const { client, clientSecret } = await createClient({ db: testApp.app.ctx.db, centreId: null, name: 'admin', scopes: ['registry:admin'] });
  return tokenFor(testApp.app, client.clientId, clientSecret);
}

const pakistan = { slug: 'pakistan', name: { en: 'IIOE Pakistan National Centre', ar: 'المركز الوطني في باكستان' }, countryCode: 'PK', websiteUrl: 'https://pk.example.org' };

t.test('the admin registers, updates, suspends and reactivates a centre; every step is audited', async (t) => {
  const testApp = await build(t);
  const { app } = testApp;
  const admin = { authorization: `Bearer ${await platformAdminToken(testApp)}` };

  const created = await app.inject({ method: 'POST', url: '/api/v1/centres', headers: admin, payload: pakistan });
  t.equal(created.statusCode, 201, created.body);
  t.match(created.json(), { slug: 'pakistan', did: 'did:web:localhost%3A3000:centres:pakistan', status: 'active', countryCode: 'PK', defaultLanguage: 'en' });
  const did = await app.inject({ method: 'GET', url: '/centres/pakistan/did.json' });
  t.same(did.json().verificationMethod.map((m: { type: string }) => m.type), ['Multikey', 'JsonWebKey'], 'the new centre has a key in its DID document, as a Multikey and as a JsonWebKey');

  t.equal((await app.inject({ method: 'POST', url: '/api/v1/centres', headers: admin, payload: pakistan })).statusCode, 409, 'slugs are unique');
  const bad = await app.inject({ method: 'POST', url: '/api/v1/centres', headers: admin, payload: { ...pakistan, slug: 'Bad Slug', countryCode: 'XX' } });
  t.equal(bad.statusCode, 400);
  t.same(bad.json().errors.map((e: { path: string }) => e.path).sort(), ['body.countryCode', 'body.slug']);

  const updated = await app.inject({ method: 'PATCH', url: '/api/v1/centres/pakistan', headers: admin, payload: { hostInstitution: 'Allama Iqbal Open University' } });
  t.equal(updated.json().hostInstitution, 'Allama Iqbal Open University');

  const suspended = await app.inject({ method: 'POST', url: '/api/v1/centres/pakistan/suspend', headers: admin, payload: { reason: 'review' } });
  t.equal(suspended.json().status, 'suspended');
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/centres/pakistan/suspend', headers: admin, payload: { reason: 'again' } })).statusCode, 409);
  const registry = JSON.parse((await app.inject({ method: 'GET', url: '/registry' })).body);
  t.match(registry.credentialSubject.recognisedCentres.find((c: { id: string }) => c.id.endsWith(':pakistan')), { centreStatus: 'suspended', countryCode: 'PK' });
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/centres/pakistan/reactivate', headers: admin, payload: { reason: 'cleared' } })).json().status, 'active');

  const actions = (await app.ctx.db.select().from(auditEvents).where(eq(auditEvents.target, 'centre:pakistan'))).map((e) => e.action);
  t.same(actions.sort(), ['centre.created', 'centre.reactivated', 'centre.suspended', 'centre.updated'].sort());

  const demoToken = await tokenFor(app, testApp.demoClient.client_id, testApp.demoClient.client_secret);
  const asCentre = { authorization: `Bearer ${demoToken}` };
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/centres', headers: asCentre, payload: { ...pakistan, slug: 'x1' } })).statusCode, 403, 'only admins create centres');
  t.equal((await app.inject({ method: 'GET', url: '/api/v1/centres/pakistan', headers: asCentre })).statusCode, 404, 'another centre is not even visible');
  t.same((await app.inject({ method: 'GET', url: '/api/v1/centres', headers: asCentre })).json().items.map((c: { slug: string }) => c.slug), ['egypt-demo']);
});

t.test('the trust registry is signed by the platform DID and verifies with the stock library', async (t) => {
  const testApp = await build(t);
  const { app } = testApp;
  const response = await app.inject({ method: 'GET', url: '/registry' });
  t.equal(response.statusCode, 200);
  const registry = JSON.parse(response.body);
  t.equal(registry.issuer.id, 'did:web:localhost%3A3000');
  t.match(registry.credentialSubject.recognisedCentres, [{ id: 'did:web:localhost%3A3000:centres:egypt-demo', centreStatus: 'active', countryCode: 'EG' }]);
  t.equal((await app.inject({ method: 'GET', url: '/registry', headers: { 'if-none-match': response.headers.etag as string } })).statusCode, 304);

  // An outside verifier: contexts from npm plus our published registry context fetched from the service.
  const contextUrl = registry['@context'][1] as string;
  const published = (await app.inject({ method: 'GET', url: new URL(contextUrl).pathname })).json();
  const didDocument = (await app.inject({ method: 'GET', url: '/.well-known/did.json' })).json();
  const documentLoader = async (url: string) => {
    const document = url === contextUrl ? published : url.startsWith('did:web:localhost%3A3000') ? (url.includes('#') ? { '@context': didDocument['@context'], ...didDocument.verificationMethod.find((m: { id: string }) => m.id === url) } : didDocument) : outsideContexts.get(url);
    if (!document) throw new Error(`unknown ${url}`);
    return { contextUrl: null, documentUrl: url, document };
  };
  const result = await vc.verifyCredential({ credential: registry, suite: new DataIntegrityProof({ cryptosuite: stockCryptosuite }), documentLoader });
  t.equal(result.verified, true, JSON.stringify(result.error));
  const tampered = structuredClone(registry);
  tampered.credentialSubject.recognisedCentres[0].centreStatus = 'suspended';
  t.equal((await vc.verifyCredential({ credential: tampered, suite: new DataIntegrityProof({ cryptosuite: stockCryptosuite }), documentLoader })).verified, false);
  t.equal(BASE_URL, 'http://localhost:3000');
});

t.test('key rotation keeps old credentials verifying; a compromised key fails them as key.revoked', async (t) => {
  const testApp = await build(t);
  const { app } = testApp;
  const admin = { authorization: `Bearer ${await platformAdminToken(testApp)}` };
  const token = await tokenFor(app, testApp.demoClient.client_id, testApp.demoClient.client_secret);
  const courses = (await app.inject({ method: 'GET', url: '/achievements' })).json().items;
  const issueOne = async (name: string) =>
    (await app.inject({ method: 'POST', url: '/api/v1/credentials', headers: { authorization: `Bearer ${token}` }, payload: { achievementId: courses[0].id, recipient: { name } } })).json();
  const verify = async (credential: object) => (await app.inject({ method: 'POST', url: '/api/v1/verify', payload: { verifiableCredential: credential } })).json();

  const before = await issueOne('Before Rotation');
  // the centre's revocation list is signed now, with the key that is about to be rotated out
  const listPath = new URL(before.verifiableCredential.credentialStatus.statusListCredential).pathname;
  t.equal((await app.inject({ method: 'GET', url: listPath })).json().proof[0].verificationMethod, before.verifiableCredential.proof[0].verificationMethod);
  const rotated = await app.inject({ method: 'POST', url: '/api/v1/centres/egypt-demo/keys/rotate', headers: admin });
  t.equal(rotated.statusCode, 201, rotated.body);
  const after = await issueOne('After Rotation');
  t.not(after.verifiableCredential.proof[0].verificationMethod, before.verifiableCredential.proof[0].verificationMethod, 'the new credential is signed with the new key');
  t.equal((await verify(before.verifiableCredential)).verdict, 'valid', 'the credential signed with the retired key still verifies');
  t.equal((await verify(after.verifiableCredential)).verdict, 'valid');

  const keys = (await app.inject({ method: 'GET', url: '/api/v1/centres/egypt-demo/keys', headers: admin })).json().items;
  t.same(keys.map((k: { status: string }) => k.status), ['retired', 'active']);
  const retiredRow = (await app.ctx.db.select().from(signingKeys).where(eq(signingKeys.status, 'retired')))[0];
  t.equal(retiredRow?.encryptedPrivateKey, null, 'the retired key\'s private part is destroyed');

  const compromised = await app.inject({ method: 'POST', url: '/api/v1/centres/egypt-demo/keys/compromise', headers: admin, payload: { keyId: before.verifiableCredential.proof[0].verificationMethod, reason: 'laptop stolen' } });
  t.equal(compromised.statusCode, 200, compromised.body);
  const did = (await app.inject({ method: 'GET', url: '/centres/egypt-demo/did.json' })).json();
  t.notOk(did.verificationMethod.some((m: { id: string }) => m.id === before.verifiableCredential.proof[0].verificationMethod), 'the compromised key left the DID document');
  const report = await verify(before.verifiableCredential);
  t.equal(report.verdict, 'invalid');
  t.match(report.checks.find((c: { check: string }) => c.check === 'proof'), { status: 'failed', code: 'key.revoked', message: /compromised on \d{4}-\d{2}-\d{2}/ });
  t.equal((await verify(after.verifiableCredential)).verdict, 'valid', 'credentials of the other key are unaffected');
  // the revocation list was signed with the compromised key before the rotation: it is re-signed with the active one
  const list = (await app.inject({ method: 'GET', url: listPath })).json();
  t.equal(list.proof[0].verificationMethod, after.verifiableCredential.proof[0].verificationMethod, 'the status list is re-signed with the current key');
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/centres/egypt-demo/keys/rotate', headers: { authorization: `Bearer ${token}` } })).statusCode, 403, 'a centre client without keys:manage cannot rotate keys');

  // Compromising the active key: its replacement, made in the same transaction, has already signed the lists when
  // the answer comes, so no list is left signed by the compromised key and the centre's credentials stay readable.
  const activeKey = after.verifiableCredential.proof[0].verificationMethod;
  const breach = await app.inject({ method: 'POST', url: '/api/v1/centres/egypt-demo/keys/compromise', headers: admin, payload: { keyId: activeKey, reason: 'server breach' } });
  t.equal(breach.statusCode, 200, breach.body);
  t.same(breach.json().items.map((k: { status: string }) => k.status).sort(), ['active', 'compromised', 'compromised']);
  const listNow = (await app.inject({ method: 'GET', url: listPath })).json();
  const didNow = (await app.inject({ method: 'GET', url: '/centres/egypt-demo/did.json' })).json();
  t.not(listNow.proof[0].verificationMethod, activeKey, 'the list is no longer signed by the compromised key');
  t.ok(didNow.verificationMethod.some((m: { id: string }) => m.id === listNow.proof[0].verificationMethod), 'it is signed by the key the DID document now names');
  const fresh = await issueOne('After Breach');
  t.equal(fresh.verifiableCredential.proof[0].verificationMethod, listNow.proof[0].verificationMethod, 'new credentials are signed by that same key');
  t.equal((await verify(fresh.verifiableCredential)).verdict, 'valid', 'and verify, status list included');
  const compromisedEvents = await app.ctx.db.select().from(auditEvents).where(eq(auditEvents.action, 'key.compromised'));
  t.equal(compromisedEvents.length, 2, 'one audit event per compromise');
});

t.test('a centre client with keys:manage rotates its own centre\'s key, not another\'s, and cannot report a compromise', async (t) => {
  const testApp = await build(t);
  const { app } = testApp;
  const own = await createCentreWithClient(testApp, { slug: 'keys-centre', scopes: ['keys:manage'] });
  const headers = { authorization: `Bearer ${own.token}` };
  const keysBefore = (await app.inject({ method: 'GET', url: '/api/v1/centres/keys-centre/keys', headers })).json().items;
  const rotated = await app.inject({ method: 'POST', url: '/api/v1/centres/keys-centre/keys/rotate', headers });
  t.equal(rotated.statusCode, 201, rotated.body);
  const keysAfter = (await app.inject({ method: 'GET', url: '/api/v1/centres/keys-centre/keys', headers })).json().items;
  t.equal(keysAfter.length, keysBefore.length + 1, 'a new key');
  t.same(keysAfter.map((key: { status: string }) => key.status).sort(), ['active', 'retired']);
  const events = (await app.inject({ method: 'GET', url: '/api/v1/audit?action=key.rotated', headers: { authorization: `Bearer ${await platformAdminToken(testApp)}` } })).json().items;
  t.match(events, [{ actorKind: 'client', target: /keys-centre/ }], 'audited with the client as the actor');
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/centres/egypt-demo/keys/rotate', headers })).statusCode, 404, 'another centre is not found');
  const compromise = await app.inject({ method: 'POST', url: '/api/v1/centres/keys-centre/keys/compromise', headers, payload: { keyId: keysAfter[0].id, reason: 'x' } });
  t.equal(compromise.statusCode, 403, 'a compromise is reported by the platform admin');
});
