import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { shippedPacks } from '../policy/pack-loader.js';
import { checkDigit } from '../registry/id-document.js';
import { describeEachDatabase } from '../test-support/db.js';
import { importLifeEvents } from './event-import.service.js';
import { recordPayment } from './payment.service.js';

const packs = shippedPacks();
const gyId = (n: number) => {
  const first17 = `13062819800103${String(n).padStart(3, '0')}`;
  return first17 + checkDigit(first17);
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'canbao-events-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

async function csv(name: string, lines: string[]): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, iconv.encode(`${lines.join('\r\n')}\r\n`, 'gbk'));
  return path;
}

describeEachDatabase('death list import', (getDb) => {
  let file: string;
  beforeAll(async () => {
    const db = getDb();
    await sql`INSERT INTO persons (county_code, doc_type, doc_no, name, residence_village)
      VALUES ${sql.join([1, 2, 3].map((n) => sql`('130628', 'resident_id', ${gyId(n)}, ${`高阳${n}`}, '130628001001')`))}`.execute(
      db.db,
    );
    for (const n of [1, 2]) {
      await recordPayment(db, packs, {
        docNo: gyId(n),
        year: 2024,
        amountFen: 38000,
        paidOn: '2023-10-10',
        channel: 'tax_window',
        externalNo: `GYD${n}`,
      });
    }
    file = await csv(`death-${Math.random()}.csv`, [
      '高阳县卫生健康局死亡人员名单（2023年11月）',
      '序号,姓名,证件号码,死亡日期',
      `1,高阳1,${gyId(1)},2023-11-05`,
      `2,高阳2,${gyId(2)},2023年11月8日`,
      `3,外地人,${gyId(900)},2023-11-09`,
      `4,别人,${gyId(3)},2023-11-09`,
      `5,高阳3,${gyId(3)},2023-13-40`,
      `6,高阳3,${gyId(3)},2023-12-30`,
      '7,高阳3,13062819800103001X,2023-11-01',
    ]);
  });

  const opts = () => ({
    file,
    type: 'death' as const,
    source: 'health' as const,
    reportedOn: '2023-12-01',
    actor: 'test',
  });

  it('all or nothing: bad rows reported with row, column, value and reason; nothing applied', async () => {
    const r = await importLifeEvents(getDb(), packs, { ...opts(), allOrNothing: true });
    expect(r).toMatchObject({ applied: false, rowsRead: 7, rejected: 5, recorded: 0 });
    expect(r.rejections.map((x) => [x.rowNumber, x.column, x.code])).toEqual([
      [5, '证件号码', 'unknown_person'],
      [6, '姓名', 'name_mismatch'],
      [7, '死亡日期', 'bad_date'],
      [8, '死亡日期', 'future_date'],
      [9, '证件号码', 'id_bad_check_digit'],
    ]);
    expect(r.rejections[1]!.reason).toBe('姓名与一人一档不一致（档案姓名：高阳3）');
    expect(r.rejections[3]!.reason).toContain('晚于名单报送日期');
    const n = await sql<{ n: number }>`SELECT count(*)::int AS n FROM life_events`.execute(getDb().db);
    expect(n.rows[0]!.n).toBe(0);
  });

  it('otherwise the good rows are applied, with refunds, and a second run changes nothing', async () => {
    const r = await importLifeEvents(getDb(), packs, opts());
    expect(r).toMatchObject({
      applied: true,
      recorded: 2,
      rejected: 5,
      refundsCreated: 2,
      refundedFen: 76000,
    });
    const again = await importLifeEvents(getDb(), packs, opts());
    expect(again).toMatchObject({ applied: true, recorded: 0, alreadyRecorded: 2, refundsCreated: 0 });
    const n = await sql<{ events: number; refunds: number; deceased: number }>`
      SELECT (SELECT count(*)::int FROM life_events) AS events, (SELECT count(*)::int FROM refunds) AS refunds,
        (SELECT count(*)::int FROM persons WHERE status = 'deceased') AS deceased`.execute(getDb().db);
    expect(n.rows[0]).toEqual({ events: 2, refunds: 2, deceased: 2 });
  });

  it('a missing date column is named, with the option to point at another', async () => {
    const other = await csv('other.csv', ['姓名,证件号码,报告日期', `高阳1,${gyId(1)},2023-11-05`]);
    await expect(importLifeEvents(getDb(), packs, { ...opts(), file: other })).rejects.toThrow(
      /缺少"死亡日期"列/,
    );
    const r = await importLifeEvents(getDb(), packs, { ...opts(), file: other, dateColumn: '报告日期' });
    expect(r).toMatchObject({ applied: true, rejected: 0, recorded: 0, alreadyRecorded: 1 });
  });
});
