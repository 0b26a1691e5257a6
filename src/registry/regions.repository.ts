// The only place with SQL for regions. Functions take a Kysely instance or a transaction.
import { type Kysely, sql } from 'kysely';
import type { Database, NewRegion, Region, RegionLevel } from '../db/database.js';

// 6 parameters a row: 1,000 rows stays far below PostgreSQL's 65,535-parameter limit.
const UPSERT_CHUNK = 1000;

/** Insert or update regions by code; returns how many rows were inserted or changed. */
export async function upsertRegions(db: Kysely<Database>, rows: readonly NewRegion[]): Promise<number> {
  let changed = 0;
  for (let i = 0; i < rows.length; i += UPSERT_CHUNK) {
    const chunk = rows.slice(i, i + UPSERT_CHUNK);
    const result = await db
      .insertInto('regions')
      .values(chunk)
      .onConflict((oc) =>
        oc
          .column('code')
          .doUpdateSet({
            name: (eb) => eb.ref('excluded.name'),
            level: (eb) => eb.ref('excluded.level'),
            parent_code: (eb) => eb.ref('excluded.parent_code'),
            county_code: (eb) => eb.ref('excluded.county_code'),
            urban_rural_code: sql`coalesce(excluded.urban_rural_code, regions.urban_rural_code)`,
            updated_at: sql`now()`,
          })
          .where(
            sql<boolean>`(regions.name, regions.level, regions.parent_code, regions.county_code, regions.urban_rural_code)
              IS DISTINCT FROM (excluded.name, excluded.level, excluded.parent_code, excluded.county_code,
                coalesce(excluded.urban_rural_code, regions.urban_rural_code))`,
          ),
      )
      .executeTakeFirst();
    changed += Number(result.numInsertedOrUpdatedRows ?? 0);
  }
  return changed;
}

export async function getRegion(db: Kysely<Database>, code: string): Promise<Region | undefined> {
  return db.selectFrom('regions').selectAll().where('code', '=', code).executeTakeFirst();
}

export interface RegionChild {
  code: string;
  name: string;
  level: RegionLevel;
  children: number;
  populationYear: number | null;
  population: number | null;
}

/** Children of a region (or the provinces when parent is null), with child counts and latest population. */
export async function listChildren(db: Kysely<Database>, parentCode: string | null): Promise<RegionChild[]> {
  const rows = await db
    .selectFrom('regions as r')
    .select((eb) => [
      'r.code',
      'r.name',
      'r.level',
      eb
        .selectFrom('regions as c')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('c.parent_code', '=', 'r.code')
        .as('children'),
      eb
        .selectFrom('population_base as p')
        .select('p.year')
        .whereRef('p.region_code', '=', 'r.code')
        .orderBy('p.year', 'desc')
        .limit(1)
        .as('populationYear'),
      eb
        .selectFrom('population_base as p')
        .select('p.population')
        .whereRef('p.region_code', '=', 'r.code')
        .orderBy('p.year', 'desc')
        .limit(1)
        .as('population'),
    ])
    .where((eb) =>
      parentCode === null ? eb('r.parent_code', 'is', null) : eb('r.parent_code', '=', parentCode),
    )
    .orderBy('r.code')
    .execute();
  return rows.map((r) => ({ ...r, children: Number(r.children ?? 0) }));
}

export async function countRegionsByCounty(
  db: Kysely<Database>,
): Promise<{ county_code: string; townships: number; villages: number }[]> {
  return db
    .selectFrom('regions')
    .select((eb) => [
      'county_code',
      eb.fn.count<number>('code').filterWhere('level', '=', 4).as('townships'),
      eb.fn.count<number>('code').filterWhere('level', '=', 5).as('villages'),
    ])
    .where('county_code', 'is not', null)
    .groupBy('county_code')
    .orderBy('county_code')
    .execute() as Promise<{ county_code: string; townships: number; villages: number }[]>;
}

// ---- bulk import through a staging table (one pinned transaction) ---------------------------

export const REGION_STAGE = 'region_import_stage';
export const REGION_STAGE_COLUMNS = [
  'line',
  'code',
  'name',
  'level',
  'parent_code',
  'county_code',
  'urban_rural_code',
] as const;

export async function createRegionStage(db: Kysely<Database>): Promise<void> {
  await sql`
    CREATE TEMP TABLE region_import_stage (
      line integer NOT NULL,
      code varchar(12) NOT NULL,
      name text NOT NULL,
      level smallint NOT NULL,
      parent_code varchar(12),
      county_code char(6),
      urban_rural_code char(3)
    ) ON COMMIT DROP
  `.execute(db);
  await sql`CREATE INDEX ON region_import_stage (code)`.execute(db);
}

/**
 * Remove staged rows whose parent is neither staged nor already known, repeatedly (a missing
 * township also orphans its villages). Returns the removed rows.
 */
export async function removeOrphanedStageRows(
  db: Kysely<Database>,
): Promise<{ line: number; code: string; parent_code: string }[]> {
  const removed: { line: number; code: string; parent_code: string }[] = [];
  for (;;) {
    const r = await sql<{ line: number; code: string; parent_code: string }>`
      DELETE FROM region_import_stage s
      WHERE s.parent_code IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM region_import_stage p WHERE p.code = s.parent_code)
        AND NOT EXISTS (SELECT 1 FROM regions r WHERE r.code = s.parent_code)
      RETURNING s.line, s.code, s.parent_code`.execute(db);
    if (r.rows.length === 0) return removed.sort((a, b) => a.line - b.line);
    removed.push(...r.rows);
  }
}

/** Move staged rows into regions; returns counts of new, changed and unchanged rows. */
export async function mergeRegionStage(
  db: Kysely<Database>,
): Promise<{ staged: number; inserted: number; updated: number }> {
  const counts = await sql<{ staged: number; existing: number }>`
    SELECT count(*) AS staged, count(r.code) AS existing
    FROM region_import_stage s LEFT JOIN regions r ON r.code = s.code`.execute(db);
  const { staged, existing } = counts.rows[0] ?? { staged: 0, existing: 0 };
  const result = await sql`
    INSERT INTO regions (code, name, level, parent_code, county_code, urban_rural_code)
    SELECT code, name, level, parent_code, county_code, urban_rural_code FROM region_import_stage
    ON CONFLICT (code) DO UPDATE SET
      name = excluded.name,
      level = excluded.level,
      parent_code = excluded.parent_code,
      county_code = excluded.county_code,
      urban_rural_code = coalesce(excluded.urban_rural_code, regions.urban_rural_code),
      updated_at = now()
    WHERE (regions.name, regions.level, regions.parent_code, regions.county_code, regions.urban_rural_code)
      IS DISTINCT FROM (excluded.name, excluded.level, excluded.parent_code, excluded.county_code,
        coalesce(excluded.urban_rural_code, regions.urban_rural_code))`.execute(db);
  const changed = Number(result.numAffectedRows ?? 0);
  const inserted = staged - existing;
  return { staged, inserted, updated: changed - inserted };
}
