import { createHash, randomUUID } from 'node:crypto';
import t, { type Test } from 'tap';
import { adminToken, build, demoToken, firstAchievementId } from '../../helper.js';
import { stockVerifier } from '../../support/stock-verifier.js';
import { EGYPT_DID, openBadge as courseBadge, UNKNOWN_OPTION, V1, V2, VCDM } from '../../support/vcalm-fixtures.js';

// VCALM issue and verify with credentials shaped as the W3C specifications allow (fixtures written from the VC Data
// Model 2.0 and 1.1 texts and their examples): a subject that is only an id, the examples context, VC 1.1
// credentials, the issue options, and related resources whose digests the service can check. What VCALM issues,
// the stock @digitalbazaar verifier accepts.

type Json = Record<string, unknown>;

const EXAMPLES = 'https://www.w3.org/ns/credentials/examples/v2';
const DATA_INTEGRITY = 'https://w3id.org/security/data-integrity/v2';
const SUBJECT_DID = 'did:example:ebfeb1f712ebc6f1c276e12ec21';

const testApp = await build(t);
const { app } = testApp;
const token = await demoToken(testApp);
const manager = await demoToken(testApp, 'credentials:read credentials:issue credentials:manage');
const stock = stockVerifier(app);
const courseUrl = `http://localhost:3000/achievements/${await firstAchievementId(app)}`;

const issueVcalm = (payload: unknown) =>
  app.inject({ method: 'POST', url: '/credentials/issue', headers: { authorization: `Bearer ${token}` }, payload: payload as Json });
const verifyVcalm = (payload: unknown) => app.inject({ method: 'POST', url: '/credentials/verify', payload: payload as Json });
const report = async (credential: Json) => (await app.inject({ method: 'POST', url: '/api/v1/verify', payload: { verifiableCredential: credential } })).json();

async function signed(t: Test, credential: Json, options?: Json): Promise<Json> {
  const response = await issueVcalm({ credential, ...(options ? { options } : {}) });
  t.equal(response.statusCode, 201, response.body.slice(0, 400));
  return response.json().verifiableCredential;
}

async function refused(t: Test, payload: unknown, status: number, expected: RegExp | string, what: string): Promise<Json> {
  const response = await issueVcalm(payload);
  t.equal(response.statusCode, status, `${what}: ${response.body.slice(0, 300)}`);
  t.match(response.headers['content-type'], /^application\/problem\+json/, what);
  t.match(response.json().detail, expected, what);
  return response.json();
}

/** Verified by VCALM, and by the stock library with its own loader over the service's public HTTP interface. */
async function acceptedEverywhere(t: Test, credential: Json) {
  t.same((await verifyVcalm({ verifiableCredential: credential })).json(), { verified: true }, 'VCALM verify');
  const result = await stock.verify(credential);
  t.ok(result.verified, `the stock verifier: ${JSON.stringify(result.error ?? result.results?.map((r: { error?: unknown }) => r.error)).slice(0, 300)}`);
}

// VC 2.0 §4.8 example shape with a subject identified only by its DID.
const subjectOnly = (): Json => ({
  '@context': [V2],
  id: 'urn:uuid:7e2f5d1c-9a3b-4c8d-8e1f-2a3b4c5d6e7f',
  type: ['VerifiableCredential'],
  credentialSubject: { id: SUBJECT_DID },
});

// VC 2.0 §4.6 "Usage of the name and description property", with the examples context.
const exampleDegree = (): Json => ({
  '@context': [V2, EXAMPLES],
  id: 'http://university.example/credentials/3732',
  type: ['VerifiableCredential', 'ExampleDegreeCredential'],
  validFrom: '2015-05-10T12:30:00Z',
  name: 'Example University Degree',
  description: '2015 Bachelor of Science and Arts Degree',
  credentialSubject: { id: SUBJECT_DID, degree: { type: 'ExampleBachelorDegree', name: 'Bachelor of Science and Arts' } },
});

