// Planner statistics for tables a bulk operation is about to join. Without them (right after a
// COPY) PostgreSQL picks nested loops and a region takes minutes instead of seconds; but
// re-analysing an unchanged million-row table costs most of a second each time, so only tables
// whose statistics are missing or out of date are analysed.
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: works on any schema
type Db = Kysely<any>;

/**
 * Analyses each table whose statistics are stale: never analysed, its size on disk more than 20%
 * away from the size at the last analysis (catches a bulk load in this very transaction, which the
 * statistics counters do not show yet), or more than 20% of its rows changed since (the counters).
 * Returns the tables analysed.
 */
export async function analyseIfStale(db: Db, tables: readonly string[]): Promise<string[]> {
  const { rows } = await sql<{ name: string; stale: boolean }>`
    SELECT t.name, (c.reltuples < 0
        OR abs(pg_relation_size(c.oid) / current_setting('block_size')::int - c.relpages) > c.relpages * 0.2 + 8
        OR COALESCE(s.n_mod_since_analyze, 0) > c.reltuples * 0.2 + 500) AS stale
    FROM (VALUES ${sql.join(tables.map((t) => sql`(${t}::text)`))}) AS t(name)
    JOIN pg_class c ON c.oid = t.name::regclass
    LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid`.execute(db);
  const stale = rows.filter((r) => r.stale).map((r) => r.name);
  for (const name of stale) await sql`ANALYZE ${sql.table(name)}`.execute(db);
  return stale;
}
