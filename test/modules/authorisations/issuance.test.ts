import { randomUUID } from 'node:crypto';
import { count, eq } from 'drizzle-orm';
import t, { type Test } from 'tap';
import { auditEvents, authorisations, credentials } from '../../../src/db/schema/index.js';
import { findAuthorisationAt, insertAuthorisation } from '../../../src/modules/authorisations/repository.js';
import { authorisationStatusAt, isAuthorisedAt } from '../../../src/modules/authorisations/service.js';
import { testClock } from '../../support/clock.js';
import { assertRejectedIssuance } from '../../support/rejections.js';
import { adminToken, BASE_URL, build, createCentreWithClient, issue } from '../../helper.js';

// Issuance needs an authorisation of the centre for the course at the time of issuance (now): never judged
// at a caller-supplied validFrom. Refusals are 403 course-unauthorised naming the course, and write nothing.

type Json = Record<string, any>;

const clock = testClock();
const testApp = await build(t, {}, { clock });
const { app } = testApp;
const { db } = app.ctx;
const admin = await adminToken(testApp);
const courses: { id: string; name: { en: string } }[] = (await app.inject({ method: 'GET', url: '/achievements' })).json().items;
const course = courses[0]!;
const otherCourse = courses[1]!;
const centre = await createCentreWithClient(testApp, { slug: 'gamma', authorise: [] });

const grant = async (payload: Json) => {
  const response = await app.inject({ method: 'POST', url: '/api/v1/authorisations', headers: { authorization: `Bearer ${admin}` }, payload });
  if (response.statusCode !== 201) throw new Error(response.body);
  return response.json() as Json;
};
const revoke = async (id: string) => {
  const response = await app.inject({ method: 'POST', url: `/api/v1/authorisations/${id}/revoke`, headers: { authorization: `Bearer ${admin}` }, payload: { reason: 'test' } });
  if (response.statusCode !== 200) throw new Error(response.body);
};
const body = (changes: Json = {}) => ({ achievementId: course.id, recipient: { name: 'Layla Ahmed' }, ...changes });

/** 403 course-unauthorised naming the course; nothing written. */
const refusedIssuance = (t: Test, payload: Json = body(), token = centre.token, headers: Record<string, string> = {}) =>
  assertRejectedIssuance(t, app, () => issue(app, token, payload, headers), { status: 403, type: 'course-unauthorised', detail: /not authorised to certify the course/ }, (_response, problem) => {
    t.match(problem.detail, `"${courses.find((c) => c.id === payload.achievementId)?.name.en}"`, 'the detail names the course');
    t.match(problem.detail, payload.achievementId, 'and its id');
    t.match(problem.detail, '"gamma"', 'and the centre');
    t.equal(problem.achievementId, payload.achievementId);
  });

t.test('a centre with no authorisation cannot issue the course: 403, nothing written', async (t) => {
  await refusedIssuance(t);
  await refusedIssuance(t, body({ achievementId: otherCourse.id }));
});

t.test('a past authorisation window does not help, not even with a validFrom inside it', async (t) => {
  await grant({ centre: 'gamma', achievementId: course.id, validFrom: '2020-01-01T00:00:00Z', validUntil: '2021-01-01T00:00:00Z' });
  await refusedIssuance(t);
  await refusedIssuance(t, body({ validFrom: '2020-06-01T00:00:00Z' }));
  await refusedIssuance(t, body({ validFrom: '2020-06-01T00:00:00Z', validUntil: '2099-01-01T00:00:00Z' }));
});

t.test('a future authorisation does not allow issuing now, whatever validFrom says', async (t) => {
  await grant({ centre: 'gamma', achievementId: course.id, validFrom: '2090-01-01T00:00:00Z' });
  await refusedIssuance(t, body({ validFrom: '2090-06-01T00:00:00Z' }));
});

