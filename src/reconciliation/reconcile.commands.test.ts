// The reconcile CLI end to end on a PGlite data directory: demo tax file, reconcile with outputs,
// runs, show, resolve and refunds (twice), as a user would type them.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assessRegion } from '../assessment/assess-region.service.js';
import { openDatabase } from '../db/connection.js';
import { shippedPacks } from '../policy/pack-loader.js';
import { loadDemoPopulation } from '../registry/demo/load.js';
import { seedRegions } from '../registry/regions.service.js';
import { runCli, useCliDataDir } from '../test-support/cli.js';

let dir: string;

describe('canbao reconcile', () => {
  const dataDir = useCliDataDir('reconcile-cli', '对账员');
  beforeAll(async () => {
    dir = dataDir();
    const h = await openDatabase();
    try {
      await seedRegions(h.db);
      await loadDemoPopulation(h, { persons: 500, seed: 'cli', counties: ['512022', '430502'] });
      await assessRegion(h, shippedPacks(), { region: '512022', year: 2025, asOf: '2024-11-30' });
    } finally {
      await h.close();
    }
  }, 60_000);

  it('generates a tax file, reconciles it, lists, shows, resolves and requests refunds', async () => {
    const file = join(dir, '税务缴费明细.csv');
    const gen = await runCli(
      'demo',
      'taxfile',
      '--region',
      '512022',
      '--year',
      '2025',
      '--out',
      file,
      '--per-class',
      '2',
    );
    expect(gen).toContain('重复缴费（应退费）（duplicate）：2');
    const out = join(dir, '对账结果');
    const rec = await runCli(
      'reconcile',
      file,
      '--region',
      '512022',
      '--year',
      '2025',
      '--out',
      out,
      '--format',
      'csv',
    );
    expect(rec).toMatch(/对账批次 1：512022 2025 年度/);
    expect(rec).toMatch(/重复缴费（应退费）\s+2/);
    expect(rec).toContain('乡镇（街道）');
    const files = await readdir(out);
    expect(files).toContain('退费清单_1.csv');
    expect(files).toContain('对账汇总_1.csv');
    expect(await runCli('reconcile', file, '--region', '512022', '--year', '2025')).toContain(
      '本次未作任何更改',
    );
    expect(await runCli('reconcile', 'runs')).toMatch(/税务缴费明细\.csv/);
    const show = await runCli('reconcile', 'show', '1', '--class', 'duplicate', '--json');
    const shown = JSON.parse(show) as { differences: { id: number; docNo: string }[] };
    expect(shown.differences).toHaveLength(2);
    expect(shown.differences[0]!.docNo).toMatch(/\*{4}/);
    const resolved = await runCli(
      'reconcile',
      'resolve',
      String(shown.differences[0]!.id),
      '--reason',
      '已与税务核实',
    );
    expect(resolved).toContain('已标记为已处理：已与税务核实');
    expect(await runCli('reconcile', 'refunds', '1')).toContain('新生成退费申请 3 笔');
    expect(await runCli('reconcile', 'refunds', '1')).toContain('此前已申请 3 笔（未重复申请）');
    await expect(runCli('reconcile', 'show', '1', '--class', '不存在')).rejects.toThrow(/未知的差异类别/);
  }, 60_000);
});
