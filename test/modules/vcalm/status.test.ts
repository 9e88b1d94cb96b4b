import { randomUUID } from 'node:crypto';
import { count, eq } from 'drizzle-orm';
import t, { type Test } from 'tap';
import { auditEvents, credentials, statusEntries, vcalmCredentials } from '../../../src/db/schema/index.js';
import { insertIssuedCredential } from '../../../src/modules/credentials/repository.js';
import { takenIndexes } from '../../../src/modules/status/repository.js';
import { insertVcalmCredential } from '../../../src/modules/vcalm/repository.js';
import { createCentreWithClient, demoToken } from '../../helper.js';
import { bitAt, bitsOf, checkOf, indexOf, type Json, listIdOf, listPath, listRow, statusListTestApp, verify } from '../../support/status-lists.js';
import { V1, V2 } from '../../support/vcalm-fixtures.js';

// VCALM issue's options.credentialStatus for any VC 2.0 credential (not only our courses'), and VCALM
// POST /credentials/status, which revokes one: the entry comes from the centre's lists exactly like a course
// credential's, is never held twice, and its bit is set when the credential is revoked.

const { testApp, app, token, outside, issued } = await statusListTestApp(t);
const manager = await demoToken(testApp, 'credentials:read credentials:issue credentials:manage');
const issuerOnly = await demoToken(testApp, 'credentials:issue');
const ENTRY_REQUEST = { credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'revocation' } };

// VC 2.0 §4: a credential that is about a subject and nothing else of ours (no IIOE course)
const employment = (id?: string): Json => ({
  '@context': [V2],
  ...(id ? { id } : {}),
  type: ['VerifiableCredential'],
  credentialSubject: { id: 'did:example:ebfeb1f712ebc6f1c276e12ec21' },
});

const post = (url: string, payload: unknown, bearer = token) => app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${bearer}` }, payload: payload as Json });

async function issuedWithEntry(t: Test, credential: Json, options: Json = {}): Promise<Json> {
  const response = await post('/credentials/issue', { credential, options: { ...ENTRY_REQUEST, ...options } });
  t.equal(response.statusCode, 201, response.body.slice(0, 400));
  return response.json().verifiableCredential as Json;
}

const updateStatus = (payload: unknown, bearer = manager) => post('/credentials/status', payload, bearer);

async function listBits(credential: Json) {
  const response = await app.inject({ method: 'GET', url: listPath(credential) });
  return bitsOf(((response.json() as Json).credentialSubject as Json).encodedList as string);
}

t.test('a non-course VC 2.0 credential gets an entry of the centre\'s list, verifies everywhere, and is revoked through /credentials/status', async (t) => {
  const id = `urn:uuid:${randomUUID()}`;
  const credential = await issuedWithEntry(t, employment(id));
  const index = indexOf(credential);
  const listUrl = `http://localhost:3000${listPath(credential)}`;
  t.same(credential.credentialStatus, { id: `${listUrl}#${index}`, type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListIndex: String(index), statusListCredential: listUrl }, 'the shape of our own credentials\' entries');
  const course = await issued('Amina El-Sayed');
  t.equal(listIdOf(course.credential), listIdOf(credential), 'the same list as the course credentials');

  const [row] = await app.ctx.db.select().from(vcalmCredentials).where(eq(vcalmCredentials.credentialIdUrl, id));
  t.ok(row, 'kept');
  t.equal(row!.document, JSON.stringify(credential), 'the document as returned');
  t.equal(row!.statusListIndex, index);
  const [audit] = await app.ctx.db.select().from(auditEvents).where(eq(auditEvents.target, `vcalm-credential:${row!.id}`));
  t.equal(audit?.action, 'credential.signed.vcalm', 'audited with the VCALM signing event');

  t.equal(checkOf(await verify(app, credential), 'status')?.status, 'passed', 'our verifier: not revoked');
  t.ok((await outside.verify(credential)).verified, 'the stock verifier accepts it');
  t.equal((await outside.checkStatus(credential)).results?.[0]?.status, false, 'and reads the bit as clear');

  const response = await updateStatus({ credentialId: id, credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'revocation' }, status: true });
  t.equal(response.statusCode, 200, response.body);
  t.same(response.json(), { credentialId: id, status: true, credentialStatus: credential.credentialStatus });
  const report = await verify(app, credential);
  t.equal(checkOf(report, 'status')?.code, 'status.revoked', 'our verifier: revoked');
  t.equal(report.verified, false);
  t.ok(bitAt(await listBits(credential), index), 'the list bit is set');
  t.equal((await outside.checkStatus(credential)).results?.[0]?.status, true, 'the stock status check reads it set');
  t.notOk(bitAt(await listBits(credential), indexOf(course.credential)), 'the course credential beside it is untouched');
  const [revoked] = await app.ctx.db.select().from(vcalmCredentials).where(eq(vcalmCredentials.id, row!.id));
  t.ok(revoked!.revokedAt, 'recorded as revoked');

  const again = await updateStatus({ credentialId: id, credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'revocation' }, status: true });
  t.equal(again.statusCode, 409, 'revocation is once');
  t.equal(again.json().type, 'http://localhost:3000/problems/credential-revoked');
});

