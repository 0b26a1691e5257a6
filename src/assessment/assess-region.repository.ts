// SQL for the region-year assessment: who is assessed, with which identities, and the merge that
// touches only rows whose answer changed.
import { type RawBuilder, sql } from 'kysely';
import { analyseIfStale } from '../db/analyse.js';
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

/**
 * Every person of the scope with the answer: assessed, excluded with the reason, or waiting for review.
 * Columns as in assessments (county_code, person_id, status, exclusion_reason, tier, standard_fen,
 * subsidy_fen, payable_fen, category, subsidy_rule, funding_source). One scan of the region's persons:
 * the exclusion reasons ride along with the people into the subsidy statement.
 */
export function assessedRows(resolved: ResolvedPack, scope: Scope): RawBuilder<unknown> {
  const people = sql`
    SELECT id AS person_id, county_code,
      CASE WHEN status <> 'active' THEN status WHEN employee_insurance THEN 'employee_insurance'
        WHEN insured_elsewhere IS NOT NULL THEN 'insured_elsewhere' END AS excluded_by
    FROM persons WHERE county_code LIKE ${`${scope.prefix}%`}`;
  const computed = subsidyQuery(compileRules(resolved), identitiesQuery(resolved, scope), people);
  // Excluded people get no amounts whatever their identities; undetermined ones wait for a person.
  const none = sql`c.excluded_by IS NOT NULL OR c.undetermined`;
  return sql`
    SELECT c.county_code, c.person_id,
      CASE WHEN c.excluded_by IS NOT NULL THEN 'excluded' WHEN c.undetermined THEN 'review' ELSE 'assessed' END AS status,
      CASE WHEN c.excluded_by IS NOT NULL THEN c.excluded_by WHEN c.undetermined THEN 'undetermined_subsidy' END AS exclusion_reason,
      CASE WHEN ${none} THEN NULL ELSE c.tier END AS tier,
      CASE WHEN ${none} THEN 0 ELSE c.standard_fen END AS standard_fen,
      CASE WHEN ${none} THEN 0 ELSE c.subsidy_fen END AS subsidy_fen,
      CASE WHEN ${none} THEN 0 ELSE c.payable_fen END AS payable_fen,
      CASE WHEN ${none} THEN NULL ELSE c.category END AS category,
      CASE WHEN ${none} THEN NULL ELSE c.subsidy_rule END AS subsidy_rule,
      CASE WHEN ${none} THEN NULL ELSE c.funding_source END AS funding_source
    FROM (${computed}) c`;
}

/**
 * Bulk loads (COPY) leave no planner statistics until autovacuum gets round to it; without them
 * PostgreSQL picks nested loops and a 20,000-person county takes 5 s instead of 0.1 s.
 */
export async function analyseInputs(tx: DbSession): Promise<void> {
  await analyseIfStale(tx.db, ['persons', 'person_identities']);
}

/** Whether the region-year has stored assessments (a first run writes without comparing). */
export async function hasStoredRows(tx: DbSession, scope: Scope): Promise<boolean> {
  const { rows } = await sql<{ found: boolean }>`
    SELECT EXISTS (SELECT 1 FROM assessments WHERE county_code LIKE ${`${scope.prefix}%`} AND year = ${scope.year}) AS found`.execute(
    tx.db,
  );
  return rows[0]!.found;
}

/**
 * First run of a region-year: nothing stored to compare with or to record changes against, so the
 * computing statement writes straight into assessments: no temp table, no comparison, no change rows.
 */
export async function insertFirstRun(
  tx: DbSession,
  runId: number,
  resolved: ResolvedPack,
  scope: Scope,
): Promise<number> {
  const r = await sql`
    INSERT INTO assessments (county_code, year, person_id, run_id, pack_id, pack_hash, status, exclusion_reason, tier,
      standard_fen, subsidy_fen, payable_fen, category, subsidy_rule, funding_source, computed_at)
    SELECT n.county_code, ${scope.year}, n.person_id, ${runId}, ${resolved.pack.id}, ${resolved.hash}, n.status,
      n.exclusion_reason, n.tier, n.standard_fen, n.subsidy_fen, n.payable_fen, n.category, n.subsidy_rule, n.funding_source, now()
    FROM (${assessedRows(resolved, scope)}) n`.execute(tx.db);
  return Number(r.numAffectedRows ?? 0n);
}

