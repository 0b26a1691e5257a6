// Set-based searches for suspicious registry data (canbao registry check).
import { type Kysely, type RawBuilder, sql } from 'kysely';
import { inArea } from '../reports/coverage-sql.js';

// biome-ignore lint/suspicious/noExplicitAny: the registry tables are not in the shared schema type
type Db = Kysely<any>;

export interface CheckPerson {
  id: number;
  doc_no: string;
  name: string;
  birth_date: string | null;
  household_no: string | null;
  status: string;
}

/** Persons (alias) living in the area (a county, township or village code; '' for everywhere). */
function livesIn(alias: string, area: string): RawBuilder<unknown> {
  return area === '' ? sql`true` : inArea(sql.raw(`${alias}.residence_village`), `${area}%`);
}

const P = `p.id, p.doc_no, p.name, p.birth_date::text AS birth_date, h.household_no, p.status`;

/** Old 15-digit resident IDs still stored as such. */
export async function fifteenDigitIds(db: Db, area = ''): Promise<CheckPerson[]> {
  const r = await sql<CheckPerson>`
    SELECT ${sql.raw(P)} FROM persons p LEFT JOIN households h ON h.id = p.household_id
    WHERE p.doc_type = 'resident_id' AND length(p.doc_no) = 15 AND ${livesIn('p', area)} ORDER BY p.id`.execute(
    db,
  );
  return r.rows;
}

export async function personsByDocNos(db: Db, docNos: readonly string[]): Promise<CheckPerson[]> {
  if (docNos.length === 0) return [];
  const r = await sql<CheckPerson>`
    SELECT ${sql.raw(P)} FROM persons p LEFT JOIN households h ON h.id = p.household_id
    WHERE p.doc_no = ANY(${docNos as string[]}::text[])`.execute(db);
  return r.rows;
}

/** Groups of resident IDs equal in their first 17 characters (only the check digit differs). */
export async function sameExceptCheckDigit(db: Db, area = ''): Promise<CheckPerson[][]> {
  const r = await sql<CheckPerson & { grp: string }>`
    SELECT left(p.doc_no, 17) AS grp, ${sql.raw(P)}
    FROM persons p LEFT JOIN households h ON h.id = p.household_id
    WHERE p.doc_type = 'resident_id' AND length(p.doc_no) = 18 AND ${livesIn('p', area)} AND left(p.doc_no, 17) IN (
      SELECT left(q.doc_no, 17) FROM persons q WHERE q.doc_type = 'resident_id' AND length(q.doc_no) = 18
        AND ${livesIn('q', area)}
      GROUP BY 1 HAVING count(*) > 1
    )
    ORDER BY grp, p.id`.execute(db);
  return group(r.rows);
}

/** Same name, sex, birth date and address code under different numbers: perhaps one person twice. */
export async function sameNameAndBirth(db: Db, area = ''): Promise<CheckPerson[][]> {
  const r = await sql<CheckPerson & { grp: string }>`
    WITH k AS (
      SELECT q.name, q.birth_date, q.sex, left(q.doc_no, 6) AS addr FROM persons q
      WHERE q.birth_date IS NOT NULL AND ${livesIn('q', area)}
      GROUP BY 1, 2, 3, 4 HAVING count(*) > 1
    )
    SELECT k.name || k.birth_date || k.sex || k.addr AS grp, ${sql.raw(P)}
    FROM k JOIN persons p ON p.name = k.name AND p.birth_date = k.birth_date AND p.sex = k.sex
      AND left(p.doc_no, 6) = k.addr AND ${livesIn('p', area)}
    LEFT JOIN households h ON h.id = p.household_id
    ORDER BY grp, p.id`.execute(db);
  return group(r.rows);
}

function group(rows: (CheckPerson & { grp: string })[]): CheckPerson[][] {
  const out: CheckPerson[][] = [];
  let key: string | undefined;
  for (const { grp, ...p } of rows) {
    if (grp !== key) {
      out.push([]);
      key = grp;
    }
    out.at(-1)!.push(p);
  }
  return out;
}

export interface HouseholdFinding {
  household_no: string;
  county_code: string;
  heads: number;
  members: number;
  deceased_heads: number;
}

/** Households with no head, several heads, or a deceased/moved-out head. */
export async function householdHeadProblems(db: Db, area = ''): Promise<HouseholdFinding[]> {
  const r = await sql<HouseholdFinding>`
    SELECT h.household_no, h.county_code,
      count(*) FILTER (WHERE p.relation = '户主')::int AS heads,
      count(p.id)::int AS members,
      count(*) FILTER (WHERE p.relation = '户主' AND p.status <> 'active')::int AS deceased_heads
    FROM households h LEFT JOIN persons p ON p.household_id = h.id
    WHERE ${area === '' ? sql`true` : sql`COALESCE(h.village_code, h.county_code) LIKE ${`${area}%`}`}
    GROUP BY h.id, h.household_no, h.county_code
    HAVING count(*) FILTER (WHERE p.relation = '户主') <> 1
        OR count(*) FILTER (WHERE p.relation = '户主' AND p.status <> 'active') > 0
    ORDER BY h.county_code, h.household_no`.execute(db);
  return r.rows;
}

/** Persons whose household or village does not exist. */
export async function danglingReferences(db: Db, area = ''): Promise<(CheckPerson & { problem: string })[]> {
  const r = await sql<CheckPerson & { problem: string }>`
    SELECT ${sql.raw(P)},
      CASE WHEN p.household_id IS NOT NULL AND h.id IS NULL THEN 'household' ELSE 'village' END AS problem
    FROM persons p LEFT JOIN households h ON h.id = p.household_id
    WHERE ((p.household_id IS NOT NULL AND h.id IS NULL)
       OR NOT EXISTS (SELECT 1 FROM regions r WHERE r.code = p.residence_village)) AND ${livesIn('p', area)}
    ORDER BY p.id`.execute(db);
  return r.rows;
}

/**
 * Deceased or moved-out persons still active elsewhere: a department still certifies them (an open
 * identity), or they still hold a current assessment.
 */
export async function inactiveStillActive(db: Db, area = ''): Promise<(CheckPerson & { problem: string })[]> {
  const r = await sql<CheckPerson & { problem: string }>`
    SELECT ${sql.raw(P)}, 'identity' AS problem
    FROM persons p LEFT JOIN households h ON h.id = p.household_id
    WHERE p.status <> 'active' AND ${livesIn('p', area)} AND EXISTS (SELECT 1 FROM person_identities i WHERE i.person_id = p.id AND i.valid_to IS NULL)
    UNION ALL
    SELECT ${sql.raw(P)}, 'assessment' AS problem
    FROM persons p LEFT JOIN households h ON h.id = p.household_id
    WHERE p.status <> 'active' AND ${livesIn('p', area)} AND EXISTS (SELECT 1 FROM assessments a WHERE a.person_id = p.id AND a.status = 'assessed')
    ORDER BY 1, 7`.execute(db);
  return r.rows;
}
