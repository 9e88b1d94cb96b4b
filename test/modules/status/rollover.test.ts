import { count, eq, sql } from 'drizzle-orm';
import t from 'tap';
import { credentials, statusLists } from '../../../src/db/schema/index.js';
import { bitAt, bitsOf, checkOf, indexOf, type Json, listIdOf, listPath, listRow, revoke, statusListTestApp, verify } from '../../support/status-lists.js';

// The rollover rule: a list takes credentials until half of its entries are held, then the centre's next list
// (sequence + 1) is started; earlier lists stay published, and their credentials can still be revoked.

const SIZE = 131_072;
const CAPACITY = SIZE / 2;

const { app, token, outside, issued } = await statusListTestApp(t);

/**
 * Fills a list up to `total` held entries with credential rows (copies of a real row of the list, at random free
 * indexes), and counts them on the list, as if many credentials had been issued by other processes.
 */
async function fill(listId: string, like: string, total: number) {
  await app.ctx.db.transaction(async (tx) => {
    // Seeding tens of thousands of rows may outlast the service's statement timeout (2 s) on a loaded machine.
    await tx.execute(sql`set local statement_timeout = 0`);
    await tx.execute(sql`
    insert into credentials (id, centre_id, achievement_id, signing_key_id, issued_by_client_id, recipient_name, language,
                             achievement_version, valid_from, document, status_list_id, status_list_index)
    select gen_random_uuid(), c.centre_id, c.achievement_id, c.signing_key_id, c.issued_by_client_id, 'Seeded learner ' || free.i,
           c.language, c.achievement_version, c.valid_from, '{"seeded":true}', c.status_list_id, free.i
    from credentials c,
         (select i from generate_series(0, ${SIZE - 1}::integer) i
          where not exists (select 1 from credentials h where h.status_list_id = ${listId}::uuid and h.status_list_index = i)
          order by random()
          limit ${total}::integer - (select count(*) from credentials h where h.status_list_id = ${listId}::uuid)) free
    where c.id = ${like}::uuid`);
    await tx.execute(sql`update status_lists set allocated = (select count(*) from credentials where status_list_id = ${listId}::uuid) where id = ${listId}::uuid`);
  });
}

const first = await issued('Amina El-Sayed');
const firstList = listIdOf(first.credential);

t.test('a list takes credentials until half of its entries are held, then the next list is started', async (t) => {
  await fill(firstList, first.id, CAPACITY - 1);
  t.equal((await listRow(app, firstList)).allocated, CAPACITY - 1, 'one entry short of the threshold');

  const last = await issued('Omar Farouk');
  t.equal(listIdOf(last.credential), firstList, 'the last credential below the threshold still goes to the first list');
  const full = await listRow(app, firstList);
  t.equal(full.allocated, CAPACITY, 'now half full');

  const next = await issued('Layla Hassan');
  const secondList = listIdOf(next.credential);
  t.not(secondList, firstList, 'the next credential starts a new list');
  const second = await listRow(app, secondList);
  t.match(second, { centreId: full.centreId, purpose: 'revocation', sequence: 2, size: SIZE, allocated: 1 });
  t.equal((await listRow(app, firstList)).allocated, CAPACITY, 'nothing more was put on the first list');
  const [held] = await app.ctx.db.select({ n: count() }).from(credentials).where(eq(credentials.statusListId, firstList));
  t.equal(held?.n, CAPACITY, 'as many credential rows as the list counts');

  const later = [await issued('Youssef Nabil'), await issued('Mona Adel'), await issued('Karim Said')];
  t.ok(later.every(({ credential }) => listIdOf(credential) === secondList), 'later credentials go to the new list');
  t.equal((await listRow(app, secondList)).allocated, 4);
  t.equal(new Set([next, ...later].map(({ credential }) => indexOf(credential))).size, 4);

  await t.test('both lists are served, in the centre\'s name', async (t) => {
    for (const [credential, id] of [[last.credential, firstList], [next.credential, secondList]] as const) {
      const response = await app.inject({ method: 'GET', url: listPath(credential) });
      t.equal(response.statusCode, 200, `list ${id}`);
      const list = response.json() as Json;
      t.equal(list.id, (credential.credentialStatus as Json).statusListCredential);
      t.equal(list.issuer, (credential.issuer as Json).id);
      t.equal(bitsOf((list.credentialSubject as Json).encodedList as string).length * 8, SIZE);
    }
    t.equal((await verify(app, first.credential)).verdict, 'valid', 'a credential of the first list verifies');
    t.equal((await verify(app, next.credential)).verdict, 'valid', 'a credential of the second list verifies');
  });

  await t.test('a credential of the earlier list can still be revoked: the earlier list is re-signed with its bit', async (t) => {
    const before = (await app.inject({ method: 'GET', url: listPath(last.credential) })).headers.etag;
    const secondBefore = (await app.inject({ method: 'GET', url: listPath(next.credential) })).headers.etag;
    await revoke(app, token, last.id);
    const after = await app.inject({ method: 'GET', url: listPath(last.credential) });
    t.not(after.headers.etag, before, 'the first list changed');
    t.equal(bitAt(bitsOf(((after.json() as Json).credentialSubject as Json).encodedList as string), indexOf(last.credential)), true, 'with the revoked bit');
    t.equal((await app.inject({ method: 'GET', url: listPath(next.credential) })).headers.etag, secondBefore, 'the second list did not');
    const report = await verify(app, last.credential);
    t.match(checkOf(report, 'status'), { status: 'failed', code: 'status.revoked' });
    const stock = await outside.checkStatus(last.credential);
    t.equal(stock.verified, true, 'the stock check reads the earlier list');
    t.equal(stock.results?.[0]?.status, true, 'and finds the bit set');
    t.equal((await verify(app, first.credential)).verdict, 'valid', 'its neighbours are untouched');
  });

  await t.test('a list another process filled meanwhile: the issuance statement refuses it and the next list is started', async (t) => {
    // This process still counts 4 on the second list; another replica has filled it since.
    await app.ctx.db.update(statusLists).set({ allocated: CAPACITY }).where(eq(statusLists.id, secondList));
    const after = await issued('Hoda Mansour');
    const thirdList = listIdOf(after.credential);
    t.not(thirdList, secondList, 'not put on the full list');
    t.not(thirdList, firstList);
    t.match(await listRow(app, thirdList), { sequence: 3, allocated: 1, size: SIZE });
    t.equal((await listRow(app, secondList)).allocated, CAPACITY, 'the full list was not over-filled');
    const lists = await app.ctx.db.select({ sequence: statusLists.sequence }).from(statusLists).where(eq(statusLists.centreId, (await listRow(app, firstList)).centreId));
    t.same(lists.map((row) => row.sequence).sort(), [1, 2, 3], 'one list per sequence');
    t.equal((await verify(app, after.credential)).verdict, 'valid');
  });
});
