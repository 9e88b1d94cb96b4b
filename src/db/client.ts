import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import { type Db as QueueDb, fromPglite } from 'pg-boss';
import postgres from 'postgres';
import type { Config, DatabaseTimeouts } from '../config.js';
import { lockDataDir } from './lock.js';
import * as schema from './schema/index.js';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
/** A transaction handle; repositories accept either a Db or a Tx so services decide the boundaries. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** how the job queue (pg-boss) reaches this database: the same embedded instance, or its own pool */
  queueConnection: QueueConnection;
  /** Applies the committed SQL migrations in drizzle/ (idempotent). */
  migrate(): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export type QueueConnection = { kind: 'pglite'; db: QueueDb } | { kind: 'postgres'; url: string };

const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));

/** Wraps an open PGlite instance (tests pass one loaded from a pre-migrated template). */
export function pgliteDatabase(client: PGlite): Database {
  const db = drizzlePglite(client, { schema });
  return {
    db,
    kind: 'pglite',
    queueConnection: { kind: 'pglite', db: fromPglite(client) },
    migrate: () => migratePglite(db, { migrationsFolder }),
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    close: () => client.close(),
  };
}

/**
 * A PostgreSQL pool whose every connection attempt and statement is bounded, so a database that is down or
 * stuck fails a request fast (answered 503) instead of holding it open; postgres.js reconnects by itself on the
 * next query once the database is back.
 */
export function postgresDatabase(url: string, timeouts: Pick<DatabaseTimeouts, 'connectMs' | 'statementMs'>): Database {
  const connect_timeout = timeouts.connectMs / 1000; // postgres.js counts seconds
  const client = postgres(url, {
    max: 10,
    connect_timeout,
    // No pause before reconnecting: the library's default backoff (growing to 20 s) holds every queued query
    // while the database is down. Reconnects only happen for waiting queries, so this adds no load by itself.
    backoff: () => 0,
    onnotice: () => {},
    connection: { statement_timeout: timeouts.statementMs },
  });
  const db = drizzlePostgres(client, { schema });
  return {
    db,
    kind: 'postgres',
    queueConnection: { kind: 'postgres', url },
    // Migrations (an index build on a large table) may outlast the statement timeout: their own connection has none.
    // API replicas and workers starting together on a new database would each create the same tables (all but
    // one then fail): a session lock makes them migrate one at a time, and the later ones find nothing to do.
    migrate: async () => {
      const migrator = postgres(url, { max: 1, connect_timeout, onnotice: () => {} });
      try {
        await migrator`select pg_advisory_lock(hashtextextended('iioe:migrations', 0))`;
        await migratePostgres(drizzlePostgres(migrator, { schema }), { migrationsFolder });
      } finally {
        await migrator.end({ timeout: 5 }); // ending the session releases the lock
      }
    },
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    close: () => client.end({ timeout: 5 }),
  };
}

export async function openDatabase(config: Pick<Config, 'database' | 'databaseTimeouts'>, role: 'service' | 'cli' = 'service'): Promise<Database> {
  const { database: where } = config;
  if (where.kind === 'postgres') return postgresDatabase(where.url, config.databaseTimeouts);
  await mkdir(where.dataDir, { recursive: true });
  const unlock = await lockDataDir(where.dataDir, role);
  try {
    const database = pgliteDatabase(await PGlite.create({ dataDir: where.dataDir }));
    return { ...database, close: () => database.close().finally(unlock) };
  } catch (error) {
    await unlock();
    throw error;
  }
}
