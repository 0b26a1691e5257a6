// Taking one payment for a whole household at a counter or through an agent: every member who is
// registered and still owes pays what the engine says, under one receipt. Each member's payment is
// keyed by the receipt plus the member, so posting the same receipt again records nothing twice.
import { sql } from 'kysely';
import { personRequest } from '../assessment/person-request.repository.js';
import type { DatabaseHandle, DbSession } from '../db/connection.js';
import { assess } from '../policy/assess.js';
import { formatYuan } from '../policy/money.js';
import type { PackRegistry } from '../policy/pack-loader.js';
import { isError } from '../policy/result.js';
import { type PaymentResult, recordPayment } from './payment.service.js';
import { refuse } from './refuse.js';
import { householdMembers } from './registration.service.js';

export interface HouseholdPaymentInput {
  key: string;
  year: number;
  paidOn: string;
  channel: string;
  externalNo: string;
  /** What was received for the whole household; must equal what the members owe. */
  amountFen: number;
  agent?: string;
  recordedBy: string;
}

export interface HouseholdPaymentResult {
  householdNo: string;
  payments: { docNo: string; name: string; result: PaymentResult }[];
  totalFen: number;
}

export async function payHousehold(
  db: DatabaseHandle,
  packs: PackRegistry,
  input: HouseholdPaymentInput,
): Promise<HouseholdPaymentResult> {
  const household = await householdMembers(db, input.key);
  if (!household) return refuse('no-household', 'key', `没有找到户号或成员证件号码为 ${input.key} 的家庭`);
  // Who is registered for the year and owes: registered and not yet paid, or already paid under
  // this very receipt (a retry).
  const due: { docNo: string; name: string; personId: number; fen: number }[] = [];
  for (const m of household.members) {
    const r = await sql<{ person_id: number; status: string; paid_ref: string | null }>`
      SELECT e.person_id, e.status, pay.external_no AS paid_ref
      FROM enrollments e JOIN persons p ON p.id = e.person_id
      LEFT JOIN payments pay ON pay.id = e.payment_id
      WHERE p.doc_no = ${m.docNo} AND e.year = ${input.year}`.execute(db.db);
    const e = r.rows[0];
    if (!e) continue;
    const ref = memberRef(input.externalNo, e.person_id);
    if (e.status !== 'registered' && e.paid_ref !== ref) continue;
    const found = await personRequest(db, m.docNo, input.year, input.paidOn, packs);
    const outcome = assess({ ...found!.request, paymentDate: input.paidOn }, packs);
    if (isError(outcome)) return refuse(outcome.error.code, outcome.error.path, outcome.error.message);
    if (!outcome.accepted)
      return refuse(outcome.rejection!.code, 'paidOn', `${m.name}：${outcome.rejection!.message}`);
    if (outcome.payableFen > 0)
      due.push({ docNo: m.docNo, name: m.name, personId: e.person_id, fen: outcome.payableFen });
  }
  if (due.length === 0)
    refuse(
      'nothing-due',
      'key',
      `户 ${household.householdNo} ${input.year} 年度没有已登记待缴费的成员，请先参保登记`,
    );
  const totalFen = due.reduce((s, d) => s + d.fen, 0);
  if (totalFen !== input.amountFen)
    refuse(
      'wrong-amount',
      'amount',
      `金额不符：全户应缴 ${formatYuan(totalFen)}（${due.map((d) => `${d.name} ${formatYuan(d.fen)}`).join('，')}），实收 ${formatYuan(input.amountFen)}`,
    );
  // One transaction for the whole receipt: when a member turns out to be paid already (an agent's
  // payment at the same moment), nothing of the receipt is kept — not the members before them.
  const payments = await db.transaction((tx) => recordMembers(joined(tx), packs, input, due));
  return { householdNo: household.householdNo, payments, totalFen };
}

/** A handle whose transactions are the given one: each member's payment joins the household's. */
function joined(tx: DbSession): DatabaseHandle {
  return { ...tx, transaction: (fn) => fn(tx), close: async () => undefined };
}

async function recordMembers(
  db: DatabaseHandle,
  packs: PackRegistry,
  input: HouseholdPaymentInput,
  due: { docNo: string; name: string; personId: number; fen: number }[],
): Promise<HouseholdPaymentResult['payments']> {
  const payments: HouseholdPaymentResult['payments'] = [];
  for (const d of due) {
    const result = await recordPayment(db, packs, {
      docNo: d.docNo,
      year: input.year,
      amountFen: d.fen,
      paidOn: input.paidOn,
      channel: input.channel,
      externalNo: memberRef(input.externalNo, d.personId),
      recordedBy: input.recordedBy,
      ...(input.agent ? { agent: input.agent } : {}),
    });
    payments.push({ docNo: d.docNo, name: d.name, result });
  }
  return payments;
}

/** One receipt covers the household; each member's payment carries the receipt and the member. */
export const memberRef = (externalNo: string, personId: number) => `${externalNo.trim()}#${personId}`;
