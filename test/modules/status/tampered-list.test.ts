import { createCredential, createList } from '@digitalbazaar/vc-bitstring-status-list';
import * as vc from '@digitalbazaar/vc';
import t, { type Test } from 'tap';
import { centreDid } from '../../../src/vc/did-web.js';
import { signCredential } from '../../../src/vc/sign.js';
import { BASE_URL, createCentreWithClient, issue } from '../../helper.js';
import { outsideContextLoader } from '../../support/outside-contexts.js';
import {
  bitAt,
  bitsOf,
  checkOf,
  didKeyIssuer,
  entry,
  indexOf,
  type Json,
  listIdOf,
  listPath,
  listRow,
  outsideCredential,
  type Report,
  revoke,
  statusListTestApp,
  storeDocument,
  verify,
  withFlippedBit,
} from '../../support/status-lists.js';

// Our own lists are read from the database, but checked exactly as an outside verifier checks the published
// list: a stored list changed without re-signing, a list past its validUntil, or a list in another issuer's
// name makes the status unreadable (verdict "unknown", fail closed), never "active".

const { testApp, app, token, achievementId, outside, issued } = await statusListTestApp(t);

const active = await issued('Amina El-Sayed');
const revoked = await issued('Omar Farouk');
await revoke(app, token, revoked.id, 'issued in error');
const listId = listIdOf(active.credential);
const original = (await listRow(app, listId)).document!;
const untouchedIndex = (() => {
  // an entry held by no credential, away from both
  let index = (indexOf(active.credential) + 65_536) % 131_072;
  while (index === indexOf(revoked.credential)) index++;
  return index;
})();

function assertUnreadable(t: Test, report: Report, reason: RegExp) {
  t.match(checkOf(report, 'status'), { status: 'unknown', code: 'status.unreadable' }, 'status unknown');
  t.match(checkOf(report, 'status')?.details?.reason, reason, 'says why');
  t.equal(report.verdict, 'unknown', 'verdict unknown');
  t.equal(report.verified, false, 'not verified');
}

t.beforeEach(async () => storeDocument(app, listId, original));

t.test('the untampered list: active reads active, revoked reads revoked', async (t) => {
  const report = await verify(app, active.credential);
  t.match(checkOf(report, 'status'), { status: 'passed', code: 'status.active' });
  t.equal(report.verdict, 'valid');
  t.equal((await verify(app, revoked.credential)).verdict, 'revoked');
  const bits = bitsOf(((JSON.parse(original) as Json).credentialSubject as Json).encodedList as string);
  t.equal(bitAt(bits, indexOf(revoked.credential)), true, 'the revoked entry is set in the stored list');
  t.equal(bitAt(bits, untouchedIndex), false);
});

t.test('one bit of another entry flipped in the stored list, not re-signed: unknown, not active', async (t) => {
  const tampered = withFlippedBit(original, untouchedIndex);
  t.not(tampered, original);
  t.equal(bitAt(bitsOf(((JSON.parse(tampered) as Json).credentialSubject as Json).encodedList as string), untouchedIndex), true, 'the flip took');
  await storeDocument(app, listId, tampered);

  const report = await verify(app, active.credential);
  assertUnreadable(t, report, /signature does not verify/);
  t.equal(checkOf(report, 'status')?.details?.error, 'STATUS_VERIFICATION_ERROR');
  t.match(checkOf(report, 'proof'), { status: 'passed' }, 'the credential itself is intact');

  const served = await app.inject({ method: 'GET', url: listPath(active.credential) });
  t.equal(served.body, tampered, 'the tampered bytes are what an outside verifier would get');
  const stock = await outside.checkStatus(active.credential);
  t.equal(stock.verified, false, 'the stock verifier cannot check the status either');

  await storeDocument(app, listId, original);
  t.equal((await verify(app, active.credential)).verdict, 'valid', 'control: the signed list reads active again');
});

t.test('the credential\'s own bit set without re-signing: unknown, not revoked on an unsigned word', async (t) => {
  await storeDocument(app, listId, withFlippedBit(original, indexOf(active.credential)));
  assertUnreadable(t, await verify(app, active.credential), /signature does not verify/);
});

t.test('a revoked credential\'s bit cleared without re-signing: still revoked, never active', async (t) => {
  await storeDocument(app, listId, withFlippedBit(original, indexOf(revoked.credential)));
  const report = await verify(app, revoked.credential);
  t.notMatch(checkOf(report, 'status'), { status: 'passed' });
  t.match(checkOf(report, 'status'), { status: 'failed', code: 'status.revoked' }, 'our records of the revocation stand');
  t.equal(report.verdict, 'revoked');
  const stock = await outside.checkStatus(revoked.credential);
  t.equal(stock.verified, false, 'an outside verifier cannot read it as active either');
});

