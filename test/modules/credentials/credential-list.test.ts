import { randomUUID } from 'node:crypto';
import { eq, inArray, sql } from 'drizzle-orm';
import t, { type Test } from 'tap';
import { auditEvents, credentials } from '../../../src/db/schema/index.js';
import { testClock } from '../../support/clock.js';
import { act, apiGet, secondsAhead, view, walkPages } from '../../support/lifecycle.js';
import { build, demoToken, firstAchievementId, issue } from '../../helper.js';

// GET /api/v1/credentials (filters: achievementId, status, recipient, issuedFrom/issuedTo; cursor pagination) and
// GET /api/v1/credentials/:id/events: every filter against the set it must return exactly, and every page walk
// against the one-page answer (no duplicates, no gaps, newest first).

type Json = Record<string, any>;

const clock = testClock();
const testApp = await build(t, {}, { clock });
const { app } = testApp;
const token = await demoToken(testApp);
const firstCourse = await firstAchievementId(app);
const courses: { id: string }[] = (await app.inject({ method: 'GET', url: '/achievements' })).json().items;
const secondCourse = courses.find((course) => course.id !== firstCourse)!.id;

// name → [course, what happens to it]
const plan: [name: string, course: string, fate?: 'expires' | 'superseded' | 'revoked' | 'suspended' | 'lapses'][] = [
  ['Amina El-Sayed', firstCourse],
  ['Omar EL-SAYED', secondCourse],
  ['Layla Hassan', firstCourse],
  ['Percent 100% Learner', secondCourse],
  ['Under_Score', firstCourse],
  ['UnderXScore', secondCourse],
  ['Back\\slash Name', firstCourse],
  ['Émile Zoë', secondCourse],
  ['أمينة السيد', firstCourse],
  ['Nour Adel', secondCourse, 'expires'],
  ['Sara Old', firstCourse, 'superseded'],
  ['Rana Revoked', secondCourse, 'revoked'],
  ['Hana Held', firstCourse, 'suspended'],
  ['Yusuf Lapsed', firstCourse, 'lapses'],
];

// what each fate leaves the credential as, once the short suspension and validity below have run out
const STATUS_AFTER = { expires: 'expired', superseded: 'superseded', revoked: 'revoked', suspended: 'suspended', lapses: 'active' } as const;
const ids = new Map<string, string>(); // name → id
const expectedStatus = new Map<string, string>(); // id → status
const courseOf = new Map<string, string>(); // id → course
// a minute ahead on the app's clock, which the test then moves past them
const lapses: string[] = [];
const soon = () => {
  const at = secondsAhead(60_000, clock.now());
  lapses.push(at);
  return at;
};
for (const [name, course, fate] of plan) {
  const response = await issue(app, token, { achievementId: course, recipient: { name }, ...(fate === 'expires' ? { validUntil: soon() } : {}) });
  if (response.statusCode !== 201) throw new Error(response.body);
  const id = response.json().id as string;
  ids.set(name, id);
  courseOf.set(id, course);
  expectedStatus.set(id, fate ? STATUS_AFTER[fate] : 'active');
}
const must = async (response: Promise<Awaited<ReturnType<typeof act>>>) => {
  const settled = await response;
  if (settled.statusCode >= 300) throw new Error(settled.body);
  return settled.json();
};
const corrected = await must(act(app, token, ids.get('Sara Old')!, 'reissue', { changes: { recipient: { name: 'Sara New' } }, reason: 'Name changed' }));
ids.set('Sara New', corrected.id);
courseOf.set(corrected.id, firstCourse);
expectedStatus.set(corrected.id, 'active');
await must(act(app, token, ids.get('Rana Revoked')!, 'revoke', { reason: 'Issued in error' }));
await must(act(app, token, ids.get('Hana Held')!, 'suspend', { reason: 'Under review' }));
await must(act(app, token, ids.get('Yusuf Lapsed')!, 'suspend', { reason: 'Short hold', until: soon() }));
lapses.forEach((at) => clock.advancePast(at));