t.test('an authorisation for one course does not cover another, nor another centre\'s', async (t) => {
  await grant({ centre: 'gamma', achievementId: otherCourse.id, validFrom: '2022-01-01T00:00:00Z', validUntil: '2089-01-01T00:00:00Z' });
  const issued = await issue(app, centre.token, body({ achievementId: otherCourse.id }));
  t.equal(issued.statusCode, 201, issued.body);
  await refusedIssuance(t);
  const delta = await createCentreWithClient(testApp, { slug: 'delta', authorise: [] });
  await assertRejectedIssuance(t, app, () => issue(app, delta.token, body({ achievementId: otherCourse.id })), { status: 403, type: 'course-unauthorised', detail: /"delta"/ });
});

t.test('issuing works while authorised, and stops when the authorisation is revoked', async (t) => {
  const authorisation = await grant({ centre: 'gamma', achievementId: course.id, validFrom: '2022-01-01T00:00:00Z', validUntil: '2089-01-01T00:00:00Z' });
  const first = await issue(app, centre.token, body(), { 'idempotency-key': 'gamma-1' });
  t.equal(first.statusCode, 201, first.body);
  const [row] = await db.select().from(credentials).where(eq(credentials.id, first.json().id));
  t.equal(row?.achievementVersion, 1);

  await revoke(authorisation.id);
  await refusedIssuance(t);
  t.test('a retry of a request made while authorised still returns its credential', async (t) => {
    const retry = await issue(app, centre.token, body(), { 'idempotency-key': 'gamma-1' });
    t.equal(retry.statusCode, 200, retry.body);
    t.equal(retry.json().id, first.json().id);
  });
  t.test('a new key after the revocation is refused', async (t) => {
    await refusedIssuance(t, body(), centre.token, { 'idempotency-key': 'gamma-2' });
  });
});

t.test('an authorisation that runs out: issuing after validUntil is refused', async (t) => {
  const course3 = courses[2]!;
  const until = new Date(clock.now().getTime() + 60_000);
  await grant({ centre: 'gamma', achievementId: course3.id, validUntil: until.toISOString() });
  const before = await issue(app, centre.token, body({ achievementId: course3.id }));
  t.equal(before.statusCode, 201, before.body);
  clock.advancePast(until.toISOString());
  await refusedIssuance(t, body({ achievementId: course3.id }));
  await refusedIssuance(t, body({ achievementId: course3.id, validFrom: new Date(until.getTime() - 1000).toISOString() }));
});

t.test('VCALM issue: every achievement named must be a catalogue course the centre is authorised for', async (t) => {
  const epsilon = await createCentreWithClient(testApp, { slug: 'epsilon', authorise: [] });
  const credential = (achievementId: string) => ({
    '@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
    id: `urn:uuid:${randomUUID()}`,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: 'A course',
    credentialSubject: {
      type: ['AchievementSubject'],
      identifier: [{ type: 'IdentityObject', identityHash: 'Layla Ahmed', identityType: 'name', hashed: false }],
      achievement: { id: achievementId, type: ['Achievement'], name: 'A course', description: 'About it.', criteria: { narrative: 'Did it.' } },
    },
  });
  const vcalm = (payload: Json) => app.inject({ method: 'POST', url: '/credentials/issue', headers: { authorization: `Bearer ${epsilon.token}` }, payload });
  const audited = async () => (await db.select({ n: count() }).from(auditEvents))[0]?.n;

  for (const [what, id] of [
    ['one of our courses', `${BASE_URL}/achievements/${course.id}`],
    ['an unknown course URL of ours', `${BASE_URL}/achievements/${randomUUID()}`],
    ['a malformed course URL of ours', `${BASE_URL}/achievements/nope`],
    ['an achievement outside the IIOE catalogue', 'urn:uuid:9d1b2c3a-0000-4000-8000-000000000001'],
  ] as const) {
    t.test(what, async (t) => {
      const before = await audited();
      const response = await vcalm({ credential: credential(id) });
      t.equal(response.statusCode, 403, response.body);
      t.match(response.headers['content-type'], /^application\/problem\+json/);
      t.equal(response.json().type, `${BASE_URL}/problems/course-unauthorised`);
      t.match(response.json().detail, /not authorised to certify the course/);
      t.equal(await audited(), before, 'nothing audited (nothing signed)');
    });
  }
  t.test('once authorised, our course is signed too', async (t) => {
    await grant({ centre: 'epsilon', achievementId: course.id });
    const response = await vcalm({ credential: credential(`${BASE_URL}/achievements/${course.id}`) });
    t.equal(response.statusCode, 201, response.body);
  });
});

