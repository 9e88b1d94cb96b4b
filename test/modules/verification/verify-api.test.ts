import { randomUUID } from 'node:crypto';
import { outsideContextLoader as contextLoader } from '../../support/outside-contexts.js';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { cryptosuite as stockCryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import t, { type Test } from 'tap';
import { findCentreBySlug } from '../../../src/modules/centres/repository.js';
import { setCentreStatus } from '../../../src/modules/centres/service.js';
import { centreDid, platformDid } from '../../../src/vc/did-web.js';
import { signCredential, withProofArray } from '../../../src/vc/sign.js';
import { BASE_URL, build, createCentreWithClient, demoToken, firstAchievementId, issue } from '../../helper.js';

// POST /api/v1/verify: the input variants (credential JSON, our URL, our id), the language of the report,
// and the verdicts for issuers and statuses this service cannot vouch for (fail closed).

type Json = Record<string, unknown>;
type Check = { check: string; status: string; code: string; message: string; details?: Json };
type Report = { verified: boolean; verdict: string; checks: Check[]; credential: Json };

const testApp = await build(t);
const { app } = testApp;
const token = await demoToken(testApp);
const achievementId = await firstAchievementId(app);
const issued = await issue(app, token, { achievementId, recipient: { name: 'Amina El-Sayed' } });
if (issued.statusCode !== 201) throw new Error(issued.body);
const { id, url, verifiableCredential: credential } = issued.json() as { id: string; url: string; verifiableCredential: Json };

const verify = (payload: unknown, query = '', headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: `/api/v1/verify${query}`, payload: payload as Json, headers });
const checkOf = (report: Report, name: string) => report.checks.find((check) => check.check === name);

async function problem(t: Test, response: Awaited<ReturnType<typeof verify>>, status: number, what: string) {
  t.equal(response.statusCode, status, `${what}: ${response.body.slice(0, 300)}`);
  t.match(response.headers['content-type'], /^application\/problem\+json/, `${what}: problem+json`);
  const body = response.json();
  t.match(body, { status, title: String, detail: String, instance: '/api/v1/verify' }, `${what}: RFC 9457 members`);
  return body;
}

/** A fresh Ed25519 key as a did:key, its verification method id being `did:key:<mb>#<mb>`. */
async function didKeyPair() {
  const generated = await Ed25519Multikey.generate();
  const exported = await generated.export({ publicKey: true, secretKey: true, includeContext: true });
  const multibase = exported.publicKeyMultibase as string;
  const did = `did:key:${multibase}`;
  const key = await Ed25519Multikey.from({ ...exported, id: `${did}#${multibase}`, controller: did });
  return { did, multibase, key };
}

/** An unsigned Open Badges credential issued in someone else's name. */
function openBadgeFrom(issuer: Json, extra: Json = {}): Json {
  const { proof: _proof, ...unsigned } = structuredClone(credential);
  return { ...unsigned, id: `urn:uuid:${randomUUID()}`, issuer, validFrom: '2025-01-01T00:00:00Z', ...extra };
}

t.test('by url: our credential links only', async (t) => {
  for (const link of [url, `${url}?lang=ar`, `${url}#share`]) {
    const response = await verify({ url: link });
    t.equal(response.statusCode, 200, link);
    const report = response.json() as Report;
    t.equal(report.verified, true, link);
    t.equal(report.verdict, 'valid');
    t.equal(report.credential.id, url);
  }

  for (const [what, link] of [
    ['a foreign URL', `https://example.org/credentials/${id}`],
    ['our path on a look-alike host', `http://localhost:3000.example.org/credentials/${id}`],
    ['not a URL', 'not a url at all'],
    ['our prefix, no uuid', `${BASE_URL}/credentials/../../etc/passwd`],
    ['our prefix, empty', `${BASE_URL}/credentials/`],
  ] as const) {
    const body = await problem(t, await verify({ url: link }), 422, what);
    t.equal(body.type, `${BASE_URL}/problems/foreign-url`, what);
    t.match(body.errors, [{ path: 'body.url' }], what);
  }

  const unknown = await problem(t, await verify({ url: `${BASE_URL}/credentials/${randomUUID()}` }), 404, 'our link, no such credential');
  t.equal(unknown.type, `${BASE_URL}/problems/not-found`);
});

t.test('by id', async (t) => {
  const response = await verify({ id });
  t.equal(response.statusCode, 200);
  t.equal((response.json() as Report).verdict, 'valid');

  const missing = randomUUID();
  const unknown = await problem(t, await verify({ id: missing }), 404, 'unknown uuid');
  t.match(unknown.detail, missing, 'the detail names the id');
  await problem(t, await verify({ id: 'not-a-uuid' }), 404, 'not a uuid');
});

t.test('exactly one of verifiableCredential, url and id', async (t) => {
  for (const [what, payload] of [
    ['none', {}],
    ['url and id', { url, id }],
    ['credential and id', { verifiableCredential: credential, id }],
    ['all three', { verifiableCredential: credential, url, id }],
  ] as const) {
    const body = await problem(t, await verify(payload), 400, what);
    t.match(body.detail, /exactly one of verifiableCredential, url, id or code/, what);
  }
  await problem(t, await verify({ id, colour: 'green' }), 400, 'an unknown field');
  await problem(t, await verify({ url: 42 }), 400, 'url not a string');
});

