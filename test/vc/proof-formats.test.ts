import { randomUUID } from 'node:crypto';
import t from 'tap';
import { keyObjectSigner } from '../../src/vc/cryptosuite.js';
import { centreDid } from '../../src/vc/did-web.js';
import { verifyCredentialProof } from '../../src/vc/verify-proof.js';
import { BASE_URL, build, createCentreWithClient, demoToken, firstAchievementId, issue } from '../helper.js';
import { json, startHttpsServer } from '../support/https-server.js';
import { ED25519_2020_CONTEXT, SIGNING_FORMATS, signCredentialAs, testSigner, type TestSigner } from '../support/proof-suites.js';
import { checkOf, type Json, localFetcher, verify } from '../support/status-lists.js';

// The proof formats this service verifies besides the eddsa-rdfc-2022 it issues: eddsa-jcs-2022 and
// Ed25519Signature2020, signed here with the stock suites over did:key, over one of our centres' did:web (its own
// key, from the database) and over another host's did:web; each round trip verifies and names its format, tampering
// fails, and what is not one of them is refused by name before any DID is resolved.

const server = await startHttpsServer();
t.teardown(() => server.close());
const HOST = `issuer.test%3A${server.port}`;
const testApp = await build(t, {}, { fetcher: localFetcher(server) });
const { app } = testApp;
const token = await demoToken(testApp);
const achievementId = await firstAchievementId(app);
const issued = await issue(app, token, { achievementId, recipient: { name: 'Amina El-Sayed' } });
if (issued.statusCode !== 201) throw new Error(issued.body);
const ours = issued.json().verifiableCredential as Json;

const proofOf = (credential: Json) => (credential.proof as Json[])[0] as Json;
const vcalmVerify = async (verifiableCredential: Json) => (await app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential } })).json();

/** Our OB 3.0 credential as another issuer's: its own id and issuer, no status entry (that list is ours). */
function asIssuedBy(signer: TestSigner): Json {
  const { proof: _proof, credentialStatus: _status, ...unsigned } = structuredClone(ours);
  return { ...unsigned, id: `urn:uuid:${randomUUID()}`, issuer: { id: signer.did, type: ['Profile'], name: 'Independent Academy' } };
}

const renamed = (credential: Json, name: string): Json => {
  const copy = structuredClone(credential);
  (((copy.credentialSubject as Json).identifier as Json[])[0] as Json).identityHash = name;
  return copy;
};

t.test('each format over did:key: verifies, the report names the format, tampering fails', async (t) => {
  for (const format of SIGNING_FORMATS) {
    await t.test(format, async (t) => {
      const signer = await testSigner();
      const credential = await signCredentialAs(format, asIssuedBy(signer), signer);
      t.equal(proofOf(credential).type, format === 'Ed25519Signature2020' ? 'Ed25519Signature2020' : 'DataIntegrityProof', 'the fixture: signed by the stock suite');

      const report = await verify(app, credential);
      t.match(checkOf(report, 'proof'), { status: 'passed', code: 'proof.valid', details: { proofFormat: format } });
      t.equal(report.verdict, 'unrecognised-issuer', 'a good signature by an issuer outside the registry');
      t.match(checkOf(report, 'schema'), { status: 'passed' }, 'still a well-formed OB 3.0 credential');
      t.equal((await vcalmVerify(credential)).verified, true, 'VCALM verify agrees');

      const tampered = renamed(credential, 'Amina El-Sayid');
      const tamperedReport = await verify(app, tampered);
      t.match(checkOf(tamperedReport, 'proof'), { status: 'failed', code: 'proof.invalid', details: { proofFormat: format, reason: 'the signature does not verify' } });
      t.equal(tamperedReport.verdict, 'invalid');
      t.equal((await vcalmVerify(tampered)).verified, false, 'VCALM verify agrees');

      const sloppy = structuredClone(credential);
      proofOf(sloppy).proofValue = `${proofOf(credential).proofValue as string} `;
      t.match(checkOf(await verify(app, sloppy), 'proof')?.details, { proofFormat: format, reason: /exact base58btc/ }, 'the exact proofValue rule holds for every format');
    });
  }
});