/** Fills the temp table new_assess with every person of the scope: assessed or excluded with the reason. */
export async function computeInto(
  tx: DbSession,
  resolved: ResolvedPack,
  scope: Scope,
  trace: (step: string) => void = () => undefined,
): Promise<void> {
  const { db } = tx;
  await analyseInputs(tx);
  trace('analyse inputs');
  await sql`DROP TABLE IF EXISTS new_assess`.execute(db);
  await sql`CREATE TEMP TABLE new_assess ON COMMIT DROP AS ${assessedRows(resolved, scope)}`.execute(db);
  trace('compute into new_assess');
  // Temp tables are never analysed automatically, and the merge joins this one against assessments.
  await sql`ANALYZE new_assess`.execute(db);
  trace('analyse new_assess');
}

const DIFFERS = sql`(a.status, a.exclusion_reason, a.tier, a.standard_fen, a.subsidy_fen, a.category, a.subsidy_rule, a.funding_source)
  IS DISTINCT FROM (n.status, n.exclusion_reason, n.tier, n.standard_fen, n.subsidy_fen, n.category, n.subsidy_rule, n.funding_source)`;

/**
 * Records the changes, then writes only new and changed rows. Returns inserted and changed counts.
 * One join of the computed rows against the stored ones finds both, into a small temp table; the
 * writes then touch only those rows (an upsert of every person probed every key, changed or not).
 */
export async function mergeAssessments(
  tx: DbSession,
  runId: number,
  resolved: ResolvedPack,
  scope: Scope,
  trace: (step: string) => void = () => undefined,
): Promise<{ inserted: number; changed: number }> {
  const { db } = tx;
  await sql`DROP TABLE IF EXISTS assess_delta`.execute(db);
  await sql`
    CREATE TEMP TABLE assess_delta ON COMMIT DROP AS
    SELECT n.*, a.person_id IS NULL AS is_new, a.status AS old_status, a.payable_fen AS old_payable_fen,
      a.category AS old_category, a.funding_source AS old_funding_source
    FROM new_assess n
    LEFT JOIN assessments a ON a.county_code = n.county_code AND a.year = ${scope.year} AND a.person_id = n.person_id
    WHERE a.person_id IS NULL OR ${DIFFERS}`.execute(db);
  trace('find new and changed rows');
  await sql`
    INSERT INTO assessment_changes (run_id, county_code, year, person_id, old_status, new_status, old_payable_fen,
      new_payable_fen, old_category, new_category, old_funding_source, new_funding_source)
    SELECT ${runId}, county_code, ${scope.year}, person_id, old_status, status, old_payable_fen, payable_fen,
      old_category, category, old_funding_source, funding_source
    FROM assess_delta WHERE NOT is_new`.execute(db);
  const set = sql`run_id = ${runId}, pack_id = ${resolved.pack.id}, pack_hash = ${resolved.hash}, status = d.status,
      exclusion_reason = d.exclusion_reason, tier = d.tier, standard_fen = d.standard_fen, subsidy_fen = d.subsidy_fen,
      payable_fen = d.payable_fen, category = d.category, subsidy_rule = d.subsidy_rule, funding_source = d.funding_source,
      computed_at = now()`;
  const updated = await sql`
    UPDATE assessments a SET ${set}
    FROM assess_delta d
    WHERE NOT d.is_new AND a.county_code = d.county_code AND a.year = ${scope.year} AND a.person_id = d.person_id`.execute(
    db,
  );
  // New rows; a row another run stored meanwhile is updated instead, as the upsert did.
  const written = await sql<{ inserted: number; changed: number }>`
    WITH w AS (
      INSERT INTO assessments AS a (county_code, year, person_id, run_id, pack_id, pack_hash, status, exclusion_reason, tier,
        standard_fen, subsidy_fen, payable_fen, category, subsidy_rule, funding_source, computed_at)
      SELECT d.county_code, ${scope.year}, d.person_id, ${runId}, ${resolved.pack.id}, ${resolved.hash}, d.status,
        d.exclusion_reason, d.tier, d.standard_fen, d.subsidy_fen, d.payable_fen, d.category, d.subsidy_rule, d.funding_source, now()
      FROM assess_delta d WHERE d.is_new
      ON CONFLICT (county_code, year, person_id) DO UPDATE SET
        run_id = EXCLUDED.run_id, pack_id = EXCLUDED.pack_id, pack_hash = EXCLUDED.pack_hash, status = EXCLUDED.status,
        exclusion_reason = EXCLUDED.exclusion_reason, tier = EXCLUDED.tier, standard_fen = EXCLUDED.standard_fen,
        subsidy_fen = EXCLUDED.subsidy_fen, payable_fen = EXCLUDED.payable_fen, category = EXCLUDED.category,
        subsidy_rule = EXCLUDED.subsidy_rule, funding_source = EXCLUDED.funding_source, computed_at = EXCLUDED.computed_at
      RETURNING (xmax = 0) AS inserted
    )
    SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS changed FROM w`.execute(
    db,
  );
  trace('write new and changed rows');
  const w = written.rows[0]!;
  return { inserted: w.inserted, changed: w.changed + Number(updated.numAffectedRows ?? 0n) };
}

