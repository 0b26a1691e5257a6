// Key groups, settlement, worklist, ranking, bulletin, quality and targets on the mid-campaign demo,
// on both databases. Every total is checked against its parts or against a hand-written count.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { shippedPacks } from '../policy/pack-loader.js';
import { describeEachDatabase } from '../test-support/db.js';
import { buildBulletin, bulletinHtml, writeBulletinXlsx } from './bulletin.service.js';
import { coverageReport } from './coverage.service.js';
import { keyGroupReport } from './keygroups.service.js';
import { qualityReport } from './quality.service.js';
import { rankingReport } from './ranking.service.js';
import { AS_OF, REGION, seedMidCampaign, YEAR } from './reports.fixture.js';
import { settlementPersonCells, settlementReport } from './settlement.service.js';
import { listTownshipTargets, setTownshipTarget } from './targets.service.js';
import { recordFollowup, worklistReport } from './worklist.service.js';

const packs = shippedPacks();
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'canbao-reports-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describeEachDatabase('reports on a mid-campaign demo', (getDb, kind) => {
  beforeAll(async () => seedMidCampaign(getDb()), 120_000);

  it('settlement: townships sum to categories, categories to sources, sources to the total, persons to the fen', async () => {
    const h = getDb();
    const { report, query } = await settlementReport(h, packs, { region: REGION, year: YEAR, asOf: AS_OF });
    const total = report.lines.find((l) => l.level === 'total')!;
    expect(total.persons).toBeGreaterThan(0);
    const sum = (ls: typeof report.lines, k: 'persons' | 'assessedFen' | 'settledFen' | 'settledPersons') =>
      ls.reduce((s, l) => s + l[k], 0);
    const sources = report.lines.filter((l) => l.level === 'source');
    for (const k of ['persons', 'assessedFen', 'settledFen', 'settledPersons'] as const) {
      expect(sum(sources, k)).toBe(total[k]);
      for (const s of sources) {
        const cats = report.lines.filter(
          (l) => l.level === 'category' && l.fundingSource === s.fundingSource,
        );
        expect(sum(cats, k)).toBe(s[k]);
        for (const c of cats) {
          const ts = report.lines.filter(
            (l) => l.level === 'township' && l.fundingSource === s.fundingSource && l.category === c.category,
          );
          expect(sum(ts, k)).toBe(c[k]);
        }
      }
    }
    expect(sources.map((s) => s.fundingSourceName)).toContain('医疗救助基金');
    let persons = 0;
    let assessed = 0;
    let settled = 0;
    for await (const row of settlementPersonCells(h, query, false)) {
      persons++;
      assessed += Math.round(Number(row[8]) * 100);
      if (row[10] === '是') settled += Math.round(Number(row[8]) * 100);
      expect(row[6]).toContain('*');
    }
    expect(persons).toBe(total.persons);
    expect(assessed).toBe(total.assessedFen);
    expect(settled).toBe(total.settledFen);
    const direct = await sql<{ s: string }>`
      SELECT coalesce(sum(subsidy_fen), 0)::text AS s FROM assessments
      WHERE county_code LIKE '1406%' AND year = ${YEAR} AND status = 'assessed'`.execute(h.db);
    expect(total.assessedFen).toBe(Number(direct.rows[0]!.s));
  });

  it('key groups: the pack target and citation, township parts sum to the group, missing are named and masked', async () => {
    const r = await keyGroupReport(getDb(), packs, { region: REGION, year: YEAR, asOf: AS_OF });
    expect(r.citation).toContain('朔政办函〔2024〕54号');
    const kg = r.groups.find((g) => g.kind === 'key_group')!;
    expect(kg.name).toBe('农村低收入人口和脱贫人口');
    expect(kg.targetPercent).toBe(100);
    expect(kg.members).toBeGreaterThan(0);
    for (const g of r.groups) {
      expect(g.townships.reduce((s, t) => s + t.members, 0)).toBe(g.members);
      expect(g.townships.reduce((s, t) => s + t.enrolled, 0)).toBe(g.enrolled);
    }
    expect(r.groups.some((g) => g.kind === 'newborn')).toBe(true);
    const missingKg = r.missing.filter((m) => m.groups.includes(kg.name)).length;
    expect(missingKg).toBe(kg.missing);
    for (const m of r.missing) expect(m.id).toMatch(/\*/);
  });

  it('worklist: key groups first, each person once, follow-ups shown and audited', async () => {
    const h = getDb();
    const r = await worklistReport(h, packs, { region: REGION, year: YEAR, asOf: AS_OF, fullId: true });
    expect(r.entries.length).toBeGreaterThan(0);
    const priorities = r.entries.map((e) => e.priority);
    expect([...priorities].sort((a, b) => a - b)).toEqual(priorities);
    expect(new Set(r.entries.map((e) => e.id)).size).toBe(r.entries.length);
    expect(r.entries.some((e) => e.kind === 'lapsed_payer')).toBe(true);
    // Nobody on the list is enrolled.
    const ids = r.entries.map((e) => e.id);
    const enrolled = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM persons p JOIN enrollments e ON e.person_id = p.id AND e.year = ${YEAR}
      WHERE p.doc_no IN (${sql.join(ids)}) AND e.status IN ('enrolled', 'suspended') AND e.enrolled_on <= ${AS_OF}`.execute(
      h.db,
    );
    expect(enrolled.rows[0]!.n).toBe(0);
    const first = r.entries[0]!;
    await recordFollowup(h, {
      docNo: first.id,
      year: YEAR,
      kind: first.kind,
      note: '已电话联系，本周缴费',
      actor: '村专干',
    });
    const after = await worklistReport(h, packs, {
      region: first.village,
      year: YEAR,
      asOf: AS_OF,
      fullId: true,
    });
    const again = after.entries.find((e) => e.id === first.id)!;
    expect(again.followUp).toMatchObject({ note: '已电话联系，本周缴费', by: '村专干' });
    const audited = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM audit_log WHERE action = 'worklist.followup' AND actor = '村专干'`.execute(
      h.db,
    );
    expect(audited.rows[0]!.n).toBe(1);
    await expect(
      recordFollowup(h, { docNo: first.id, year: YEAR, kind: 'nonsense', note: 'x', actor: 'a' }),
    ).rejects.toThrow(/清单事项/);
  });

  it('ranking: ranks by rate, change since the previous report, targets set per township', async () => {
    const h = getDb();
    const cov = await coverageReport(h, packs, { region: '140602', year: YEAR, asOf: AS_OF });
    const township = cov.lines.find((l) => l.level === 'township')!;
    await setTownshipTarget(h, {
      region: township.code,
      year: YEAR,
      dueOn: '2024-12-31',
      ratePercent: 85,
      actor: 'test',
    });
    await setTownshipTarget(h, {
      region: township.code,
      year: YEAR,
      dueOn: '2024-12-31',
      ratePercent: 90,
      actor: 'test',
    });
    const targets = await listTownshipTargets(h, '140602', YEAR);
    expect(targets).toEqual([
      expect.objectContaining({ region: township.code, dueOn: '2024-12-31', ratePercent: 90 }),
    ]);
    const r = await rankingReport(h, packs, { region: '140602', year: YEAR, asOf: AS_OF });
    expect(r.rhythm).toContain('未规定');
    expect(r.previousAsOf).toBe('2024-11-23');
    expect(r.lines.length).toBe(cov.lines.filter((l) => l.level === 'township').length);
    for (let i = 1; i < r.lines.length; i++)
      expect(r.lines[i]!.ratePercent ?? -1).toBeLessThanOrEqual(r.lines[i - 1]!.ratePercent ?? -1);
    expect(r.lines.reduce((s, l) => s + l.enrolledSince, 0)).toBeGreaterThanOrEqual(0);
    expect(r.lines.find((l) => l.code === township.code)!.phaseTarget?.ratePercent).toBe(90);
    await expect(
      setTownshipTarget(h, {
        region: '140602',
        year: YEAR,
        dueOn: '2024-12-31',
        ratePercent: 90,
        actor: 't',
      }),
    ).rejects.toThrow(/9 位/);
  });

  it('bulletin: HTML for A4 with inline SVG and no external resources; XLSX written', async () => {
    const b = await buildBulletin(getDb(), packs, { region: '140602', year: YEAR, asOf: AS_OF });
    const html = bulletinHtml(b);
    expect(html).toContain('@page { size: A4');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/(src|href)="https?:/);
    expect(html).toContain(b.headline.citation);
    const file = join(dir, `bulletin-${kind}.xlsx`);
    await writeBulletinXlsx(b, file);
    expect((await stat(file)).size).toBeGreaterThan(1000);
    expect((await readFile(file)).subarray(0, 2).toString()).toBe('PK');
  });

  it('quality: invalid IDs, duplicates, deceased enrolled, enrolled elsewhere, double payments are found', async () => {
    const h = getDb();
    const base = await qualityReport(h, packs, { region: REGION, year: YEAR });
    const pick = await sql<{ id: string; doc_no: string }>`
      SELECT p.id::text, p.doc_no FROM persons p JOIN enrollments e ON e.person_id = p.id AND e.year = ${YEAR}
      WHERE p.county_code LIKE '1406%' AND e.status = 'enrolled' AND p.doc_type = 'resident_id'
      ORDER BY p.id LIMIT 2`.execute(h.db);
    const [a, b] = pick.rows;
    await sql`UPDATE persons SET status = 'deceased' WHERE id = ${a!.id}::bigint`.execute(h.db);
    await sql`UPDATE persons SET insured_elsewhere = '430502' WHERE id = ${b!.id}::bigint`.execute(h.db);
    const last = a!.doc_no.at(-1) === '0' ? '1' : '0';
    await sql`UPDATE persons SET doc_no = ${a!.doc_no.slice(0, 17) + last} WHERE id = ${a!.id}::bigint`.execute(
      h.db,
    );
    const r = await qualityReport(h, packs, { region: REGION, year: YEAR });
    const count = (rep: typeof r, k: string) => rep.counts.find((c) => c.kind === k)!.persons;
    expect(count(r, 'invalid_id')).toBe(count(base, 'invalid_id') + 1);
    expect(count(r, 'deceased_enrolled')).toBe(count(base, 'deceased_enrolled') + 1);
    expect(count(r, 'enrolled_elsewhere')).toBe(count(base, 'enrolled_elsewhere') + 1);
    expect(r.rows.every((x) => x.id.includes('*'))).toBe(true);
  });
});
