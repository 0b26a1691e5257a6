// `canbao agent …` and `canbao household …` in process on a PGlite data directory, as a user types them.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/connection.js';
import { runCli } from '../test-support/cli.js';
import { pgliteTemplate } from '../test-support/db.js';
import { byName, EAST, personDoc, seedAssessmentsAndPayments, seedRegistry } from './collection-fixture.js';

let dir: string;
const saved = {
  data: process.env.CANBAO_DATA_DIR,
  url: process.env.DATABASE_URL,
  user: process.env.CANBAO_USER,
};

describe('canbao agent / household', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'canbao-agent-cli-'));
    process.env.CANBAO_DATA_DIR = join(dir, 'pglite');
    process.env.CANBAO_USER = '东村专干';
    delete process.env.DATABASE_URL;
    // Start the data directory from the migrated template: a fresh initdb would take most of the budget.
    const h = await openDatabase({ loadDataDir: await pgliteTemplate('migrated') });
    await seedRegistry(h);
    await seedAssessmentsAndPayments(h);
    await h.close();
  });
  afterAll(async () => {
    process.env.CANBAO_DATA_DIR = saved.data;
    if (saved.url !== undefined) process.env.DATABASE_URL = saved.url;
    if (saved.user === undefined) delete process.env.CANBAO_USER;
    else process.env.CANBAO_USER = saved.user;
    process.exitCode = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('adds, lists, shows the ledger with alerts, records a hand-over once', async () => {
    const add = ['agent', 'add', '--code', 'V1', '--name', '东村村委会', '--kind', 'village', '--area', EAST];
    expect(await runCli(...add, '--limit', '1000')).toBe(
      `已登记：东村村委会（V1，村（居）委会，东村${EAST}），缴库期限 7 天，限额 1000元\n`,
    );
    expect(await runCli('agent', 'list', '--region', '130628')).toContain('共 1 个代征人员。');

    const ledger = await runCli('agent', 'ledger', 'V1', '--as-of', '2023-10-09');
    expect(ledger).toContain('截至 2023-10-09：代收 4 笔 共 1178.02元；已缴库 0元；未缴库 1178.02元');
    expect(ledger).toMatch(/2023-10-01 +2 +418\.01元/);
    expect(ledger).toContain('· 超期未缴库：东村村委会（V1）自 2023-10-01 起代收的款项已持有 8 天');
    expect(ledger).toContain('· 超限额未缴库：东村村委会（V1）未缴库 1178.02元，已达到限额 1000元');
    expect(process.exitCode).toBe(1);
    process.exitCode = undefined;

    const hand = [
      'agent',
      'handover',
      'V1',
      '--amount',
      '418.01',
      '--date',
      '2023-10-08',
      '--receipt',
      'JK-001',
    ];
    expect(await runCli(...hand)).toBe(
      '已登记缴库：V1 2023-10-08 418.01元（凭证号 JK-001），尚未缴库 760.01元\n',
    );
    expect(await runCli(...hand)).toBe('凭证号 JK-001 已登记（2023-10-08 418.01元），未重复登记\n');
    await expect(
      runCli('agent', 'handover', 'V1', '--amount', '9999', '--date', '2023-10-09', '--receipt', 'JK-2'),
    ).rejects.toThrow(/超过 东村村委会（V1）截至 2023-10-09 的未缴库金额 760.01元/);
    const overdue = await runCli('agent', 'overdue', '--region', '130628', '--as-of', '2023-10-11');
    expect(overdue).toContain('共 1 个代征人员需督促缴库。');
    process.exitCode = undefined;

    const h = await openDatabase();
    const actors = await sql<{ actor: string; action: string }>`
      SELECT actor, action FROM audit_log ORDER BY id`.execute(h.db);
    await h.close();
    expect(actors.rows).toEqual([
      { actor: '东村专干', action: 'agent.add' },
      { actor: '东村专干', action: 'agent.handover' },
    ]);
  });

  it('household status prints each member and the totals', async () => {
    const text = await runCli('household', 'status', 'H1', '--year', '2024', '--as-of', '2024-03-01');
    expect(text).toContain(`户号 H1  东村（${EAST}）  2024 年度`);
    expect(text).toMatch(
      /户主 +王大 +1306\*+\d{3}[\dX] +53 +已参保 +应缴 380\.00 元 +380元 +2023-10-05 +村（居）委会代征（V1）/,
    );
    expect(text).toContain('合计：4 人，已参保 1 人，尚需缴费 38元（另有 1 人未核定）');
    expect(text).not.toContain(personDoc(byName('王大')));
  });

  it('household incomplete cites the rule and exports CSV and XLSX', async () => {
    const text = await runCli('household', 'incomplete', '--region', '130628', '--year', '2024');
    expect(text).toContain('依据：高阳县2024年度城乡居民基本医疗保险参保缴费工作方案 一、（三）1.');
    expect(text).toContain('共 2 户、4 人未随户参保。');
    const csv = join(dir, 'incomplete.csv');
    const xlsx = join(dir, 'incomplete.xlsx');
    const exported = await runCli(
      'household',
      'incomplete',
      '--region',
      '130628',
      '--year',
      '2024',
      '--csv',
      csv,
      '--xlsx',
      xlsx,
    );
    expect(exported).toContain(`已导出 2 户到 ${csv}`);
    const lines = (await readFile(csv, 'utf8'))
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe(
      '户号,乡镇（街道）,村（社区）,村代码,户主,联系电话,已参保人数,应参保人数,未参保成员',
    );
    expect(lines[1]).toContain(`H1,庞口镇,东村,${EAST},王大,13800000001,1,3,李二（配偶，`);
    expect((await readFile(xlsx)).subarray(0, 2).toString()).toBe('PK');
  });
});
