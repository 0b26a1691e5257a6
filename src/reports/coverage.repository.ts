// Coverage by county, township and village in one statement: persons of the area are counted per
// village (eligible, enrolled on the as-of date, enrolled last year), every village of the area is
// kept even with nobody in it, and ROLLUP adds the township and county subtotals, so the levels add
// up by construction. Names, the statistics bureau base and township phase targets are joined on.
import { sql } from 'kysely';
import type { DbSession } from '../db/connection.js';
import { ELIGIBLE, enrolledBy, inArea } from './coverage-sql.js';

export interface CoverageRow {
  /** 6, 9 or 12 digits; '' for the total over several counties. */
  code: string;
  name: string | null;
  eligible: number;
  enrolled: number;
  enrolled_last_year: number;
  /** Statistics bureau population (population_base, latest year not after the report year). */
  base: number | null;
  /** Township phase target in force: the earliest due on or after the as-of date, else the last one. */
  target_due_on: string | null;
  target_percent: string | null;
}

export interface CoverageQuery {
  villageLike: string;
  year: number;
  asOf: string;
}

export async function coverageRows(db: DbSession, q: CoverageQuery): Promise<CoverageRow[]> {
  const { rows } = await sql<CoverageRow>`
    WITH agg AS (
      SELECT p.residence_village AS village,
        count(*) FILTER (WHERE ${ELIGIBLE})::int AS eligible,
        count(*) FILTER (WHERE ${enrolledBy(q.asOf)})::int AS enrolled,
        count(*) FILTER (WHERE ly.status IN ('enrolled', 'suspended'))::int AS enrolled_last_year
      FROM persons p
      LEFT JOIN enrollments e ON e.person_id = p.id AND e.year = ${q.year}
      LEFT JOIN enrollments ly ON ly.person_id = p.id AND ly.year = ${q.year - 1}
      WHERE ${inArea(sql`p.residence_village`, q.villageLike)}
      GROUP BY p.residence_village
    ), villages AS (
      SELECT coalesce(r.code, a.village) AS village, coalesce(a.eligible, 0) AS eligible,
        coalesce(a.enrolled, 0) AS enrolled, coalesce(a.enrolled_last_year, 0) AS enrolled_last_year
      FROM (SELECT code FROM regions WHERE level = 5 AND code LIKE ${q.villageLike}) r
      FULL JOIN agg a ON a.village = r.code
    ), rolled AS (
      SELECT CASE grouping(left(village, 6), left(village, 9), village)
          WHEN 0 THEN village WHEN 1 THEN left(village, 9) WHEN 3 THEN left(village, 6) ELSE '' END AS code,
        sum(eligible)::int AS eligible, sum(enrolled)::int AS enrolled,
        sum(enrolled_last_year)::int AS enrolled_last_year
      FROM villages
      GROUP BY ROLLUP (left(village, 6), left(village, 9), village)
    )
    SELECT r.code, rg.name, r.eligible, r.enrolled, r.enrolled_last_year, pb.population AS base,
      to_char(t.due_on, 'YYYY-MM-DD') AS target_due_on, t.rate_percent::text AS target_percent
    FROM rolled r
    LEFT JOIN regions rg ON rg.code = r.code
    LEFT JOIN LATERAL (
      SELECT population FROM population_base b
      WHERE b.region_code = r.code AND b.year <= ${q.year} ORDER BY b.year DESC LIMIT 1
    ) pb ON r.code <> ''
    LEFT JOIN LATERAL (
      SELECT due_on, rate_percent FROM township_targets tt
      WHERE tt.region_code = r.code AND tt.year = ${q.year}
      ORDER BY (tt.due_on >= ${q.asOf}::date) DESC,
        CASE WHEN tt.due_on >= ${q.asOf}::date THEN tt.due_on - ${q.asOf}::date ELSE ${q.asOf}::date - tt.due_on END
      LIMIT 1
    ) t ON length(r.code) = 9
    ORDER BY r.code`.execute(db.db);
  return rows;
}

export interface TrendRow {
  day: string;
  /** Enrolled on this day, and cumulative up to and including it. */
  added: number;
  cumulative: number;
}

/** Cumulative enrolled per day from `from` to the as-of date (days with nobody included). */
export async function coverageTrend(db: DbSession, q: CoverageQuery & { from: string }): Promise<TrendRow[]> {
  const { rows } = await sql<TrendRow>`
    WITH per_day AS (
      SELECT greatest(e.enrolled_on, ${q.from}::date) AS day, count(*)::int AS n
      FROM enrollments e JOIN persons p ON p.id = e.person_id
      WHERE e.year = ${q.year} AND ${enrolledBy(q.asOf)} AND ${inArea(sql`p.residence_village`, q.villageLike)}
      GROUP BY 1
    )
    SELECT to_char(d, 'YYYY-MM-DD') AS day, coalesce(pd.n, 0)::int AS added,
      (sum(coalesce(pd.n, 0)) OVER (ORDER BY d))::int AS cumulative
    FROM generate_series(${q.from}::date, ${q.asOf}::date, interval '1 day') AS d
    LEFT JOIN per_day pd ON pd.day = d::date
    ORDER BY d`.execute(db.db);
  return rows;
}
