// Coverage by village on a mid-campaign demo: 朔州市 (140600, 2025) is assessed (unless an earlier
// workload did it) and `demoCampaign` enrolls and records payments up to 2024-11-30. Then the
// product's coverage report (`coverageReport`: scope, ROLLUP over villages, names, statistics base,
// township targets) runs for the largest county and for the whole city, each next to one
// hand-written GROUP BY over the same persons and enrollments; the run checks that the village
// counts agree. Each side is run three times, alternating, and the fastest run of each is kept.
// Goal ≤ 1.5× and under 1 s for a county on the server.
import { sql } from 'kysely';
import { assessRegion } from '../../src/assessment/assess-region.service.js';
import { shippedPacks } from '../../src/policy/pack-loader.js';
import { coverageReport } from '../../src/reports/coverage.service.js';
import { demoCampaign } from '../../src/reports/demo-campaign.js';
import type { BenchDatabase } from '../database.js';
import { type Measurement, measurement, time } from '../harness.js';

const CITY = '140600';
const YEAR = 2025;
const AS_OF = '2024-11-30';

/** The same per-village counts, written by hand. */
function baseline(like: string) {
  return sql<{ village: string; eligible: number; enrolled: number; last_year: number }>`
    SELECT p.residence_village AS village,
      count(*) FILTER (WHERE p.status = 'active' AND NOT p.employee_insurance AND p.insured_elsewhere IS NULL)::int
        AS eligible,
      count(*) FILTER (WHERE e.status IN ('enrolled', 'suspended') AND e.enrolled_on <= ${AS_OF}::date)::int AS enrolled,
      count(*) FILTER (WHERE ly.status IN ('enrolled', 'suspended'))::int AS last_year
    FROM persons p
    LEFT JOIN enrollments e ON e.person_id = p.id AND e.year = ${YEAR}
    LEFT JOIN enrollments ly ON ly.person_id = p.id AND ly.year = ${YEAR - 1}
    WHERE p.residence_village LIKE ${like}
    GROUP BY p.residence_village`;
}

interface VillageLine {
  code: string;
  eligible: number;
  enrolled: number;
  enrolledLastYear: number;
}

/**
 * The report's village lines against the baseline's groups: each village with people has the same
 * three counts, and each village the report lists without people (the baseline has no group for
 * it: the report lists every village of the region) counts nothing. True, or the first difference.
 */
export function villagesAgree(
  lines: VillageLine[],
  base: { village: string; eligible: number; enrolled: number; last_year: number }[],
): true | string {
  const ours = new Map(lines.map((l) => [l.code, l]));
  const counts = (e: number, n: number, ly: number) => `应参保 ${e}、已参保 ${n}、上年参保 ${ly}`;
  for (const b of base) {
    const v = ours.get(b.village);
    if (!v) return `村 ${b.village} 不在报表中（基准：${counts(b.eligible, b.enrolled, b.last_year)}）`;
    if (v.eligible !== b.eligible || v.enrolled !== b.enrolled || v.enrolledLastYear !== b.last_year)
      return `村 ${b.village}：报表 ${counts(v.eligible, v.enrolled, v.enrolledLastYear)}，基准 ${counts(b.eligible, b.enrolled, b.last_year)}`;
  }
  const inBase = new Set(base.map((b) => b.village));
  const extra = lines.find(
    (l) => !inBase.has(l.code) && (l.eligible > 0 || l.enrolled > 0 || l.enrolledLastYear > 0),
  );
  return extra ? `村 ${extra.code} 在报表中有人数，基准中没有此村的人员` : true;
}

export async function benchCoverage(db: BenchDatabase): Promise<Measurement[]> {
  const h = db.handle;
  const packs = shippedPacks();
  const assessed = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM assessments WHERE county_code LIKE '1406%' AND year = ${YEAR}`.execute(
    h.db,
  );
  if (assessed.rows[0]!.n === 0) await assessRegion(h, packs, { region: CITY, year: YEAR, asOf: AS_OF });
  const campaign = await time(() =>
    demoCampaign(h, packs, { region: CITY, year: YEAR, asOf: AS_OF, actor: 'bench' }),
  );
  await sql`ANALYZE enrollments`.execute(h.db);
  await sql`ANALYZE payments`.execute(h.db);
  const biggest = await sql<{ county: string; n: number }>`
    SELECT county_code AS county, count(*)::int AS n FROM persons WHERE county_code LIKE '1406%'
    GROUP BY 1 ORDER BY 2 DESC LIMIT 1`.execute(h.db);
  const county = biggest.rows[0]!;
  const cityPersons = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM persons WHERE county_code LIKE '1406%'`.execute(h.db);
  const out: Measurement[] = [
    measurement({
      workload: `demo campaign 140600 to ${AS_OF} (set-based)`,
      database: db.kind,
      rows: campaign.value.enrollments,
      seconds: campaign.seconds,
      extra: { payments: campaign.value.payments, enrolledTotal: campaign.value.enrolledTotal },
    }),
  ];
  for (const [region, like, persons] of [
    [county.county, `${county.county}%`, county.n],
    [CITY, '1406%', cityPersons.rows[0]!.n],
  ] as const) {
    let ours = await time(() => coverageReport(h, packs, { region, year: YEAR, asOf: AS_OF }));
    let base = await time(() => baseline(like).execute(h.db));
    for (let i = 0; i < 2; i++) {
      const o = await time(() => coverageReport(h, packs, { region, year: YEAR, asOf: AS_OF }));
      if (o.seconds < ours.seconds) ours = o;
      const b = await time(() => baseline(like).execute(h.db));
      if (b.seconds < base.seconds) base = b;
    }
    const villages = ours.value.lines.filter((l) => l.level === 'village');
    const agree = villagesAgree(villages, base.value.rows);
    const top = ours.value.lines[0]!;
    out.push(
      measurement({
        workload: `coverage by village, ${region === CITY ? 'city 140600' : `county ${region}`}`,
        database: db.kind,
        rows: persons,
        seconds: ours.seconds,
        baseline: 'one hand-written GROUP BY village over persons ⟕ enrollments (this year, last year)',
        baselineSeconds: base.seconds,
        goal: region === CITY ? '≤ 1.5×' : '≤ 1.5×, < 1 s on the server',
        checks: { countsAgree: agree },
        extra: {
          villages: villages.filter((v) => v.eligible > 0 || v.enrolled > 0).length,
          enrolled: top.enrolled,
          ratePercent: top.ratePercent ?? 0,
        },
      }),
    );
  }
  return out;
}