export interface Totals {
  persons: number;
  assessed: number;
  excluded: number;
  standardFen: number;
  subsidyFen: number;
  payableFen: number;
}

export interface SourceTotal {
  fundingSource: string;
  persons: number;
  subsidyFen: number;
}

export interface Summary {
  totals: Totals;
  bySource: SourceTotal[];
  /** Excluded (or waiting for review) per reason. */
  exclusions: Record<string, number>;
}

/**
 * Totals, subsidies per funding source and exclusions per reason of the stored rows of the scope
 * (or of new_assess, for a what-if or a re-run): one scan grouped by the few distinct answers,
 * added up here, instead of one scan of a million rows per figure.
 */
export async function summary(tx: DbSession, scope: Scope, source: 'stored' | 'new'): Promise<Summary> {
  const from =
    source === 'stored'
      ? sql`assessments WHERE county_code LIKE ${`${scope.prefix}%`} AND year = ${scope.year}`
      : sql`new_assess`;
  const { rows } = await sql<{
    status: string;
    exclusion_reason: string | null;
    funding_source: string | null;
    subsidised: boolean;
    persons: number;
    standard: string | number;
    subsidy: string | number;
    payable: string | number;
  }>`
    SELECT status, exclusion_reason, funding_source, subsidy_fen > 0 AS subsidised, count(*)::int AS persons,
      sum(standard_fen)::bigint AS standard, sum(subsidy_fen)::bigint AS subsidy, sum(payable_fen)::bigint AS payable
    FROM ${from}
    GROUP BY 1, 2, 3, 4`.execute(tx.db);
  const totals: Totals = {
    persons: 0,
    assessed: 0,
    excluded: 0,
    standardFen: 0,
    subsidyFen: 0,
    payableFen: 0,
  };
  const sources = new Map<string, SourceTotal>();
  const exclusions: Record<string, number> = {};
  for (const r of rows) {
    totals.persons += r.persons;
    totals.standardFen += Number(r.standard);
    totals.subsidyFen += Number(r.subsidy);
    totals.payableFen += Number(r.payable);
    if (r.status === 'assessed') {
      totals.assessed += r.persons;
      if (r.subsidised) {
        const key = r.funding_source as string;
        const t = sources.get(key) ?? { fundingSource: key, persons: 0, subsidyFen: 0 };
        t.persons += r.persons;
        t.subsidyFen += Number(r.subsidy);
        sources.set(key, t);
      }
    } else {
      totals.excluded += r.persons;
      const reason = r.exclusion_reason ?? '';
      exclusions[reason] = (exclusions[reason] ?? 0) + r.persons;
    }
  }
  // As ORDER BY would: by name, a missing funding source last.
  const sorted = (keys: string[]) =>
    keys.sort((a, b) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1));
  return {
    totals,
    bySource: sorted([...sources.keys()]).map((k) => sources.get(k)!),
    exclusions: Object.fromEntries(sorted(Object.keys(exclusions)).map((k) => [k, exclusions[k]!])),
  };
}