t.test('one of our centres signing with its own key in each format: its did:web from the database, the full report valid', async (t) => {
  const { centre, token: centreToken } = await createCentreWithClient(testApp, { slug: 'jordan-proofs' });
  const response = await issue(app, centreToken, { achievementId, recipient: { name: 'Rana Haddad' } });
  t.equal(response.statusCode, 201, response.body);
  const credential = response.json().verifiableCredential as Json;
  const key = await app.ctx.keys.activeAssertionKey({ centreId: centre.id, did: centreDid(BASE_URL, centre.slug) });
  const signer = keyObjectSigner(key.verificationMethodId, key.privateKey);
  for (const format of SIGNING_FORMATS) {
    const resigned = await signCredentialAs(format, credential, signer);
    const report = await verify(app, resigned);
    t.equal(report.verdict, 'valid', `${format}: ${JSON.stringify(report.checks.filter((check) => check.status !== 'passed'))}`);
    t.match(checkOf(report, 'proof')?.details, { proofFormat: format }, `${format}: named in the report`);
    t.match(checkOf(report, 'status'), { code: 'status.active' }, `${format}: its status entry read from our list`);
    t.equal(server.requests.length, 0, `${format}: our own DID never over HTTP`);
  }
});

t.test('another host\'s did:web listing an Ed25519VerificationKey2020 key, as older issuers publish', async (t) => {
  const did = `did:web:${HOST}:academy`;
  const signer = await testSigner(did);
  server.routes.set(
    '/academy/did.json',
    json({
      '@context': ['https://www.w3.org/ns/did/v1', ED25519_2020_CONTEXT],
      id: did,
      verificationMethod: [{ id: signer.method.id, type: 'Ed25519VerificationKey2020', controller: did, publicKeyMultibase: signer.method.publicKeyMultibase }],
      assertionMethod: [signer.method.id],
    }),
  );
  for (const format of SIGNING_FORMATS) {
    const credential = await signCredentialAs(format, asIssuedBy(signer), signer);
    const report = await verify(app, credential);
    t.match(checkOf(report, 'proof'), { status: 'passed', details: { proofFormat: format } }, `${format}: verifies with the 2020 key`);
  }
  t.ok(server.hits('/academy/did.json') >= 1, 'the DID document was fetched from the issuer\'s host');
});

t.test('the issuer\'s key must be listed under assertionMethod: one under authentication only, or under no relationship, is refused', async (t) => {
  const cases: [string, string, string[]][] = [
    ['a key listed under authentication only', 'authenticating', ['authentication']],
    ['a key listed under no relationship', 'unlisted', []],
    ['a key listed under capabilityInvocation and authentication', 'invoking', ['capabilityInvocation', 'authentication']],
  ];
  for (const [what, path, relationships] of cases) {
    const did = `did:web:${HOST}:${path}`;
    const signer = await testSigner(did);
    const document: Json = { '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'], id: did, verificationMethod: [signer.method] };
    for (const relationship of relationships) document[relationship] = [signer.method.id];
    server.routes.set(`/${path}/did.json`, json(document));
    for (const format of SIGNING_FORMATS) {
      const credential = await signCredentialAs(format, asIssuedBy(signer), signer);
      const report = await verify(app, credential);
      t.match(checkOf(report, 'proof'), { status: 'failed', code: 'proof.invalid', details: { proofFormat: format, reason: /not authorized by controller for proof purpose "assertionMethod"/ } }, `${what}, ${format}: the report says why`);
      t.equal(report.verdict, 'invalid', `${what}, ${format}`);
      t.equal((await vcalmVerify(credential)).verified, false, `${what}, ${format}: VCALM verify agrees`);
    }
    t.ok(server.hits(`/${path}/did.json`) >= 1, `${what}: the DID document was read`);
  }
  // the control: the same kind of document listing the key under assertionMethod verifies
  const did = `did:web:${HOST}:asserting`;
  const signer = await testSigner(did);
  server.routes.set('/asserting/did.json', json({ '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'], id: did, verificationMethod: [signer.method], assertionMethod: [signer.method.id] }));
  for (const format of SIGNING_FORMATS) {
    t.match(checkOf(await verify(app, await signCredentialAs(format, asIssuedBy(signer), signer)), 'proof'), { status: 'passed' }, `control, ${format}: listed under assertionMethod, it verifies`);
  }
});

