// Subsidy settlement for finance in one statement: assessed subsidies (资助参保) of the area by
// funding source, category and township with ROLLUP, split into what is settled (the person is
// enrolled on the as-of date) and what is assessed but not yet settled. The per-person rows come
// from the same WHERE, so they sum to the totals to the fen.
import { type RawBuilder, sql } from 'kysely';
import type { DbSession } from '../db/connection.js';
import { enrolledBy, inArea } from './coverage-sql.js';

export interface SettlementQuery {
  countyLike: string;
  villageLike: string;
  year: number;
  asOf: string;
}

function subsidised(q: SettlementQuery): RawBuilder<unknown> {
  return sql`
    FROM assessments a
    JOIN persons p ON p.id = a.person_id
    LEFT JOIN enrollments e ON e.person_id = a.person_id AND e.year = a.year
    WHERE a.county_code LIKE ${q.countyLike} AND a.year = ${q.year} AND a.status = 'assessed' AND a.subsidy_fen > 0
      AND ${inArea(sql`p.residence_village`, q.villageLike)}`;
}

export interface SettlementRow {
  /** '' on subtotal rows above this level. */
  funding_source: string;
  category: string;
  township: string;
  township_name: string | null;
  level: 'total' | 'source' | 'category' | 'township';
  persons: number;
  assessed_fen: string;
  settled_persons: number;
  settled_fen: string;
}

export async function settlementRows(db: DbSession, q: SettlementQuery): Promise<SettlementRow[]> {
  const { rows } = await sql<SettlementRow>`
    WITH s AS (
      SELECT coalesce(a.funding_source, '') AS funding_source, coalesce(a.category, '') AS category,
        left(p.residence_village, 9) AS township, a.subsidy_fen, coalesce(${enrolledBy(q.asOf)}, false) AS settled
      ${subsidised(q)}
    ), r AS (
      SELECT funding_source, category, township,
        grouping(funding_source, category, township) AS g,
        count(*)::int AS persons, sum(subsidy_fen)::bigint AS assessed_fen,
        count(*) FILTER (WHERE settled)::int AS settled_persons,
        coalesce(sum(subsidy_fen) FILTER (WHERE settled), 0)::bigint AS settled_fen
      FROM s GROUP BY ROLLUP (funding_source, category, township)
    )
    SELECT coalesce(r.funding_source, '') AS funding_source, coalesce(r.category, '') AS category,
      coalesce(r.township, '') AS township, rg.name AS township_name,
      CASE r.g WHEN 7 THEN 'total' WHEN 3 THEN 'source' WHEN 1 THEN 'category' ELSE 'township' END AS level,
      r.persons, r.assessed_fen::text, r.settled_persons, r.settled_fen::text
    FROM r LEFT JOIN regions rg ON rg.code = r.township
    ORDER BY r.funding_source NULLS FIRST, r.category NULLS FIRST, r.township NULLS FIRST`.execute(db.db);
  return rows;
}

export interface SettlementPersonRow {
  person_id: string;
  funding_source: string;
  category: string;
  subsidy_rule: string | null;
  township: string;
  village: string;
  name: string;
  doc_no: string;
  standard_fen: number;
  subsidy_fen: number;
  payable_fen: number;
  settled: boolean;
  enrolled_on: string | null;
}

/** Every subsidised person of the area, keyset-paged by person id (no OFFSET). */
export async function settlementPersons(
  db: DbSession,
  q: SettlementQuery,
  afterPersonId: string,
  pageSize: number,
): Promise<SettlementPersonRow[]> {
  const { rows } = await sql<SettlementPersonRow>`
    SELECT a.person_id::text AS person_id, coalesce(a.funding_source, '') AS funding_source,
      coalesce(a.category, '') AS category, a.subsidy_rule, left(p.residence_village, 9) AS township,
      p.residence_village AS village, p.name, p.doc_no, a.standard_fen, a.subsidy_fen, a.payable_fen,
      coalesce(${enrolledBy(q.asOf)}, false) AS settled, to_char(e.enrolled_on, 'YYYY-MM-DD') AS enrolled_on
    ${subsidised(q)} AND a.person_id > ${afterPersonId}::bigint
    ORDER BY a.person_id
    LIMIT ${pageSize}`.execute(db.db);
  return rows;
}
