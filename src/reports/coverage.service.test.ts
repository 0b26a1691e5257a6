import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { shippedPacks } from '../policy/pack-loader.js';
import { describeEachDatabase } from '../test-support/db.js';
import { coverageReport, trendReport } from './coverage.service.js';
import { demoCampaign } from './demo-campaign.js';
import { AS_OF, REGION, seedMidCampaign, YEAR } from './reports.fixture.js';

const packs = shippedPacks();

describeEachDatabase('coverage by county, township and village', (getDb) => {
  beforeAll(async () => seedMidCampaign(getDb()), 120_000);

  it('demo campaign is idempotent and only adds with a later as-of date', async () => {
    const h = getDb();
    const again = await demoCampaign(h, packs, { region: REGION, year: YEAR, asOf: AS_OF, actor: 'test' });
    expect(again.payments).toBe(0);
    expect(again.enrollments).toBe(0);
    expect(again.enrolledTotal).toBeGreaterThan(again.assessed * 0.3);
    expect(again.enrolledTotal).toBeLessThan(again.assessed);
  });

  it('villages sum to townships, townships to counties, counties to the total', async () => {
    const r = await coverageReport(getDb(), packs, { region: REGION, year: YEAR, asOf: AS_OF });
    expect(r.target.overallPercent).toBe(95);
    expect(r.target.citation).toContain('朔政办函〔2024〕54号');
    const total = r.lines.find((l) => l.level === 'total')!;
    expect(total.enrolled).toBeGreaterThan(0);
    for (const parent of r.lines.filter((l) => l.level !== 'village')) {
      const childLen = parent.code.length === 0 ? 6 : parent.code.length + 3;
      const children = r.lines.filter((l) => l.code.length === childLen && l.code.startsWith(parent.code));
      expect(children.length).toBeGreaterThan(0);
      for (const k of ['eligible', 'enrolled', 'enrolledLastYear'] as const)
        expect(children.reduce((s, c) => s + c[k], 0)).toBe(parent[k]);
    }
    // The same numbers by a hand-written count.
    const direct = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM enrollments WHERE county_code LIKE '1406%' AND year = ${YEAR}
        AND status IN ('enrolled', 'suspended') AND enrolled_on <= ${AS_OF}`.execute(getDb().db);
    expect(total.enrolled).toBe(direct.rows[0]!.n);
    expect(total.enrolledLastYear).toBeGreaterThan(0);
  });

  it('a township scope shows the township and its villages; the statistics base replaces the registry count', async () => {
    const h = getDb();
    const all = await coverageReport(h, packs, { region: REGION, year: YEAR, asOf: AS_OF });
    const township = all.lines.find((l) => l.level === 'township' && l.eligible > 0)!;
    await sql`INSERT INTO population_base (region_code, county_code, year, population, source)
      VALUES (${township.code}, ${township.code.slice(0, 6)}, ${YEAR}, ${township.eligible * 2}, 'test')`.execute(
      h.db,
    );
    await sql`INSERT INTO township_targets (region_code, county_code, year, due_on, rate_percent)
      VALUES (${township.code}, ${township.code.slice(0, 6)}, ${YEAR}, '2024-12-15', 60),
             (${township.code}, ${township.code.slice(0, 6)}, ${YEAR}, '2024-10-31', 40)`.execute(h.db);
    const r = await coverageReport(h, packs, { region: township.code, year: YEAR, asOf: AS_OF });
    expect(r.lines[0]!.code).toBe(township.code);
    expect(r.lines.slice(1).every((l) => l.level === 'village')).toBe(true);
    expect(r.lines[0]!.denominatorSource).toBe('statistics');
    expect(r.lines[0]!.denominator).toBe(township.eligible * 2);
    expect(r.lines[0]!.phaseTarget).toMatchObject({ dueOn: '2024-12-15', ratePercent: 60 });
  });

  it('the trend is cumulative by day and by week and ends at the as-of count', async () => {
    const h = getDb();
    const t = await trendReport(h, packs, { region: REGION, year: YEAR, asOf: AS_OF });
    const r = await coverageReport(h, packs, { region: REGION, year: YEAR, asOf: AS_OF });
    expect(t.days[0]!.day).toBe('2024-09-01');
    expect(t.days.at(-1)!.day).toBe(AS_OF);
    expect(t.days.at(-1)!.cumulative).toBe(r.lines.find((l) => l.level === 'total')!.enrolled);
    expect(t.weeks.reduce((s, w) => s + w.added, 0)).toBe(t.days.at(-1)!.cumulative);
    expect(t.weeks.at(-1)!.cumulative).toBe(t.days.at(-1)!.cumulative);
  });

  it('refuses a year no pack covers and an unknown region', async () => {
    await expect(coverageReport(getDb(), packs, { region: REGION, year: 2031 })).rejects.toThrow(/政策包/);
    await expect(coverageReport(getDb(), packs, { region: '140699999', year: YEAR })).rejects.toThrow(
      /不存在/,
    );
  });
});