// VC 1.1 §4.6 "Usage of issuanceDate property", with the 1.1 examples expressed through an inline context.
const v1Credential = (): Json => ({
  '@context': [V1, { degree: 'https://example.org/examples#degree', name: 'https://schema.org/name' }],
  id: 'http://example.edu/credentials/1872',
  type: ['VerifiableCredential'],
  issuanceDate: '2010-01-01T19:23:24Z',
  credentialSubject: { id: SUBJECT_DID, degree: { name: 'Bachelor of Science and Arts' } },
});

const openBadge = (): Json => courseBadge({ achievementId: courseUrl, id: `urn:uuid:${randomUUID()}`, learner: 'Amal Fathy' });

t.test('a credentialSubject that only identifies its subject is issued and verified; {} is not', async (t) => {
  const credential = await signed(t, subjectOnly());
  t.same(credential.credentialSubject, { id: SUBJECT_DID });
  await acceptedEverywhere(t, credential);
  const proofCheck = (await report(credential)).checks.find((check: Json) => check.check === 'proof');
  t.equal(proofCheck.status, 'passed', 'the product report\'s proof check agrees');

  const empty = await refused(t, { credential: { ...subjectOnly(), credentialSubject: {} } }, 400, 'vcdm2:credential-subject', 'an empty subject');
  t.equal(empty.type, `${VCDM}MALFORMED_VALUE_ERROR`);
  await refused(t, { credential: { ...subjectOnly(), credentialSubject: [{ id: SUBJECT_DID }, {}] } }, 400, 'credentialSubject[1]', 'one empty subject among several');
});

t.test('the W3C examples context: the specification\'s own example is issued and verified', async (t) => {
  const credential = await signed(t, exampleDegree());
  t.same(credential['@context'], [V2, EXAMPLES], 'nothing added to a 2.0 credential\'s contexts');
  t.equal(credential.issuer, EGYPT_DID);
  await acceptedEverywhere(t, credential);
  // tampering with a claim the examples vocabulary defines is caught
  const tampered = structuredClone(credential);
  ((tampered.credentialSubject as Json).degree as Json).name = 'Master of Science and Arts';
  const answer = (await verifyVcalm({ verifiableCredential: tampered })).json();
  t.equal(answer.verified, false);
  t.ok(answer.problemDetails.some((problem: Json) => problem.type === `${VCDM}CRYPTOGRAPHIC_SECURITY_ERROR`));
  t.notOk((await stock.verify(tampered)).verified, 'the stock verifier refuses it too');
});

