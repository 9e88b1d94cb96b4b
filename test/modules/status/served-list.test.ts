import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import { decodeList } from '@digitalbazaar/vc-bitstring-status-list';
import { eq, sql } from 'drizzle-orm';
import t from 'tap';
import { statusLists } from '../../../src/db/schema/index.js';
import { BASE_URL, build, createCentreWithClient, demoToken, firstAchievementId, issue } from '../../helper.js';
import { stockVerifier } from '../../support/stock-verifier.js';
import { bitAt, bitsOf, checkOf, indexOf, type Json, listIdOf, listPath, listRow, revoke, setIndexes, VC_V2, verify } from '../../support/status-lists.js';

// GET /status/:listId: the signed BitstringStatusListCredential exactly as the spec shapes it, read with an
// independent decoder and verified with the stock libraries; ETag, 304 and Cache-Control; re-signed only when a
// bit changes or half its validity has passed, never per request.

const testApp = await build(t);
const { app } = testApp;
const token = await demoToken(testApp);
const achievementId = await firstAchievementId(app);
const outside = stockVerifier(app);

const uuids = new Map<Json, string>();
async function issued(name: string): Promise<Json> {
  const response = await issue(app, token, { achievementId, recipient: { name } });
  if (response.statusCode !== 201) throw new Error(response.body);
  const credential = response.json().verifiableCredential as Json;
  uuids.set(credential, response.json().id as string);
  return credential;
}
const uuidOf = (credential: Json) => uuids.get(credential)!;

const get = (path: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url: path, headers });

const amina = await issued('Amina El-Sayed');
const omar = await issued('Omar Farouk');
const layla = await issued('Layla Hassan');
const path = listPath(amina);
const listId = listIdOf(amina);
const HOUR = 3_600_000;

t.test('every credential of a centre carries one entry of the centre\'s one revocation list', async (t) => {
  for (const credential of [amina, omar, layla]) {
    const status = credential.credentialStatus as Json;
    const index = status.statusListIndex as string;
    t.match(index, /^(0|[1-9]\d*)$/, 'statusListIndex is a decimal string');
    t.ok(Number(index) < 131_072, 'inside the list');
    t.same(status, {
      id: `${BASE_URL}/status/${listId}#${index}`,
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListIndex: index,
      statusListCredential: `${BASE_URL}/status/${listId}`,
    });
  }
  t.equal(new Set([amina, omar, layla].map(indexOf)).size, 3, 'three different entries');
});

