import { createRequire } from 'node:module';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { calculateJwkThumbprint } from 'jose';
import t, { type Test } from 'tap';
import { BASE_URL, adminToken, build } from '../../helper.js';
import { outsideContexts } from '../../support/outside-contexts.js';

// The DID documents the service serves: beside each Multikey, a JsonWebKey with publicKeyJwk (what a VC-JOSE-COSE
// verifier needs), both under assertionMethod; every term defined (JSON-LD safe mode) with our published context;
// rotation keeps both forms of the retired key and compromise removes both. Checked with jose and
// ed25519-multikey, not the service's own key code.

type Json = Record<string, unknown>;
type Method = { id: string; type: string; controller: string; publicKeyMultibase?: string; publicKeyJwk?: Json };

const require = createRequire(import.meta.url);
const jsonld = require('jsonld') as { expand(input: object, options: { documentLoader: (url: string) => Promise<object>; safe?: boolean }): Promise<Json[]> };

const testApp = await build(t);
const { app } = testApp;
const admin = { authorization: `Bearer ${await adminToken(testApp)}` };
const CONTEXT_URL = `${BASE_URL}/contexts/json-web-key/v1`;

const get = async (url: string) => (await app.inject({ method: 'GET', url })).json() as Json;

/** Each Multikey followed by the JsonWebKey of the same key, named by its RFC 7638 thumbprint, both asserting. */
async function assertPairs(t: Test, document: Json) {
  const methods = document.verificationMethod as Method[];
  t.ok(methods.length >= 2 && methods.length % 2 === 0, 'methods come in pairs');
  for (let index = 0; index < methods.length; index += 2) {
    const [multikey, jwk] = [methods[index]!, methods[index + 1]!];
    t.equal(multikey.type, 'Multikey');
    t.equal(multikey.id, `${document.id as string}#${multikey.publicKeyMultibase!}`);
    const bytes = (await Ed25519Multikey.from({ ...multikey, '@context': 'https://w3id.org/security/multikey/v1' })).publicKey;
    t.same(jwk.publicKeyJwk, { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(bytes).toString('base64url'), alg: 'EdDSA' }, 'the same key as a public JWK (no private member)');
    t.equal(jwk.type, 'JsonWebKey');
    t.equal(jwk.controller, document.id);
    t.equal(jwk.id, `${document.id as string}#${await calculateJwkThumbprint(jwk.publicKeyJwk as { kty: string; crv: string; x: string })}`, 'its fragment is the RFC 7638 thumbprint (computed by jose)');
  }
  t.same(document.assertionMethod, methods.map((method) => method.id), 'both forms of every key may assert');
}

async function loader(url: string) {
  const context = outsideContexts.get(url) ?? (url === CONTEXT_URL ? await get(new URL(url).pathname) : undefined);
  if (!context) throw new Error(`the test loader refuses ${url}`);
  return { contextUrl: null, documentUrl: url, document: context };
}

t.test('the served context: JSON-LD, cacheable for ever', async (t) => {
  const response = await app.inject({ method: 'GET', url: '/contexts/json-web-key/v1' });
  t.equal(response.statusCode, 200);
  t.match(response.headers['content-type'], /^application\/ld\+json/);
  t.match(response.headers['cache-control'], /immutable/);
  t.match(response.json(), { '@context': { '@protected': true, JsonWebKey: { '@id': 'https://w3id.org/security#JsonWebKey' } } });
});

t.test('centre and platform DID documents: a JsonWebKey beside each Multikey, every term defined', async (t) => {
  for (const path of ['/centres/egypt-demo/did.json', '/.well-known/did.json']) {
    const document = await get(path);
    t.same(document['@context'], ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1', CONTEXT_URL], `${path}: contexts`);
    await assertPairs(t, document);

    const [expanded] = await jsonld.expand(structuredClone(document), { documentLoader: loader, safe: true });
    const methods = (expanded as Json)['https://w3id.org/security#verificationMethod'] as Json[];
    const jwkNode = methods.find((node) => (node['@type'] as string[]).includes('https://w3id.org/security#JsonWebKey'));
    t.same((jwkNode?.['https://w3id.org/security#publicKeyJwk'] as Json[])[0]?.['@type'], '@json', `${path}: publicKeyJwk expands as a JSON literal`);
    const withoutOurs = { ...structuredClone(document), '@context': (document['@context'] as string[]).slice(0, 2) };
    await t.rejects(jsonld.expand(withoutOurs, { documentLoader: loader, safe: true }), `${path}: the control: without our context JsonWebKey is undefined`);
  }
});

t.test('rotation keeps both forms of the retired key; compromise removes both', async (t) => {
  const before = await get('/centres/egypt-demo/did.json');
  const [oldMultikey, oldJwk] = before.verificationMethod as Method[];
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/centres/egypt-demo/keys/rotate', headers: admin })).statusCode, 201);
  const rotated = await get('/centres/egypt-demo/did.json');
  t.equal((rotated.verificationMethod as Method[]).length, 4, 'two keys, two forms each');
  await assertPairs(t, rotated);
  t.ok((rotated.verificationMethod as Method[]).some((method) => method.id === oldJwk!.id), 'the retired key\'s JsonWebKey stays');

  const compromised = await app.inject({ method: 'POST', url: '/api/v1/centres/egypt-demo/keys/compromise', headers: admin, payload: { keyId: oldMultikey!.id, reason: 'laptop stolen' } });
  t.equal(compromised.statusCode, 200, compromised.body);
  const after = await app.inject({ method: 'GET', url: '/centres/egypt-demo/did.json' });
  await assertPairs(t, after.json());
  t.notMatch(after.body, oldMultikey!.publicKeyMultibase!, 'the compromised Multikey left');
  t.notMatch(after.body, (oldJwk!.publicKeyJwk as Json).x as string, 'and so did its JWK');
});
