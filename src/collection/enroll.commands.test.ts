// A worker's day at the counter through the CLI: register a household, take its payment under one
// receipt (twice: stored once), see it listed, and settle a payment a channel reported wrongly.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/connection.js';
import { checkDigit } from '../registry/id-document.js';
import { runCli } from '../test-support/cli.js';

const id = (first17: string): string => first17 + checkDigit(first17);
const HEAD = id('13062819700101001');
const SPOUSE = id('13062819720101002');
const OTHER = id('13062819800101003');
let dir: string;
const saved = { data: process.env.CANBAO_DATA_DIR, url: process.env.DATABASE_URL };

describe('canbao enroll and canbao payment', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'canbao-enroll-cli-'));
    process.env.CANBAO_DATA_DIR = join(dir, 'pglite');
    delete process.env.DATABASE_URL;
    const h = await openDatabase();
    const hh = await sql<{ id: number }>`
      INSERT INTO households (county_code, household_no) VALUES ('130628', 'H-001') RETURNING id`.execute(
      h.db,
    );
    const household = hh.rows[0]!.id;
    await sql`INSERT INTO persons (county_code, doc_type, doc_no, name, residence_village, household_id, relation) VALUES
      ('130628', 'resident_id', ${HEAD}, '王大山', '130628100001', ${household}, '户主'),
      ('130628', 'resident_id', ${SPOUSE}, '李秀英', '130628100001', ${household}, '配偶'),
      ('130628', 'resident_id', ${OTHER}, '赵小川', '130628100001', NULL, NULL)`.execute(h.db);
    await h.close();
  });
  afterAll(async () => {
    process.env.CANBAO_DATA_DIR = saved.data;
    if (saved.url !== undefined) process.env.DATABASE_URL = saved.url;
    await rm(dir, { recursive: true, force: true });
  });

  it('registers the whole household and says what it owes', async () => {
    const out = await runCli('enroll', 'H-001', '--household', '--year', '2024', '--date', '2023-10-10');
    expect(out).toContain('户 H-001 2024 年度参保登记');
    expect(out).toContain('已登记未缴费');
    expect(out).toContain('全户待缴 760元');
    expect(out).not.toContain(HEAD);
  });

  it('takes the household payment under one receipt; the same receipt again records nothing', async () => {
    const args = ['payment', 'household', HEAD, '--year', '2024', '--amount', '760', '--date', '2023-10-12'];
    const first = await runCli(...args, '--channel', 'cash', '--ref', 'SJ-0001');
    expect(first).toMatch(/已记录（第 \d+ 笔）/);
    expect(first).toContain('2024年1月1日至2024年12月31日');
    const again = await runCli(...args, '--channel', 'cash', '--ref', 'SJ-0001');
    expect(again).toContain('此前已记录');
    const list = await runCli('payment', 'list', '--region', '130628', '--json');
    expect(JSON.parse(list)).toHaveLength(2);
  });

  it('a wrong amount is held for review, then rejected into a refund', async () => {
    await runCli('enroll', OTHER, '--year', '2024', '--date', '2023-10-10');
    const held = await runCli(
      ...['payment', 'record', '--id', OTHER, '--year', '2024', '--amount', '400', '--date', '2023-10-12'],
      ...['--channel', 'wechat', '--ref', 'WX-9', '--hold'],
    );
    expect(held).toMatch(/待审核：金额不符：赵小川 2023-10-12 应缴 380元，实收 400元/);
    const queued = JSON.parse(await runCli('payment', 'list', '--status', 'review', '--json'));
    expect(queued).toHaveLength(1);
    expect(queued[0].doc_no).toBe(`${OTHER.slice(0, 4)}**********${OTHER.slice(-4)}`);
    const out = await runCli(
      'payment',
      'review',
      String(queued[0].id),
      '--reject',
      '--note',
      '金额错误，退回重缴',
    );
    expect(out).toContain('400元 转入退费申请');
  });
});
