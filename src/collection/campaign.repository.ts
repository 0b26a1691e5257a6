// SQL of the year rollover: campaigns, the identities that carry into the new year or need
// re-certification, and who was insured last year but not yet this year (set-based: one anti-join
// on enrollments' (person_id, year) key, paged by keyset, never OFFSET).
import { type Kysely, sql } from 'kysely';
import type { DbSession } from '../db/connection.js';
import type { Database } from '../db/database.js';

export interface CampaignRow {
  countyCode: string;
  countyName: string | null;
  year: number;
  packId: string;
  packHash: string;
  openedOn: string;
  openedBy: string | null;
  status: 'open' | 'closed';
  carriedIdentities: number;
}

const CAMPAIGN_COLUMNS = sql`c.county_code AS "countyCode", r.name AS "countyName", c.year::int AS year,
  c.pack_id AS "packId", c.pack_hash AS "packHash", c.opened_on::text AS "openedOn", c.opened_by AS "openedBy",
  c.status, c.carried_identities AS "carriedIdentities"`;

export async function insertCampaign(
  tx: DbSession,
  c: {
    county: string;
    year: number;
    packId: string;
    packHash: string;
    openedOn: string;
    openedBy: string;
    carried: number;
  },
): Promise<boolean> {
  const { rows } = await sql<{ year: number }>`
    INSERT INTO campaigns (county_code, year, pack_id, pack_hash, opened_on, opened_by, carried_identities)
    VALUES (${c.county}, ${c.year}, ${c.packId}, ${c.packHash}, ${c.openedOn}, ${c.openedBy}, ${c.carried})
    ON CONFLICT (county_code, year) DO NOTHING
    RETURNING year`.execute(tx.db);
  return rows.length > 0;
}

export async function findCampaigns(
  db: Kysely<Database>,
  filter: { county?: string; year?: number } = {},
): Promise<CampaignRow[]> {
  const { rows } = await sql<CampaignRow>`
    SELECT ${CAMPAIGN_COLUMNS} FROM campaigns c LEFT JOIN regions r ON r.code = c.county_code
    WHERE (${filter.county ?? null}::text IS NULL OR c.county_code = ${filter.county ?? null})
      AND (${filter.year ?? null}::int IS NULL OR c.year = ${filter.year ?? null})
    ORDER BY c.year DESC, c.county_code`.execute(db);
  return rows;
}

export async function countyName(db: Kysely<Database>, county: string): Promise<string | null> {
  const { rows } = await sql<{ name: string }>`SELECT name FROM regions WHERE code = ${county}`.execute(db);
  return rows[0]?.name ?? null;
}

/** The region's level (3 = county) when the regions table knows it. */
export async function regionLevel(
  db: Kysely<Database>,
  code: string,
): Promise<{ name: string; level: number } | null> {
  const { rows } = await sql<{
    name: string;
    level: number;
  }>`SELECT name, level FROM regions WHERE code = ${code}`.execute(db);
  return rows[0] ?? null;
}

/** Identities of active persons valid on `day`, per category. */
export async function identitiesValidOn(
  db: Kysely<Database>,
  county: string,
  day: string,
): Promise<{ category: string; identities: number; persons: number }[]> {
  const { rows } = await sql<{ category: string; identities: number; persons: number }>`
    SELECT i.category, count(*)::int AS identities, count(DISTINCT i.person_id)::int AS persons
    FROM person_identities i JOIN persons p ON p.id = i.person_id
    WHERE i.county_code = ${county} AND p.status = 'active'
      AND i.valid_from <= ${day}::date AND (i.valid_to IS NULL OR i.valid_to >= ${day}::date)
    GROUP BY i.category ORDER BY i.category`.execute(db);
  return rows;
}

export interface RecertificationRow {
  docNo: string;
  name: string;
  villageCode: string;
  category: string;
  department: string;
  validTo: string;
}

