// Whole-region assessment (朔州市, six counties) against hand-written SQL that computes the same
// amounts for the same people from the same tables. Goal ≤ 1.5×. Two baselines, as for the imports:
// the one statement writing the same rows into "the same table" (a copy of assessments with
// its key, index and checks: every person, the excluded with the reason, tier, rule, category and
// funding source), and the bare floor (the subsidies of the eligible into a new table, no index).
import { sql } from 'kysely';
import { assessRegion } from '../../src/assessment/assess-region.service.js';
import { shippedPacks } from '../../src/policy/pack-loader.js';
import type { BenchDatabase } from '../database.js';
import { type Measurement, measurement, same, time } from '../harness.js';

const AS_OF = '2024-11-30';

/** 朔州 2025 by hand: 特困 full, 返贫致贫 90%, 低保 80%, 易返贫致贫 280 (the largest wins). */
const FLOOR = sql`
  CREATE TABLE bench_baseline AS
  SELECT p.id AS person_id, 40000 AS standard_fen,
    COALESCE(max(CASE i.category WHEN 'tekun' THEN 40000 WHEN 'returned_to_poverty' THEN 36000 WHEN 'dibao' THEN 32000
      WHEN 'unstable_out_of_poverty' THEN 28000 WHEN 'edge_poverty' THEN 28000 END), 0) AS subsidy_fen
  FROM persons p
  LEFT JOIN person_identities i ON i.person_id = p.id AND i.valid_from <= ${AS_OF}::date
    AND (i.valid_to IS NULL OR i.valid_to >= ${AS_OF}::date)
  WHERE p.county_code LIKE '1406%' AND p.status = 'active' AND NOT p.employee_insurance AND p.insured_elsewhere IS NULL
  GROUP BY p.id`;

/**
 * The same rows as the product's first run, by hand for this one pack: identities valid on the day and
 * held in the hukou county, the largest subsidy wins (特困 40000 > 返贫 36000 > 低保 32000 > 易返贫 28000,
 * so 280's "unless 低保/特困" never changes the answer), the category of 280 that of the first identity.
 */
const SAME_TABLE = (packId: string, packHash: string) => sql`
  INSERT INTO bench_assessments (county_code, year, person_id, run_id, pack_id, pack_hash, status, exclusion_reason, tier,
    standard_fen, subsidy_fen, payable_fen, category, subsidy_rule, funding_source, computed_at)
  WITH ids AS (
    SELECT i.person_id, bool_or(i.category = 'tekun') AS tekun, bool_or(i.category = 'returned_to_poverty') AS returned,
      bool_or(i.category = 'dibao') AS dibao,
      (array_agg(i.category ORDER BY i.id) FILTER (WHERE i.category IN ('unstable_out_of_poverty', 'edge_poverty')))[1] AS at_risk
    FROM person_identities i JOIN persons h ON h.id = i.person_id
    WHERE i.county_code LIKE '1406%' AND i.valid_from <= ${AS_OF}::date AND (i.valid_to IS NULL OR i.valid_to >= ${AS_OF}::date)
      AND (h.hukou_region IS NULL OR h.hukou_region LIKE i.county_code || '%')
    GROUP BY i.person_id
  ), s AS (
    SELECT p.county_code, p.id,
      CASE WHEN p.status <> 'active' THEN p.status WHEN p.employee_insurance THEN 'employee_insurance'
        WHEN p.insured_elsewhere IS NOT NULL THEN 'insured_elsewhere' END AS excluded_by,
      CASE WHEN d.tekun THEN 'tekun' WHEN d.returned THEN 'returned_to_poverty' WHEN d.dibao THEN 'dibao' ELSE d.at_risk END AS category,
      CASE WHEN d.tekun THEN 'tekun-full' WHEN d.returned THEN 'returned-90' WHEN d.dibao THEN 'dibao-80'
        WHEN d.at_risk IS NOT NULL THEN 'at-risk-280' END AS rule,
      CASE WHEN d.tekun THEN 40000 WHEN d.returned THEN 36000 WHEN d.dibao THEN 32000 WHEN d.at_risk IS NOT NULL THEN 28000 ELSE 0 END AS subsidy
    FROM persons p LEFT JOIN ids d ON d.person_id = p.id
    WHERE p.county_code LIKE '1406%'
  )
  SELECT county_code, 2025, id, 0, ${packId}, ${packHash},
    CASE WHEN excluded_by IS NULL THEN 'assessed' ELSE 'excluded' END, excluded_by,
    CASE WHEN excluded_by IS NULL THEN 'standard' END,
    CASE WHEN excluded_by IS NULL THEN 40000 ELSE 0 END,
    CASE WHEN excluded_by IS NULL THEN subsidy ELSE 0 END,
    CASE WHEN excluded_by IS NULL THEN 40000 - subsidy ELSE 0 END,
    CASE WHEN excluded_by IS NULL THEN category END,
    CASE WHEN excluded_by IS NULL THEN rule END,
    CASE WHEN excluded_by IS NULL AND rule IS NOT NULL THEN 'medical_assistance' END,
    now()
  FROM s`;