t.test('VC Data Model 1.1: signed as given with the Data Integrity context, no status entry; verified with issuanceDate/expirationDate', async (t) => {
  const credential = await signed(t, v1Credential());
  t.same(credential['@context'], [...(v1Credential()['@context'] as unknown[]), DATA_INTEGRITY], 'only the Data Integrity context is added, last');
  t.equal(credential.issuanceDate, '2010-01-01T19:23:24Z');
  t.equal(credential.validFrom, undefined, 'no 2.0 property is invented');
  t.equal(credential.credentialStatus, undefined, 'no status entry: a 1.1 credential cannot be revoked');
  t.same(Object.keys(credential).filter((key) => !(key in v1Credential())).sort(), ['issuer', 'proof']);
  await acceptedEverywhere(t, credential);
  const checked = await report(credential);
  t.match(checked.checks.find((check: Json) => check.check === 'proof'), { status: 'passed' });
  t.match(checked.checks.find((check: Json) => check.check === 'validity'), { status: 'passed', code: 'validity.current' });
  t.equal(checked.credential.validFrom, '2010-01-01T19:23:24Z', 'the summary reads issuanceDate as the start of validity');

  // expirationDate is the end of its validity: VCALM and the report say expired, the signature is fine
  const expired = await signed(t, { ...v1Credential(), expirationDate: '2012-01-01T00:00:00Z' });
  const answer = (await verifyVcalm({ verifiableCredential: expired, options: { returnResults: true } })).json();
  t.equal(answer.verified, false);
  t.ok(answer.problemDetails.some((problem: Json) => problem.type === `${VCDM}RANGE_ERROR`), JSON.stringify(answer.problemDetails));
  t.same(answer.results.validUntil, { verified: false, input: '2012-01-01T00:00:00Z' });
  t.same(answer.results.validFrom, { verified: true, input: '2010-01-01T19:23:24Z' });
  t.equal(answer.results.proof[0].verified, true);
  t.equal((await report(expired)).checks.find((check: Json) => check.check === 'validity').code, 'validity.expired');

  // a future issuanceDate: not yet valid
  const future = await signed(t, { ...v1Credential(), issuanceDate: '2999-01-01T00:00:00Z' });
  t.equal((await report(future)).checks.find((check: Json) => check.check === 'validity').code, 'validity.not-yet-valid');

  await refused(t, { credential: (({ issuanceDate: _drop, ...rest }) => rest)(v1Credential()) }, 400, 'vcdm1:issuance-date', '1.1 without issuanceDate');
  await refused(t, { credential: { ...v1Credential(), issuanceDate: '2010-01-01' } }, 400, 'vcdm1:issuance-date', '1.1 with a date only');
  await refused(t, { credential: { ...v1Credential(), validFrom: '2010-01-01T19:23:24Z' } }, 400, 'vcdm1:v2-properties', '1.1 with validFrom');
  const noStatus = await refused(t, { credential: v1Credential(), options: { credentialStatus: { type: 'BitstringStatusListEntry' } } }, 400, /1\.1.*no status entry/, '1.1 with a status request');
  t.equal(noStatus.type, 'http://localhost:3000/problems/status-entry-unavailable');
  // an IIOE course credential is a VC 2.0 credential (revocable, stored)
  const course = openBadge();
  await refused(t, { credential: { ...course, '@context': [V1, 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json'], issuanceDate: '2025-01-01T00:00:00Z' } }, 400, /VC Data Model 2\.0/, 'a 1.1 course credential');
  // tampered 1.1 credential
  const tampered = { ...credential, issuanceDate: '2009-01-01T19:23:24Z' };
  t.equal((await verifyVcalm({ verifiableCredential: tampered })).json().verified, false);
  t.notOk((await stock.verify(tampered)).verified);
});

t.test('options', async (t) => {
  await t.test('credentialStatus: a course credential\'s entry, revocable through the API; any VC 2.0 credential\'s too (test/modules/vcalm/status.test.ts)', async (t) => {
    const credential = await signed(t, openBadge(), { credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'revocation' } });
    t.match(credential.credentialStatus, { type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListCredential: /^http:\/\/localhost:3000\/status\// });
    await acceptedEverywhere(t, credential);
    const listed = (await app.inject({ method: 'GET', url: '/api/v1/credentials?recipient=Amal%20Fathy', headers: { authorization: `Bearer ${manager}` } })).json();
    const stored = listed.items.find((item: Json) => (item.statusEntry as Json | null)?.statusListIndex === (credential.credentialStatus as Json).statusListIndex);
    t.ok(stored, 'stored among the centre\'s credentials');
    t.equal((await app.inject({ method: 'POST', url: `/api/v1/credentials/${stored.id}/revoke`, headers: { authorization: `Bearer ${manager}` }, payload: { reason: 'test' } })).statusCode, 200);
    t.equal((await verifyVcalm({ verifiableCredential: credential })).json().verified, false, 'revoked for VCALM');
    const stockStatus = await stock.checkStatus(credential);
    t.equal(stockStatus.results?.[0]?.status, true, 'and for the stock status check: the bit is set');

    const plain = await signed(t, subjectOnly(), { credentialStatus: { type: 'BitstringStatusListEntry' } });
    t.match(plain.credentialStatus, { type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListCredential: /^http:\/\/localhost:3000\/status\// }, 'a credential outside the catalogue gets an entry too');
    await acceptedEverywhere(t, plain);
    for (const credentialStatus of [{ type: 'StatusList2021Entry' }, { type: 'BitstringStatusListEntry', statusPurpose: 'suspension' }, { type: 'BitstringStatusListEntry', statusListIndex: '5' }, 'BitstringStatusListEntry']) {
      const response = await issueVcalm({ credential: openBadge(), options: { credentialStatus } });
      t.equal(response.statusCode, 400, JSON.stringify(credentialStatus));
      t.ok(response.json().errors.some((error: Json) => String(error.path).startsWith('body.options.credentialStatus')), 'names the option');
    }
  });

  await t.test('created: the proof\'s created time, an XML Schema dateTimeStamp not in the future', async (t) => {
    const credential = await signed(t, subjectOnly(), { created: '2024-03-01T10:00:00Z' });
    t.equal((credential.proof as Json[])[0]!.created, '2024-03-01T10:00:00Z');
    await acceptedEverywhere(t, credential);
    const course = await signed(t, openBadge(), { created: '2024-03-01T10:00:00Z' });
    t.equal((course.proof as Json[])[0]!.created, '2024-03-01T10:00:00Z', 'course credentials too');
    for (const created of ['2024-03-01T10:00:00', '2024-03-01', 'yesterday', '2999-01-01T00:00:00Z', new Date(Date.now() + 10 * 60_000).toISOString()]) {
      const response = await issueVcalm({ credential: subjectOnly(), options: { created } });
      t.equal(response.statusCode, 400, created);
      t.equal(response.json().type, `${VCDM}MALFORMED_VALUE_ERROR`, created);
      t.match(response.json().errors, [{ path: 'body.options.created' }]);
    }
    t.equal((await issueVcalm({ credential: subjectOnly(), options: { created: 20240301 } })).statusCode, 400, 'a number');
  });

  await t.test('challenge and domain are not issue options; unknown options are UNKNOWN_OPTION_PROVIDED', async (t) => {
    for (const name of ['challenge', 'domain', 'proofPurpose', 'frobnicate']) {
      const response = await issueVcalm({ credential: subjectOnly(), options: { [name]: 'x' } });
      t.equal(response.statusCode, 400, name);
      t.equal(response.json().type, UNKNOWN_OPTION, name);
      t.match(response.json().detail, name);
    }
    t.match((await issueVcalm({ credential: subjectOnly(), options: { challenge: 'abc' } })).json().detail, /presentations/);
    const pointers = await issueVcalm({ credential: subjectOnly(), options: { mandatoryPointers: ['/issuer'] } });
    t.equal(pointers.statusCode, 400, 'mandatoryPointers: no selective-disclosure suite here');
    t.equal(pointers.json().type, UNKNOWN_OPTION);
    t.match(pointers.json().detail, /selective-disclosure/);
  });

  await t.test('securing: data-integrity embeds a proof; vc-jwt answers with an EnvelopedVerifiableCredential; anything else is refused', async (t) => {
    const credential = await signed(t, subjectOnly(), { securing: 'data-integrity' });
    t.match((credential.proof as Json[])[0], { type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022' });

    const payloadOf = (envelope: Json) => {
      const jwt = String(envelope.id).slice('data:application/vc+jwt,'.length);
      const [header, { iat, ...payload }] = jwt.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')));
      t.ok(Number.isInteger(iat) && Math.abs(iat - Date.now() / 1000) < 60, 'the JWT says when it was signed (iat)');
      return { header, payload };
    };
    const enveloped = await signed(t, exampleDegree(), { securing: 'vc-jwt' });
    t.match(enveloped, { '@context': V2, type: 'EnvelopedVerifiableCredential', id: /^data:application\/vc\+jwt,[\w-]+\.[\w-]+\.[\w-]+$/ });
    const { header, payload } = payloadOf(enveloped);
    t.match(header, { alg: 'EdDSA', typ: 'vc+jwt', kid: new RegExp(`^${EGYPT_DID}#`) });
    t.same(payload, { ...exampleDegree(), issuer: EGYPT_DID }, 'the payload is the unsecured credential (and iat), issuer filled in, no proof');
    t.match((await report(enveloped)).checks.find((check: Json) => check.check === 'proof'), { status: 'passed', details: { proofFormat: 'vc+jwt' } });

    // a course credential: stored with its Data Integrity proof (page, JSON, status), answered as an envelope of the same credential
    const course = await signed(t, openBadge(), { securing: 'vc-jwt' });
    const stored = payloadOf(course).payload;
    t.match(stored.credentialStatus, { type: 'BitstringStatusListEntry', statusPurpose: 'revocation' });
    const listed = (await app.inject({ method: 'GET', url: '/api/v1/credentials?recipient=Amal%20Fathy', headers: { authorization: `Bearer ${manager}` } })).json();
    const row = listed.items.find((item: Json) => (item.statusEntry as Json | null)?.statusListIndex === stored.credentialStatus.statusListIndex);
    const page = await app.inject({ method: 'GET', url: `/credentials/${row?.id}`, headers: { accept: 'application/json' } });
    t.equal(page.statusCode, 200, 'its public JSON is the stored Data Integrity copy');
    const { proof: _proof, ...unsecured } = page.json();
    t.same(unsecured, stored, 'the envelope holds exactly the stored credential (and iat)');

    await refused(t, { credential: v1Credential(), options: { securing: 'vc-jwt' } }, 400, /VC Data Model 2\.0/, 'vc-jwt for a 1.1 credential');
    await refused(t, { credential: subjectOnly(), options: { securing: 'vc-jwt', created: '2024-01-01T00:00:00Z' } }, 400, /created/, 'created with vc-jwt');
    const other = await issueVcalm({ credential: subjectOnly(), options: { securing: 'jwt' } });
    t.equal(other.statusCode, 400);
    t.match(other.json().errors, [{ path: /options\.securing/ }]);
  });

  await t.test('the centre\'s default securing, set by the platform admin, applies when the request does not choose', async (t) => {
    const admin = { authorization: `Bearer ${await adminToken(testApp)}` };
    const setDefault = (vcalmSecuring: unknown) => app.inject({ method: 'PATCH', url: '/api/v1/centres/egypt-demo', headers: admin, payload: { vcalmSecuring } });
    t.equal((await setDefault('jwt')).statusCode, 400, 'only data-integrity or vc-jwt');
    const changed = await setDefault('vc-jwt');
    t.equal(changed.statusCode, 200);
    t.equal(changed.json().vcalmSecuring, 'vc-jwt');
    t.teardown(async () => {
      await setDefault('data-integrity');
    });
    t.match(await signed(t, subjectOnly()), { type: 'EnvelopedVerifiableCredential' }, 'no option: the centre\'s vc-jwt');
    t.match(((await signed(t, subjectOnly(), { securing: 'data-integrity' })).proof as Json[])[0], { cryptosuite: 'eddsa-rdfc-2022' }, 'the request still chooses');
  });
});

t.test('relatedResource: digests of resources this service holds are checked on issue and on verify', async (t) => {
  const sri = (algorithm: 'sha256' | 'sha384', bytes: string | Buffer) => `${algorithm}-${createHash(algorithm).update(bytes).digest('base64')}`;
  const multibase = (bytes: string | Buffer) => `u${Buffer.concat([Buffer.from([0x12, 32]), createHash('sha256').update(bytes).digest()]).toString('base64url')}`;
  const withResources = (relatedResource: Json[]): Json => ({ ...subjectOnly(), relatedResource });
  // the examples context as the Working Group publishes it
  const examplesFile = '{\n  "@context": {\n    "@vocab": "https://www.w3.org/ns/credentials/examples#"\n  }\n}\n';

  // bundled contexts whose published bytes are known: the examples context; the base context's SHA-256 (VC 2.0 B.1)
  const baseContextSha256 = `sha256-${Buffer.from('24a18c90e9856d526111f29376e302d970b2bd10182e33959995b0207d7043b9', 'hex').toString('base64')}`;
  const contexts = await signed(t, withResources([
    { id: EXAMPLES, digestSRI: sri('sha384', examplesFile), digestMultibase: multibase(examplesFile) },
    { id: V2, digestSRI: baseContextSha256 },
  ]));
  await acceptedEverywhere(t, contexts);
  await refused(t, { credential: withResources([{ id: EXAMPLES, digestSRI: sri('sha384', `${examplesFile} `) }]) }, 400, /does not match its digestSRI/, 'a changed examples context');
  await refused(t, { credential: withResources([{ id: V2, digestSRI: sri('sha256', 'another file') }]) }, 400, V2, 'a wrong base-context digest');
  await refused(t, { credential: withResources([{ id: EXAMPLES, digestMultibase: multibase('other') }]) }, 400, /digestMultibase/, 'a wrong multibase digest');

  // our own published documents: digests over the bytes served at their URLs
  const issued = await app.inject({ method: 'POST', url: '/api/v1/credentials', headers: { authorization: `Bearer ${manager}` }, payload: { achievementId: await firstAchievementId(app), recipient: { name: 'Hoda Samir' } } });
  const { url, verifiableCredential } = issued.json();
  const listUrl = ((verifiableCredential as Json).credentialStatus as Json).statusListCredential as string;
  const served = async (at: string) => (await app.inject({ method: 'GET', url: new URL(at).pathname, headers: { accept: 'application/json' } })).rawPayload;
  const didUrl = 'http://localhost:3000/centres/egypt-demo/did.json';
  const own = await signed(t, withResources([
    { id: url, digestSRI: sri('sha384', await served(url)) },
    { id: listUrl, digestSRI: sri('sha256', await served(listUrl)) },
    { id: didUrl, digestMultibase: multibase(await served(didUrl)) },
    { id: 'https://example.org/not-ours.png', digestSRI: sri('sha256', 'not read') },
  ]));
  await acceptedEverywhere(t, own);
  t.match((await report(own)).checks.find((check: Json) => check.check === 'proof'), { status: 'passed' });
  await refused(t, { credential: withResources([{ id: url, digestSRI: sri('sha384', 'something else') }]) }, 400, url, 'a mismatched credential digest');
  await refused(t, { credential: withResources([{ id: 'http://localhost:3000/credentials/00000000-0000-4000-8000-000000000000', digestSRI: sri('sha256', 'x') }]) }, 400, /does not exist/, 'an own URL with nothing there');

  // the list changes after signing (a credential on it is revoked): the credential's digest no longer matches
  t.equal((await app.inject({ method: 'POST', url: `/api/v1/credentials/${issued.json().id}/revoke`, headers: { authorization: `Bearer ${manager}` }, payload: { reason: 'test' } })).statusCode, 200);
  const answer = (await verifyVcalm({ verifiableCredential: own })).json();
  t.equal(answer.verified, false, 'VCALM: not verified');
  t.ok(answer.problemDetails.some((problem: Json) => problem.type === `${VCDM}CRYPTOGRAPHIC_SECURITY_ERROR` && String(problem.detail).includes(listUrl)), JSON.stringify(answer.problemDetails));
  const proofCheck = (await report(own)).checks.find((check: Json) => check.check === 'proof');
  t.match(proofCheck, { status: 'failed', code: 'proof.invalid', details: { path: 'relatedResource[1].digestSRI' } });
  t.match(proofCheck.message, listUrl);
});
