// `canbao demo campaign` and `canbao report …` end to end on a PGlite data directory, as typed.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assessRegion } from '../assessment/assess-region.service.js';
import { openDatabase } from '../db/connection.js';
import { shippedPacks } from '../policy/pack-loader.js';
import { loadDemoPopulation } from '../registry/demo/load.js';
import { seedRegions } from '../registry/regions.service.js';
import { runCli, useCliDataDir } from '../test-support/cli.js';

let dir: string;
const scope = ['--region', '512022', '--year', '2025', '--as-of', '2024-11-30'];

describe('canbao report', () => {
  const dataDir = useCliDataDir('report-cli', '统计员');
  beforeAll(async () => {
    dir = dataDir();
    const h = await openDatabase();
    try {
      await seedRegions(h.db);
      await loadDemoPopulation(h, { persons: 600, seed: 'cli', counties: ['512022'] });
    } finally {
      await h.close();
    }
  }, 60_000);

  it('demo campaign refuses before the assessment, then writes once', async () => {
    await expect(runCli('demo', 'campaign', ...scope)).rejects.toThrow(/assess-region 512022 2025/);
    const h = await openDatabase();
    try {
      await assessRegion(h, shippedPacks(), { region: '512022', year: 2025, asOf: '2024-11-30' });
    } finally {
      await h.close();
    }
    const first = JSON.parse(await runCli('demo', 'campaign', ...scope, '--json'));
    expect(first.enrollments).toBeGreaterThan(0);
    const second = JSON.parse(await runCli('demo', 'campaign', ...scope, '--json'));
    expect(second).toMatchObject({ payments: 0, enrollments: 0, enrolledTotal: first.enrolledTotal });
  });

  it('coverage prints a Chinese table and writes XLSX; JSON adds up', async () => {
    const xlsx = join(dir, '参保率.xlsx');
    const out = await runCli('report', 'coverage', ...scope, '--level', 'township', '--xlsx', xlsx);
    expect(out).toContain('乐至县 2025 年度参保率');
    expect(out).toContain('乐府办发〔2024〕16号');
    expect((await stat(xlsx)).size).toBeGreaterThan(1000);
    const r = JSON.parse(await runCli('report', 'coverage', ...scope, '--json'));
    const county = r.lines[0];
    const townships = r.lines.filter((l: { level: string }) => l.level === 'township');
    expect(townships.reduce((s: number, l: { enrolled: number }) => s + l.enrolled, 0)).toBe(county.enrolled);
  });

  it('keygroups, settlement and worklist print and export; IDs masked', async () => {
    expect(await runCli('report', 'keygroups', ...scope)).toContain('重点人群参保情况');
    const settle = join(dir, '结算.xlsx');
    expect(await runCli('report', 'settlement', ...scope, '--xlsx', settle)).toContain('资助参保资金结算');
    expect((await stat(settle)).size).toBeGreaterThan(1000);
    const out = await runCli('report', 'worklist', ...scope);
    expect(out).toContain('工作清单');
    expect(out).toMatch(/\*{4}/);
  });

  it('bulletin writes a printable HTML page and a workbook', async () => {
    const html = join(dir, '通报.html');
    const xlsx = join(dir, '通报.xlsx');
    const out = await runCli('report', 'bulletin', ...scope, '--html', html, '--xlsx', xlsx);
    expect(out).toContain('参保工作通报');
    const text = await readFile(html, 'utf8');
    expect(text).toContain('<svg');
    expect(text).toContain('size: A4');
    expect((await stat(xlsx)).size).toBeGreaterThan(1000);
  });

  it('targets-set and followup', async () => {
    const r = JSON.parse(await runCli('report', 'coverage', ...scope, '--json'));
    const township = r.lines.find((l: { level: string }) => l.level === 'township').code;
    expect(
      await runCli(
        'report',
        'targets-set',
        '--region',
        township,
        '--year',
        '2025',
        '--due',
        '2024-12-20',
        '--rate',
        '90%',
      ),
    ).toContain('90%');
    const wl = JSON.parse(
      await runCli('report', 'worklist', ...scope, '--json', '--full-id', '--limit', '1'),
    );
    const e = wl.entries[0];
    const done = await runCli(
      'report',
      'followup',
      '--id',
      e.id,
      '--year',
      '2025',
      '--kind',
      e.kind,
      '--note',
      '已上门',
    );
    expect(done).toContain('已记录');
  });
});