t.test('findAuthorisationAt / isAuthorisedAt: validFrom ≤ at < validUntil, and not revoked by then', async (t) => {
  const zeta = await createCentreWithClient(testApp, { slug: 'zeta', authorise: [] });
  const at = (iso: string) => new Date(iso);
  const row = await insertAuthorisation(db, {
    centreId: zeta.centre.id,
    achievementId: course.id,
    validFrom: at('2024-01-01T00:00:00Z'),
    validUntil: at('2025-01-01T00:00:00Z'),
    revokedAt: at('2024-07-01T00:00:00Z'),
  });
  const query = (iso: string) => ({ centreId: zeta.centre.id, achievementId: course.id, at: at(iso) });
  t.notOk(await findAuthorisationAt(db, query('2023-12-31T23:59:59.999Z')), 'not before validFrom');
  t.equal((await findAuthorisationAt(db, query('2024-01-01T00:00:00Z')))?.id, row.id, 'from validFrom on');
  t.ok(await isAuthorisedAt({ db, ...query('2024-06-30T23:59:59.999Z') }), 'until just before the revocation');
  t.notOk(await isAuthorisedAt({ db, ...query('2024-07-01T00:00:00Z') }), 'the revocation takes effect at revoked_at');
  t.notOk(await isAuthorisedAt({ db, ...query('2024-12-31T00:00:00Z') }), 'and after it');
  t.notOk(await isAuthorisedAt({ db, centreId: zeta.centre.id, achievementId: otherCourse.id, at: at('2024-03-01T00:00:00Z') }), 'another course');

  const open = await insertAuthorisation(db, { centreId: zeta.centre.id, achievementId: otherCourse.id, validFrom: at('2024-01-01T00:00:00Z'), validUntil: at('2025-01-01T00:00:00Z') });
  t.equal((await findAuthorisationAt(db, { centreId: zeta.centre.id, achievementId: otherCourse.id, at: at('2024-12-31T23:59:59.999Z') }))?.id, open.id);
  t.notOk(await isAuthorisedAt({ db, centreId: zeta.centre.id, achievementId: otherCourse.id, at: at('2025-01-01T00:00:00Z') }), 'validUntil is exclusive');
  const [rows] = await db.select({ n: count() }).from(authorisations).where(eq(authorisations.centreId, zeta.centre.id));
  t.equal(rows?.n, 2);

  // verification judges cached rows in JavaScript: authorisationStatusAt must agree with the SQL at every edge
  const edges = ['2023-12-31T23:59:59.999Z', '2024-01-01T00:00:00Z', '2024-06-30T23:59:59.999Z', '2024-07-01T00:00:00Z', '2024-12-31T23:59:59.999Z', '2025-01-01T00:00:00Z'];
  for (const candidate of [row, open]) {
    for (const iso of edges) {
      const bySql = (await findAuthorisationAt(db, { centreId: zeta.centre.id, achievementId: candidate.achievementId, at: at(iso) }))?.id === candidate.id;
      t.equal(authorisationStatusAt(candidate, at(iso)) === 'active', bySql, `${candidate.id === row.id ? 'revoked' : 'open'} authorisation at ${iso}`);
    }
  }
});