t.test('vc-jwt: the envelope holds the credential with its entry, and revoking it is read through the envelope', async (t) => {
  const id = `urn:uuid:${randomUUID()}`;
  const envelope = await issuedWithEntry(t, employment(id), { securing: 'vc-jwt' });
  t.equal(envelope.type, 'EnvelopedVerifiableCredential');
  const payload = JSON.parse(Buffer.from((envelope.id as string).split(',')[1]!.split('.')[1]!, 'base64url').toString()) as Json;
  t.match(payload.credentialStatus, { type: 'BitstringStatusListEntry', statusPurpose: 'revocation' });
  t.equal(checkOf(await verify(app, envelope), 'status')?.status, 'passed');
  t.equal((await updateStatus({ credentialId: id, credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'revocation' }, status: true })).statusCode, 200);
  t.equal(checkOf(await verify(app, envelope), 'status')?.code, 'status.revoked');
});

t.test('named by options.credentialId, by the urn:uuid given when it has no id, by its uuid; the entry named must be its own', async (t) => {
  const byOption = await issuedWithEntry(t, employment(), { credentialId: 'employee-4711' });
  t.equal(byOption.id, undefined, 'options.credentialId names it: nothing added');
  const mismatched = await updateStatus({ credentialId: 'employee-4711', credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListIndex: String(indexOf(byOption) + 1) }, status: true });
  t.equal(mismatched.statusCode, 400, 'another entry named');
  t.equal(mismatched.json().type, 'http://localhost:3000/problems/status-entry-mismatch');
  t.notOk(bitAt(await listBits(byOption), indexOf(byOption)), 'nothing revoked by the refused request');
  const byOwnEntry = await updateStatus({ credentialId: 'employee-4711', credentialStatus: { ...(byOption.credentialStatus as Json) }, status: true });
  t.equal(byOwnEntry.statusCode, 200, byOwnEntry.body);

  const unnamed = await issuedWithEntry(t, employment());
  t.match(unnamed.id, /^urn:uuid:[0-9a-f-]{36}$/, 'a credential with no name gets one to be revoked by');
  const [row] = await app.ctx.db.select().from(vcalmCredentials).where(eq(vcalmCredentials.credentialIdUrl, unnamed.id as string));
  t.equal(`urn:uuid:${row!.id}`, unnamed.id, 'its own uuid here');
  t.equal((await updateStatus({ credentialId: row!.id, credentialStatus: { type: 'BitstringStatusList', statusPurpose: 'revocation' }, status: true })).statusCode, 200, 'by uuid, with the type the specification\'s example writes');
  t.ok(bitAt(await listBits(unnamed), indexOf(unnamed)));
});

t.test('a course credential is revoked through the product\'s own revocation, by its uuid or public URL', async (t) => {
  const course = await issued('Omar Haddad');
  const response = await updateStatus({ credentialId: course.credential.id, credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'revocation' }, status: true });
  t.equal(response.statusCode, 200, response.body);
  const details = (await app.inject({ method: 'GET', url: `/api/v1/credentials/${course.id}`, headers: { authorization: `Bearer ${manager}` } })).json();
  t.equal(details.status, 'revoked');
  t.equal(details.revocation.reason, 'revoked through VCALM POST /credentials/status');
  t.equal(details.history[0].action, 'credential.revoked', 'audited as the API\'s revocation is');
  t.equal(checkOf(await verify(app, course.credential), 'status')?.code, 'status.revoked');
  const twice = await updateStatus({ credentialId: course.id, credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'revocation' }, status: true });
  t.equal(twice.statusCode, 409);
});