/** The answer columns of both tables, compared row by row. */
const ANSWER = sql.raw(
  'county_code, year, person_id, status, exclusion_reason, tier, standard_fen, subsidy_fen, payable_fen, category, subsidy_rule, funding_source',
);

export async function benchAssessRegion(db: BenchDatabase): Promise<Measurement[]> {
  const packs = shippedPacks();
  const ours = await time(() =>
    assessRegion(db.handle, packs, { region: '140600', year: 2025, asOf: AS_OF }),
  );
  const resolved = packs.find('140600', 2025)!;
  const withMemory = (statement: ReturnType<typeof sql>) =>
    // The same memory for sorts and hashes as the product's transaction gets.
    db.handle.transaction(async (tx) => {
      await sql`SET LOCAL work_mem = '256MB'`.execute(tx.db);
      await statement.execute(tx.db);
    });
  await sql`DROP TABLE IF EXISTS bench_assessments`.execute(db.handle.db);
  await sql`CREATE TABLE bench_assessments (LIKE assessments INCLUDING ALL)`.execute(db.handle.db);
  const base = await time(() => withMemory(SAME_TABLE(resolved.pack.id, resolved.hash)));
  await sql`DROP TABLE IF EXISTS bench_baseline`.execute(db.handle.db);
  const floor = await time(() => withMemory(FLOOR));
  const check = await sql<{ ours: string; theirs: string; differ: number }>`
    SELECT (SELECT sum(subsidy_fen) FROM assessments WHERE county_code LIKE '1406%' AND year = 2025 AND status = 'assessed') AS ours,
      (SELECT sum(subsidy_fen) FROM bench_baseline) AS theirs,
      (SELECT count(*)::int FROM ((SELECT ${ANSWER} FROM assessments WHERE county_code LIKE '1406%' AND year = 2025
          EXCEPT ALL SELECT ${ANSWER} FROM bench_assessments)
        UNION ALL (SELECT ${ANSWER} FROM bench_assessments
          EXCEPT ALL SELECT ${ANSWER} FROM assessments WHERE county_code LIKE '1406%' AND year = 2025)) d) AS differ`.execute(
    db.handle.db,
  );
  const c = check.rows[0]!;
  const agree = c.ours === c.theirs;
  await sql`DROP TABLE bench_assessments`.execute(db.handle.db);
  const rerun = await time(() =>
    assessRegion(db.handle, packs, { region: '140600', year: 2025, asOf: AS_OF }),
  );
  const rows = ours.value.totals.persons;
  return [
    measurement({
      workload: 'whole-region assessment 140600 (first run)',
      database: db.kind,
      rows,
      seconds: ours.seconds,
      baseline: 'hand-written SQL into a copy of assessments',
      baselineSeconds: base.seconds,
      goal: '≤ 1.5×',
      checks: {
        rowsAgree: c.differ === 0 || `${c.differ} 行与基准不同`,
        subsidiesAgree: agree || `资助合计 ${c.ours} 分，基准 ${c.theirs} 分`,
      },
      extra: {
        floorSeconds: Number(floor.seconds.toFixed(3)),
        floorRatio: Number((ours.seconds / floor.seconds).toFixed(2)),
      },
    }),
    measurement({
      workload: 'whole-region re-assessment, nothing changed',
      database: db.kind,
      rows,
      seconds: rerun.seconds,
      checks: {
        nothingInserted: same(rerun.value.inserted, 0, '新增核定'),
        nothingChanged: same(rerun.value.changed, 0, '变化的核定'),
      },
    }),
  ];
}