t.test('any other change to the signed list (its validity extended): unknown', async (t) => {
  const list = JSON.parse(original) as Json;
  await storeDocument(app, listId, JSON.stringify({ ...list, validUntil: '2099-12-31T23:59:59Z' }));
  assertUnreadable(t, await verify(app, active.credential), /signature does not verify/);
});

t.test('a validly signed list past its validUntil (an old list replayed): unknown', async (t) => {
  // Signed by the centre's own key, for a period that has ended, with the current bits.
  const did = centreDid(BASE_URL, 'egypt-demo');
  const row = await listRow(app, listId);
  const key = await app.ctx.keys.activeAssertionKey({ centreId: row.centreId, did });
  const list = await createList({ length: 131_072 });
  list.setStatus(indexOf(revoked.credential), true);
  const unsigned = await createCredential({ id: `${BASE_URL}/status/${listId}`, list, statusPurpose: 'revocation' });
  const old = await vc.issue({
    credential: { ...unsigned, issuer: did, validFrom: '2026-01-01T00:00:00Z', validUntil: '2026-01-08T00:00:00Z' },
    suite: key.suite,
    documentLoader: outsideContextLoader,
  });
  await storeDocument(app, listId, JSON.stringify(old));
  t.ok(row.validUntil && row.validUntil.getTime() > Date.now(), 'the service\'s own record still says current (so it is not re-signed on read)');

  const report = await verify(app, active.credential);
  assertUnreadable(t, report, /expired on 2026-01-08T00:00:00Z/);
  t.equal(checkOf(report, 'status')?.details?.error, 'STATUS_VERIFICATION_ERROR');
  // the same list with a current validity period is read normally: the expiry alone made it unreadable
  const current = await vc.issue({
    credential: { ...unsigned, issuer: did, validFrom: '2026-01-01T00:00:00Z', validUntil: '2099-01-08T00:00:00Z' },
    suite: key.suite,
    documentLoader: outsideContextLoader,
  });
  await storeDocument(app, listId, JSON.stringify(current));
  t.equal((await verify(app, active.credential)).verdict, 'valid', 'control: not expired, read as active');
  t.equal((await verify(app, revoked.credential)).verdict, 'revoked');
});

t.test('a stored list that is not even JSON: a report with status unknown, not an error blamed on the request', async (t) => {
  await storeDocument(app, listId, original.slice(0, 200));
  const response = await app.inject({ method: 'POST', url: '/api/v1/verify', payload: { verifiableCredential: active.credential } });
  t.equal(response.statusCode, 200, 'a report, not an error');
  if (response.statusCode === 200) assertUnreadable(t, response.json() as Report, /./);
  else t.comment(response.body);
});

t.test('a list in another issuer\'s name: unknown', async (t) => {
  await t.test('another centre\'s credential pointing at the Egypt list (signed by that centre)', async (t) => {
    const jordan = await createCentreWithClient(testApp, { slug: 'jordan-lists' });
    const response = await issue(app, jordan.token, { achievementId, recipient: { name: 'Rana Haddad' } });
    t.equal(response.statusCode, 201, `issued ${response.statusCode === 201 ? '' : response.body}`);
    const own = response.json().verifiableCredential as Json;
    const jordanDid = (own.issuer as Json).id as string;
    const key = await app.ctx.keys.activeAssertionKey({ centreId: jordan.centre.id, did: jordanDid });
    const { proof: _proof, ...unsigned } = own;

    // control: re-signed by the Jordan centre with its own entry, it verifies
    const resigned = await signCredential({ credential: unsigned, key });
    t.equal((await verify(app, resigned)).verdict, 'valid', 'control: re-signing alone changes nothing');

    const borrowed = await signCredential({ credential: { ...unsigned, credentialStatus: entry(`${BASE_URL}/status/${listId}`, untouchedIndex) }, key });
    const report = await verify(app, borrowed);
    t.match(checkOf(report, 'proof'), { status: 'passed' }, 'a genuine signature of the Jordan centre');
    t.match(checkOf(report, 'issuer'), { status: 'passed', code: 'issuer.recognised' });
    assertUnreadable(t, report, /issued by did:web:localhost%3A3000:centres:egypt-demo, not by the credential's issuer/);
  });

  await t.test('an outside did:key issuer pointing at the Egypt list', async (t) => {
    const issuer = await didKeyIssuer();
    const credential = await outsideCredential(active.credential, issuer, entry(`${BASE_URL}/status/${listId}`, untouchedIndex));
    const report = await verify(app, credential);
    t.match(checkOf(report, 'proof'), { status: 'passed' });
    t.match(checkOf(report, 'status'), { status: 'unknown', code: 'status.unreadable' });
    t.match(checkOf(report, 'status')?.details?.reason, /egypt-demo, not by the credential's issuer/);
    t.equal(report.verified, false);
  });
});
