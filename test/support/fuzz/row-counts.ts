import { sql } from 'drizzle-orm';
import type { Db } from '../../../src/db/client.js';

export type RowCounts = Map<string, number>;

const rowsOf = (result: unknown): Record<string, unknown>[] => (Array.isArray(result) ? result : ((result as { rows: Record<string, unknown>[] }).rows ?? []));

/**
 * Counts the rows of every table in the database, whatever schema it lives in (the list comes from
 * information_schema, so a table added by a later migration is counted without touching the fuzzer).
 */
export async function rowCounter(db: Db): Promise<() => Promise<RowCounts>> {
  const tables = rowsOf(
    await db.execute(sql`select table_schema, table_name from information_schema.tables
      where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema') order by 1, 2`),
  ).map((row) => `"${String(row.table_schema).replaceAll('"', '""')}"."${String(row.table_name).replaceAll('"', '""')}"`);
  if (tables.length === 0) throw new Error('no tables to count');
  const query = sql.raw(tables.map((table) => `select '${table.replaceAll("'", "''")}' as name, count(*)::int as rows from ${table}`).join(' union all '));
  return async () => new Map(rowsOf(await db.execute(query)).map((row) => [String(row.name), Number(row.rows)]));
}

/**
 * The next transaction id PostgreSQL will hand out. Every transaction that writes (commits or not) takes one, so
 * while this mark stands still no row anywhere can have changed, and the full count (tens of milliseconds on
 * PGlite) is needed only after a request that did start writing.
 */
export async function writeMarker(db: Db): Promise<() => Promise<string>> {
  const query = sql`select pg_snapshot_xmax(pg_current_snapshot())::text as next`;
  return async () => String(rowsOf(await db.execute(query))[0]?.next);
}

/** The tables whose row count differs, as "table +n" / "table -n". */
export function rowChanges(before: RowCounts, after: RowCounts): string[] {
  const changes: string[] = [];
  for (const [table, rows] of after) {
    const delta = rows - (before.get(table) ?? 0);
    if (delta !== 0) changes.push(`${table} ${delta > 0 ? '+' : ''}${delta}`);
  }
  return changes;
}