const allIds = [...expectedStatus.keys()];
const list = async (t: Test, query: string) => {
  const response = await apiGet(app, token, `/api/v1/credentials${query}`);
  t.equal(response.statusCode, 200, `${query}: ${response.body.slice(0, 300)}`);
  return response.json() as { items: Json[]; nextCursor: string | null };
};
const idsOf = (items: Json[]) => items.map((item) => item.id as string);
const sorted = (values: string[]) => [...values].sort();
const namesFor = (...names: string[]) => sorted(names.map((name) => ids.get(name)!));

t.test('one page: every credential of the centre, newest first, with its current status', async (t) => {
  const { items, nextCursor } = await list(t, '?limit=100');
  t.equal(nextCursor, null);
  t.same(sorted(idsOf(items)), sorted(allIds), 'exactly the centre\'s credentials');
  for (let index = 1; index < items.length; index++) {
    const [newer, older] = [items[index - 1]!, items[index]!];
    t.ok(Date.parse(newer.issuedAt) >= Date.parse(older.issuedAt), `${newer.recipient.name} is not older than ${older.recipient.name}`);
  }
  t.equal(items[0]!.id, ids.get('Sara New'), 'the last issued (the correction) first');
  for (const item of items) t.equal(item.status, expectedStatus.get(item.id), `${item.recipient.name}: ${item.status}`);
  t.notOk(items.some((item) => 'document' in item || 'verifiableCredential' in item), 'the list carries views, not signed documents');
  t.equal((await list(t, '')).items.length, allIds.length, 'the default page holds them all (limit 50)');
});

t.test('walking the pages gives the one-page answer: no duplicates, no gaps', async (t) => {
  const all = idsOf((await list(t, '?limit=100')).items);
  for (const limit of [1, 2, 5, 14, 15]) {
    const walked = idsOf(await walkPages(t, app, token, '/api/v1/credentials', limit));
    t.same(walked, all, `limit=${limit}: the same credentials in the same order`);
  }
  const firstPage = await list(t, '?limit=5');
  t.equal(firstPage.items.length, 5);
  t.type(firstPage.nextCursor, 'string');
  const lastPage = await list(t, `?limit=100&cursor=${firstPage.nextCursor}`);
  t.same(idsOf(lastPage.items), all.slice(5), 'a cursor continues right after its page');
  t.equal(lastPage.nextCursor, null, 'and the last page has no next cursor');
});

t.test('status filter: each state exactly, the states partition the list', async (t) => {
  const seen: string[] = [];
  for (const state of ['active', 'suspended', 'revoked', 'superseded', 'expired']) {
    const { items } = await list(t, `?status=${state}&limit=100`);
    const expected = allIds.filter((id) => expectedStatus.get(id) === state);
    t.ok(expected.length > 0, `the data has ${state} credentials`);
    t.same(sorted(idsOf(items)), sorted(expected), `status=${state}`);
    t.ok(items.every((item) => item.status === state), `every item of status=${state} says so`);
    seen.push(...idsOf(items));
  }
  t.same(sorted(seen), sorted(allIds), 'every credential is in exactly one state');
  t.same(idsOf((await list(t, '?status=revoked')).items), [ids.get('Rana Revoked')], 'a superseded credential is not listed as revoked');
  t.ok(idsOf((await list(t, '?status=active')).items).includes(ids.get('Yusuf Lapsed')!), 'a lapsed suspension is active again');
  t.same(idsOf((await list(t, '?status=expired')).items), [ids.get('Nour Adel')], 'expired, apart from revoked and suspended');
});

t.test('achievementId filter', async (t) => {
  for (const course of [firstCourse, secondCourse]) {
    const { items } = await list(t, `?achievementId=${course}&limit=100`);
    t.same(sorted(idsOf(items)), sorted(allIds.filter((id) => courseOf.get(id) === course)), `course ${course}`);
    t.ok(items.every((item) => item.achievementId === course));
  }
  t.same((await list(t, `?achievementId=${randomUUID()}`)).items, [], 'an unknown course: an empty list, not an error');
});

