import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { shippedPacks } from '../policy/pack-loader.js';
import { checkDigit } from '../registry/id-document.js';
import { describeEachDatabase } from '../test-support/db.js';
import { ENROLLMENT_COLUMNS } from './enrollment.repository.js';
import { recordPayment } from './payment.service.js';

const id = (n: number) => {
  const first17 = `13080219800101${String(n).padStart(3, '0')}`;
  return first17 + checkDigit(first17);
};
const packs = shippedPacks();
const pay = (n: number, over: Partial<Parameters<typeof recordPayment>[2]> = {}) => ({
  docNo: id(n),
  year: 2025,
  amountFen: 40000,
  paidOn: '2024-10-10',
  channel: 'wechat',
  externalNo: `WX${n}`,
  ...over,
});

describeEachDatabase('recording payments', (getDb) => {
  beforeAll(async () => {
    const rows = Array.from(
      { length: 60 },
      (_, i) => sql`('130802', 'resident_id', ${id(i + 1)}, ${`居民${i + 1}`}, '130802001001')`,
    );
    await sql`INSERT INTO persons (county_code, doc_type, doc_no, name, residence_village) VALUES ${sql.join(rows)}`.execute(
      getDb().db,
    );
    await sql`INSERT INTO person_identities (county_code, person_id, category, department, valid_from)
      SELECT '130802', id, 'dibao', 'civil_affairs', '2024-01-01' FROM persons WHERE doc_no = ${id(2)}`.execute(
      getDb().db,
    );
  });

  it('records a payment of what the person owes, with the benefit period', async () => {
    const r = await recordPayment(getDb(), packs, pay(1));
    expect(r).toMatchObject({
      status: 'recorded',
      amountFen: 40000,
      benefitStart: '2025-01-01',
      benefitEnd: '2025-12-31',
    });
  });

  it('the same transaction number again is stored once and answered with the first', async () => {
    const again = await recordPayment(getDb(), packs, pay(1));
    expect(again.status).toBe('already_recorded');
    const n = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM payments WHERE external_no = 'WX1'`.execute(getDb().db);
    expect(n.rows[0]!.n).toBe(1);
  });

  it('the same payments posted twice at the same moment end up stored once each', async () => {
    const batch = Array.from({ length: 40 }, (_, i) => pay(i + 10));
    const results = await Promise.all([...batch, ...batch].map((p) => recordPayment(getDb(), packs, p)));
    expect(results.filter((r) => r.status === 'recorded')).toHaveLength(40);
    const sums = await sql<{ n: number; s: string }>`
      SELECT count(*)::int AS n, sum(amount_fen)::bigint AS s FROM payments WHERE external_no LIKE 'WX%' AND external_no <> 'WX1'`.execute(
      getDb().db,
    );
    expect([sums.rows[0]!.n, Number(sums.rows[0]!.s)]).toEqual([40, 40 * 40000]);
  });

  it('refuses a wrong amount, a closed day, a second payment for the year and a reused number', async () => {
    await expect(recordPayment(getDb(), packs, pay(2))).rejects.toThrow(
      /金额不符：居民2 2024-10-10 应缴 40元，实收 400元/,
    );
    await expect(recordPayment(getDb(), packs, pay(3, { paidOn: '2024-09-27' }))).rejects.toThrow(
      /不在9月业务期/,
    );
    await expect(recordPayment(getDb(), packs, pay(1, { externalNo: 'WX-other' }))).rejects.toThrow(
      /2025 年度已缴费/,
    );
    await expect(recordPayment(getDb(), packs, pay(4, { externalNo: 'WX1' }))).rejects.toThrow(
      /此交易号已用于另一笔缴费/,
    );
    await expect(recordPayment(getDb(), packs, pay(5, { amountFen: 4000.5 }))).rejects.toThrow(/精确到分/);
    const n = await sql<{ n: number }>`SELECT count(*)::int AS n FROM payments`.execute(getDb().db);
    expect(n.rows[0]!.n).toBe(41);
  });

  it('one person paid by several channels at the same moment: one payment, the rest refused', async () => {
    // Each reads the same state without a lock; the write's guard lets only the first through and
    // the others take the locked path, where they see the stored payment.
    const posts = Array.from({ length: 8 }, (_, i) => pay(50, { externalNo: `RACE-${i}` }));
    const settled = await Promise.allSettled(posts.map((p) => recordPayment(getDb(), packs, p)));
    expect(settled.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = settled.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused.map((r) => String(r.reason.message)).every((m) => /2025 年度已缴费/.test(m))).toBe(true);
    const rows = await sql<{ payments: number; enrollments: number; audits: number }>`
      SELECT (SELECT count(*)::int FROM payments WHERE external_no LIKE 'RACE-%') AS payments,
             (SELECT count(*)::int FROM enrollments e JOIN persons p ON p.id = e.person_id WHERE p.doc_no = ${id(50)}) AS enrollments,
             (SELECT count(*)::int FROM audit_log WHERE action = 'payment.record' AND after->>'externalNo' LIKE 'RACE-%') AS audits`.execute(
      getDb().db,
    );
    expect(rows.rows[0]).toEqual({ payments: 1, enrollments: 1, audits: 1 });
  });

  it('the state a payment re-checks under the lock has the enrollment columns the audit row keeps', async () => {
    await recordPayment(getDb(), packs, pay(51));
    const r = await sql<{ s: { enrollment: Record<string, unknown> } }>`
      SELECT payment_state(p.id, 2025, 'wechat', 'none', NULL) AS s FROM persons p WHERE p.doc_no = ${id(51)}`.execute(
      getDb().db,
    );
    expect(Object.keys(r.rows[0]!.s.enrollment).sort()).toEqual(
      ENROLLMENT_COLUMNS.split(',')
        .map((c) => c.trim())
        .sort(),
    );
  });
});
