// SQL for the region-year assessment: who is assessed, with which identities, and the merge that
// touches only rows whose answer changed.
import { type RawBuilder, sql } from 'kysely';
import type { DbSession } from '../db/connection.js';
import type { ResolvedPack } from '../policy/pack-loader.js';
import { compileRules } from './rule-rows.js';
import { subsidyQuery } from './subsidy-sql.js';

export interface Scope {
  /** County-code prefix: "430502" for a county, "1406" for all of 朔州市. */
  prefix: string;
  year: number;
  /** Identities valid on this day count. */
  asOf: string;
}

export const EXCLUSION_NAMES: Record<string, string> = {
  deceased: '已死亡',
  moved_out: '已迁出',
  employee_insurance: '参加职工医保',
  insured_elsewhere: '已在其他地区参保',
  undetermined_subsidy: '资助标准未定，待人工核定',
};

/**
 * The identities that count: valid on the day, certified by the end of the collection period when
 * the pack says later ones wait for next year (同缴同补), and held by people whose hukou is in the
 * county (免申即享 applies in the hukou place; elsewhere the subsidy must be applied for).
 */
function identitiesQuery(resolved: ResolvedPack, scope: Scope): RawBuilder<unknown> {
  const { pack } = resolved;
  const cutoff = pack.lateCertification && pack.collection ? pack.collection.end : null;
  return sql`
    SELECT i.person_id, i.id AS identity_id, i.category, i.grade, i.kind, i.formerly_poor, i.risk_eliminated
    FROM person_identities i JOIN persons p ON p.id = i.person_id
    WHERE i.county_code LIKE ${`${scope.prefix}%`}
      AND i.valid_from <= ${scope.asOf}::date AND (i.valid_to IS NULL OR i.valid_to >= ${scope.asOf}::date)
      AND (${cutoff}::date IS NULL OR i.valid_from <= ${cutoff}::date)
      AND (p.hukou_region IS NULL OR p.hukou_region LIKE i.county_code || '%')`;
}

/** Fills the temp table new_assess with every person of the scope: assessed or excluded with the reason. */
export async function computeInto(tx: DbSession, resolved: ResolvedPack, scope: Scope): Promise<void> {
  const { db } = tx;
  const eligible = sql`
    SELECT id AS person_id FROM persons
    WHERE county_code LIKE ${`${scope.prefix}%`} AND status = 'active' AND NOT employee_insurance AND insured_elsewhere IS NULL`;
  const computed = subsidyQuery(compileRules(resolved), identitiesQuery(resolved, scope), eligible);
  // Bulk loads (COPY) leave no planner statistics until autovacuum gets round to it; without them
  // PostgreSQL picks nested loops and a 20,000-person county takes 5 s instead of 0.1 s. Sampling is cheap.
  await sql`ANALYZE persons`.execute(db);
  await sql`ANALYZE person_identities`.execute(db);
  await sql`DROP TABLE IF EXISTS new_assess`.execute(db);
  await sql`
    CREATE TEMP TABLE new_assess ON COMMIT DROP AS
    SELECT p.county_code, p.id AS person_id,
      CASE WHEN c.person_id IS NULL THEN 'excluded' WHEN c.undetermined THEN 'review' ELSE 'assessed' END AS status,
      CASE WHEN c.undetermined THEN 'undetermined_subsidy'
           WHEN c.person_id IS NOT NULL THEN NULL
           WHEN p.status <> 'active' THEN p.status
           WHEN p.employee_insurance THEN 'employee_insurance'
           ELSE 'insured_elsewhere' END AS exclusion_reason,
      CASE WHEN c.undetermined THEN NULL ELSE c.tier END AS tier,
      CASE WHEN c.undetermined THEN 0 ELSE COALESCE(c.standard_fen, 0) END AS standard_fen,
      CASE WHEN c.undetermined THEN 0 ELSE COALESCE(c.subsidy_fen, 0) END AS subsidy_fen,
      CASE WHEN c.undetermined THEN 0 ELSE COALESCE(c.payable_fen, 0) END AS payable_fen,
      CASE WHEN c.undetermined THEN NULL ELSE c.category END AS category,
      CASE WHEN c.undetermined THEN NULL ELSE c.subsidy_rule END AS subsidy_rule,
      CASE WHEN c.undetermined THEN NULL ELSE c.funding_source END AS funding_source
    FROM persons p LEFT JOIN (${computed}) c ON c.person_id = p.id
    WHERE p.county_code LIKE ${`${scope.prefix}%`}`.execute(db);
  // Temp tables are never analysed automatically, and the merge joins this one against assessments.
  await sql`ANALYZE new_assess`.execute(db);
}

const DIFFERS = sql`(a.status, a.exclusion_reason, a.tier, a.standard_fen, a.subsidy_fen, a.category, a.subsidy_rule, a.funding_source)
  IS DISTINCT FROM (n.status, n.exclusion_reason, n.tier, n.standard_fen, n.subsidy_fen, n.category, n.subsidy_rule, n.funding_source)`;

