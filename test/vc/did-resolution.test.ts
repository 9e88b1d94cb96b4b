import { randomUUID } from 'node:crypto';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { cryptosuite as stockCryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import t, { type Test } from 'tap';
import { loadConfig } from '../../src/config.js';
import { DidKeyError, resolveDidKey } from '../../src/vc/did-key.js';
import { createDidResolver, DidResolutionError, didWebDocumentUrl } from '../../src/vc/did-resolver.js';
import { createGuardedFetcher, FetchFailedError, FetchRefusedError } from '../../src/vc/fetcher.js';
import { BASE_URL, build, demoToken, firstAchievementId, issue } from '../helper.js';
import { withProofArray } from '../../src/vc/sign.js';
import { outsideContextLoader } from '../support/outside-contexts.js';
import { json, startHttpsServer } from '../support/https-server.js';
import { localFetcher } from '../support/status-lists.js';

// Issuers other than this service's centres: did:key offline, did:web over the guarded fetcher against a
// local HTTPS server, and what the verification report says when a DID cannot be resolved (fail closed).

type Json = Record<string, unknown>;
type Check = { check: string; status: string; code: string; message: string };
type Report = { verified: boolean; verdict: string; checks: Check[] };

const DID_V1 = 'https://www.w3.org/ns/did/v1';
const MULTIKEY_V1 = 'https://w3id.org/security/multikey/v1';

const server = await startHttpsServer();
t.teardown(() => server.close());
const HOST = `issuer.test%3A${server.port}`; // issuer.test exists only in the test fetcher's resolver

// The app under test (built before any subtest: tap ends the file's test once its queue drains).
const fetcher = localFetcher(server);
const testApp = await build(t, {}, { fetcher });
const { app } = testApp;
const token = await demoToken(testApp);
const issued = await issue(app, token, { achievementId: await firstAchievementId(app), recipient: { name: 'Amina El-Sayed' } });
if (issued.statusCode !== 201) throw new Error(issued.body);
const ours = issued.json().verifiableCredential as Json;


/** An outside issuer's key: `<did>#<multibase>`, as did:web issuers and did:key name theirs. */
async function issuerKey(did: string) {
  const key = await Ed25519Multikey.generate({ controller: did });
  const { publicKeyMultibase } = await key.export({ publicKey: true, includeContext: false });
  return { key, multibase: publicKeyMultibase as string, id: `${did}#${publicKeyMultibase as string}` };
}

function didDocument(did: string, methods: { id: string; multibase: string }[]): Json {
  return {
    '@context': [DID_V1, MULTIKEY_V1],
    id: did,
    verificationMethod: methods.map(({ id, multibase }) => ({ id, type: 'Multikey', controller: did, publicKeyMultibase: multibase })),
    assertionMethod: methods.map(({ id }) => id),
  };
}

t.test('did:key (Ed25519) resolves offline', async (t) => {
  const { multibase } = await issuerKey('did:example:x');
  const did = `did:key:${multibase}`;
  const document = await resolveDidKey(did);
  const id = `${did}#${multibase}`;
  t.same(document, {
    '@context': [DID_V1, MULTIKEY_V1],
    id: did,
    verificationMethod: [{ id, type: 'Multikey', controller: did, publicKeyMultibase: multibase }],
    authentication: [id],
    assertionMethod: [id],
    capabilityInvocation: [id],
    capabilityDelegation: [id],
  });
  // the did:key spec's own Ed25519 test vector
  const vector = 'did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp';
  t.equal(((await resolveDidKey(vector)).verificationMethod as Json[])[0]?.id, `${vector}#z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp`);

  for (const [did, reason] of [
    ['did:key:zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169', /a P-256 key; only Ed25519 keys/],
    ['did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme', /a secp256k1 key/],
    ['did:key:z6LSeu9HkTHSfLLeUs2nnzUSNedgDUevfNQgQjQC23ZCit6F', /X25519/],
    ['did:key:zXwpBnMdCm1cLmKuzAESnARv4SjTLMUN9tTXpWTMT', /an unsupported key/],
    ['did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDoo', /does not hold a valid Ed25519 public key/], // truncated
    ['did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWpWp', /does not hold a valid Ed25519 public key/], // too long
    ['did:key:mO0ABCD', /not a did:key with a base58btc/],
    ['did:key:z6Mk0OIl', /not a did:key with a base58btc/],
  ] as const) {
    await t.rejects(resolveDidKey(did), reason, did);
    await t.rejects(resolveDidKey(did), DidKeyError, `${did}: a DidKeyError`);
  }
});

t.test('did:web document URLs', async (t) => {
  for (const [did, url] of [
    ['did:web:example.org', 'https://example.org/.well-known/did.json'],
    ['did:web:Example.ORG', 'https://example.org/.well-known/did.json'],
    ['did:web:example.org%3A8443', 'https://example.org:8443/.well-known/did.json'],
    ['did:web:example.org:issuers:academy', 'https://example.org/issuers/academy/did.json'],
    ['did:web:w3c-ccg.github.io:user:alice', 'https://w3c-ccg.github.io/user/alice/did.json'],
  ] as const) {
    t.equal(didWebDocumentUrl(did), url, did);
  }
  for (const did of [
    'did:web:',
    'did:web:example.org%2Fevil',
    'did:web:user@example.org',
    'did:web:example.org%3A99999',
    'did:web:example.org%3A',
    'did:web:example.org:..:admin',
    'did:web:example.org:a%2F..%2Fb',
    'did:web:example.org:a?x=1',
    'did:web:example.org:',
    'did:web:-example.org',
    'did:web:[::1]',
  ]) {
    t.throws(() => didWebDocumentUrl(did), DidResolutionError, did);
  }
});

t.test('the resolver routes each DID to its source', async (t) => {
  const own: string[] = [];
  const fetcher = localFetcher(server);
  const resolveDid = createDidResolver({
    resolveOwnDid: async (did) => (own.push(did), did === 'did:web:localhost%3A3000' ? { id: did } : undefined),
    fetcher,
    publicBaseUrl: BASE_URL,
  });

  t.same(await resolveDid('did:web:localhost%3A3000'), { id: 'did:web:localhost%3A3000' }, 'our own DID from the database');
  t.equal(await resolveDid('did:web:localhost%3A3000:centres:atlantis'), undefined, 'an unknown DID on our host');
  t.equal(await resolveDid('did:web:LOCALHOST%3a3000:centres:x'), undefined, 'our host in another spelling');
  t.same(own, ['did:web:localhost%3A3000', 'did:web:localhost%3A3000:centres:atlantis', 'did:web:LOCALHOST%3a3000:centres:x']);
  t.same(fetcher.calls, [], 'never over HTTP to ourselves');

  t.equal(await resolveDid('did:example:123'), undefined, 'a method this verifier does not resolve');
  t.equal(await resolveDid('did:ion:EiClkZMDxPKqC9c-umQfTkR8vvZ9JPhl_xLDI9Nfk38w5w'), undefined);
  t.equal(fetcher.calls.length, 0);

  const { multibase } = await issuerKey('did:example:x');
  t.equal((await resolveDid(`did:key:${multibase}`))?.id, `did:key:${multibase}`, 'did:key, offline');
  await t.rejects(resolveDid('did:key:zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169'), /P-256/);
  t.equal(fetcher.calls.length, 0);

  // another did:web: fetched, checked, relative references made absolute
  const did = `did:web:${HOST}:relative`;
  server.routes.set('/relative/did.json', json({
    '@context': [DID_V1, MULTIKEY_V1],
    id: did,
    verificationMethod: [{ id: '#key-1', type: 'Multikey', controller: did, publicKeyMultibase: multibase }],
    assertionMethod: ['#key-1'],
    authentication: [{ id: '#key-2', type: 'Multikey', controller: did, publicKeyMultibase: multibase }],
  }));
  const document = await resolveDid(did);
  t.same(fetcher.calls, [`https://issuer.test:${server.port}/relative/did.json`]);
  t.equal((document?.verificationMethod as Json[])[0]?.id, `${did}#key-1`);
  t.same(document?.assertionMethod, [`${did}#key-1`]);
  t.equal((document?.authentication as Json[])[0]?.id, `${did}#key-2`);
  await resolveDid(did);
  t.equal(fetcher.calls.length, 1, 'the two look-ups of one verification share one fetch');

  // a document for another DID, or not a document at all
  server.routes.set('/other/did.json', json({ id: `did:web:${HOST}:someone-else` }));
  await t.rejects(resolveDid(`did:web:${HOST}:other`), { name: 'DidResolutionError', message: /is the DID document of did:web:.*someone-else, not of did:web:.*:other/ });
  server.routes.set('/no-id/did.json', json({ verificationMethod: [] }));
  await t.rejects(resolveDid(`did:web:${HOST}:no-id`), /of no DID, not of/);
  server.routes.set('/array/did.json', json([1, 2, 3]));
  await t.rejects(resolveDid(`did:web:${HOST}:array`), /not a DID document/);
  // unreachable and refused: the fetcher's typed errors, with the reason
  await t.rejects(resolveDid(`did:web:${HOST}:nobody-home`), FetchFailedError);
  await t.rejects(resolveDid('did:web:intranet.example'), { name: 'FetchFailedError', message: /could not be resolved/ });
  await t.rejects(resolveDid('did:web:example.org:..:x'), DidResolutionError);

  // a failure is not remembered: the next verification tries again
  const late = `did:web:${HOST}:late`;
  await t.rejects(resolveDid(late), /HTTP 404/);
  server.routes.set('/late/did.json', json({ id: late }));
  t.same(await resolveDid(late), { id: late });
});

// ---------------------------------------------------------------------------------------------------
// Through POST /api/v1/verify
// ---------------------------------------------------------------------------------------------------


/** An Open Badges credential in another issuer's name, signed with the stock library as that issuer would (proof as the array OB 3.0 requires). */
async function signedBy(issuer: string, key: Awaited<ReturnType<typeof issuerKey>>['key'], extra: Json = {}): Promise<Json> {
  const { proof: _proof, ...unsigned } = structuredClone(ours);
  const credential = { ...unsigned, id: `urn:uuid:${randomUUID()}`, issuer: { id: issuer, type: ['Profile'], name: 'Independent Academy' }, ...extra };
  const suite = new DataIntegrityProof({ signer: key.signer(), cryptosuite: stockCryptosuite });
  return withProofArray(await vc.issue({ credential, suite, documentLoader: outsideContextLoader }));
}

async function verifyWith(target: typeof app, credential: Json): Promise<Report> {
  const response = await target.inject({ method: 'POST', url: '/api/v1/verify', payload: { verifiableCredential: credential } });
  if (response.statusCode !== 200) throw new Error(`verify: ${response.statusCode} ${response.body}`);
  return response.json() as Report;
}
const checkOf = (report: Report, name: string) => report.checks.find((check) => check.check === name);

function assertUnrecognisedButGenuine(t: Test, report: Report) {
  t.match(checkOf(report, 'proof'), { status: 'passed', code: 'proof.valid' }, 'the signature checks out');
  t.match(checkOf(report, 'issuer'), { status: 'failed', code: 'issuer.unrecognised' }, 'not a centre of this service');
  t.match(checkOf(report, 'schema'), { status: 'passed', code: 'schema.ob3' });
  t.equal(report.verdict, 'unrecognised-issuer');
  t.equal(report.verified, false);
}

function assertUnresolvable(t: Test, report: Report, reason: RegExp) {
  t.match(checkOf(report, 'proof'), { status: 'unknown', code: 'proof.unresolvable' }, 'the proof could not be checked');
  t.match(checkOf(report, 'proof')?.message, reason, 'the message says why');
  t.equal(report.verdict, 'unknown', 'fail closed');
  t.equal(report.verified, false);
}

t.test('our own credentials are resolved from the database, never fetched', async (t) => {
  const report = await verifyWith(app, ours);
  t.equal(report.verdict, 'valid');
  t.same(fetcher.calls, []);
});

t.test('a did:key issuer: valid signature, unrecognised issuer', async (t) => {
  const { key, multibase } = await issuerKey('did:example:placeholder');
  const did = `did:key:${multibase}`;
  const didKey = await Ed25519Multikey.from({ ...(await key.export({ publicKey: true, secretKey: true })), id: `${did}#${multibase}`, controller: did });
  const signed = await signedBy(did, didKey);
  assertUnrecognisedButGenuine(t, await verifyWith(app, signed));
  t.same(fetcher.calls, [], 'did:key needs no network');

  const tampered = structuredClone(signed);
  (tampered.credentialSubject as Json).identifier = [{ type: 'IdentityObject', identityHash: 'Someone Else', identityType: 'name', hashed: false }];
  const report = await verifyWith(app, tampered);
  t.match(checkOf(report, 'proof'), { status: 'failed', code: 'proof.invalid' });
  t.equal(report.verdict, 'invalid');
});

t.test('a did:web issuer on another host, served over HTTPS', async (t) => {
  await t.test('at /.well-known/did.json', async (t) => {
    const did = `did:web:${HOST}`;
    const signer = await issuerKey(did);
    server.routes.set('/.well-known/did.json', json(didDocument(did, [signer]), { 'content-type': 'application/did+json', 'cache-control': 'max-age=300' }));
    const before = server.hits('/.well-known/did.json');
    const signed = await signedBy(did, signer.key);
    assertUnrecognisedButGenuine(t, await verifyWith(app, signed));
    t.equal(server.hits('/.well-known/did.json') - before, 1, 'fetched once for the proof (method and controller)');

    const tampered = structuredClone(signed);
    tampered.validFrom = '2020-01-01T00:00:00Z';
    const report = await verifyWith(app, tampered);
    t.match(checkOf(report, 'proof'), { status: 'failed', code: 'proof.invalid' });
    t.equal(report.verdict, 'invalid');
  });

  await t.test('with a path', async (t) => {
    const did = `did:web:${HOST}:issuers:academy`;
    const retired = await issuerKey(did);
    const current = await issuerKey(did);
    server.routes.set('/issuers/academy/did.json', json(didDocument(did, [current, retired])));
    assertUnrecognisedButGenuine(t, await verifyWith(app, await signedBy(did, retired.key)));
    assertUnrecognisedButGenuine(t, await verifyWith(app, await signedBy(did, current.key)));
  });

  await t.test('signed with a key the DID document does not list: invalid', async (t) => {
    const did = `did:web:${HOST}:issuers:careful`;
    const listed = await issuerKey(did);
    const impostor = await issuerKey(did);
    server.routes.set('/issuers/careful/did.json', json(didDocument(did, [listed])));
    const report = await verifyWith(app, await signedBy(did, impostor.key));
    t.match(checkOf(report, 'proof'), { status: 'failed', code: 'proof.invalid' });
    t.match(checkOf(report, 'proof')?.message, /verification method not in the DID document/);
    t.equal(report.verdict, 'invalid');
  });

  await t.test('a document whose id is another DID: unresolvable, never valid', async (t) => {
    const did = `did:web:${HOST}:issuers:mislabelled`;
    const signer = await issuerKey(did);
    // e.g. a copy of someone else's document, or a host serving one document for every path
    server.routes.set('/issuers/mislabelled/did.json', json({ ...didDocument(did, [signer]), id: `did:web:${HOST}:issuers:academy` }));
    const report = await verifyWith(app, await signedBy(did, signer.key));
    assertUnresolvable(t, report, /is the DID document of did:web:.*academy, not of did:web:.*mislabelled/);
  });

  await t.test('no document there (404): unresolvable', async (t) => {
    const did = `did:web:${HOST}:issuers:gone`;
    const signer = await issuerKey(did);
    assertUnresolvable(t, await verifyWith(app, await signedBy(did, signer.key)), /HTTP 404/);
  });

  await t.test('the issuer\'s server is down: unresolvable, verdict unknown', async (t) => {
    const closed = createTcpServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const did = `did:web:issuer.test%3A${port}`;
    const signer = await issuerKey(did);
    const report = await verifyWith(app, await signedBy(did, signer.key));
    assertUnresolvable(t, report, /the connection was refused/);
    t.match(checkOf(report, 'issuer'), { status: 'unknown', code: 'issuer.not-checked' }, 'an unchecked signature: its issuer is not judged either');
  });
});

t.test('default configuration: the address guard keeps the service off loopback', async (t) => {
  const plain = await build(t);
  const did = `did:web:localhost%3A${server.port}:guarded`;
  const signer = await issuerKey(did);
  server.routes.set('/guarded/did.json', json(didDocument(did, [signer])));
  const report = await verifyWith(plain.app, await signedBy(did, signer.key));
  assertUnresolvable(t, report, /localhost resolves to .*, which is not a public internet address/);
  t.equal(server.hits('/guarded/did.json'), 0, 'no request was made');
});

t.test('REMOTE_RESOLUTION=false: did:web is not fetched, did:key still verifies', async (t) => {
  const offline = await build(t, { REMOTE_RESOLUTION: 'false' });
  const did = `did:web:${HOST}:offline`;
  const signer = await issuerKey(did);
  server.routes.set('/offline/did.json', json(didDocument(did, [signer])));
  assertUnresolvable(t, await verifyWith(offline.app, await signedBy(did, signer.key)), /remote resolution is disabled/);
  t.equal(server.hits('/offline/did.json'), 0);

  const { key, multibase } = await issuerKey('did:example:placeholder');
  const didKey = `did:key:${multibase}`;
  const keyPair = await Ed25519Multikey.from({ ...(await key.export({ publicKey: true, secretKey: true })), id: `${didKey}#${multibase}`, controller: didKey });
  assertUnrecognisedButGenuine(t, await verifyWith(offline.app, await signedBy(didKey, keyPair)));
  const own = await issue(offline.app, await demoToken(offline), { achievementId: await firstAchievementId(offline.app), recipient: { name: 'Omar Farouk' } });
  t.equal((await verifyWith(offline.app, own.json().verifiableCredential as Json)).verdict, 'valid', 'our own credentials need no network either');
});

t.test('configuration of outbound fetching', async (t) => {
  t.same(loadConfig({}).remote, { enabled: true, timeoutMs: 5000, maxBytes: 262_144, allowPrivateAddresses: false });
  t.same(
    loadConfig({ REMOTE_RESOLUTION: 'false', REMOTE_FETCH_TIMEOUT_MS: '1500', REMOTE_FETCH_MAX_BYTES: '65536', REMOTE_ALLOW_PRIVATE_ADDRESSES: 'true' }).remote,
    { enabled: false, timeoutMs: 1500, maxBytes: 65_536, allowPrivateAddresses: true },
  );
  for (const [env, message] of [
    [{ REMOTE_RESOLUTION: 'off' }, /REMOTE_RESOLUTION use true or false/],
    [{ REMOTE_FETCH_TIMEOUT_MS: '0' }, /REMOTE_FETCH_TIMEOUT_MS/],
    [{ REMOTE_FETCH_MAX_BYTES: 'lots' }, /REMOTE_FETCH_MAX_BYTES/],
  ] as const) {
    t.throws(() => loadConfig(env), message, JSON.stringify(env));
  }
  const disabled = createGuardedFetcher({ ...loadConfig({ REMOTE_RESOLUTION: 'false' }).remote });
  await t.rejects(disabled.fetchJson('https://example.org/.well-known/did.json'), FetchRefusedError);
});
