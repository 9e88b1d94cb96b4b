import { count, eq } from 'drizzle-orm';
import t from 'tap';
import { credentials, statusLists } from '../../../src/db/schema/index.js';
import { build, createCentreWithClient, demoToken, firstAchievementId, issue } from '../../helper.js';
import { bitsOf, credentialRow, indexOf, type Json, listIdOf, listPath, listRow } from '../../support/status-lists.js';

// Indexes are drawn at random among the free entries of the centre's list, so neither an index nor the set bits
// say how many credentials a centre issued or in which order. A statistical test: 200 issuances, one after the
// other; every bound below fails for a sequential, strided or sorted allocator, and a uniform one breaks any of
// them with a probability of about 1e-4 or less.

const N = 200;
const SIZE = 131_072;

const testApp = await build(t);
const { app } = testApp;
const token = await demoToken(testApp);
const achievementId = await firstAchievementId(app);

const issuedInOrder: { id: string; credential: Json }[] = [];
for (let i = 0; i < N; i++) {
  const response = await issue(app, token, { achievementId, recipient: { name: `Learner ${i}` } });
  if (response.statusCode !== 201) throw new Error(response.body);
  issuedInOrder.push({ id: response.json().id as string, credential: response.json().verifiableCredential as Json });
}
const indexes = issuedInOrder.map(({ credential }) => indexOf(credential));
const listId = listIdOf(issuedInOrder[0]!.credential);

t.test('one list, distinct entries, each recorded with its credential', async (t) => {
  t.equal(new Set(issuedInOrder.map(({ credential }) => listIdOf(credential))).size, 1, 'all on the centre\'s one list');
  t.equal(new Set(indexes).size, N, 'no entry handed out twice');
  t.ok(indexes.every((index) => Number.isInteger(index) && index >= 0 && index < SIZE), 'all inside the list');
  for (const { id, credential } of issuedInOrder.slice(0, 20)) {
    const row = await credentialRow(app, id);
    t.equal(row.statusListId, listId, 'the row holds the signed entry\'s list');
    t.equal(row.statusListIndex, indexOf(credential), 'and index');
  }
  const list = await listRow(app, listId);
  t.equal(list.allocated, N, 'the list counts its allocations');
  const [held] = await app.ctx.db.select({ n: count() }).from(credentials).where(eq(credentials.statusListId, listId));
  t.equal(held?.n, N, 'as many credential rows hold entries');
  t.equal(list.sequence, 1);
  t.equal(list.size, SIZE);
});

t.test('indexes are not in issuance order', async (t) => {
  let ascents = 0;
  let near = 0;
  for (let i = 1; i < N; i++) {
    if (indexes[i]! > indexes[i - 1]!) ascents++;
    if (Math.abs(indexes[i]! - indexes[i - 1]!) <= 16) near++;
  }
  // random order: about 99.5 ascents, standard deviation about 4.1
  t.ok(ascents >= 70 && ascents <= 130, `about half of consecutive issuances go up (${ascents} of ${N - 1})`);
  t.ok(near <= 3, `consecutive issuances almost never get neighbouring entries (${near} of ${N - 1} within 16)`);
  t.notSame(indexes, [...indexes].sort((a, b) => a - b), 'not sorted by issuance time');

  // Spearman's rank correlation of issuance order and index: about 0 ± 0.07 when random
  const ranks = new Map([...indexes].sort((a, b) => a - b).map((index, rank) => [index, rank]));
  const d2 = indexes.reduce((sum, index, order) => sum + (order - ranks.get(index)!) ** 2, 0);
  const rho = 1 - (6 * d2) / (N * (N * N - 1));
  t.ok(Math.abs(rho) < 0.35, `no correlation between issuance order and index (rho = ${rho.toFixed(3)})`);
});

t.test('indexes spread over the whole list', async (t) => {
  const sorted = [...indexes].sort((a, b) => a - b);
  t.ok(sorted[0]! < SIZE * 0.05, `the lowest index is near the start (${sorted[0]})`);
  t.ok(sorted.at(-1)! > SIZE * 0.95, `the highest index is near the end (${sorted.at(-1)})`);
  const buckets = new Array<number>(8).fill(0);
  for (const index of indexes) buckets[Math.floor((index * 8) / SIZE)]!++;
  t.ok(buckets.every((n) => n >= 8), `every eighth of the list holds some (${buckets.join(', ')}; 25 expected each)`);
  const mean = indexes.reduce((sum, index) => sum + index, 0) / N;
  t.ok(Math.abs(mean - SIZE / 2) < 16_000, `centred on the middle of the list (mean ${Math.round(mean)})`);
  t.ok(sorted.at(-1)! - sorted[0]! > SIZE * 0.9, 'not clustered in one region');
});

t.test('the published list says nothing until something is revoked', async (t) => {
  const served = await app.inject({ method: 'GET', url: listPath(issuedInOrder[0]!.credential) });
  t.equal(served.statusCode, 200);
  const bits = bitsOf(((served.json() as Json).credentialSubject as Json).encodedList as string);
  t.ok(bits.every((byte) => byte === 0), `${N} issued credentials leave every bit clear`);
});

t.test('each centre draws from its own list', async (t) => {
  const jordan = await createCentreWithClient(testApp, { slug: 'jordan-allocation' });
  const drawn: Json[] = [];
  for (let i = 0; i < 20; i++) {
    const response = await issue(app, jordan.token, { achievementId, recipient: { name: `Jordan learner ${i}` } });
    t.equal(response.statusCode, 201, 'issued');
    drawn.push(response.json().verifiableCredential as Json);
  }
  const jordanList = listIdOf(drawn[0]!);
  t.not(jordanList, listId, 'not the Egypt list');
  t.ok(drawn.every((credential) => listIdOf(credential) === jordanList), 'one list for the centre');
  const row = await listRow(app, jordanList);
  t.equal(row.centreId, jordan.centre.id);
  t.equal(row.allocated, 20);
  t.equal((await listRow(app, listId)).allocated, N, 'the Egypt list is untouched');
  const jordanIndexes = drawn.map(indexOf);
  t.equal(new Set(jordanIndexes).size, 20);
  t.ok(Math.max(...jordanIndexes) - Math.min(...jordanIndexes) > SIZE / 4, 'spread over the Jordan list too');
  const lists = await app.ctx.db.select().from(statusLists);
  t.equal(lists.length, 2, 'one list per centre, no more');
});