t.test('the report language', async (t) => {
  for (const query of ['?lang=fr', '?lang=ar', '?lang=zh', '?lang=en']) {
    const response = await verify({ id }, query);
    t.equal(response.statusCode, 200, query);
    t.equal((response.json() as Report).verdict, 'valid', query);
  }
  const byHeader = await verify({ id }, '', { 'accept-language': 'fr-CH, fr;q=0.9' });
  t.equal(byHeader.statusCode, 200);
  const refused = await problem(t, await verify({ id }, '?lang=xx'), 400, 'unsupported language');
  t.match(refused.errors, [{ path: /lang/ }]);
  t.match(refused.detail, /en, fr, ar, zh/);
});

t.test('an issuer outside this service: did:key, stock-signed, resolved offline', async (t) => {
  const { did, multibase, key } = await didKeyPair();
  const suite = new DataIntegrityProof({ signer: key.signer(), cryptosuite: stockCryptosuite });
  const asSigned = await vc.issue({ credential: openBadgeFrom({ id: did, type: ['Profile'], name: 'Independent Academy' }), suite, documentLoader: contextLoader });
  t.equal((asSigned.proof as Json).verificationMethod, `${did}#${multibase}`);
  // the library writes one proof as an object, which the OB 3.0 JSON Schema refuses: genuine, but not OB 3.0
  const objectProof = (await verify({ verifiableCredential: asSigned })).json() as Report;
  t.match(checkOf(objectProof, 'proof'), { status: 'passed', code: 'proof.valid' }, 'the signature does not depend on the form');
  t.match(checkOf(objectProof, 'schema'), { status: 'failed', code: 'schema.invalid', message: /proof/ }, 'proof must be an array');
  const signed = withProofArray(asSigned);

  const response = await verify({ verifiableCredential: signed });
  t.equal(response.statusCode, 200);
  const report = response.json() as Report;
  t.match(checkOf(report, 'proof'), { status: 'passed', code: 'proof.valid' }, 'the did:key is resolved offline and the signature checks out');
  t.match(checkOf(report, 'issuer'), { status: 'failed', code: 'issuer.unrecognised' });
  t.match(checkOf(report, 'schema'), { status: 'passed', code: 'schema.ob3' });
  // DESIGN §5: `unrecognised-issuer` means "valid signature, issuer not in the registry": a warning, not a forgery.
  t.equal(report.verdict, 'unrecognised-issuer');
  t.equal(report.verified, false, 'not verified: the issuer is not a recognised centre');

  // tampering with it is now detected
  const tampered = structuredClone(signed);
  (tampered.issuer as Json).name = 'IIOE Egypt National Centre';
  const tamperedReport = (await verify({ verifiableCredential: tampered })).json() as Report;
  t.equal(tamperedReport.verified, false);
  t.match(checkOf(tamperedReport, 'proof'), { status: 'failed', code: 'proof.invalid' });
  t.equal(tamperedReport.verdict, 'invalid');

  // a did:key of a key type this verifier does not check: unresolvable, fail closed
  const p256 = 'did:key:zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169';
  const foreignKey = structuredClone(signed);
  foreignKey.issuer = { ...(signed.issuer as Json), id: p256 };
  (foreignKey.proof as Json[])[0]!.verificationMethod = `${p256}#zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169`;
  const foreignReport = (await verify({ verifiableCredential: foreignKey })).json() as Report;
  t.match(checkOf(foreignReport, 'proof'), { status: 'unknown', code: 'proof.unresolvable' });
  t.match(checkOf(foreignReport, 'proof')?.message, /P-256/);
  t.equal(foreignReport.verdict, 'unknown', 'an unchecked signature is not presented as a valid one');
});

