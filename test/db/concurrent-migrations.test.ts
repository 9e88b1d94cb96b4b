// API replicas and workers started together on a new PostgreSQL database (docker compose up) migrate at the
// same time: without a lock all but one would fail on tables the first is creating. On PGlite only one process
// opens the database, so there is nothing to race.
import { sql } from 'drizzle-orm';
import t from 'tap';
import { loadConfig } from '../../src/config.js';
import { postgresDatabase } from '../../src/db/client.js';
import { freshDatabase } from '../helper.js';

t.test('processes migrating one new database at once all succeed, and the schema is migrated once', { skip: process.env.DATABASE_URL ? false : 'PostgreSQL only (DATABASE_URL unset): PGlite is opened by one process' }, async (t) => {
  const { database: first, url, drop } = await freshDatabase();
  t.teardown(drop);
  t.teardown(() => first.close());
  const others = Array.from({ length: 3 }, () => postgresDatabase(url!, loadConfig({}).databaseTimeouts));
  t.teardown(() => Promise.all(others.map((database) => database.close())));
  const outcomes = await Promise.allSettled([first, ...others].map((database) => database.migrate()));
  t.same(
    outcomes.map((outcome) => (outcome.status === 'fulfilled' ? 'migrated' : String(outcome.reason))),
    ['migrated', 'migrated', 'migrated', 'migrated'],
  );
  const twice = (await first.db.execute(sql`select hash from drizzle.__drizzle_migrations group by hash having count(*) > 1`)) as unknown as unknown[];
  t.same([...twice], [], 'no migration recorded twice');
});
