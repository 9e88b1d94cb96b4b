import { randomUUID } from 'node:crypto';
import { and, count, desc, eq, sql } from 'drizzle-orm';
import t, { type Test } from 'tap';
import { auditEvents, vcalmCredentials } from '../../../src/db/schema/index.js';
import { signCredential } from '../../../src/vc/sign.js';
import { build, createCentreWithClient, demoToken, firstAchievementId, issue } from '../../helper.js';
import { EGYPT_DID, openBadge as courseBadge, UNKNOWN_OPTION, V1, V2, VCDM } from '../../support/vcalm-fixtures.js';

// W3C VCALM (formerly VC-API): POST /credentials/issue -> 201 {verifiableCredential}, 400 for invalid
// input; POST /credentials/verify -> 200 {verified, problemDetails?, results?, credential?} for any
// well-formed request, 400 for malformed input; unknown options -> 400 UNKNOWN_OPTION_PROVIDED.

type Json = Record<string, unknown>;

const XSD_DATE_TIME_STAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

const testApp = await build(t);
const { app } = testApp;
const token = await demoToken(testApp);
// The demo IIOE course the demo centre is authorised for: a centre signs Open Badges only for catalogue courses.
const courseUrl = `http://localhost:3000/achievements/${await firstAchievementId(app)}`;

const openBadge = (achievementId = courseUrl): Json => courseBadge({ achievementId, id: 'urn:uuid:3f0c7e9a-4c1e-4b8e-9d7a-6b2f1e0c5a11' });

function plainCredential(): Json {
  return {
    '@context': [V2],
    id: 'urn:uuid:5a1e0f4e-8c2b-4f6b-9a77-1f0b8e3d2c44',
    type: ['VerifiableCredential'],
    credentialSubject: { id: 'did:example:ebfeb1f712ebc6f1c276e12ec21', name: 'Nadia Mansour' },
  };
}

const issueVcalm = (payload: unknown, authorization: string | null = `Bearer ${token}`) =>
  app.inject({ method: 'POST', url: '/credentials/issue', headers: authorization ? { authorization } : {}, payload: payload as Json });
const verifyVcalm = (payload: unknown) => app.inject({ method: 'POST', url: '/credentials/verify', payload: payload as Json });

async function signed(t: Test, credential: Json): Promise<Json> {
  const response = await issueVcalm({ credential });
  t.equal(response.statusCode, 201, response.body);
  return response.json().verifiableCredential;
}

/** A 400 problem whose detail names `expected`. */
async function rejected(t: Test, payload: unknown, expected: RegExp | string, what: string) {
  const response = await issueVcalm(payload);
  t.equal(response.statusCode, 400, `${what}: ${response.body.slice(0, 300)}`);
  t.match(response.headers['content-type'], /^application\/problem\+json/, what);
  const problem = response.json();
  t.match(problem.detail, expected, what);
  return problem;
}