t.test('a valid signature from an issuer that is not a recognised centre: unrecognised-issuer', async (t) => {
  await t.test('signed by the platform DID, which is no national centre', async (t) => {
    const did = platformDid(BASE_URL);
    const key = await app.ctx.keys.activeAssertionKey({ centreId: null, did });
    const signed = await signCredential({ credential: openBadgeFrom({ id: did, type: ['Profile'], name: 'IIOE platform' }), key });
    const report = (await verify({ verifiableCredential: signed })).json() as Report;
    t.match(checkOf(report, 'proof'), { status: 'passed', code: 'proof.valid' }, 'the signature is valid');
    t.match(checkOf(report, 'issuer'), { status: 'failed', code: 'issuer.unrecognised' });
    t.equal(report.verdict, 'unrecognised-issuer');
    t.equal(report.verified, false);
  });

  await t.test('a suspended centre', async (t) => {
    const other = await createCentreWithClient(testApp, { slug: 'suspended-test' });
    const response = await issue(app, other.token, { achievementId, recipient: { name: 'Sara Ali' } });
    t.equal(response.statusCode, 201, response.body);
    const before = response.json().verifiableCredential as Json;
    t.equal((await verify({ verifiableCredential: before })).json().verdict, 'valid', 'valid while the centre is active');

    await setCentreStatus({ ctx: app.ctx, actor: { kind: 'cli', clientUuid: null, staffId: null }, slug: 'suspended-test', status: 'suspended', reason: 'test' });
    // Proof timestamps have one-second precision: sign in a later second than the suspension.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const refused = await issue(app, other.token, { achievementId, recipient: { name: 'Sara Ali' } });
    t.equal(refused.statusCode, 403, 'a suspended centre cannot issue through the API');

    // its key, used after the suspension (e.g. a leaked key): a valid signature the network no longer vouches for
    const did = centreDid(BASE_URL, 'suspended-test');
    const key = await app.ctx.keys.activeAssertionKey({ centreId: other.centre.id, did });
    const after = await signCredential({ credential: openBadgeFrom(before.issuer as Json, { validFrom: new Date().toISOString() }), key });
    const report = (await verify({ verifiableCredential: after })).json() as Report;
    t.match(checkOf(report, 'proof'), { status: 'passed', code: 'proof.valid' });
    t.match(checkOf(report, 'issuer'), { status: 'failed', code: 'issuer.suspended' });
    t.equal(report.verdict, 'unrecognised-issuer');
    t.equal(report.verified, false);

    // DESIGN §5: centre suspension is judged at the time of issuance (proof.created), so what the centre
    // issued while it was active stays valid.
    const earlier = (await verify({ verifiableCredential: before })).json() as Report;
    t.match(checkOf(earlier, 'proof'), { status: 'passed', code: 'proof.valid' });
    t.equal(earlier.verdict, 'valid', 'issued before the suspension: still valid');
  });
});

t.test('a recognised centre\'s signature on an achievement outside the IIOE catalogue: course.unauthorised', async (t) => {
  // Such a credential cannot come from our issuance paths; a leaked or misused key could still make one, and the
  // registry does not vouch for a course it does not list.
  const centre = await findCentreBySlug(app.ctx.db, 'egypt-demo');
  const did = centreDid(BASE_URL, 'egypt-demo');
  const key = await app.ctx.keys.activeAssertionKey({ centreId: centre!.id, did });
  const lookalike = openBadgeFrom(credential.issuer as Json);
  const subject = lookalike.credentialSubject as Json;
  subject.achievement = { ...(subject.achievement as Json), id: 'https://example.org/achievements/genai-foundation' };
  const report = (await verify({ verifiableCredential: await signCredential({ credential: lookalike, key }) })).json() as Report;
  t.match(checkOf(report, 'proof'), { status: 'passed', code: 'proof.valid' });
  t.match(checkOf(report, 'issuer'), { status: 'passed', code: 'issuer.recognised' });
  t.match(checkOf(report, 'authorised'), { status: 'failed', code: 'course.unauthorised' });
  t.equal(report.verdict, 'unrecognised-issuer', 'a warning, not a forgery');
  t.equal(report.verified, false);
});

t.test('a credentialStatus this service cannot read: status unknown, not verified', async (t) => {
  const foreignStatus = {
    id: 'https://status.example.org/lists/7#4242',
    type: 'BitstringStatusListEntry',
    statusPurpose: 'revocation',
    statusListIndex: '4242',
    statusListCredential: 'https://status.example.org/lists/7',
  };

  await t.test('on a credential signed by our own centre', async (t) => {
    const did = centreDid(BASE_URL, 'egypt-demo');
    const egypt = await findCentreBySlug(app.ctx.db, 'egypt-demo');
    t.ok(egypt, 'the demo centre exists');
    const key = await app.ctx.keys.activeAssertionKey({ centreId: egypt!.id, did });
    const signed = await signCredential({
      credential: openBadgeFrom(credential.issuer as Json, { credentialStatus: foreignStatus }),
      key,
    });
    const report = (await verify({ verifiableCredential: signed })).json() as Report;
    t.match(checkOf(report, 'proof'), { status: 'passed', code: 'proof.valid' }, 'the signature is fine');
    t.match(checkOf(report, 'issuer'), { status: 'passed', code: 'issuer.recognised' });
    t.match(checkOf(report, 'status'), { status: 'unknown', code: 'status.unreadable' });
    t.equal(report.verified, false);
    t.equal(report.verdict, 'unknown');
  });

  await t.test('on a credential from a foreign did:key issuer', async (t) => {
    const { did, key } = await didKeyPair();
    const suite = new DataIntegrityProof({ signer: key.signer(), cryptosuite: stockCryptosuite });
    const signed = await vc.issue({
      credential: openBadgeFrom({ id: did, type: ['Profile'], name: 'Independent Academy' }, { credentialStatus: foreignStatus }),
      suite,
      documentLoader: contextLoader,
    });
    const report = (await verify({ verifiableCredential: signed })).json() as Report;
    t.match(checkOf(report, 'status'), { status: 'unknown', code: 'status.unreadable' });
    t.equal(report.verified, false);
    t.not(report.verdict, 'valid');
  });
});