t.test('recipient filter: a substring of the name, any case; % _ and \\ are literal', async (t) => {
  const cases: [query: string, names: string[]][] = [
    ['el-sayed', ['Amina El-Sayed', 'Omar EL-SAYED']],
    ['EL-SAY', ['Amina El-Sayed', 'Omar EL-SAYED']],
    ['%', ['Percent 100% Learner']],
    ['100%', ['Percent 100% Learner']],
    ['_', ['Under_Score']],
    ['r_s', ['Under_Score']],
    ['\\', ['Back\\slash Name']],
    ['k\\s', ['Back\\slash Name']],
    ['sara', ['Sara Old', 'Sara New']],
    ['old', ['Sara Old']],
    ['  hassan ', ['Layla Hassan']],
    ['émile', ['Émile Zoë']],
    ['ZOË', ['Émile Zoë']],
    ['السيد', ['أمينة السيد']],
    ['nobody at all', []],
  ];
  for (const [query, names] of cases) {
    const { items } = await list(t, `?recipient=${encodeURIComponent(query)}&limit=100`);
    t.same(sorted(idsOf(items)), namesFor(...names), `recipient=${JSON.stringify(query)}`);
  }
  const combined = await list(t, `?recipient=sara&status=active`);
  t.same(idsOf(combined.items), [ids.get('Sara New')], 'filters combine: the current correction only');
});