t.test('another centre cannot revoke it (404, as an unknown credential), nor without credentials:manage (403)', async (t) => {
  const id = `urn:uuid:${randomUUID()}`;
  const credential = await issuedWithEntry(t, employment(id));
  const course = await issued('Layla Nasser');
  const other = await createCentreWithClient(testApp, { slug: 'pakistan-status', scopes: ['credentials:manage'] });
  for (const credentialId of [id, course.id, course.credential.id as string, 'urn:uuid:00000000-0000-4000-8000-000000000000']) {
    const response = await updateStatus({ credentialId, credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'revocation' }, status: true }, other.token);
    t.equal(response.statusCode, 404, credentialId);
    t.match(response.headers['content-type'], /^application\/problem\+json/);
  }
  t.equal((await updateStatus({ credentialId: id, credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'revocation' }, status: true }, issuerOnly)).statusCode, 403, 'an issuing client without credentials:manage');
  t.equal(checkOf(await verify(app, credential), 'status')?.status, 'passed', 'still not revoked');
  t.equal(checkOf(await verify(app, course.credential), 'status')?.status, 'passed');
});

t.test('bad bodies are 400 problems naming the field; status false is refused: revocation is final', async (t) => {
  const id = `urn:uuid:${randomUUID()}`;
  const credential = await issuedWithEntry(t, employment(id));
  const good = { credentialId: id, credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'revocation' }, status: true };
  const cases: [unknown, string][] = [
    [{}, 'empty'],
    [{ ...good, credentialId: undefined }, 'no credentialId'],
    [{ ...good, credentialId: '' }, 'empty credentialId'],
    [{ ...good, credentialId: 42 }, 'credentialId a number'],
    [{ ...good, status: undefined }, 'no status'],
    [{ ...good, status: 'true' }, 'status a string'],
    [{ ...good, credentialStatus: undefined }, 'no credentialStatus'],
    [{ ...good, credentialStatus: [good.credentialStatus] }, 'credentialStatus an array'],
    [{ ...good, credentialStatus: { type: 'StatusList2021Entry', statusPurpose: 'revocation' } }, 'another mechanism'],
    [{ ...good, credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'suspension' } }, 'suspension'],
    [{ ...good, credentialStatus: { type: 'BitstringStatusListEntry' } }, 'no statusPurpose'],
    [{ ...good, credentialStatus: { ...good.credentialStatus, statusMessage: [] } }, 'an unknown member of the entry'],
    [{ ...good, reason: 'because' }, 'an unknown member'],
    [{ ...good, status: false }, 'status false'],
  ];
  for (const [payload, what] of cases) {
    const response = await updateStatus(payload);
    t.equal(response.statusCode, 400, `${what}: ${response.body.slice(0, 200)}`);
    t.match(response.headers['content-type'], /^application\/problem\+json/, what);
  }
  const final = (await updateStatus({ ...good, status: false })).json();
  t.equal(final.type, 'http://localhost:3000/problems/revocation-is-final');
  t.match(final.detail, /revocation is final/);
  t.equal(checkOf(await verify(app, credential), 'status')?.status, 'passed', 'nothing was revoked');
});

t.test('indexAllocator is accepted and ignored: the service allocates its own entries', async (t) => {
  const id = `urn:uuid:${randomUUID()}`;
  const credential = await issuedWithEntry(t, employment(id));
  const request = { credentialId: id, credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'revocation' }, status: true };
  const mistyped = await updateStatus({ ...request, indexAllocator: 7 });
  t.equal(mistyped.statusCode, 400, 'a string when given');
  t.equal(mistyped.json().errors?.[0]?.path, 'body.indexAllocator');
  t.notOk(bitAt(await listBits(credential), indexOf(credential)), 'and the refused request revoked nothing');

  const response = await updateStatus({ ...request, indexAllocator: 'urn:uuid:0b5c8a52-3a2e-4f37-9d0e-4b1f7f0c2e19' });
  t.equal(response.statusCode, 200, response.body);
  t.same(response.json(), { credentialId: id, status: true, credentialStatus: credential.credentialStatus }, 'answered as without it: the credential\'s own entry');
  t.ok(bitAt(await listBits(credential), indexOf(credential)), 'that entry\'s bit is set');
  t.equal(checkOf(await verify(app, credential), 'status')?.code, 'status.revoked');
});

