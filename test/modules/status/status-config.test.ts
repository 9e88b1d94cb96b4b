import { eq } from 'drizzle-orm';
import t from 'tap';
import { ConfigError, loadConfig } from '../../../src/config.js';
import { statusLists } from '../../../src/db/schema/index.js';
import { build, demoToken, firstAchievementId, issue } from '../../helper.js';
import { bitsOf, indexOf, type Json, listIdOf, listPath, listRow, verify } from '../../support/status-lists.js';

// STATUS_LIST_SIZE and friends: below the Bitstring Status List privacy minimum (131,072 entries) or not a whole
// number of bytes is refused at start with a message naming the variable; a larger size is used for new lists,
// and the rollover threshold scales with it (half of the list).

t.test('defaults', async (t) => {
  t.same(loadConfig({}).statusLists, { size: 131_072, maxAgeSeconds: 60, validityMs: 168 * 3_600_000 });
});

t.test('refused with a clear message', async (t) => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ STATUS_LIST_SIZE: '1000' }, /STATUS_LIST_SIZE must be at least 131072 \(the Bitstring Status List privacy minimum/],
    [{ STATUS_LIST_SIZE: '131071' }, /STATUS_LIST_SIZE must be at least 131072/],
    [{ STATUS_LIST_SIZE: '131076' }, /STATUS_LIST_SIZE must be a multiple of 8/],
    [{ STATUS_LIST_SIZE: 'big' }, /STATUS_LIST_SIZE/],
    [{ STATUS_LIST_SIZE: '131072.5' }, /STATUS_LIST_SIZE/],
    [{ STATUS_LIST_SIZE: '16777224' }, /STATUS_LIST_SIZE/],
    [{ STATUS_LIST_MAX_AGE_SECONDS: '-1' }, /STATUS_LIST_MAX_AGE_SECONDS/],
    [{ STATUS_LIST_VALIDITY_HOURS: '0' }, /STATUS_LIST_VALIDITY_HOURS/],
  ];
  for (const [env, message] of cases) {
    t.throws(() => loadConfig(env), ConfigError, `${JSON.stringify(env)}: a ConfigError`);
    t.throws(() => loadConfig(env), { message }, `${JSON.stringify(env)}: says what is wrong`);
  }
  const error = (() => {
    try {
      loadConfig({ STATUS_LIST_SIZE: '1000' });
    } catch (caught) {
      return caught as ConfigError;
    }
  })();
  t.equal(error?.problems.length, 1, 'one problem, the size');
  t.equal(error?.problems[0], 'STATUS_LIST_SIZE must be at least 131072 (the Bitstring Status List privacy minimum of 16 KB)');
});

t.test('accepted', async (t) => {
  t.equal(loadConfig({ STATUS_LIST_SIZE: '262144' }).statusLists.size, 262_144);
  t.equal(loadConfig({ STATUS_LIST_SIZE: '131080' }).statusLists.size, 131_080, 'any multiple of 8 from the minimum');
  t.equal(loadConfig({ STATUS_LIST_MAX_AGE_SECONDS: '0' }).statusLists.maxAgeSeconds, 0);
  t.equal(loadConfig({ STATUS_LIST_VALIDITY_HOURS: '24' }).statusLists.validityMs, 86_400_000);
});

t.test('STATUS_LIST_SIZE=262144: new lists have 262,144 entries, and take credentials until 131,072 are held', async (t) => {
  const SIZE = 262_144;
  const testApp = await build(t, { STATUS_LIST_SIZE: String(SIZE) });
  const { app } = testApp;
  const token = await demoToken(testApp);
  const achievementId = await firstAchievementId(app);
  const issued = async (name: string) => {
    const response = await issue(app, token, { achievementId, recipient: { name } });
    if (response.statusCode !== 201) throw new Error(response.body);
    return response.json().verifiableCredential as Json;
  };

  const credentials: Json[] = [];
  for (let i = 0; i < 24; i++) credentials.push(await issued(`Learner ${i}`));
  const listId = listIdOf(credentials[0]!);
  t.ok(credentials.every((credential) => listIdOf(credential) === listId));
  t.equal((await listRow(app, listId)).size, SIZE, 'the list row has the configured size');
  const indexes = credentials.map(indexOf);
  t.ok(indexes.every((index) => index < SIZE));
  t.ok(indexes.some((index) => index >= 131_072), `the upper half is used too (largest index ${Math.max(...indexes)})`);

  const served = await app.inject({ method: 'GET', url: listPath(credentials[0]!) });
  t.equal(served.statusCode, 200);
  t.equal(bitsOf(((served.json() as Json).credentialSubject as Json).encodedList as string).length * 8, SIZE, 'the served list has 262,144 bits');
  t.equal((await verify(app, credentials[0]!)).verdict, 'valid', 'and is read by the verifier');

  // The threshold is half of this list: 131,072. Allocations counted directly (as other processes would have).
  await app.ctx.db.update(statusLists).set({ allocated: SIZE / 2 - 1 }).where(eq(statusLists.id, listId));
  const stillFirst = await issued('Below the threshold');
  t.equal(listIdOf(stillFirst), listId, 'at 131,071 held (well past 65,536) the list still takes credentials');
  t.equal((await listRow(app, listId)).allocated, SIZE / 2);
  const next = await issued('At the threshold');
  t.not(listIdOf(next), listId, 'at 131,072 held the next list is started');
  t.match(await listRow(app, listIdOf(next)), { sequence: 2, size: SIZE, allocated: 1 });
});
