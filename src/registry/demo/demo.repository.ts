// The demo population's SQL: bulk COPY into households, persons and (when its table exists)
// person_identities with ids reserved up front, so the three streams can point at each other
// without reading anything back; and the counts `canbao start` prints.
import { type Kysely, sql } from 'kysely';
import type { DbSession } from '../../db/connection.js';
import type { Database } from '../../db/database.js';

export async function tableExists(db: Kysely<Database>, table: string): Promise<boolean> {
  const { rows } = await sql<{ found: string | null }>`SELECT to_regclass(${table})::text AS found`.execute(
    db,
  );
  return rows[0]?.found != null;
}

export async function countPersons(db: Kysely<Database>, counties?: readonly string[]): Promise<number> {
  const { rows } = counties?.length
    ? await sql<{
        n: number;
      }>`SELECT count(*)::int AS n FROM persons WHERE county_code IN (${sql.join(counties)})`.execute(db)
    : await sql<{ n: number }>`SELECT count(*)::int AS n FROM persons`.execute(db);
  return rows[0]?.n ?? 0;
}

/**
 * Lock the tables for the load and return the first free id of each (ids are given explicitly
 * in the COPY; the sequences are moved past them afterwards by `advanceSequences`).
 */
export async function reserveIds(tx: DbSession, withIdentities: boolean) {
  const tables = withIdentities ? 'households, persons, person_identities' : 'households, persons';
  await sql.raw(`LOCK TABLE ${tables} IN SHARE ROW EXCLUSIVE MODE`).execute(tx.db);
  const next = async (table: string): Promise<number> => {
    const { rows } = await sql<{
      n: number;
    }>`SELECT coalesce(max(id), 0)::bigint + 1 AS n FROM ${sql.table(table)}`.execute(tx.db);
    return Number(rows[0]?.n ?? 1);
  };
  return {
    household: await next('households'),
    person: await next('persons'),
    identity: withIdentities ? await next('person_identities') : 0,
  };
}

export async function advanceSequences(tx: DbSession, withIdentities: boolean): Promise<void> {
  for (const table of withIdentities
    ? ['households', 'persons', 'person_identities']
    : ['households', 'persons']) {
    await sql`SELECT setval(pg_get_serial_sequence(${table}, 'id'), (SELECT coalesce(max(id), 0) + 1 FROM ${sql.table(table)}), false)`.execute(
      tx.db,
    );
  }
}

export const HOUSEHOLD_COLUMNS = [
  'id',
  'county_code',
  'household_no',
  'village_code',
  'head_person_id',
] as const;
export const PERSON_COLUMNS = [
  'id',
  'county_code',
  'doc_type',
  'doc_no',
  'name',
  'sex',
  'birth_date',
  'household_id',
  'relation',
  'hukou_region',
  'residence_village',
  'phone',
  'status',
  'employee_insurance',
  'student',
  'school',
] as const;
export const IDENTITY_COLUMNS = [
  'id',
  'county_code',
  'person_id',
  'category',
  'grade',
  'kind',
  'formerly_poor',
  'risk_eliminated',
  'department',
  'valid_from',
] as const;

export interface CountyCounts {
  county_code: string;
  name: string;
  persons: number;
  households: number;
}

export async function countsByCounty(db: Kysely<Database>): Promise<CountyCounts[]> {
  const { rows } = await sql<CountyCounts>`
    SELECT p.county_code, coalesce(r.name, p.county_code) AS name, p.persons, coalesce(h.households, 0)::int AS households
    FROM (SELECT county_code, count(*)::int AS persons FROM persons GROUP BY county_code) p
    LEFT JOIN (SELECT county_code, count(*)::int AS households FROM households GROUP BY county_code) h
      ON h.county_code = p.county_code
    LEFT JOIN regions r ON r.code = p.county_code
    ORDER BY p.county_code`.execute(db);
  return rows;
}

/** Persons holding each identity today (open periods), per county. */
export async function identityCountsByCounty(
  db: Kysely<Database>,
): Promise<{ county_code: string; category: string; persons: number }[]> {
  const { rows } = await sql<{ county_code: string; category: string; persons: number }>`
    SELECT county_code, category, count(DISTINCT person_id)::int AS persons
    FROM person_identities WHERE valid_to IS NULL
    GROUP BY county_code, category`.execute(db);
  return rows;
}
