// Negative and fractional-fen amounts are refused everywhere money comes in — the payments API
// (amounts in fen), the CLI (yuan), tax-bureau files (yuan) and the service itself — with a
// Chinese message naming the field, and nothing is stored.
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../http/app.js';
import { shippedPacks } from '../policy/pack-loader.js';
import { parseYuan } from '../reconciliation/tax-row.js';
import { describeEachDatabase } from '../test-support/db.js';
import { yuanToFen } from './collection.commands.js';
import { recordPayment } from './payment.service.js';
import { addPersons, rid, seedShuangqing } from './rollover-fixture.js';

const A = rid('43050219750101031');

describe('yuan written by people', () => {
  it('the CLI refuses anything finer than a fen or negative, never rounds', () => {
    expect(yuanToFen('400')).toBe(40000);
    expect(yuanToFen('400.5')).toBe(40050);
    for (const bad of ['400.005', '-1', '-400', '1e3', '400,00', '', '四百'])
      expect(() => yuanToFen(bad), bad).toThrow(/金额.*无效/);
  });

  it('tax-bureau files: 400.005 and -1 are not amounts (the row is rejected)', () => {
    expect(parseYuan('¥1,070.50')).toBe(107050);
    for (const bad of ['400.005', '-1', '-400.00', '400.5.0', 'NaN'])
      expect(parseYuan(bad), bad).toBeUndefined();
  });
});

describeEachDatabase('payment amounts', (getDb) => {
  let app: FastifyInstance;
  beforeAll(async () => {
    await getDb().transaction(async (tx) => {
      await seedShuangqing(tx);
      await addPersons(tx, [{ docNo: A, name: '王一' }]);
    });
    app = await buildApp({ packs: shippedPacks(), db: getDb() });
  });
  afterAll(async () => app?.close());

  const stored = async () =>
    (await sql<{ n: number }>`SELECT count(*)::int AS n FROM payments`.execute(getDb().db)).rows[0]!.n;

  const pay = (amountFen: unknown, externalNo: string) =>
    app.inject({
      method: 'POST',
      url: '/api/payments',
      payload: { docNo: A, year: 2025, amountFen, paidOn: '2025-01-10', channel: 'cash', externalNo },
    });

  it('the API refuses 400.005 yuan (40000.5 fen), -1, 0 and text, naming the field in Chinese', async () => {
    const cases: [unknown, RegExp][] = [
      [40000.5, /amountFen 应为整数（金额以分为单位，不能有小数）/],
      [-1, /amountFen 不能小于 1/],
      [0, /amountFen 不能小于 1/],
      ['400.005', /amountFen 应为整数/],
      [null, /amountFen 不能小于 1/], // ajv coerces null to 0
    ];
    for (const [i, [amount, message]] of cases.entries()) {
      const r = await pay(amount, `BAD-${i}`);
      expect(r.statusCode, String(amount)).toBe(400);
      expect(r.json().error).toEqual({
        code: 'INVALID_REQUEST',
        message: expect.stringMatching(message),
        where: 'body/amountFen',
      });
    }
    const missing = await app.inject({
      method: 'POST',
      url: '/api/payments',
      payload: { docNo: A, year: 2025, paidOn: '2025-01-10', channel: 'cash', externalNo: 'BAD-X' },
    });
    expect(missing.json().error).toMatchObject({
      message: '请求内容不符合要求：缺少必填字段 amountFen',
      where: 'body/amountFen',
    });
    expect(await stored()).toBe(0);
  });

  it('the service refuses them too when called directly (CLI, channel files)', async () => {
    for (const amountFen of [40000.5, -1, 0, Number.NaN, Number.POSITIVE_INFINITY]) {
      const r = recordPayment(getDb(), shippedPacks(), {
        docNo: A,
        year: 2025,
        amountFen,
        paidOn: '2025-01-10',
        channel: 'cash',
        externalNo: `SVC-${amountFen}`,
        recordedBy: 'test',
      });
      await expect(r, String(amountFen)).rejects.toThrow(/缴费金额应为正数，且精确到分/);
    }
    expect(await stored()).toBe(0);
  });
});
