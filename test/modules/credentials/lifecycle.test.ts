import t, { type Test } from 'tap';
import { assertRefused } from '../../support/rejections.js';
import { testClock } from '../../support/clock.js';
import { act, apiGet, checkOf, lifecycleCounts, secondsAhead, verifyById, view } from '../../support/lifecycle.js';
import { stockVerifier } from '../../support/stock-verifier.js';
import { adminToken, BASE_URL, build, demoToken, firstAchievementId, issue } from '../../helper.js';

// The credential lifecycle as the centre drives it and as every verifier then sees it: revoke (the list bit, our
// report with date and reason), suspend/unsuspend (a hold only our verifier reports), a suspension that lifts
// itself, expiry, and corrections (reissue: A→B→C, each superseded one pointing at its successor). The stock
// Bitstring Status List check reads the list as served and must agree with our verdict.

type Json = Record<string, any>;

const clock = testClock();
const testApp = await build(t, {}, { clock });
const { app } = testApp;
const token = await demoToken(testApp);
const achievementId = await firstAchievementId(app);
const outside = stockVerifier(app);
const counts = () => lifecycleCounts(app);

/** Issues a credential of the demo centre; returns {id, url, verifiableCredential, body (the raw response)}. */
async function issued(t: Test, body: Json = {}) {
  const response = await issue(app, token, { achievementId, recipient: { name: 'Amina El-Sayed' }, ...body });
  t.equal(response.statusCode, 201, response.body);
  return { ...(response.json() as { id: string; url: string; verifiableCredential: Json }), body: response.body };
}

/** The stock checkStatus on the list as served: `verified` = it could be checked; the bit is in results[0].status. */
async function stockBit(t: Test, credential: Json): Promise<boolean | undefined> {
  const result = await outside.checkStatus(credential);
  t.equal(result.verified, true, `the stock check could read the list: ${result.error ? String(result.error) : ''}`);
  return (result as { results?: { status: boolean }[] }).results?.[0]?.status;
}

const publicDocument = async (id: string) => (await app.inject({ method: 'GET', url: `/credentials/${id}`, headers: { accept: 'application/json' } })).body;
const statusListOf = (credential: Json) => new URL(credential.credentialStatus.statusListCredential).pathname;
const withinNow = (t: Test, at: string, before: number, what: string) =>
  t.ok(Date.parse(at) >= Math.floor(before / 1000) * 1000 && Date.parse(at) <= clock.now().getTime(), `${what} (${at}) is the time of the request`);

/** Credentials of this file with the verdict we expect, for the final agreement check with the stock verifier. */
const seen: { id: string; credential: Json }[] = [];