t.test('issue: an Open Badges credential without issuer gets the caller centre\'s Profile and validFrom', async (t) => {
  const response = await issueVcalm({ credential: openBadge() });
  t.equal(response.statusCode, 201, response.body);
  const body = response.json();
  t.same(Object.keys(body), ['verifiableCredential'], 'the VCALM response shape');
  const credential = body.verifiableCredential;
  t.same(credential.issuer.type, ['Profile']);
  t.equal(credential.issuer.id, EGYPT_DID);
  t.equal(credential.issuer.name, 'IIOE Egypt National Centre (demo)');
  t.type(credential.issuer.url, 'string');
  t.match(credential.validFrom, XSD_DATE_TIME_STAMP);
  t.ok(Math.abs(Date.parse(credential.validFrom) - Date.now()) < 60_000, 'validFrom is the issuance time');
  t.equal(credential.id, 'urn:uuid:3f0c7e9a-4c1e-4b8e-9d7a-6b2f1e0c5a11', 'the caller\'s id is kept');
  t.equal(credential.proof.length, 1, 'one proof, as an array');
  t.match(credential.proof[0], { type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022', proofPurpose: 'assertionMethod' });
  t.match(credential.proof[0].verificationMethod, `${EGYPT_DID}#z6Mk`);

  const verified = await verifyVcalm({ verifiableCredential: credential });
  t.equal(verified.statusCode, 200);
  t.same(verified.json(), { verified: true });

  // the product's own verifier agrees: a valid Open Badges 3.0 credential of a recognised centre
  const report = (await app.inject({ method: 'POST', url: '/api/v1/verify', payload: { verifiableCredential: credential } })).json();
  t.equal(report.verdict, 'valid', JSON.stringify(report.checks));

  // a caller-supplied validFrom is kept
  const dated = await signed(t, { ...openBadge(), validFrom: '2025-01-15T09:00:00Z' });
  t.equal(dated.validFrom, '2025-01-15T09:00:00Z');

  // a course credential gets its one revocation entry and is stored like the product API's: the centre can revoke it
  t.match(credential.credentialStatus, { type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListIndex: /^\d+$/, statusListCredential: /^http:\/\/localhost:3000\/status\// });
  const manager = await demoToken(testApp, 'credentials:read credentials:manage');
  const listed = (await app.inject({ method: 'GET', url: '/api/v1/credentials?recipient=Nadia%20Mansour', headers: { authorization: `Bearer ${manager}` } })).json();
  const stored = listed.items.find((item: Json) => (item.statusEntry as Json | null)?.statusListIndex === (credential.credentialStatus as Json).statusListIndex);
  t.ok(stored, 'the VCALM-issued credential is among the centre\'s credentials');
  t.equal((await app.inject({ method: 'POST', url: `/api/v1/credentials/${stored.id}/revoke`, headers: { authorization: `Bearer ${manager}` }, payload: { reason: 'test' } })).statusCode, 200);
  t.equal((await verifyVcalm({ verifiableCredential: credential })).json().verified, false, 'and its revocation reaches verifiers');

  // the service assigns the status entry: a caller's own is refused
  const withStatus = await issueVcalm({ credential: { ...openBadge(), credentialStatus: { id: 'https://example.org/status/1#5', type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListIndex: '5', statusListCredential: 'https://example.org/status/1' } } });
  t.equal(withStatus.statusCode, 400);
  t.match(withStatus.json().detail, /credentialStatus/);
});

t.test('issue: an achievement outside the IIOE catalogue is refused, naming it', async (t) => {
  for (const achievementId of ['urn:uuid:9d1b2c3a-0000-4000-8000-000000000001', 'http://localhost:3000/achievements/not-a-course', 'https://example.org/achievements/ai-workshop']) {
    const response = await issueVcalm({ credential: openBadge(achievementId) });
    t.equal(response.statusCode, 403, `${achievementId}: ${response.body.slice(0, 200)}`);
    t.match(response.headers['content-type'], /^application\/problem\+json/);
    const problem = response.json();
    t.equal(problem.type, 'http://localhost:3000/problems/course-unauthorised');
    t.match(problem.detail, 'AI in Teaching workshop', 'names the course');
    t.equal(problem.achievementId, achievementId);
  }
});

t.test('issue: a plain VC 2.0 credential gets the issuer DID as a string', async (t) => {
  const credential = await signed(t, plainCredential());
  t.equal(credential.issuer, EGYPT_DID);
  t.equal(credential.validFrom, undefined, 'VC 2.0 does not require validFrom: none is invented');
  t.same(credential.credentialSubject, plainCredential().credentialSubject);
  const verified = await verifyVcalm({ verifiableCredential: credential });
  t.equal(verified.statusCode, 200);
  t.same(verified.json(), { verified: true });

  // issuer given explicitly as the caller's own DID (string or object) is accepted
  const explicit = await signed(t, { ...plainCredential(), issuer: EGYPT_DID });
  t.equal(explicit.issuer, EGYPT_DID);
  const explicitObject = await signed(t, { ...openBadge(), issuer: { id: EGYPT_DID, type: ['Profile'], name: 'Egypt' } });
  t.equal((explicitObject.issuer as Json).name, 'Egypt');
  // a string @context (a one-item ordered set) is accepted
  t.equal((await issueVcalm({ credential: { ...plainCredential(), '@context': V2 } })).statusCode, 201);
});

t.test('issue: authentication and the issuer', async (t) => {
  const unauthenticated = await issueVcalm({ credential: plainCredential() }, null);
  t.equal(unauthenticated.statusCode, 401);
  t.match(unauthenticated.headers['content-type'], /^application\/problem\+json/);

  const readOnly = await demoToken(testApp, 'credentials:read');
  const forbidden = await issueVcalm({ credential: plainCredential() }, `Bearer ${readOnly}`);
  t.equal(forbidden.statusCode, 403);
  t.match(forbidden.json().detail, /credentials:issue/);

  for (const issuer of ['did:web:example.org', { id: 'did:web:localhost%3A3000:centres:pakistan-vcalm', type: ['Profile'], name: 'x' }, 'did:web:localhost%3A3000']) {
    const problem = await rejected(t, { credential: { ...openBadge(), issuer } }, EGYPT_DID, `issuer ${JSON.stringify(issuer).slice(0, 50)}`);
    t.equal(problem.status, 400);
  }

  // each centre signs only as itself
  const other = await createCentreWithClient(testApp, { slug: 'pakistan-vcalm' });
  const asOther = await issueVcalm({ credential: plainCredential() }, `Bearer ${other.token}`);
  t.equal(asOther.statusCode, 201, asOther.body);
  t.equal(asOther.json().verifiableCredential.issuer, 'did:web:localhost%3A3000:centres:pakistan-vcalm');
  const otherAsEgypt = await issueVcalm({ credential: { ...plainCredential(), issuer: EGYPT_DID } }, `Bearer ${other.token}`);
  t.equal(otherAsEgypt.statusCode, 400);
});

t.test('issue: VC Data Model 2.0 violations are 400s naming the rule', async (t) => {
  const { validFrom: _none, ...base } = { ...openBadge(), validFrom: undefined };
  const cases: [string, Json, string][] = [
    ['a VC 1.1 credential without issuanceDate', { ...plainCredential(), '@context': [V1] }, 'vcdm1:issuance-date'],
    ['v1 then v2', { ...plainCredential(), '@context': [V1, V2], issuanceDate: '2025-01-01T00:00:00Z' }, 'vcdm1:contexts'],
    ['v2 then v1', { ...plainCredential(), '@context': [V2, V1] }, 'vcdm2:contexts'],
    ['missing credentialSubject', (() => { const c = plainCredential(); delete c.credentialSubject; return c; })(), 'vcdm2:credential-subject'],
    ['validUntil before validFrom', { ...base, validFrom: '2026-01-02T00:00:00Z', validUntil: '2026-01-01T00:00:00Z' }, 'vcdm2:validity-period'],
    ['issuanceDate present', { ...plainCredential(), issuanceDate: '2025-01-01T00:00:00Z' }, 'vcdm2:v1-properties'],
    ['type without VerifiableCredential', { ...plainCredential(), type: ['OpenBadgeCredential'] }, 'vcdm2:types'],
    ['a proof already present', { ...plainCredential(), proof: { type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022', proofValue: 'z1' } }, 'vcdm2:proof-on-unsigned'],
  ];
  for (const [what, credential, rule] of cases) {
    const problem = await rejected(t, { credential }, rule, what);
    t.match(problem.type, VCDM, `${what}: a VC DM problem type`);
    t.ok(problem.errors?.some((error: { message: string }) => error.message.startsWith(`${rule}:`)), `${what}: errors[] names ${rule}`);
  }
});

t.test('issue: unknown contexts and undefined terms are 400s, never 500s', async (t) => {
  const unknownContext = 'https://example.org/contexts/unknown-v1.jsonld';
  const problem = await rejected(t, { credential: { ...plainCredential(), '@context': [V2, unknownContext] } }, unknownContext, 'unknown context');
  t.equal(problem.type, `${VCDM}PARSING_ERROR`);
  const nested = await rejected(
    t,
    { credential: { ...plainCredential(), '@context': [V2, { colour: { '@id': 'https://example.org/colour', '@context': 'https://example.org/scoped.jsonld' } }] } },
    'https://example.org/scoped.jsonld',
    'unknown scoped context',
  );
  t.equal(nested.status, 400);

  const undefinedTerm = plainCredential();
  (undefinedTerm.credentialSubject as Json).favouriteColour = 'green';
  const response = await issueVcalm({ credential: undefinedTerm });
  t.equal(response.statusCode, 400, response.body);
  t.match(response.json().detail, /safe mode|undefined|favouriteColour/i, 'says why it cannot be signed');
  t.match(response.json().detail, /favouriteColour/, 'names the undefined term, so the caller knows what to fix');

  // the same claim with a context that defines it is signed
  const defined = { ...undefinedTerm, '@context': [V2, { favouriteColour: 'https://example.org/vocab#favouriteColour' }] };
  const ok = await issueVcalm({ credential: defined });
  t.equal(ok.statusCode, 201, ok.body);
  t.same((await verifyVcalm({ verifiableCredential: ok.json().verifiableCredential })).json(), { verified: true });

  // an Open Badges credential that breaks the OB 3.0 model is a 400 too
  const noAchievement = openBadge();
  delete (noAchievement.credentialSubject as Json).achievement;
  await rejected(t, { credential: noAchievement }, /achievement/, 'OB 3.0 without achievement');
});

t.test('issue: options', async (t) => {
  const unknown = await issueVcalm({ credential: plainCredential(), options: { frobnicate: true } });
  t.equal(unknown.statusCode, 400);
  t.equal(unknown.json().type, UNKNOWN_OPTION);
  t.match(unknown.json().detail, /frobnicate/);

  const withId = await issueVcalm({ credential: plainCredential(), options: { credentialId: 'urn:uuid:0e3f3a2c-1111-4111-8111-111111111111' } });
  t.equal(withId.statusCode, 201, 'credentialId is a known option');
  const badType = await issueVcalm({ credential: plainCredential(), options: { credentialId: 42 } });
  t.equal(badType.statusCode, 400);

  const unknownTopLevel = await issueVcalm({ credential: plainCredential(), extra: 1 });
  t.equal(unknownTopLevel.statusCode, 400, 'the request object is closed too');
  const notAnObject = await issueVcalm({ credential: 'a credential' });
  t.equal(notAnObject.statusCode, 400);
});

t.test('issue: a credential signed without a status entry is audited under options.credentialId, else its own id', async (t) => {
  const signedEvents = async () => (await app.ctx.db.select().from(auditEvents).where(eq(auditEvents.action, 'credential.signed.vcalm'))).map((event) => event.details);
  const kept = await app.ctx.db.select({ rows: count() }).from(vcalmCredentials);
  const eventFor = async (credentialId: unknown) => (await signedEvents()).filter((details) => details.credentialId === credentialId);

  const named = 'employee-4711-audit';
  t.equal((await issueVcalm({ credential: plainCredential(), options: { credentialId: named } })).statusCode, 201);
  t.same(await eventFor(named), [{ credentialId: named, type: ['VerifiableCredential'], dataModel: '2.0', securing: 'data-integrity' }], 'the option names it, over the credential\'s own id');
  const [event] = await app.ctx.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'credential.signed.vcalm'), sql`${auditEvents.details}->>'credentialId' = ${named}`));
  t.match(event, { actorKind: 'client', actorClientId: /^[0-9a-f-]{36}$/, credentialId: null }, 'by the calling client; no course credential row to point at');
  t.ok(event!.centreId, 'in the centre\'s trail');

  const enveloped = 'urn:uuid:7d0c1b6e-2f4a-4c59-8e21-3b5f0a9d4c77';
  t.equal((await issueVcalm({ credential: plainCredential(), options: { credentialId: enveloped, securing: 'vc-jwt' } })).statusCode, 201);
  t.match(await eventFor(enveloped), [{ securing: 'vc-jwt', dataModel: '2.0' }], 'a vc-jwt too');

  const v1Id = 'legacy-record-12';
  const v1 = { '@context': [V1], type: ['VerifiableCredential'], issuanceDate: '2010-01-01T19:23:24Z', credentialSubject: { id: 'did:example:ebfeb1f712ebc6f1c276e12ec21' } };
  t.equal((await issueVcalm({ credential: v1, options: { credentialId: v1Id } })).statusCode, 201);
  t.match(await eventFor(v1Id), [{ dataModel: '1.1' }], 'a VC 1.1 credential too');

  const own = `urn:uuid:${randomUUID()}`;
  t.equal((await issueVcalm({ credential: { ...plainCredential(), id: own } })).statusCode, 201);
  t.match(await eventFor(own), [{ credentialId: own }], 'without the option, the credential\'s id');
  const { id: _id, ...unnamed } = plainCredential();
  t.equal((await issueVcalm({ credential: unnamed })).statusCode, 201);
  const [newest] = await app.ctx.db.select().from(auditEvents).where(eq(auditEvents.action, 'credential.signed.vcalm')).orderBy(desc(auditEvents.createdAt)).limit(1);
  t.match(newest?.details, { credentialId: null, dataModel: '2.0' }, 'a credential with neither is audited too, unnamed');

  t.same(await app.ctx.db.select({ rows: count() }).from(vcalmCredentials), kept, 'none of them is kept: without a status entry there is nothing to revoke');
});

t.test('verify', async (t) => {
  const credential = await signed(t, openBadge());

  await t.test('tampered: 200, verified false, a cryptographic problem', async (t) => {
    const tampered = structuredClone(credential);
    (((tampered.credentialSubject as Json).identifier as Json[])[0] as Json).identityHash = 'Nadia Mansoor';
    const response = await verifyVcalm({ verifiableCredential: tampered });
    t.equal(response.statusCode, 200);
    const body = response.json();
    t.equal(body.verified, false);
    t.ok(Array.isArray(body.problemDetails) && body.problemDetails.length > 0, 'problemDetails are returned by default');
    t.ok(body.problemDetails.some((problem: Json) => problem.type === `${VCDM}CRYPTOGRAPHIC_SECURITY_ERROR`), JSON.stringify(body.problemDetails));
    const quiet = await verifyVcalm({ verifiableCredential: tampered, options: { returnProblemDetails: false } });
    t.same(quiet.json(), { verified: false }, 'returnProblemDetails: false leaves them out');
  });

  await t.test('expired: 200, verified false, a range problem', async (t) => {
    const expired = await signed(t, { ...openBadge(), validFrom: '2020-01-01T00:00:00Z', validUntil: '2021-01-01T00:00:00Z' });
    const body = (await verifyVcalm({ verifiableCredential: expired })).json();
    t.equal(body.verified, false);
    t.ok(body.problemDetails.some((problem: Json) => problem.type === `${VCDM}RANGE_ERROR`), JSON.stringify(body.problemDetails));
    t.notOk(body.problemDetails.some((problem: Json) => problem.type === `${VCDM}CRYPTOGRAPHIC_SECURITY_ERROR`), 'the signature itself is fine');
    const withResults = (await verifyVcalm({ verifiableCredential: expired, options: { returnResults: true } })).json();
    t.equal(withResults.results.proof[0].verified, true);
    t.equal(withResults.results.validUntil.verified, false);
    t.equal(withResults.results.validFrom.verified, true);
  });

  await t.test('returnResults and returnCredential', async (t) => {
    const body = (await verifyVcalm({ verifiableCredential: credential, options: { returnResults: true } })).json();
    t.equal(body.verified, true);
    t.equal(body.results.proof[0].verified, true);
    t.same(body.results.proof[0].input, (credential.proof as Json[])[0], 'one result per proof, with that proof as its input');
    t.equal(body.results.validFrom.verified, true);
    t.equal(body.credential, undefined, 'no credential unless asked');

    const tampered = { ...structuredClone(credential), name: 'Something else' };
    const failed = (await verifyVcalm({ verifiableCredential: tampered, options: { returnResults: true } })).json();
    t.equal(failed.results.proof[0].verified, false);

    const echoed = (await verifyVcalm({ verifiableCredential: credential, options: { returnCredential: true } })).json();
    t.equal(echoed.verified, true);
    t.same(echoed.credential, credential);
  });

  await t.test('options: checks tolerated, unknown refused', async (t) => {
    const tolerated = await verifyVcalm({ verifiableCredential: credential, options: { checks: ['proof'] } });
    t.equal(tolerated.statusCode, 200);
    t.equal(tolerated.json().verified, true);
    const unknown = await verifyVcalm({ verifiableCredential: credential, options: { challenge: 'abc' } });
    t.equal(unknown.statusCode, 400);
    t.equal(unknown.json().type, UNKNOWN_OPTION);
    const wrongType = await verifyVcalm({ verifiableCredential: credential, options: { returnResults: 'yes' } });
    t.equal(wrongType.statusCode, 400);
  });

  await t.test('malformed input: 400', async (t) => {
    const { proof: _proof, ...unsigned } = credential;
    const missingProof = await verifyVcalm({ verifiableCredential: unsigned });
    t.equal(missingProof.statusCode, 400);
    t.match(missingProof.json().detail, /proof/);
    for (const payload of [{ verifiableCredential: 'not an object' }, { verifiableCredential: [credential] }, {}, { credential }]) {
      const response = await verifyVcalm(payload);
      t.equal(response.statusCode, 400, JSON.stringify(payload).slice(0, 60));
      t.match(response.headers['content-type'], /^application\/problem\+json/);
    }
    const unknownContext = await verifyVcalm({ verifiableCredential: { ...credential, '@context': [V2, 'https://example.org/ctx.json'] } });
    t.equal(unknownContext.statusCode, 400);
    t.match(unknownContext.json().detail, 'https://example.org/ctx.json');
  });

  await t.test('a credential from the product API verifies here too', async (t) => {
    const achievementId = await firstAchievementId(app);
    const issued = await issue(app, token, { achievementId, recipient: { name: 'Karim Adel' } });
    t.equal(issued.statusCode, 201);
    t.same((await verifyVcalm({ verifiableCredential: issued.json().verifiableCredential })).json(), { verified: true });
  });

  await t.test('status: revoked, suspended and an unreadable list are verified:false with their problem types', async (t) => {
    const manager = await demoToken(testApp, 'credentials:issue credentials:manage');
    const issuedOne = async () => (await issue(app, manager, { achievementId: await firstAchievementId(app), recipient: { name: 'Salma Nour' } })).json();
    const act = async (id: string, action: string) =>
      app.inject({ method: 'POST', url: `/api/v1/credentials/${id}/${action}`, headers: { authorization: `Bearer ${manager}` }, payload: { reason: 'checked in a test' } });

    const revoked = await issuedOne();
    t.equal((await act(revoked.id, 'revoke')).statusCode, 200);
    const revokedAnswer = (await verifyVcalm({ verifiableCredential: revoked.verifiableCredential, options: { returnResults: true } })).json();
    t.equal(revokedAnswer.verified, false);
    t.match(revokedAnswer.problemDetails, [{ type: 'http://localhost:3000/problems/credential-revoked', title: 'status.revoked', detail: /revoked/ }]);
    t.same(revokedAnswer.results.credentialStatus, [{ verified: false, input: revoked.verifiableCredential.credentialStatus }]);
    t.equal(revokedAnswer.results.proof[0].verified, true, 'the signature itself is fine');

    const suspended = await issuedOne();
    t.equal((await act(suspended.id, 'suspend')).statusCode, 200);
    const suspendedAnswer = (await verifyVcalm({ verifiableCredential: suspended.verifiableCredential })).json();
    t.equal(suspendedAnswer.verified, false);
    t.match(suspendedAnswer.problemDetails, [{ type: 'http://localhost:3000/problems/credential-suspended', title: 'status.suspended' }]);

    // an entry pointing at a list that does not exist here: the Bitstring Status List retrieval error
    const unsigned = await issuedOne();
    const { proof: _proof, ...withoutProof } = unsigned.verifiableCredential as Json;
    const elsewhere = { ...withoutProof, credentialStatus: { ...(withoutProof.credentialStatus as Json), statusListCredential: 'http://localhost:3000/status/00000000-0000-4000-8000-000000000000', id: 'http://localhost:3000/status/00000000-0000-4000-8000-000000000000#1' } };
    const resigned = await app.ctx.keys.activeAssertionKey({ centreId: (await app.ctx.lookups.issuer('egypt-demo'))!.centre.id, did: EGYPT_DID });
    const missingList = (await verifyVcalm({ verifiableCredential: await signCredential({ credential: elsewhere, key: resigned }) })).json();
    t.equal(missingList.verified, false);
    t.match(missingList.problemDetails, [{ type: 'https://www.w3.org/ns/credentials/status-list#STATUS_RETRIEVAL_ERROR', title: 'status.unreadable' }]);
  });
});
