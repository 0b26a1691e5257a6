// Planner statistics for tables a bulk operation is about to join. Without them (right after a
// COPY) PostgreSQL picks nested loops and a region takes minutes instead of seconds; but
// re-analysing an unchanged million-row table costs most of a second each time, so only tables
// whose statistics are missing or out of date are analysed.
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: works on any schema
type Db = Kysely<any>;

/**
 * Analyses each table whose statistics are missing or stale: never analysed, or its size on disk
 * more than 20% away from the size at the last analysis (a bulk load or mass update, also one in this
 * very transaction). Not the modification counter: a load that analyses before committing (the
 * demo, imports) leaves it counting every loaded row as changed since the analysis.
 * A table may be given with the columns the caller joins and filters on: sampling only those skips
 * the wide text columns and the expression indexes. Returns the tables analysed.
 */
export async function analyseIfStale(
  db: Db,
  tables: readonly (string | { table: string; columns: readonly string[] })[],
): Promise<string[]> {
  const wanted = tables.map((t) => (typeof t === 'string' ? { table: t, columns: [] } : t));
  const { rows } = await sql<{ name: string; stale: boolean }>`
    SELECT t.name, (c.reltuples < 0
        OR abs(pg_relation_size(c.oid) / current_setting('block_size')::int - c.relpages) > c.relpages * 0.2 + 8) AS stale
    FROM (VALUES ${sql.join(wanted.map((t) => sql`(${t.table}::text)`))}) AS t(name)
    JOIN pg_class c ON c.oid = t.name::regclass`.execute(db);
  const stale = rows.filter((r) => r.stale).map((r) => r.name);
  for (const { table, columns } of wanted) {
    if (!stale.includes(table)) continue;
    const list = columns.length ? sql` (${sql.join(columns.map((c) => sql.id(c)))})` : sql``;
    await sql`ANALYZE ${sql.table(table)}${list}`.execute(db);
  }
  return stale;
}