t.test('revoke: the bit is set in the served list; our report gives the date and the reason', async (t) => {
  const revoked = await issued(t);
  const bystander = await issued(t, { recipient: { name: 'Omar Farouk' } });
  seen.push({ id: revoked.id, credential: revoked.verifiableCredential }, { id: bystander.id, credential: bystander.verifiableCredential });
  const listPath = statusListOf(revoked.verifiableCredential);
  t.equal(statusListOf(bystander.verifiableCredential), listPath, 'both credentials are on the centre\'s one list');

  const before = await verifyById(t, app, revoked.id);
  t.equal(before.verdict, 'valid');
  t.match(checkOf(before, 'status'), { status: 'passed', code: 'status.active' });
  t.equal(await stockBit(t, revoked.verifiableCredential), false, 'the stock check: bit not set');
  const listBefore = await app.inject({ method: 'GET', url: listPath });
  t.equal(listBefore.statusCode, 200);
  const documentBefore = await publicDocument(revoked.id);

  const countsBefore = await counts();
  const startedAt = clock.now().getTime();
  const response = await act(app, token, revoked.id, 'revoke', { reason: '  Issued in error ' });
  t.equal(response.statusCode, 200, response.body);
  t.match(response.headers['content-type'], /^application\/json/);
  const body = response.json();
  t.match(body, {
    id: revoked.id,
    url: revoked.url,
    status: 'revoked',
    revocation: { reason: 'Issued in error' },
    suspension: null,
    supersedes: null,
    supersededBy: null,
    recipient: { name: 'Amina El-Sayed' },
  });
  t.same(body.statusEntry, {
    statusListCredential: revoked.verifiableCredential.credentialStatus.statusListCredential,
    statusListIndex: revoked.verifiableCredential.credentialStatus.statusListIndex,
  }, 'the view names the entry the signed credential carries');
  withinNow(t, body.revocation.at, startedAt, 'the revocation date');
  const after = await counts();
  t.same(after, { ...countsBefore, revoked: countsBefore.revoked + 1, auditEvents: countsBefore.auditEvents + 1, listSignatures: countsBefore.listSignatures + 1 }, 'one revocation, one audit event, the list re-signed once');

  const report = await verifyById(t, app, revoked.id);
  t.equal(report.verified, false);
  t.equal(report.verdict, 'revoked');
  const status = checkOf(report, 'status')!;
  t.match(status, { status: 'failed', code: 'status.revoked', details: { revokedAt: body.revocation.at, reason: 'Issued in error' } });
  t.notOk(status.details?.supersededBy, 'a revocation is not a replacement');
  t.match(status.message, body.revocation.at.slice(0, 10), 'the message gives the date');
  t.match(status.message, 'Issued in error', 'and the reason');
  t.match(checkOf(report, 'proof'), { status: 'passed' }, 'a revoked credential is not a forgery');

  const listAfter = await app.inject({ method: 'GET', url: listPath });
  t.equal(listAfter.statusCode, 200);
  t.not(listAfter.body, listBefore.body, 'the served list changed');
  t.not(listAfter.headers.etag, listBefore.headers.etag, 'and so did its ETag');
  t.equal(listAfter.json().issuer, revoked.verifiableCredential.issuer.id, 'signed by the credential\'s issuer');
  t.equal(await stockBit(t, revoked.verifiableCredential), true, 'the stock check: bit set');
  t.equal(await stockBit(t, bystander.verifiableCredential), false, 'the other credential on the list is untouched');
  t.equal((await verifyById(t, app, bystander.id)).verdict, 'valid');
  t.equal(await publicDocument(revoked.id), documentBefore, 'the signed credential is served unchanged');

  const details = await view(t, app, token, revoked.id);
  t.equal(details.status, 'revoked');
  t.same(details.history.map((event: Json) => event.action), ['credential.revoked', 'credential.issued'], 'history, newest first');
  t.same(details.history[0].details, { reason: 'Issued in error' });
  t.equal(details.history[0].actorClientId, details.history[1].actorClientId, 'done by the client that issued it');
  t.type(details.history[0].actorClientId, 'string');

  await t.test('revoking twice is a 409 and changes nothing', async (t) => {
    const problem = await assertRefused(t, counts, () => act(app, token, revoked.id, 'revoke', { reason: 'Again' }), {
      status: 409,
      type: 'credential-revoked',
      detail: /revoked on .*Issued in error.*permanent/,
    });
    t.match(problem.detail, body.revocation.at, 'the detail gives the first revocation\'s date');
    t.equal((await view(t, app, token, revoked.id)).revocation.reason, 'Issued in error', 'the first reason stands');
  });
});

