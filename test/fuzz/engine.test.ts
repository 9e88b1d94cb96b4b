import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import Fastify from 'fastify';
import t from 'tap';
import type { Db } from '../../src/db/client.js';
import { formatTallies, fuzzRoutes } from '../support/fuzz/engine.js';
import type { FuzzWorld } from '../support/fuzz/requests.js';

// The fuzzer's own checks must be able to fail: a route that writes a row and then refuses, one that answers
// 500, and one that pollutes Object.prototype are each reported; a well-behaved route is not.

const world: FuzzWorld = { pathValues: {}, uuids: [], tokens: { centre: 'c', centreReadOnly: 'r', admin: 'a' }, seeds: {} };

t.test('the engine reports 5xx, rows written by refused requests and prototype pollution', async (t) => {
  const client = await PGlite.create();
  t.teardown(() => client.close());
  const db = drizzle(client) as unknown as Db;
  await db.execute(sql`create table notes (id serial primary key, body text)`);

  // generated requests may be refused before a handler runs (bad JSON, media type, URL): count those that ran
  const reached = { leaky: 0, broken: 0 };
  const app = Fastify();
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.post('/leaky', async (_request, reply) => {
    reached.leaky += 1;
    await db.execute(sql`insert into notes (body) values ('half-written')`);
    return reply.status(400).send({ detail: 'refused, but after writing' });
  });
  app.get('/broken/:id', async () => {
    reached.broken += 1;
    throw new Error('boom');
  });
  app.get('/polluting', async () => {
    (Object.prototype as Record<string, unknown>).polluted = true;
    return {};
  });
  app.post('/tidy', async (request, reply) => {
    await db.transaction(async (tx) => {
      await tx.execute(sql`insert into notes (body) values ('rolled back')`);
      tx.rollback();
    }).catch(() => {});
    return reply.status(request.body === undefined ? 400 : 422).send({ detail: 'refused, nothing kept' });
  });
  app.get('/fine', async () => ({ ok: true }));
  await app.ready();
  t.teardown(() => app.close());

  const routes = [
    { method: 'POST', url: '/leaky', params: [] },
    { method: 'GET', url: '/broken/:id', params: ['id'] },
    { method: 'GET', url: '/polluting', params: [] },
    { method: 'POST', url: '/tidy', params: [] },
    { method: 'GET', url: '/fine', params: [] },
  ];
  const { tallies, failures } = await fuzzRoutes({ app: Object.assign(app, { ctx: { db } }), routes, world, casesPerRoute: 20, seed: 1, logs: [] });
  const byRoute = Object.fromEntries(tallies.map((tally) => [tally.route, tally]));
  // before its cases, the engine asks each route once (no body) which token it accepts
  reached.leaky -= 1;
  reached.broken -= 1;
  t.ok(reached.leaky > 0 && reached.broken > 0, 'some cases reached the handlers');
  t.match(byRoute['POST /leaky'], { cases: 20, clientErrors: 20, rowsWrittenOnRefusal: reached.leaky });
  t.match(byRoute['GET /broken/:id'], { cases: 20, serverErrors: reached.broken });
  t.match(byRoute['POST /tidy'], { cases: 20, rowsWrittenOnRefusal: 0 }, 'a rolled-back write is no write');
  t.match(byRoute['GET /fine'], { cases: 20, serverErrors: 0 });
  t.equal(failures.filter((failure) => /changed rows: "public"\."notes" \+1$/.test(failure.problem)).length, reached.leaky, 'each leaky refusal is reported with its table');
  t.equal(failures.filter((failure) => failure.problem === 'answered 500' && failure.route === 'GET /broken/:id').length, reached.broken);
  t.ok(failures.some((failure) => failure.problem === 'Object.prototype was polluted'), 'pollution is reported');
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'and cleaned up');
  t.notOk(failures.some((failure) => failure.route === 'GET /fine' || failure.route === 'POST /tidy'), 'the well-behaved routes have no failures');
  t.match(formatTallies(tallies), new RegExp(`\\| POST /leaky +\\| +20 \\| +0 \\| +20 \\| +0 \\| +${reached.leaky} \\|`), 'the table has a line per route');
  t.match(formatTallies(tallies), /total \(5 routes\)/);
});
