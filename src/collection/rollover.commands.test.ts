// `canbao campaign …` and `canbao enrollment …` end to end on a PGlite data directory, with the
// shipped 双清区 2025 pack.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/connection.js';
import { maskId } from '../registry/id-document.js';
import { runCli } from '../test-support/cli.js';
import { addEnrollment, addPersons, rid, seedShuangqing } from './rollover-fixture.js';

const A = rid('43050219650101031');
const B = rid('43050219650101032');
let dir: string;
const saved = { data: process.env.CANBAO_DATA_DIR, url: process.env.DATABASE_URL };

describe('canbao campaign and enrollment', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'canbao-rollover-cli-'));
    process.env.CANBAO_DATA_DIR = join(dir, 'pglite');
    delete process.env.DATABASE_URL;
    const h = await openDatabase();
    await h.transaction(async (tx) => {
      await seedShuangqing(tx);
      const ids = await addPersons(tx, [
        { docNo: A, name: '赵一', phone: '13900000001' },
        { docNo: B, name: '赵二' },
      ]);
      await addEnrollment(tx, ids.get(B)!, 2025, 'enrolled');
    });
    await h.close();
  });
  afterAll(async () => {
    process.env.CANBAO_DATA_DIR = saved.data;
    if (saved.url !== undefined) process.env.DATABASE_URL = saved.url;
    await rm(dir, { recursive: true, force: true });
  });

  it('imports history, shows it with the incentive, and writes the problem report', async () => {
    const file = join(dir, '往年参保.csv');
    await writeFile(
      file,
      `证件号码,姓名,年度,参保状态,是否发生报销\n${A},赵一,2021,已参保,否\n${A},赵一,2022,已参保,否\n${A},赵一,2023,已参保,是\n${A},赵一,2024,已参保,否\n${A},赵一,2019,不知道,\n`,
    );
    const out = await runCli('enrollment', 'import', file, '--county', '430502');
    expect(out).toContain('新增 4，更新 0，未变 0，拒绝 1 行');
    expect(out).toContain('参保状态应为"已参保"或"未参保"');
    const report = await readFile(join(dir, '往年参保_导入问题.csv'), 'utf8');
    expect(report).toContain('行号,列,值,原因,级别');
    expect(report).toContain('6,参保状态,不知道');

    const history = await runCli('enrollment', 'history', A, '--cap', '300000');
    expect(history).toContain(`赵一（${maskId(A)}，430502）`);
    expect(history).toContain('历史数据导入');
    expect(history).toContain('截至 2024 年度连续参保 4 年');
    expect(history).toContain('gbf-2024-38');
    expect(history).toContain('由 --cap 指定，政策包未载明');
    const json = JSON.parse(await runCli('enrollment', 'history', A, '--json'));
    expect(json.continuity).toMatchObject({
      year: 2025,
      consecutiveYears: 4,
      zeroClaimYears: [2021, 2022, 2024],
    });
  });

  it('opens 2025 from the shipped pack, once, and lists it', async () => {
    const out = await runCli(
      'campaign',
      'open',
      '--region',
      '430502',
      '--year',
      '2025',
      '--date',
      '2024-09-01',
    );
    expect(out).toContain('已开办双清区（430502） 2025 年度征缴：政策包 430502-2025');
    expect(out).toContain('结转身份：征缴期首日（2024-09-01）仍有效的困难群众身份 0 条');
    expect(out).toContain('需重新认定：0 条');
    const again = await runCli('campaign', 'open', '--region', '430502', '--year', '2025');
    expect(again).toContain('已于 2024-09-01 开办');
    expect(await runCli('campaign', 'list')).toContain('430502-2025');
    await expect(runCli('campaign', 'open', '--region', '430502', '--year', '2031')).rejects.toThrow(
      /docs\/policy-packs\.md/,
    );
  });

  it('lists last year’s insured not yet renewed, on screen and as CSV', async () => {
    const out = await runCli('campaign', 'unrenewed', '--region', '430502', '--year', '2025');
    expect(out).toContain('双清区 2024 年度已参保、2025 年度尚未参保：1 人');
    expect(out).toContain(maskId(A));
    expect(out).not.toContain(maskId(B));
    const csv = join(dir, '未续保.csv');
    expect(
      await runCli('campaign', 'unrenewed', '--region', '430502', '--year', '2025', '--csv', csv),
    ).toContain('已导出 1 人');
    const text = await readFile(csv, 'utf8');
    expect(text).toContain(`${maskId(A)},赵一,火车社区,430502001001,13900000001`);
  });

  it('refuses history for the year of an open campaign', async () => {
    const file = join(dir, '本年.csv');
    await writeFile(file, `证件号码,姓名,年度,参保状态,是否发生报销\n${A},赵一,2025,已参保,否\n`);
    const out = await runCli('enrollment', 'import', file, '--county', '430502');
    expect(out).toContain('2025 年度已在本系统开办征缴，历史数据只能导入以前年度');
  });
});