t.test('suspend and unsuspend: a hold our verifier reports and outside verifiers do not see', async (t) => {
  const held = await issued(t, { recipient: { name: 'Layla Hassan' } });
  seen.push({ id: held.id, credential: held.verifiableCredential });
  const countsBefore = await counts();
  const startedAt = clock.now().getTime();
  const suspended = await act(app, token, held.id, 'suspend', { reason: 'Under investigation', until: '2031-06-30T02:00:00+02:00' });
  t.equal(suspended.statusCode, 200, suspended.body);
  const body = suspended.json();
  t.match(body, { id: held.id, status: 'suspended', revocation: null, suspension: { until: '2031-06-30T00:00:00Z', reason: 'Under investigation' } }, 'until is kept as the instant, in UTC');
  withinNow(t, body.suspension.at, startedAt, 'the suspension date');
  t.same(await counts(), { ...countsBefore, suspended: countsBefore.suspended + 1, auditEvents: countsBefore.auditEvents + 1 }, 'no list bit: the list is not re-signed');

  const report = await verifyById(t, app, held.id);
  t.equal(report.verified, false);
  t.equal(report.verdict, 'suspended');
  const status = checkOf(report, 'status')!;
  t.match(status, { status: 'failed', code: 'status.suspended', details: { until: '2031-06-30T00:00:00Z', reason: 'Under investigation' } });
  t.match(status.message, /until 2031-06-30T00:00:00Z: Under investigation/);
  t.equal(await stockBit(t, held.verifiableCredential), false, 'outside verifiers see only revocation (README)');

  await t.test('suspending again is a 409 naming the current suspension', async (t) => {
    await assertRefused(t, counts, () => act(app, token, held.id, 'suspend', { reason: 'Twice' }), {
      status: 409,
      type: 'credential-suspended',
      detail: /already suspended until 2031-06-30T00:00:00Z.*unsuspend/,
    });
    t.equal((await view(t, app, token, held.id)).suspension.reason, 'Under investigation', 'the first suspension stands');
  });

  const lifted = await act(app, token, held.id, 'unsuspend', { reason: 'Investigation closed' });
  t.equal(lifted.statusCode, 200, lifted.body);
  t.match(lifted.json(), { id: held.id, status: 'active', suspension: null, revocation: null });
  const again = await verifyById(t, app, held.id);
  t.equal(again.verdict, 'valid', 'valid again at once');
  t.equal(again.verified, true);
  t.match(checkOf(again, 'status'), { status: 'passed', code: 'status.active' });

  await t.test('unsuspending what is not suspended is a 409', async (t) => {
    await assertRefused(t, counts, () => act(app, token, held.id, 'unsuspend', { reason: 'Again' }), { status: 409, type: 'credential-not-suspended', detail: /not suspended/ });
  });

  await t.test('an indefinite suspension, then a revocation, which wins', async (t) => {
    const indefinite = await act(app, token, held.id, 'suspend', { reason: 'Certificate disputed' });
    t.equal(indefinite.statusCode, 200, indefinite.body);
    t.match(indefinite.json().suspension, { until: null, reason: 'Certificate disputed' });
    const report = await verifyById(t, app, held.id);
    t.equal(report.verdict, 'suspended');
    const status = checkOf(report, 'status')!;
    t.notOk('until' in (status.details ?? {}), 'no until for an indefinite suspension');
    t.notMatch(status.message, /until/);

    t.equal((await act(app, token, held.id, 'revoke', { reason: 'Plagiarism confirmed' })).statusCode, 200);
    const revoked = await verifyById(t, app, held.id);
    t.equal(revoked.verdict, 'revoked', 'revoked outranks suspended');
    t.match(checkOf(revoked, 'status'), { code: 'status.revoked', details: { reason: 'Plagiarism confirmed' } });
    for (const operation of ['suspend', 'unsuspend'] as const) {
      await assertRefused(t, counts, () => act(app, token, held.id, operation, { reason: 'After revocation' }), {
        status: 409,
        type: 'credential-revoked',
        detail: /Plagiarism confirmed/,
      });
    }
  });

  await t.test('the audit trail of every step, newest first, each with its reason', async (t) => {
    const events = (await apiGet(app, token, `/api/v1/credentials/${held.id}/events`)).json().items as Json[];
    t.same(
      events.slice(0, 4).map((event) => [event.action, event.details]),
      [
        ['credential.revoked', { reason: 'Plagiarism confirmed' }],
        ['credential.suspended', { reason: 'Certificate disputed', until: null }],
        ['credential.unsuspended', { reason: 'Investigation closed' }],
        ['credential.suspended', { reason: 'Under investigation', until: '2031-06-30T00:00:00Z' }],
      ],
      'one event per change, refused requests left no trace',
    );
    t.equal(events.length, 5);
    t.match(events[4], { action: 'credential.issued', details: { achievementId } });
  });
});