t.test('what is not a supported proof is refused by name, before any DID is resolved', async (t) => {
  const did = `did:web:${HOST}:refused`;
  const signer = await testSigner(did);
  server.routes.set('/refused/did.json', json({ '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'], id: did, verificationMethod: [signer.method], assertionMethod: [signer.method.id] }));
  const jcs = await signCredentialAs('eddsa-jcs-2022', asIssuedBy(signer), signer);
  const legacy = await signCredentialAs('Ed25519Signature2020', asIssuedBy(signer), signer);
  const resolveDid = async (requested: string) => {
    throw new Error(`resolved ${requested}`);
  };
  const reasonOf = async (credential: Json) => {
    const outcome = await verifyCredentialProof({ credential, resolveDid });
    return outcome.outcome === 'invalid' ? outcome.reason : `not invalid: ${JSON.stringify(outcome)}`;
  };

  const cases: [string, Json, RegExp][] = [
    ['a suite this verifier does not have', { ...jcs, proof: [{ ...proofOf(jcs), type: 'EcdsaSecp256k1Signature2019', cryptosuite: undefined }] }, /^unsupported proof EcdsaSecp256k1Signature2019; this verifier checks DataIntegrityProof\/eddsa-rdfc-2022, DataIntegrityProof\/eddsa-jcs-2022 or Ed25519Signature2020$/],
    ['a Data Integrity cryptosuite it does not have', { ...jcs, proof: [{ ...proofOf(jcs), cryptosuite: 'ecdsa-rdfc-2019' }] }, /^unsupported proof DataIntegrityProof\/ecdsa-rdfc-2019;/],
    ['a proof that is not an object', { ...jcs, proof: ['z3FXQ'] }, /^the proof is not a proof object;/],
    ['Ed25519Signature2020 without its suite context', { ...legacy, '@context': (legacy['@context'] as string[]).filter((url) => url !== ED25519_2020_CONTEXT) }, /needs https:\/\/w3id\.org\/security\/suites\/ed25519-2020\/v1 in the document's @context/],
    ['an eddsa-jcs-2022 proofValue of 65 bytes', { ...jcs, proof: [{ ...proofOf(jcs), proofValue: `z1${(proofOf(jcs).proofValue as string).slice(1)}` }] }, /encodes 65 bytes/],
    ['a proofValue of 100,000 base58btc digits (refused before it is decoded)', { ...jcs, proof: [{ ...proofOf(jcs), proofValue: `z${'9'.repeat(100_000)}` }] }, /^the proofValue is 100001 characters long; an Ed25519 signature's is at most 89$/],
    ['an Ed25519Signature2020 proofValue in base64url', { ...legacy, proof: [{ ...proofOf(legacy), proofValue: `u${Buffer.alloc(64, 7).toString('base64url')}` }] }, /not multibase base58btc/],
    ['a 2020 key of another DID', { ...legacy, proof: [{ ...proofOf(legacy), verificationMethod: `did:key:${signer.method.publicKeyMultibase}#${signer.method.publicKeyMultibase}` }] }, /is not one of the issuer's/],
  ];
  const before = server.requests.length;
  for (const [what, credential, reason] of cases) {
    t.match(await reasonOf(credential), reason, what);
    const report = await verify(app, credential);
    t.match(checkOf(report, 'proof'), { status: 'failed', code: 'proof.invalid', details: { reason } }, `${what}: the report says so`);
  }
  t.equal(server.requests.length, before, 'not one request to the issuer\'s host');
  t.equal((await verifyCredentialProof({ credential: { ...jcs, proof: [] }, resolveDid })).outcome, 'missing', 'an empty proof list is a missing proof');
});

t.test('several proofs: the first of a supported format is the one checked, and named', async (t) => {
  const signer = await testSigner();
  const jcs = await signCredentialAs('eddsa-jcs-2022', asIssuedBy(signer), signer);
  const withOther = { ...jcs, proof: [{ type: 'BbsBlsSignature2020', proofValue: 'x' }, proofOf(jcs)] };
  t.match(checkOf(await verify(app, withOther), 'proof'), { status: 'passed', details: { proofFormat: 'eddsa-jcs-2022' } });

  // a proof made over another document does not verify this one, whatever its format
  const other = await signCredentialAs('Ed25519Signature2020', renamed(asIssuedBy(signer), 'Somebody Else'), signer);
  const grafted = { ...structuredClone(other), credentialSubject: structuredClone(jcs.credentialSubject), id: jcs.id };
  t.match(checkOf(await verify(app, grafted), 'proof'), { status: 'failed', details: { proofFormat: 'Ed25519Signature2020' } });

  // eddsa-jcs-2022 signs the proof's @context too: a proof whose @context is not the start of the document's fails
  const moved = structuredClone(jcs);
  proofOf(moved)['@context'] = ['https://www.w3.org/ns/credentials/examples/v2'];
  t.match(checkOf(await verify(app, moved), 'proof'), { status: 'failed', code: 'proof.invalid', details: { proofFormat: 'eddsa-jcs-2022' } });
});
