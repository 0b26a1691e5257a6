// Whole-region assessment (朔州市, six counties) against one hand-written SQL statement that computes
// the same amounts for the same people from the same tables. Goal ≤ 1.5×.
import { sql } from 'kysely';
import { assessRegion } from '../../src/assessment/assess-region.service.js';
import { shippedPacks } from '../../src/policy/pack-loader.js';
import type { BenchDatabase } from '../database.js';
import { type Measurement, measurement, time } from '../harness.js';

const AS_OF = '2024-11-30';

/** 朔州 2025 by hand: 特困 full, 返贫致贫 90%, 低保 80%, 易返贫致贫 280 (the largest wins). */
const BASELINE = sql`
  CREATE TABLE bench_baseline AS
  SELECT p.id AS person_id, 40000 AS standard_fen,
    COALESCE(max(CASE i.category WHEN 'tekun' THEN 40000 WHEN 'returned_to_poverty' THEN 36000 WHEN 'dibao' THEN 32000
      WHEN 'unstable_out_of_poverty' THEN 28000 WHEN 'edge_poverty' THEN 28000 END), 0) AS subsidy_fen
  FROM persons p
  LEFT JOIN person_identities i ON i.person_id = p.id AND i.valid_from <= ${AS_OF}::date
    AND (i.valid_to IS NULL OR i.valid_to >= ${AS_OF}::date)
  WHERE p.county_code LIKE '1406%' AND p.status = 'active' AND NOT p.employee_insurance AND p.insured_elsewhere IS NULL
  GROUP BY p.id`;

export async function benchAssessRegion(db: BenchDatabase): Promise<Measurement[]> {
  const packs = shippedPacks();
  const ours = await time(() =>
    assessRegion(db.handle, packs, { region: '140600', year: 2025, asOf: AS_OF }),
  );
  await sql`DROP TABLE IF EXISTS bench_baseline`.execute(db.handle.db);
  // The same memory for sorts and hashes as the product's transaction gets.
  const base = await time(() =>
    db.handle.transaction(async (tx) => {
      await sql`SET LOCAL work_mem = '256MB'`.execute(tx.db);
      await BASELINE.execute(tx.db);
    }),
  );
  const check = await sql<{ ours: string; theirs: string }>`
    SELECT (SELECT sum(subsidy_fen) FROM assessments WHERE county_code LIKE '1406%' AND year = 2025 AND status = 'assessed') AS ours,
      (SELECT sum(subsidy_fen) FROM bench_baseline) AS theirs`.execute(db.handle.db);
  const agree = check.rows[0]!.ours === check.rows[0]!.theirs;
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
      baseline: 'hand-written SQL',
      baselineSeconds: base.seconds,
      goal: '≤ 1.5×',
      extra: { subsidiesAgree: agree ? 'yes' : `NO (${check.rows[0]!.ours} vs ${check.rows[0]!.theirs})` },
    }),
    measurement({
      workload: 'whole-region re-assessment, nothing changed',
      database: db.kind,
      rows,
      seconds: rerun.seconds,
    }),
  ];
}