t.test('a suspension with until lifts itself; a credential past validUntil is expired', async (t) => {
  const held = await issued(t, { recipient: { name: 'Karim Mansour' } });
  const until = secondsAhead(60_000, clock.now());
  const [expiring, suspension] = await Promise.all([
    issued(t, { recipient: { name: 'Nour Adel' }, validUntil: until }),
    act(app, token, held.id, 'suspend', { reason: 'Exam appeal pending', until }),
  ]);
  t.equal(suspension.statusCode, 200, suspension.body);
  t.equal(suspension.json().suspension.until, until);
  t.equal((await verifyById(t, app, held.id)).verdict, 'suspended');
  t.equal((await verifyById(t, app, expiring.id)).verdict, 'valid');
  t.equal((await view(t, app, token, held.id)).status, 'suspended');

  clock.advancePast(until);

  const report = await verifyById(t, app, held.id);
  t.equal(report.verdict, 'valid', 'the suspension lifted itself');
  t.match(checkOf(report, 'status'), { status: 'passed', code: 'status.active' });
  const lifted = await view(t, app, token, held.id);
  t.equal(lifted.status, 'active');
  await assertRefused(t, counts, () => act(app, token, held.id, 'unsuspend', { reason: 'Too late' }), { status: 409, type: 'credential-not-suspended' });
  const resuspended = await act(app, token, held.id, 'suspend', { reason: 'A new hold' });
  t.equal(resuspended.statusCode, 200, 'a lapsed suspension does not block a new one');
  t.match(resuspended.json().suspension, { reason: 'A new hold', until: null });
  t.equal((await act(app, token, held.id, 'unsuspend', { reason: 'Released' })).statusCode, 200);

  const expired = await verifyById(t, app, expiring.id);
  t.equal(expired.verdict, 'expired', 'expired, distinct from revoked or suspended');
  t.match(checkOf(expired, 'validity'), { status: 'failed', code: 'validity.expired' });
  t.match(checkOf(expired, 'status'), { status: 'passed', code: 'status.active' });
  t.equal((await view(t, app, token, expiring.id)).status, 'expired');

  await t.test('an expired credential is reissued only with a new validUntil', async (t) => {
    await assertRefused(t, counts, () => act(app, token, expiring.id, 'reissue', { changes: { recipient: { name: 'Nour Adel Hassan' } }, reason: 'Full name' }), {
      status: 422,
      type: 'reissue-expired',
      detail: /changes\.validUntil/,
    });
    const renewed = await act(app, token, expiring.id, 'reissue', { changes: { validUntil: null }, reason: 'Made permanent' });
    t.equal(renewed.statusCode, 201, renewed.body);
    t.notOk('validUntil' in renewed.json().verifiableCredential, 'null removes the expiry');
    t.equal((await verifyById(t, app, renewed.json().id)).verdict, 'valid');
    t.equal((await verifyById(t, app, expiring.id)).verdict, 'superseded', 'superseded outranks expired');
  });
});