t.test('VC 1.1 still gets no entry; a credential bringing its own entry as well as asking for one is refused', async (t) => {
  const v1 = { '@context': [V1], type: ['VerifiableCredential'], issuanceDate: '2010-01-01T19:23:24Z', credentialSubject: { id: 'did:example:ebfeb1f712ebc6f1c276e12ec21' } };
  const before = await app.ctx.db.select({ rows: count() }).from(vcalmCredentials);
  const response = await post('/credentials/issue', { credential: v1, options: ENTRY_REQUEST });
  t.equal(response.statusCode, 400);
  t.equal(response.json().type, 'http://localhost:3000/problems/status-entry-unavailable');
  t.match(response.json().detail, /1\.1 credential gets no status entry/);
  const own = await post('/credentials/issue', { credential: { ...employment(), credentialStatus: { id: 'https://example.org/status/1#5', type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListIndex: '5', statusListCredential: 'https://example.org/status/1' } }, options: ENTRY_REQUEST });
  t.equal(own.statusCode, 400);
  t.same(own.json().errors.map((error: Json) => error.path), ['body.credential.credentialStatus']);
  t.same(await app.ctx.db.select({ rows: count() }).from(vcalmCredentials), before, 'nothing kept');
});

t.test('course and non-course credentials never share an entry', async (t) => {
  const held = new Set<string>();
  for (let round = 0; round < 12; round++) {
    const vcalm = await issuedWithEntry(t, employment(`urn:uuid:${randomUUID()}`));
    const course = await issued(`Learner ${round}`);
    for (const credential of [vcalm, course.credential]) {
      const key = `${listIdOf(credential)}#${indexOf(credential)}`;
      t.notOk(held.has(key), `${key} handed out once`);
      held.add(key);
    }
    // a fresh reading of the list, as another process would make, after each pair
    app.ctx.statusLists.forget((await listRow(app, listIdOf(vcalm))).centreId);
  }
  const [anyVcalm] = await app.ctx.db.select().from(vcalmCredentials).limit(1);
  const taken = await takenIndexes(app.ctx.db, anyVcalm!.statusListId);
  t.ok(taken.includes(anyVcalm!.statusListIndex), 'a VCALM credential\'s entry is among the taken ones a process reads');
  const claims = await app.ctx.db.select({ rows: count() }).from(statusEntries);
  const held1 = await app.ctx.db.select({ rows: count() }).from(credentials);
  const held2 = await app.ctx.db.select({ rows: count() }).from(vcalmCredentials);
  t.equal(claims[0]!.rows, held1[0]!.rows + held2[0]!.rows, 'one claim per credential of either kind');

  // two processes racing for one entry: whichever kind claims it first holds it, the other is refused
  const [course] = await app.ctx.db.select().from(credentials).limit(1);
  const [vcalmRow] = await app.ctx.db.select().from(vcalmCredentials).limit(1);
  const onCourseEntry = { ...vcalmRow!, id: randomUUID(), statusListId: course!.statusListId!, statusListIndex: course!.statusListIndex! };
  t.equal(await app.ctx.db.transaction((tx) => insertVcalmCredential(tx, onCourseEntry, 65_536)), false, 'a VCALM credential cannot take a course credential\'s entry');
  const { issuedAt: _issuedAt, ...columns } = course!;
  const onVcalmEntry = {
    credential: { ...columns, id: randomUUID(), shortCode: null, externalId: null, statusListId: vcalmRow!.statusListId, statusListIndex: vcalmRow!.statusListIndex },
    audit: { actor: { actorKind: 'system' as const, actorClientId: null, actorStaffId: null, requestId: null }, details: {} },
    conditions: { authorisedAt: new Date(), listCapacity: 65_536 },
  };
  t.equal(await insertIssuedCredential(app.ctx.db, onVcalmEntry), false, 'nor a course credential a VCALM credential\'s');
});
