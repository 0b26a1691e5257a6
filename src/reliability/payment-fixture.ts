// People to pay for in the fault tests (as in payment.concurrency.test.ts: 双桥区 residents with
// valid, distinct ID numbers, each owing 400 yuan for 2025 on 2024-10-15), the payment each one
// makes, an administrator to post them, and what the database holds afterwards.
import { sql } from 'kysely';
import { addUser } from '../auth/user.service.js';
import type { DatabaseHandle } from '../db/connection.js';
import { checkDigit } from '../registry/id-document.js';

export const ADMIN = { username: 'fault-admin', password: 'Fault-test-2025' };
export const AMOUNT_FEN = 40000;

export function payerIds(n: number): string[] {
  const ids: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; ids.length < n; i++) {
    const birth = 19400101 + Math.floor(i / 999) * 10000 + (i % 28);
    const first17 = `130802${birth}${String((i % 999) + 1).padStart(3, '0')}`;
    const id = first17 + checkDigit(first17);
    if (!seen.has(id)) {
      seen.add(id);
      ids.push(id);
    }
  }
  return ids;
}

export async function seedPayers(db: DatabaseHandle, ids: readonly string[]): Promise<void> {
  await db.copyFrom(
    'persons',
    ['county_code', 'doc_type', 'doc_no', 'name', 'residence_village'],
    ids.map((id, i) => `130802,resident_id,${id},缴费人${i},130802001001\n`),
  );
  await sql`ANALYZE persons`.execute(db.db);
  await addUser(
    db,
    { username: ADMIN.username, displayName: '故障测试', role: 'admin', password: ADMIN.password },
    'test',
  );
}

export const paymentBody = (ids: readonly string[], i: number) => ({
  docNo: ids[i],
  year: 2025,
  amountFen: AMOUNT_FEN,
  paidOn: '2024-10-15',
  channel: i % 2 === 0 ? 'wechat' : 'alipay',
  externalNo: `FT${String(i).padStart(6, '0')}`,
});

export interface Ledger {
  payments: number;
  distinctNumbers: number;
  sumFen: number;
  enrolled: number;
  paymentAudits: number;
  enrollmentAudits: number;
}

/** The payments, their transaction numbers, sum, enrollments and audit rows as stored. */
export async function ledger(db: DatabaseHandle): Promise<Ledger & { numbers: Set<string> }> {
  const r = await sql<Ledger>`
    SELECT (SELECT count(*)::int FROM payments) AS "payments",
      (SELECT count(DISTINCT (channel, external_no))::int FROM payments) AS "distinctNumbers",
      (SELECT COALESCE(sum(amount_fen), 0)::bigint FROM payments) AS "sumFen",
      (SELECT count(*)::int FROM enrollments WHERE year = 2025 AND status = 'enrolled') AS "enrolled",
      (SELECT count(*)::int FROM audit_log WHERE action = 'payment.record') AS "paymentAudits",
      (SELECT count(*)::int FROM audit_log WHERE entity = 'enrollment') AS "enrollmentAudits"`.execute(db.db);
  const numbers = await sql<{ n: string }>`SELECT external_no AS n FROM payments`.execute(db.db);
  return { ...r.rows[0]!, sumFen: Number(r.rows[0]!.sumFen), numbers: new Set(numbers.rows.map((x) => x.n)) };
}