t.test('reissue: the chain A→B→C, each superseded credential pointing at its successor', async (t) => {
  const original = {
    recipient: { name: 'Amina El-Saied', email: 'amina@example.org', did: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK' },
    narrative: 'Designed an AI-assisted assessment.',
    evidence: [{ url: 'https://example.org/portfolio/amina', name: 'Portfolio' }],
    validUntil: '2099-12-31T23:59:59Z',
  };
  const a = await issued(t, original);
  const aDocument = await publicDocument(a.id);
  t.equal(aDocument, a.body.slice(a.body.indexOf('"verifiableCredential":') + '"verifiableCredential":'.length, -1), 'GET /credentials/:id serves the issued bytes');

  const countsBefore = await counts();
  const toB = await act(app, token, a.id, 'reissue', { changes: { recipient: { name: 'Amina El-Sayed' } }, reason: 'Misspelt surname' });
  t.equal(toB.statusCode, 201, toB.body);
  const b = toB.json();
  t.equal(toB.headers.location, b.url, 'Location names the new credential');
  t.not(b.id, a.id);
  t.match(b, {
    url: `${BASE_URL}/credentials/${b.id}`,
    status: 'active',
    recipient: { name: 'Amina El-Sayed', email: 'amina@example.org', did: original.recipient.did },
    supersedes: { id: a.id, url: a.url },
    supersededBy: null,
    revocation: null,
    validUntil: '2099-12-31T23:59:59Z',
  });
  t.same(await counts(), {
    ...countsBefore,
    credentials: countsBefore.credentials + 1,
    revoked: countsBefore.revoked + 1,
    superseded: countsBefore.superseded + 1,
    auditEvents: countsBefore.auditEvents + 2,
    listSignatures: countsBefore.listSignatures + 1,
  }, 'one new credential, the old one revoked and linked, two audit events, the list re-signed once');

  const bSigned = b.verifiableCredential as Json;
  const aSigned = a.verifiableCredential;
  t.equal(bSigned.id, b.url);
  t.equal(bSigned.credentialSubject.identifier[0].identityHash, 'Amina El-Sayed', 'the corrected name is signed into B');
  t.equal(bSigned.credentialSubject.id, original.recipient.did, 'the DID is kept');
  t.equal(bSigned.credentialSubject.narrative, original.narrative, 'the narrative is kept');
  t.same(bSigned.evidence, aSigned.evidence, 'the evidence is kept');
  t.equal(bSigned.validFrom, aSigned.validFrom, 'the validity dates are kept');
  t.equal(bSigned.validUntil, aSigned.validUntil);
  t.same(bSigned.credentialSubject.achievement, aSigned.credentialSubject.achievement, 'the course as A embedded it');
  t.same(bSigned.issuer, aSigned.issuer);
  t.not(bSigned.credentialStatus.id, aSigned.credentialStatus.id, 'B has its own status entry');
  t.notMatch(JSON.stringify(bSigned), a.id, 'the link to A is not inside the signed credential');
  t.notMatch(JSON.stringify(bSigned), 'amina@example.org', 'no email inside the credential');
  const stockB = await outside.verify(bSigned);
  t.equal(stockB.verified, true, `the stock verifier accepts B: ${stockB.error ? String(stockB.error) : ''}`);
  t.equal(toB.body.slice(toB.body.indexOf('"verifiableCredential":') + '"verifiableCredential":'.length, -1), await publicDocument(b.id), 'the response carries the stored bytes');

  t.equal(await publicDocument(a.id), aDocument, 'A\'s signed bytes are unchanged');
  t.match(aDocument, 'Amina El-Saied', 'with the old name');
  const aView = await view(t, app, token, a.id);
  t.match(aView, { status: 'superseded', supersededBy: { id: b.id, url: b.url }, supersedes: null, revocation: { reason: 'superseded' } });
  t.match(aView.history, [{ action: 'credential.reissued', details: { reason: 'Misspelt surname', replacedBy: b.id } }, { action: 'credential.issued' }]);
  t.equal(aView.history.length, 2);

  const aReport = await verifyById(t, app, a.id);
  t.equal(aReport.verified, false);
  t.equal(aReport.verdict, 'superseded');
  t.match(checkOf(aReport, 'status'), { status: 'failed', code: 'status.revoked', details: { supersededBy: b.url } });
  t.match(checkOf(aReport, 'status')!.message, b.url, 'the message links the current credential');
  t.equal(await stockBit(t, aSigned), true, 'outside verifiers see A as revoked');

  await t.test('a superseded credential cannot be reissued, revoked or suspended: 409 naming its successor', async (t) => {
    for (const [operation, payload] of [
      ['reissue', { changes: { recipient: { name: 'Amina S.' } }, reason: 'Second correction of the old one' }],
      ['revoke', { reason: 'x' }],
      ['suspend', { reason: 'x' }],
    ] as const) {
      const problem = await assertRefused(t, counts, () => act(app, token, a.id, operation, payload), { status: 409, type: 'credential-superseded' });
      t.match(problem.detail, b.id, `${operation}: the detail names the current credential`);
    }
  });

  const toC = await act(app, token, b.id, 'reissue', { changes: { narrative: null, evidence: null }, reason: 'Narrative withdrawn at the learner\'s request' });
  t.equal(toC.statusCode, 201, toC.body);
  const c = toC.json();
  const cSigned = c.verifiableCredential as Json;
  t.notOk('narrative' in cSigned.credentialSubject, 'null removes the narrative');
  t.notOk('evidence' in cSigned, 'null removes the evidence');
  t.equal(cSigned.credentialSubject.identifier[0].identityHash, 'Amina El-Sayed', 'C keeps B\'s corrected name');

  const [aNow, bNow, cNow] = [await view(t, app, token, a.id), await view(t, app, token, b.id), await view(t, app, token, c.id)];
  t.match(aNow, { status: 'superseded', supersededBy: { id: b.id } }, 'A still points at B');
  t.match(bNow, { status: 'superseded', supersedes: { id: a.id }, supersededBy: { id: c.id, url: c.url } });
  t.match(cNow, { status: 'active', supersedes: { id: b.id, url: b.url }, supersededBy: null });
  t.match(cNow.history, [{ action: 'credential.issued', details: { supersedes: b.id } }]);
  t.equal(cNow.history.length, 1);
  t.match(bNow.history, [
    { action: 'credential.reissued', details: { reason: 'Narrative withdrawn at the learner\'s request', replacedBy: c.id } },
    { action: 'credential.issued', details: { supersedes: a.id } },
  ]);

  t.match(checkOf(await verifyById(t, app, a.id), 'status'), { details: { supersededBy: b.url } }, 'verifying A leads to B');
  const bReport = await verifyById(t, app, b.id);
  t.equal(bReport.verdict, 'superseded');
  t.match(checkOf(bReport, 'status'), { details: { supersededBy: c.url } }, 'verifying B leads to C');
  const cReport = await verifyById(t, app, c.id);
  t.equal(cReport.verdict, 'valid');
  t.equal(cReport.verified, true);
  t.equal(await stockBit(t, bSigned), true);
  t.equal(await stockBit(t, cSigned), false);
  seen.push({ id: a.id, credential: aSigned }, { id: b.id, credential: bSigned }, { id: c.id, credential: cSigned });
});

t.test('concurrent changes: one wins, the other is told why; every revocation reaches the list', async (t) => {
  const raced = await issued(t, { recipient: { name: 'Race One' } });
  const revocations = await Promise.all(['First', 'Second'].map((reason) => act(app, token, raced.id, 'revoke', { reason })));
  t.same(revocations.map((response) => response.statusCode).sort(), [200, 409], 'one revocation, one conflict');
  t.equal(revocations.find((response) => response.statusCode === 409)?.json().type, `${BASE_URL}/problems/credential-revoked`);
  t.equal((await view(t, app, token, raced.id)).history.filter((event: Json) => event.action === 'credential.revoked').length, 1, 'one revocation event');

  const original = await issued(t, { recipient: { name: 'Race Two' } });
  const countsBefore = await counts();
  const corrections = await Promise.all(['Race Two A', 'Race Two B'].map((name) => act(app, token, original.id, 'reissue', { changes: { recipient: { name } }, reason: 'Race' })));
  t.same(corrections.map((response) => response.statusCode).sort(), [201, 409], 'one correction, one conflict');
  const winner = corrections.find((response) => response.statusCode === 201)!.json();
  t.equal(corrections.find((response) => response.statusCode === 409)?.json().type, `${BASE_URL}/problems/credential-superseded`);
  t.equal((await counts()).credentials, countsBefore.credentials + 1, 'exactly one new credential');
  t.match(await view(t, app, token, original.id), { supersededBy: { id: winner.id } }, 'the old one points at the one that won');

  const batch = await Promise.all(['Race 1', 'Race 2', 'Race 3', 'Race 4', 'Race 5'].map((name) => issued(t, { recipient: { name } })));
  const revoked = await Promise.all(batch.map(({ id }) => act(app, token, id, 'revoke', { reason: 'Batch withdrawn' })));
  t.same(revoked.map((response) => response.statusCode), [200, 200, 200, 200, 200]);
  for (const { verifiableCredential } of batch) t.equal(await stockBit(t, verifiableCredential), true, 'every bit set in the list as served');
  seen.push(...batch.map(({ id, verifiableCredential }) => ({ id, credential: verifiableCredential })));
});

t.test('a correction keeps the original\'s language and course version, even after the course changed', async (t) => {
  const french = await issued(t, { recipient: { name: 'Amélie Dubois' }, language: 'fr' });
  const version = french.verifiableCredential.credentialSubject.achievement.version;
  const patched = await app.inject({ method: 'PATCH', url: `/api/v1/achievements/${achievementId}`, headers: { authorization: `Bearer ${await adminToken(testApp)}` }, payload: { level: 'Advanced' } });
  t.equal(patched.statusCode, 200, patched.body);
  const fresh = await issued(t, { recipient: { name: 'Control' }, language: 'fr' });
  t.not(fresh.verifiableCredential.credentialSubject.achievement.version, version, 'control: new credentials embed the new version');

  const response = await act(app, token, french.id, 'reissue', { changes: { recipient: { name: 'Amélie Dubois-Martin' } }, reason: 'Married name' });
  t.equal(response.statusCode, 201, response.body);
  const corrected = response.json();
  t.equal(corrected.language, 'fr');
  t.equal(corrected.achievementVersion, Number(version));
  t.same(corrected.verifiableCredential.credentialSubject.achievement, french.verifiableCredential.credentialSubject.achievement, 'the course exactly as the original embedded it');
  t.same(corrected.verifiableCredential.name, french.verifiableCredential.name, 'in French');
  t.equal((await verifyById(t, app, corrected.id)).verdict, 'valid');
  seen.push({ id: fresh.id, credential: fresh.verifiableCredential });
});

t.test('the stock checkStatus agrees with our verdict on every credential of this file', async (t) => {
  t.ok(seen.length >= 6);
  for (const { id, credential } of seen) {
    const report = await verifyById(t, app, id);
    const revokedHere = report.verdict === 'revoked' || report.verdict === 'superseded';
    t.equal(await stockBit(t, credential), revokedHere, `${id}: ours says ${report.verdict}`);
  }
  const verdicts = new Set(await Promise.all(seen.map(async ({ id }) => (await verifyById(t, app, id)).verdict)));
  t.same([...verdicts].sort(), ['revoked', 'superseded', 'valid'], 'active, revoked and superseded credentials were compared');
});
