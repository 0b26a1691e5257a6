// Payments held for review (a channel reported an amount that differs from what the person owes):
// a reviewer accepts one that covers what is owed — the person is enrolled and any excess becomes an
// overpayment refund — or rejects it, and the whole amount becomes a refund. The money is never
// dropped: the payment row stays, with its new status, and the refund is a record with a state.
import { sql } from 'kysely';
import { personRequest } from '../assessment/person-request.repository.js';
import { audit } from '../audit/audit-log.js';
import type { DatabaseHandle, DbSession } from '../db/connection.js';
import { assess } from '../policy/assess.js';
import { formatYuan } from '../policy/money.js';
import type { PackRegistry } from '../policy/pack-loader.js';
import { isError } from '../policy/result.js';
import { enrollmentOf, writeEnrollment } from './enrollment.repository.js';
import { refuse } from './refuse.js';

export interface ReviewInput {
  paymentId: number;
  decision: 'accept' | 'reject';
  note: string;
  actor: string;
}

export interface ReviewResult {
  paymentId: number;
  status: 'accepted' | 'rejected';
  refundFen: number;
  benefitStart: string | null;
  benefitEnd: string | null;
  message: string;
}

interface HeldPayment {
  id: number;
  county_code: string;
  year: number;
  person_id: number;
  amount_fen: number;
  paid_on: string;
  status: string;
  doc_no: string;
  name: string;
  agent: string | null;
}

export async function reviewHeldPayment(
  db: DatabaseHandle,
  packs: PackRegistry,
  input: ReviewInput,
): Promise<ReviewResult> {
  if (input.note.trim() === '') refuse('missing-note', 'note', '须写明审核意见');
  return db.transaction(async (tx) => {
    const r = await sql<HeldPayment>`
      SELECT pay.id, pay.county_code, pay.year, pay.person_id, pay.amount_fen, pay.paid_on, pay.status, pay.agent,
        p.doc_no, p.name
      FROM payments pay JOIN persons p ON p.id = pay.person_id WHERE pay.id = ${input.paymentId} FOR UPDATE OF pay`.execute(
      tx.db,
    );
    const pay = r.rows[0];
    if (!pay) return refuse('no-payment', 'paymentId', `没有第 ${input.paymentId} 笔缴费`);
    if (pay.status !== 'review')
      refuse('not-held', 'paymentId', `第 ${pay.id} 笔缴费不在待审核状态（当前：${pay.status}）`);
    await sql`SELECT pg_advisory_xact_lock(${pay.person_id})`.execute(tx.db);

    if (input.decision === 'reject') {
      await setStatus(tx, pay, 'rejected', input);
      await createRefund(
        tx,
        pay,
        'rejected_payment',
        pay.amount_fen,
        `缴费未被受理：${input.note}`,
        input.actor,
      );
      return {
        paymentId: pay.id,
        status: 'rejected',
        refundFen: pay.amount_fen,
        benefitStart: null,
        benefitEnd: null,
        message: `已驳回第 ${pay.id} 笔缴费，${formatYuan(pay.amount_fen)} 转入退费申请。`,
      };
    }
    const found = await personRequest(tx, pay.doc_no, pay.year, pay.paid_on, packs);
    const outcome = assess({ ...found!.request, paymentDate: pay.paid_on }, packs);
    if (isError(outcome)) return refuse(outcome.error.code, outcome.error.path, outcome.error.message);
    if (!outcome.accepted) return refuse(outcome.rejection!.code, 'paidOn', outcome.rejection!.message);
    if (pay.amount_fen < outcome.payableFen)
      refuse(
        'short',
        'decision',
        `实收 ${formatYuan(pay.amount_fen)} 少于应缴 ${formatYuan(outcome.payableFen)}，不能受理；请驳回并退费后重新缴费`,
      );
    const other = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM payments WHERE person_id = ${pay.person_id} AND year = ${pay.year}
        AND kind = 'contribution' AND status = 'accepted'`.execute(tx.db);
    if (other.rows[0]!.n > 0)
      refuse('already-paid', 'decision', `${pay.name} ${pay.year} 年度已有受理的缴费，此笔应驳回退费`);
    await setStatus(tx, pay, 'accepted', input);
    const existing = await enrollmentOf(tx, pay.person_id, pay.year);
    await writeEnrollment(
      tx,
      {
        countyCode: pay.county_code,
        year: pay.year,
        personId: pay.person_id,
        status: 'enrolled',
        source: 'payment',
        registeredOn: existing?.registered_on ?? pay.paid_on,
        enrolledOn: pay.paid_on,
        paymentId: pay.id,
        benefitStart: outcome.benefitStart,
        benefitEnd: outcome.benefitEnd,
        waitingDays: outcome.waitingDays,
        lapsedYears: found!.request.lapsedYears ?? 0,
        paidBackYears: found!.request.paidBackYears ?? 0,
        agentCode: pay.agent,
        packHash: outcome.pack.hash,
        explanation: outcome.explanation,
      },
      input.actor,
    );
    const excess = pay.amount_fen - outcome.payableFen;
    if (excess > 0)
      await createRefund(
        tx,
        pay,
        'overpayment',
        excess,
        `实收 ${formatYuan(pay.amount_fen)}，应缴 ${formatYuan(outcome.payableFen)}，多缴 ${formatYuan(excess)}`,
        input.actor,
      );
    return {
      paymentId: pay.id,
      status: 'accepted',
      refundFen: excess,
      benefitStart: outcome.benefitStart,
      benefitEnd: outcome.benefitEnd,
      message: `已受理第 ${pay.id} 笔缴费${excess > 0 ? `，多缴 ${formatYuan(excess)} 转入退费申请` : ''}。`,
    };
  });
}

async function setStatus(tx: DbSession, pay: HeldPayment, status: string, input: ReviewInput): Promise<void> {
  await sql`UPDATE payments SET status = ${status}, review_reason = review_reason || '；审核：' || ${input.note}
    WHERE id = ${pay.id}`.execute(tx.db);
  await audit(tx, {
    actor: input.actor,
    action: `payment.review.${input.decision}`,
    entity: 'payment',
    entityId: pay.id,
    countyCode: pay.county_code,
    before: { status: pay.status },
    after: { status, note: input.note },
  });
}

async function createRefund(
  tx: DbSession,
  pay: HeldPayment,
  reason: 'overpayment' | 'rejected_payment',
  amountFen: number,
  text: string,
  actor: string,
): Promise<void> {
  const r = await sql<{ id: number }>`
    INSERT INTO refunds (county_code, year, person_id, payment_id, reason, amount_fen, requested_on, requested_by, explanation)
    VALUES (${pay.county_code}, ${pay.year}, ${pay.person_id}, ${pay.id}, ${reason}, ${amountFen}, CURRENT_DATE, ${actor},
      ${JSON.stringify([{ rule: `payments.review`, text, cite: null }])}::jsonb)
    ON CONFLICT (payment_id, reason) DO NOTHING RETURNING id`.execute(tx.db);
  if (r.rows[0])
    await audit(tx, {
      actor,
      action: 'refund.request',
      entity: 'refund',
      entityId: r.rows[0].id,
      countyCode: pay.county_code,
      after: { paymentId: pay.id, reason, amountFen },
    });
}
