// What the 核定 page reads back for an area (a county or city, a township or a village) and a
// year: the runs, the area's current totals by funding source and exclusion, the per-person rows,
// and the changes the latest run made. A county reads its rows by county_code; a township or a
// village also by the residence_village index (the same LIKE-plus-range as the reports).
import { type RawBuilder, sql } from 'kysely';
import type { DbSession } from '../db/connection.js';
import { regionPrefix } from '../policy/pack-loader.js';
import { inArea } from '../reports/coverage-sql.js';

/** Rows of assessments `a` joined to persons `p` inside the area. */
export function assessmentsIn(area: string, year: number): RawBuilder<unknown> {
  const county = area.length === 6 ? regionPrefix(area) : area.slice(0, 6);
  const village = area.length > 6 ? sql` AND ${inArea(sql`p.residence_village`, `${area}%`)}` : sql``;
  return sql`a.county_code LIKE ${`${county}%`} AND a.year = ${year}${village}`;
}

export interface RunRow {
  id: number;
  region: string;
  year: number;
  packId: string;
  packHash: string;
  asOf: string;
  startedBy: string | null;
  startedAt: string;
  finishedAt: string | null;
  persons: number;
  assessed: number;
  excluded: number;
  inserted: number;
  changed: number;
  standardFen: number;
  subsidyFen: number;
  payableFen: number;
}

/** Runs that covered the area (the area's county or city, or a region inside it), newest first. */
export async function runsFor(s: DbSession, area: string, year: number, limit = 50): Promise<RunRow[]> {
  const county = area.slice(0, 6);
  const inside = area.length === 6 ? regionPrefix(area) : area;
  const { rows } = await sql<RunRow>`
    SELECT id::int AS id, region, year, pack_id AS "packId", pack_hash AS "packHash", as_of::text AS "asOf",
      started_by AS "startedBy", started_at AS "startedAt", finished_at AS "finishedAt", persons, assessed, excluded,
      inserted, changed, standard_total::bigint AS "standardFen", subsidy_total::bigint AS "subsidyFen",
      payable_total::bigint AS "payableFen"
    FROM assessment_runs
    WHERE year = ${year} AND finished_at IS NOT NULL
      AND (${county} LIKE ${sql`regexp_replace(region, '(00)+$', '')`} || '%' OR region LIKE ${`${inside}%`})
    ORDER BY id DESC LIMIT ${limit}`.execute(s.db);
  return rows.map((r) => ({
    ...r,
    standardFen: Number(r.standardFen),
    subsidyFen: Number(r.subsidyFen),
    payableFen: Number(r.payableFen),
  }));
}

export interface AreaTotals {
  totals: {
    persons: number;
    assessed: number;
    excluded: number;
    review: number;
    standardFen: number;
    subsidyFen: number;
    payableFen: number;
  };
  bySource: { fundingSource: string; persons: number; subsidyFen: number }[];
  exclusions: { reason: string; persons: number }[];
}