t.test('issuedFrom (inclusive) and issuedTo (exclusive)', async (t) => {
  const oldestFirst = [...(await list(t, '?limit=100')).items].reverse();
  const at = (index: number) => oldestFirst[index]!.issuedAt as string;
  const fromFourth = await list(t, `?issuedFrom=${encodeURIComponent(at(3))}&limit=100`);
  t.same(sorted(idsOf(fromFourth.items)), sorted(idsOf(oldestFirst.slice(3))), 'issuedFrom includes the credential issued at that instant');
  const beforeFourth = await list(t, `?issuedTo=${encodeURIComponent(at(3))}&limit=100`);
  t.same(sorted(idsOf(beforeFourth.items)), sorted(idsOf(oldestFirst.slice(0, 3))), 'issuedTo excludes it');
  const window = await list(t, `?issuedFrom=${encodeURIComponent(at(2))}&issuedTo=${encodeURIComponent(at(5))}`);
  t.same(sorted(idsOf(window.items)), sorted(idsOf(oldestFirst.slice(2, 5))), 'a window');
  // the same instant in another time zone
  const instant = new Date(at(3));
  const cairo = new Date(instant.getTime() + 2 * 3600_000).toISOString().replace('Z', '+02:00');
  t.same(sorted(idsOf((await list(t, `?issuedFrom=${encodeURIComponent(cairo)}&limit=100`)).items)), sorted(idsOf(fromFourth.items)), 'an offset is honoured');
  t.same((await list(t, `?issuedFrom=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).items, [], 'nothing from the future');
  const paged = idsOf(await walkPages(t, app, token, `/api/v1/credentials?issuedFrom=${encodeURIComponent(at(2))}&achievementId=${firstCourse}`, 2));
  t.same(paged, idsOf((await list(t, `?issuedFrom=${encodeURIComponent(at(2))}&achievementId=${firstCourse}&limit=100`)).items), 'filters and pages combine');
});

t.test('events: the audit trail of one credential, newest first, paginated without gaps', async (t) => {
  const id = ids.get('Layla Hassan')!;
  for (let round = 0; round < 11; round++) {
    await must(act(app, token, id, 'suspend', { reason: `Hold ${round}` }));
    await must(act(app, token, id, 'unsuspend', { reason: `Release ${round}` }));
  }
  const all = (await apiGet(app, token, `/api/v1/credentials/${id}/events?limit=100`)).json();
  t.equal(all.nextCursor, null);
  t.equal(all.items.length, 23, 'issued + 11 suspensions + 11 releases');
  t.same(all.items[0], { ...all.items[0], action: 'credential.unsuspended', details: { reason: 'Release 10' } }, 'the newest first');
  t.match(all.items[22], { action: 'credential.issued' }, 'the issuance last');
  t.same(all.items.slice(1, 3).map((event: Json) => event.details.reason), ['Hold 10', 'Release 9']);
  for (let index = 1; index < all.items.length; index++) t.ok(Date.parse(all.items[index - 1].at) >= Date.parse(all.items[index].at), `event ${index} is not newer than the one before`);
  for (const limit of [1, 2, 7, 22, 23]) {
    t.same(idsOf(await walkPages(t, app, token, `/api/v1/credentials/${id}/events`, limit)), idsOf(all.items), `events, limit=${limit}`);
  }
  const details = await view(t, app, token, id);
  t.equal(details.history.length, 20, 'the details carry the latest 20 events');
  t.same(details.history, all.items.slice(0, 20));
  t.equal(details.moreHistory, true, 'and say there is more');
  const fresh = await view(t, app, token, ids.get('Amina El-Sayed')!);
  t.equal(fresh.history.length, 1);
  t.equal(fresh.moreHistory, false);
});

// Two issuances in the same millisecond (two replicas, or one busy process: the fast signing path issues
// thousands a second) must not make a page walk skip one. The database keeps microseconds; a cursor must too.
t.test('credentials and events issued within one millisecond are all walked', async (t) => {
  const { db } = app.ctx;
  const pair = [ids.get('Amina El-Sayed')!, ids.get('Omar EL-SAYED')!];
  await db.update(credentials).set({ issuedAt: sql`'2026-01-05 10:00:00.123456+00'::timestamptz` }).where(eq(credentials.id, pair[0]!));
  await db.update(credentials).set({ issuedAt: sql`'2026-01-05 10:00:00.123400+00'::timestamptz` }).where(eq(credentials.id, pair[1]!));
  const all = idsOf((await list(t, '?limit=100')).items);
  t.equal(all.length, allIds.length);
  for (const limit of [1, 2, 7]) {
    const walked = idsOf(await walkPages(t, app, token, '/api/v1/credentials', limit));
    t.same(sorted(walked), sorted(all), `limit=${limit}: no credential skipped`);
  }

  const id = ids.get('Layla Hassan')!;
  const events = (await apiGet(app, token, `/api/v1/credentials/${id}/events?limit=100`)).json().items as Json[];
  const [newest, next] = [events[0]!.id, events[1]!.id];
  await db.update(auditEvents).set({ createdAt: sql`'2026-01-05 10:00:00.123456+00'::timestamptz` }).where(inArray(auditEvents.id, [newest, next]));
  const walkedEvents = idsOf(await walkPages(t, app, token, `/api/v1/credentials/${id}/events`, 1));
  t.same(sorted(walkedEvents), sorted(idsOf(events)), 'no event skipped');
});

// last: it issues credentials of its own, which the exact counts above do not expect
t.test('email filter (exact, any case) and code filter (as typed from a certificate)', async (t) => {
  const withEmail = (await issue(app, token, { achievementId: firstCourse, recipient: { name: 'Mail Findable', email: 'Findable.Teacher@Example.org' } })).json();
  await issue(app, token, { achievementId: firstCourse, recipient: { name: 'Mail Other', email: 'other.teacher@example.org' } });
  t.same(idsOf((await list(t, `?email=${encodeURIComponent('findable.teacher@example.ORG')}`)).items), [withEmail.id], 'any case');
  t.same((await list(t, `?email=${encodeURIComponent('findable.teacher@example')}`)).items, [], 'exact: not a part of the address');
  const code: string = (await app.inject({ method: 'GET', url: `/api/v1/credentials/${withEmail.id}`, headers: { authorization: `Bearer ${token}` } })).json().shortCode;
  for (const typed of [code, code.toLowerCase(), code.replaceAll('-', ' '), ` ${code.toLowerCase()} `]) {
    t.same(idsOf((await list(t, `?code=${encodeURIComponent(typed)}`)).items), [withEmail.id], `code ${JSON.stringify(typed)}`);
  }
  const bad = await app.inject({ method: 'GET', url: '/api/v1/credentials?code=not-a-code', headers: { authorization: `Bearer ${token}` } });
  t.equal(bad.statusCode, 400);
  t.match(bad.json(), { errors: [{ path: /code/, message: /not a credential code/ }] });
});