t.test('the served list: exact shape, every bit clear while nothing is revoked', async (t) => {
  const response = await get(path);
  t.equal(response.statusCode, 200);
  t.match(response.headers['content-type'], /^application\/json/);
  const list = response.json() as Json;
  t.same(Object.keys(list).sort(), ['@context', 'credentialSubject', 'id', 'issuer', 'proof', 'type', 'validFrom', 'validUntil']);
  t.same(list['@context'], [VC_V2], 'the VC 2.0 context alone (it defines the Bitstring Status List terms)');
  t.equal(list.id, `${BASE_URL}/status/${listId}`);
  t.same(list.type, ['VerifiableCredential', 'BitstringStatusListCredential']);
  t.equal(list.issuer, (amina.issuer as Json).id, 'issued by the DID that issues the centre\'s credentials');
  t.equal(list.issuer, 'did:web:localhost%3A3000:centres:egypt-demo');
  const subject = list.credentialSubject as Json;
  t.same(Object.keys(subject).sort(), ['encodedList', 'id', 'statusPurpose', 'type']);
  t.equal(subject.id, `${BASE_URL}/status/${listId}#list`);
  t.equal(subject.type, 'BitstringStatusList');
  t.equal(subject.statusPurpose, 'revocation');
  t.match(subject.encodedList, /^u[A-Za-z0-9_-]+$/, 'multibase base64url, no padding');

  const validFrom = Date.parse(list.validFrom as string);
  const validUntil = Date.parse(list.validUntil as string);
  t.match(list.validFrom, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  t.ok(Math.abs(validFrom - Date.now()) < 120_000, 'signed just now');
  t.equal(validUntil - validFrom, 168 * HOUR, 'valid for STATUS_LIST_VALIDITY_HOURS (default a week)');

  t.ok(Array.isArray(list.proof) && (list.proof as Json[]).length === 1, 'proof is a one-element array');
  const [proof] = list.proof as Json[];
  t.match(proof, { type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022', proofPurpose: 'assertionMethod' });
  t.equal(proof?.verificationMethod, (amina.proof as Json[])[0]?.verificationMethod, 'signed with the key that signs the centre\'s credentials');

  const bits = bitsOf(subject.encodedList as string);
  t.equal(bits.length * 8, 131_072, 'GZIP of exactly 131,072 bits (16 KB)');
  t.same(setIndexes(bits), [], 'no bit set');
  const decoded = await decodeList({ encodedList: subject.encodedList as string });
  t.equal(decoded.length, 131_072, 'the stock decoder agrees on the length');
});

t.test('the list\'s signature verifies with the stock libraries, and a changed copy does not', async (t) => {
  const list = (await get(path)).json() as Json;
  const check = (credential: Json) => vc.verifyCredential({ credential, suite: new DataIntegrityProof({ cryptosuite }), documentLoader: outside.documentLoader });
  const result = await check(list);
  t.equal(result.verified, true, String(result.error ?? ''));
  t.ok(outside.fetched.includes('/centres/egypt-demo/did.json'), 'the key was resolved from the centre\'s DID document');

  const longer = structuredClone(list);
  longer.validUntil = '2099-01-01T00:00:00Z';
  t.equal((await check(longer)).verified, false, 'validUntil extended');
  const otherIssuer = structuredClone(list);
  otherIssuer.issuer = 'did:web:localhost%3A3000:centres:jordan';
  t.equal((await check(otherIssuer)).verified, false, 'issuer changed');
});

t.test('ETag: stable across GETs, 304 on If-None-Match, the same bytes and no re-signing per request', async (t) => {
  const first = await get(path);
  const etag = first.headers.etag as string;
  t.match(etag, /^"[A-Za-z0-9_-]{10,}"$/, 'a strong ETag');
  const version = (await listRow(app, listId)).version;
  for (let i = 0; i < 5; i++) {
    const again = await get(path);
    t.equal(again.headers.etag, etag, `GET ${i + 2}: same ETag`);
    t.equal(again.body, first.body, `GET ${i + 2}: byte for byte the same document`);
  }
  t.equal((await listRow(app, listId)).version, version, 'the stored list was not re-signed');

  const notModified = await get(path, { 'if-none-match': etag });
  t.equal(notModified.statusCode, 304);
  t.equal(notModified.body, '', 'no body');
  t.equal(notModified.headers.etag, etag);
  t.equal(notModified.headers['cache-control'], 'public, max-age=60');

  const otherTag = await get(path, { 'if-none-match': '"something-else"' });
  t.equal(otherTag.statusCode, 200, 'another ETag gets the document');
  t.equal(otherTag.body, first.body);
});

t.test('application/vc when asked, the same signed bytes', async (t) => {
  const plain = await get(path);
  const asVc = await get(path, { accept: 'application/vc' });
  t.equal(asVc.statusCode, 200);
  t.match(asVc.headers['content-type'], /^application\/vc(;|$)/);
  t.equal(asVc.body, plain.body);
  t.equal(asVc.headers.etag, plain.headers.etag);
  t.match((await get(path, { accept: 'application/json' })).headers['content-type'], /^application\/json/);
  // The media type depends on Accept while the response is publicly cacheable: a shared cache must key on it.
  t.match(String(asVc.headers.vary ?? ''), /accept/i, 'Vary: Accept (RFC 9110 §12.5.5), as GET /credentials/:id sends');
});

t.test('If-None-Match as caches send it (RFC 9110 §13.1.2: weak comparison, a list of tags, *)', async (t) => {
  const etag = (await get(path)).headers.etag as string;
  t.equal((await get(path, { 'if-none-match': etag })).statusCode, 304, 'the exact tag');
  t.equal((await get(path, { 'if-none-match': `"older", ${etag}` })).statusCode, 304, 'a list holding the tag');
  t.equal((await get(path, { 'if-none-match': `W/${etag}` })).statusCode, 304, 'the weak form a compressing proxy sends');
  t.equal((await get(path, { 'if-none-match': '*' })).statusCode, 304, '* (the list exists)');
  t.equal((await get(path, { 'if-none-match': '"older", W/"other"' })).statusCode, 200, 'control: no matching tag');
});

t.test('issuing and suspending set no bit: the ETag stays; a revocation sets exactly its bit and changes it', async (t) => {
  const before = await get(path);
  const etag = before.headers.etag as string;
  const version = (await listRow(app, listId)).version;

  const more = await issued('Youssef Nabil');
  t.equal(listIdOf(more), listId, 'the new credential takes an entry of the same list');
  t.equal((await get(path)).headers.etag, etag, 'a new credential does not change the published list');

  const suspended = await app.inject({ method: 'POST', url: `/api/v1/credentials/${uuidOf(layla)}/suspend`, headers: { authorization: `Bearer ${token}` }, payload: { reason: 'under review' } });
  t.equal(suspended.statusCode, 200, `suspended ${suspended.statusCode === 200 ? '' : suspended.body}`);
  t.equal((await get(path)).headers.etag, etag, 'a suspension is not a bit of the list');
  t.equal((await get(path, { 'if-none-match': etag })).statusCode, 304);
  t.equal((await listRow(app, listId)).version, version, 'nothing re-signed yet');

  await revoke(app, token, uuidOf(omar));
  const after = await get(path);
  t.equal(after.statusCode, 200);
  const newEtag = after.headers.etag as string;
  t.not(newEtag, etag, 'a new ETag after the revocation');
  t.equal((await listRow(app, listId)).version, version + 1, 're-signed once, by the revocation');
  const stale = await get(path, { 'if-none-match': etag });
  t.equal(stale.statusCode, 200, 'the old ETag no longer matches');
  t.equal(stale.body, after.body, 'and gets the new list');
  t.equal((await get(path, { 'if-none-match': newEtag })).statusCode, 304, 'the new ETag does');

  const list = after.json() as Json;
  const bits = bitsOf((list.credentialSubject as Json).encodedList as string);
  t.equal(bits.length * 8, 131_072);
  t.same(setIndexes(bits), [indexOf(omar)], 'exactly the revoked credential\'s bit is set');
  for (const credential of [amina, layla, more]) t.equal(bitAt(bits, indexOf(credential)), false, `entry ${indexOf(credential)} is clear`);
  const decoded = await decodeList({ encodedList: (list.credentialSubject as Json).encodedList as string });
  t.equal(decoded.getStatus(indexOf(omar)), true, 'the stock decoder reads the same bit');
  t.equal(decoded.getStatus(indexOf(amina)), false);

  const signed = await vc.verifyCredential({ credential: list, suite: new DataIntegrityProof({ cryptosuite }), documentLoader: outside.documentLoader });
  t.equal(signed.verified, true, 'the re-signed list verifies with the stock libraries');
  t.ok(Date.parse(list.validFrom as string) >= Date.parse((before.json() as Json).validFrom as string), 'a fresh validity period');
});

t.test('our verdicts and the stock checkStatus agree on the served list', async (t) => {
  const stockActive = await outside.checkStatus(amina);
  t.equal(stockActive.verified, true, `the stock check could read the list: ${String(stockActive.error ?? '')}`);
  t.equal(stockActive.results?.[0]?.status, false, 'stock: the bit of the active credential is clear');
  const ours = await verify(app, amina);
  t.match(checkOf(ours, 'status'), { status: 'passed', code: 'status.active' });
  t.equal(ours.verdict, 'valid');

  const stockRevoked = await outside.checkStatus(omar);
  t.equal(stockRevoked.verified, true, `the stock check could read the list: ${String(stockRevoked.error ?? '')}`);
  t.equal(stockRevoked.results?.[0]?.status, true, 'stock: the bit of the revoked credential is set');
  const revoked = await verify(app, omar);
  t.match(checkOf(revoked, 'status'), { status: 'failed', code: 'status.revoked' });
  t.equal(revoked.verdict, 'revoked');
  t.equal(revoked.verified, false);
});

t.test('unknown or malformed list ids: 404 problem+json', async (t) => {
  for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-list', `${listId}x`, listId.toUpperCase().replace(/-/g, ''), '1']) {
    const response = await get(`/status/${id}`);
    t.equal(response.statusCode, 404, id);
    t.match(response.headers['content-type'], /^application\/problem\+json/, `${id}: problem+json`);
    t.match(response.json(), { status: 404, title: 'Not Found', detail: /No status list has the id/ }, id);
    t.equal(response.headers.etag, undefined, `${id}: no ETag on an error`);
  }
  t.equal((await get(`/status/${'a'.repeat(101)}`)).statusCode < 500, true, 'an over-long id is a client error');
});

t.test('a new centre\'s list: signed once however many ask at the same moment', async (t) => {
  const jordan = await createCentreWithClient(testApp, { slug: 'jordan-status' });
  const response = await issue(app, jordan.token, { achievementId, recipient: { name: 'Rana Haddad' } });
  t.equal(response.statusCode, 201, `issued ${response.statusCode === 201 ? '' : response.body}`);
  const credential = response.json().verifiableCredential as Json;
  t.not(listIdOf(credential), listId, 'each centre has its own list');
  const answers = await Promise.all(Array.from({ length: 8 }, () => get(listPath(credential))));
  t.same(answers.map((answer) => answer.statusCode), Array(8).fill(200));
  t.equal(new Set(answers.map((answer) => answer.headers.etag)).size, 1, 'one document for all');
  t.equal((await listRow(app, listIdOf(credential))).version, 1, 'signed exactly once');
  t.equal((answers[0]!.json() as Json).issuer, (credential.issuer as Json).id, 'in the Jordan centre\'s name');
  t.equal((answers[0]!.json() as Json).issuer, 'did:web:localhost%3A3000:centres:jordan-status');
});

t.test('configured: Cache-Control max-age and validity; re-signed when half the validity has passed, not before', async (t) => {
  const configured = await build(t, { STATUS_LIST_MAX_AGE_SECONDS: '300', STATUS_LIST_VALIDITY_HOURS: '2' });
  const response = await issue(configured.app, await demoToken(configured), { achievementId: await firstAchievementId(configured.app), recipient: { name: 'Mona Adel' } });
  t.equal(response.statusCode, 201, `issued ${response.statusCode === 201 ? '' : response.body}`);
  const credential = response.json().verifiableCredential as Json;
  const id = listIdOf(credential);
  const served = await configured.app.inject({ method: 'GET', url: listPath(credential) });
  t.equal(served.headers['cache-control'], 'public, max-age=300');
  const list = served.json() as Json;
  t.equal(Date.parse(list.validUntil as string) - Date.parse(list.validFrom as string), 2 * HOUR, 'valid for two hours');
  const row = await listRow(configured.app, id);
  t.equal(row.validUntil?.getTime(), Date.parse(list.validUntil as string), 'the stored validUntil is the signed one');

  // Time passing, as the service sees it: the stored end of validity comes closer.
  const remaining = async (ms: number) => {
    await configured.app.ctx.db.update(statusLists).set({ validUntil: sql`now() + ${`${ms} milliseconds`}::interval` }).where(eq(statusLists.id, id));
    configured.app.ctx.statusLists.changed();
    return configured.app.inject({ method: 'GET', url: listPath(credential) });
  };
  const early = await remaining(HOUR + 5 * 60_000);
  t.equal(early.headers.etag, served.headers.etag, 'more than half the validity left: the same signed list');
  t.equal((await listRow(configured.app, id)).version, row.version, 'not re-signed');

  // Signatures are deterministic and dates are to the second: let the clock move on so the new one differs.
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  const late = await remaining(HOUR - 5 * 60_000);
  t.not(late.headers.etag, served.headers.etag, 'less than half left: re-signed');
  const fresh = late.json() as Json;
  t.ok(Date.parse(fresh.validUntil as string) - Date.now() > 2 * HOUR - 120_000, 'for a full new validity period');
  t.equal((fresh.credentialSubject as Json).encodedList, (list.credentialSubject as Json).encodedList, 'the same bits');
  const resigned = await listRow(configured.app, id);
  t.equal(resigned.version, row.version + 1, 'once');
  const again = await configured.app.inject({ method: 'GET', url: listPath(credential) });
  t.equal(again.headers.etag, late.headers.etag, 'and then served as it is');
  t.equal((await listRow(configured.app, id)).version, resigned.version);
  const report = await verify(configured.app, credential);
  t.equal(report.verdict, 'valid', 'the re-signed list reads as active');
});