/** Records the changes, then writes only new and changed rows. Returns inserted and changed counts. */
export async function mergeAssessments(
  tx: DbSession,
  runId: number,
  resolved: ResolvedPack,
  scope: Scope,
): Promise<{ inserted: number; changed: number }> {
  const { db } = tx;
  await sql`
    INSERT INTO assessment_changes (run_id, county_code, year, person_id, old_status, new_status, old_payable_fen,
      new_payable_fen, old_category, new_category, old_funding_source, new_funding_source)
    SELECT ${runId}, n.county_code, ${scope.year}, n.person_id, a.status, n.status, a.payable_fen, n.payable_fen,
      a.category, n.category, a.funding_source, n.funding_source
    FROM new_assess n JOIN assessments a ON a.county_code = n.county_code AND a.year = ${scope.year} AND a.person_id = n.person_id
    WHERE ${DIFFERS}`.execute(db);
  const written = await sql<{ inserted: boolean }>`
    INSERT INTO assessments AS a (county_code, year, person_id, run_id, pack_id, pack_hash, status, exclusion_reason, tier,
      standard_fen, subsidy_fen, payable_fen, category, subsidy_rule, funding_source, computed_at)
    SELECT n.county_code, ${scope.year}, n.person_id, ${runId}, ${resolved.pack.id}, ${resolved.hash}, n.status,
      n.exclusion_reason, n.tier, n.standard_fen, n.subsidy_fen, n.payable_fen, n.category, n.subsidy_rule, n.funding_source, now()
    FROM new_assess n
    ON CONFLICT (county_code, year, person_id) DO UPDATE SET
      run_id = EXCLUDED.run_id, pack_id = EXCLUDED.pack_id, pack_hash = EXCLUDED.pack_hash, status = EXCLUDED.status,
      exclusion_reason = EXCLUDED.exclusion_reason, tier = EXCLUDED.tier, standard_fen = EXCLUDED.standard_fen,
      subsidy_fen = EXCLUDED.subsidy_fen, payable_fen = EXCLUDED.payable_fen, category = EXCLUDED.category,
      subsidy_rule = EXCLUDED.subsidy_rule, funding_source = EXCLUDED.funding_source, computed_at = EXCLUDED.computed_at
    WHERE (a.status, a.exclusion_reason, a.tier, a.standard_fen, a.subsidy_fen, a.category, a.subsidy_rule, a.funding_source)
      IS DISTINCT FROM (EXCLUDED.status, EXCLUDED.exclusion_reason, EXCLUDED.tier, EXCLUDED.standard_fen,
        EXCLUDED.subsidy_fen, EXCLUDED.category, EXCLUDED.subsidy_rule, EXCLUDED.funding_source)
    RETURNING (xmax = 0) AS inserted`.execute(db);
  const inserted = written.rows.filter((r) => r.inserted).length;
  return { inserted, changed: written.rows.length - inserted };
}

export interface Totals {
  persons: number;
  assessed: number;
  excluded: number;
  standardFen: number;
  subsidyFen: number;
  payableFen: number;
}

/** Totals of the stored rows (or of new_assess, for a what-if) for the scope. */
export async function totals(tx: DbSession, scope: Scope, source: 'stored' | 'new'): Promise<Totals> {
  const from =
    source === 'stored'
      ? sql`assessments WHERE county_code LIKE ${`${scope.prefix}%`} AND year = ${scope.year}`
      : sql`new_assess`;
  const { rows } = await sql<Record<string, string | number | null>>`
    SELECT count(*)::int AS persons,
      count(*) FILTER (WHERE status = 'assessed')::int AS assessed,
      count(*) FILTER (WHERE status <> 'assessed')::int AS excluded,
      COALESCE(sum(standard_fen), 0)::bigint AS standard, COALESCE(sum(subsidy_fen), 0)::bigint AS subsidy,
      COALESCE(sum(payable_fen), 0)::bigint AS payable
    FROM ${from}`.execute(tx.db);
  const r = rows[0]!;
  return {
    persons: Number(r.persons),
    assessed: Number(r.assessed),
    excluded: Number(r.excluded),
    standardFen: Number(r.standard),
    subsidyFen: Number(r.subsidy),
    payableFen: Number(r.payable),
  };
}

export interface SourceTotal {
  fundingSource: string;
  persons: number;
  subsidyFen: number;
}

export async function totalsBySource(
  tx: DbSession,
  scope: Scope,
  source: 'stored' | 'new',
): Promise<SourceTotal[]> {
  const from =
    source === 'stored'
      ? sql`assessments WHERE county_code LIKE ${`${scope.prefix}%`} AND year = ${scope.year} AND`
      : sql`new_assess WHERE`;
  const { rows } = await sql<{ funding_source: string; persons: number; subsidy: string | number }>`
    SELECT funding_source, count(*)::int AS persons, sum(subsidy_fen)::bigint AS subsidy
    FROM ${from} status = 'assessed' AND subsidy_fen > 0
    GROUP BY funding_source ORDER BY funding_source`.execute(tx.db);
  return rows.map((r) => ({
    fundingSource: r.funding_source,
    persons: r.persons,
    subsidyFen: Number(r.subsidy),
  }));
}

export async function exclusionCounts(tx: DbSession): Promise<Record<string, number>> {
  const { rows } = await sql<{ reason: string; n: number }>`
    SELECT exclusion_reason AS reason, count(*)::int AS n FROM new_assess WHERE status <> 'assessed' GROUP BY 1 ORDER BY 1`.execute(
    tx.db,
  );
  return Object.fromEntries(rows.map((r) => [r.reason, r.n]));
}