/** Identities valid on `day` that end before `before` (the new benefit period): they need re-certifying. */
export async function identitiesEndingBefore(
  db: Kysely<Database>,
  county: string,
  day: string,
  before: string,
  limit: number,
): Promise<{ total: number; items: RecertificationRow[] }> {
  const where = sql`i.county_code = ${county} AND p.status = 'active' AND i.valid_from <= ${day}::date
    AND i.valid_to IS NOT NULL AND i.valid_to >= ${day}::date AND i.valid_to < ${before}::date`;
  const total = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM person_identities i JOIN persons p ON p.id = i.person_id WHERE ${where}`.execute(
    db,
  );
  const { rows } = await sql<RecertificationRow>`
    SELECT p.doc_no AS "docNo", p.name, p.residence_village AS "villageCode", i.category, i.department,
      i.valid_to::text AS "validTo"
    FROM person_identities i JOIN persons p ON p.id = i.person_id WHERE ${where}
    ORDER BY i.valid_to, p.residence_village, p.id LIMIT ${limit}`.execute(db);
  return { total: total.rows[0]?.n ?? 0, items: rows };
}

export interface UnrenewedRow {
  personId: number;
  docNo: string;
  name: string;
  villageCode: string;
  villageName: string | null;
  phone: string | null;
  householdNo: string | null;
  lastStatus: string;
}

/** Statuses that mean insured in a year: paid (or nothing to pay), later suspended, or ended by death. */
const INSURED = sql`('enrolled', 'suspended', 'terminated')`;

function unrenewedWhere(q: { county: string; year: number; village?: string }) {
  // Not chased: persons who have since joined employee insurance or are insured elsewhere.
  return sql`e.county_code = ${q.county} AND e.year = ${q.year - 1} AND e.status IN ('enrolled', 'suspended')
    AND p.status = 'active' AND NOT p.employee_insurance AND p.insured_elsewhere IS NULL
    AND (${q.village ?? null}::text IS NULL OR p.residence_village LIKE ${`${q.village ?? ''}%`})
    AND NOT EXISTS (SELECT 1 FROM enrollments n WHERE n.person_id = e.person_id AND n.year = ${q.year}
      AND n.status IN ${INSURED})`;
}

export async function countUnrenewed(
  db: Kysely<Database>,
  q: { county: string; year: number; village?: string },
): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM enrollments e JOIN persons p ON p.id = e.person_id
    WHERE ${unrenewedWhere(q)}`.execute(db);
  return rows[0]?.n ?? 0;
}

function unrenewedSelect(q: { county: string; year: number; village?: string }) {
  return sql`
    SELECT p.id AS "personId", p.doc_no AS "docNo", p.name, p.residence_village AS "villageCode",
      r.name AS "villageName", p.phone, h.household_no AS "householdNo", e.status AS "lastStatus"
    FROM enrollments e JOIN persons p ON p.id = e.person_id
      LEFT JOIN households h ON h.id = p.household_id
      LEFT JOIN regions r ON r.code = p.residence_village
    WHERE ${unrenewedWhere(q)}`;
}

/** One page, ordered by village then person; `after` is the last row of the previous page. */
export async function unrenewedPage(
  db: Kysely<Database>,
  q: { county: string; year: number; village?: string },
  limit: number,
  after?: { villageCode: string; personId: number },
): Promise<UnrenewedRow[]> {
  const { rows } = await sql<UnrenewedRow>`
    SELECT * FROM (${unrenewedSelect(q)}) u
    WHERE ${after?.villageCode ?? null}::text IS NULL
      OR (u."villageCode", u."personId") > (${after?.villageCode ?? ''}::varchar, ${after?.personId ?? 0}::bigint)
    ORDER BY u."villageCode", u."personId"
    LIMIT ${limit}`.execute(db);
  return rows;
}

/**
 * Every row in one pass through a cursor (one anti-join and one sort, however long the list):
 * for exports, where paging would repeat the join per page.
 */
export async function* streamUnrenewed(
  db: Kysely<Database>,
  q: { county: string; year: number; village?: string },
): AsyncGenerator<UnrenewedRow> {
  const query = db
    .selectFrom(sql`(${unrenewedSelect(q)})`.as('u'))
    .selectAll()
    .orderBy(sql`u."villageCode"`)
    .orderBy(sql`u."personId"`);
  for await (const row of query.stream(2000)) yield row as unknown as UnrenewedRow;
}