/** The area's stored assessment now (the state the latest run left, plus later single changes). */
export async function areaTotals(s: DbSession, area: string, year: number): Promise<AreaTotals> {
  const from = sql`FROM assessments a JOIN persons p ON p.id = a.person_id WHERE ${assessmentsIn(area, year)}`;
  const t = await sql<Record<string, string | number>>`
    SELECT count(*)::int AS persons, count(*) FILTER (WHERE a.status = 'assessed')::int AS assessed,
      count(*) FILTER (WHERE a.status = 'excluded')::int AS excluded,
      count(*) FILTER (WHERE a.status = 'review')::int AS review,
      COALESCE(sum(a.standard_fen), 0)::bigint AS standard, COALESCE(sum(a.subsidy_fen), 0)::bigint AS subsidy,
      COALESCE(sum(a.payable_fen), 0)::bigint AS payable ${from}`.execute(s.db);
  const bySource = await sql<{ fundingSource: string; persons: number; subsidyFen: string | number }>`
    SELECT a.funding_source AS "fundingSource", count(*)::int AS persons, sum(a.subsidy_fen)::bigint AS "subsidyFen"
    ${from} AND a.status = 'assessed' AND a.subsidy_fen > 0 GROUP BY 1 ORDER BY 1`.execute(s.db);
  const exclusions = await sql<{ reason: string; persons: number }>`
    SELECT a.exclusion_reason AS reason, count(*)::int AS persons
    ${from} AND a.status <> 'assessed' GROUP BY 1 ORDER BY 1`.execute(s.db);
  const r = t.rows[0]!;
  return {
    totals: {
      persons: Number(r.persons),
      assessed: Number(r.assessed),
      excluded: Number(r.excluded),
      review: Number(r.review),
      standardFen: Number(r.standard),
      subsidyFen: Number(r.subsidy),
      payableFen: Number(r.payable),
    },
    bySource: bySource.rows.map((x) => ({ ...x, subsidyFen: Number(x.subsidyFen) })),
    exclusions: exclusions.rows,
  };
}

export interface LedgerPersonRow {
  personId: number;
  docNo: string;
  name: string;
  villageCode: string;
  villageName: string | null;
  status: string;
  exclusionReason: string | null;
  category: string | null;
  fundingSource: string | null;
  standardFen: number;
  subsidyFen: number;
  payableFen: number;
  runId: number;
}

/** One page of the area's per-person rows, in ID-number order. */
export async function ledgerRows(
  s: DbSession,
  area: string,
  year: number,
  page: { limit: number; offset: number },
): Promise<LedgerPersonRow[]> {
  const { rows } = await sql<LedgerPersonRow>`
    SELECT p.id::int AS "personId", p.doc_no AS "docNo", p.name, p.residence_village AS "villageCode",
      v.name AS "villageName", a.status, a.exclusion_reason AS "exclusionReason", a.category,
      a.funding_source AS "fundingSource", a.standard_fen AS "standardFen", a.subsidy_fen AS "subsidyFen",
      a.payable_fen AS "payableFen", a.run_id::int AS "runId"
    FROM assessments a JOIN persons p ON p.id = a.person_id LEFT JOIN regions v ON v.code = p.residence_village
    WHERE ${assessmentsIn(area, year)}
    ORDER BY a.person_id LIMIT ${page.limit} OFFSET ${page.offset}`.execute(s.db);
  return rows;
}

export interface ChangeRow {
  personId: number;
  docNo: string;
  name: string;
  villageCode: string;
  oldStatus: string;
  newStatus: string;
  oldPayableFen: number;
  newPayableFen: number;
  oldCategory: string | null;
  newCategory: string | null;
  oldFundingSource: string | null;
  newFundingSource: string | null;
}

/** What one run changed for people of the area (their previous and new answer). */
export async function changesIn(
  s: DbSession,
  runId: number,
  area: string,
  year: number,
  page: { limit: number; offset: number },
): Promise<{ total: number; items: ChangeRow[] }> {
  const from = sql`FROM assessment_changes a JOIN persons p ON p.id = a.person_id
    WHERE a.run_id = ${runId} AND ${assessmentsIn(area, year)}`;
  const count = await sql<{ n: number }>`SELECT count(*)::int AS n ${from}`.execute(s.db);
  const { rows } = await sql<ChangeRow>`
    SELECT p.id::int AS "personId", p.doc_no AS "docNo", p.name, p.residence_village AS "villageCode",
      a.old_status AS "oldStatus", a.new_status AS "newStatus", a.old_payable_fen AS "oldPayableFen",
      a.new_payable_fen AS "newPayableFen", a.old_category AS "oldCategory", a.new_category AS "newCategory",
      a.old_funding_source AS "oldFundingSource", a.new_funding_source AS "newFundingSource"
    ${from} ORDER BY p.doc_no LIMIT ${page.limit} OFFSET ${page.offset}`.execute(s.db);
  return { total: count.rows[0]!.n, items: rows };
}
