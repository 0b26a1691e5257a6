// SQL for the statistics bureau population base (the coverage-rate denominator).
import { type Kysely, sql } from 'kysely';
import type { Database, NewPopulationBase } from '../db/database.js';

/** Which of these codes are known regions. */
export async function knownRegionCodes(db: Kysely<Database>, codes: readonly string[]): Promise<Set<string>> {
  if (codes.length === 0) return new Set();
  const rows = await db.selectFrom('regions').select('code').where('code', 'in', codes).execute();
  return new Set(rows.map((r) => r.code));
}

/** Insert or replace population rows by (region_code, year); at most ~1,000 rows a call. */
export async function upsertPopulation(
  db: Kysely<Database>,
  rows: readonly NewPopulationBase[],
): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('population_base')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['region_code', 'year']).doUpdateSet({
        population: (eb) => eb.ref('excluded.population'),
        county_code: (eb) => eb.ref('excluded.county_code'),
        source: (eb) => eb.ref('excluded.source'),
        updated_at: sql`now()`,
      }),
    )
    .execute();
}

export async function getPopulation(db: Kysely<Database>, regionCode: string, year: number) {
  return db
    .selectFrom('population_base')
    .selectAll()
    .where('region_code', '=', regionCode)
    .where('year', '=', year)
    .executeTakeFirst();
}

/** Current population of these regions in one year, by code. */
export async function populationsFor(
  db: Kysely<Database>,
  year: number,
  codes: readonly string[],
): Promise<Map<string, number>> {
  if (codes.length === 0) return new Map();
  const rows = await db
    .selectFrom('population_base')
    .select(['region_code', 'population'])
    .where('year', '=', year)
    .where('region_code', 'in', codes)
    .execute();
  return new Map(rows.map((r) => [r.region_code, r.population]));
}
