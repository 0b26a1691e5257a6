// Refunds as records with a state: requested → approved → paid (handed to the tax bureau for
// payout), or requested → rejected. Whether a refund is due comes from the pack (decideRefund),
// never from code; a payment is never refunded beyond what was paid, whatever the reasons.

import { sql } from 'kysely';
import { personRequest } from '../assessment/person-request.repository.js';
import { audit } from '../audit/audit-log.js';
import type { DatabaseHandle, DbSession } from '../db/connection.js';
import { assess } from '../policy/assess.js';
import { isValidDate, todayInChina } from '../policy/dates.js';
import { formatYuan } from '../policy/money.js';
import { refuse } from '../policy/outcome.js';
import { type PackRegistry, regionPrefix } from '../policy/pack-loader.js';
import { decideRefund, type RefundDecision } from '../policy/refund.js';
import { type ExplanationStep, isError } from '../policy/result.js';
import { REFUND_REASONS, type RefundReason } from '../policy/vocabulary.js';
import { parseIdDocument } from '../registry/id-document.js';
import {
  batchExists,
  certificationCandidates,
  decideRefundRow,
  insertRefund,
  listRefundRows,
  markApprovedPaid,
  type PayoutBatchRow,
  type PayoutLine,
  paymentsOfYear,
  payoutBatchRows,
  payoutLines,
  type RefundablePayment,
  type RefundListRow,
  type RefundRow,
  refundedFen,
  refundFor,
  refundForUpdate,
} from './refund.repository.js';
import {
  type AnyRefundReason,
  isRefundReason,
  REFUND_REASON_LABELS,
  REFUND_STATE_NAMES,
  REFUND_STATES,
  type RefundState,
} from './refund-reasons.js';

/** "（双政办发〔2024〕11号 三、（七））": the citation of a decision, for messages. */
export function citeText(explanation: ExplanationStep[]): string {
  const c = explanation.find((s) => s.cite)?.cite;
  return c ? `（依据：${c.document} ${c.clause}）` : '';
}

export type FiledRefund =
  | { filed: true; created: boolean; refund: RefundRow }
  | { filed: false; reason: string; explanation: ExplanationStep[] };

/**
 * Insert a refund the pack says is due, capped at what is left of the payment after the refunds
 * already requested, approved or paid on it. The same payment and reason twice is the same refund.
 * Call inside a transaction that holds the person's advisory lock.
 */
export async function fileRefund(
  tx: DbSession,
  p: {
    payment: RefundablePayment;
    reason: AnyRefundReason;
    amountFen: number;
    explanation: ExplanationStep[];
    requestedOn: string;
    actor: string;
    note?: string | null;
  },
): Promise<FiledRefund> {
  const existing = await refundFor(tx, p.payment.id, p.reason);
  if (existing) return { filed: true, created: false, refund: existing };
  const left = p.payment.amount_fen - (await refundedFen(tx, p.payment.id));
  const explanation = [...p.explanation];
  if (left <= 0) {
    const text = `该笔缴费（${formatYuan(p.payment.amount_fen)}）已全额申请或办理退费，不再重复退费。`;
    return {
      filed: false,
      reason: text,
      explanation: [...explanation, { rule: 'refund.cap', text, cite: null }],
    };
  }
  const amountFen = Math.min(p.amountFen, left);
  if (amountFen < p.amountFen) {
    explanation.push({
      rule: 'refund.cap',
      text: `该笔缴费已有${formatYuan(p.payment.amount_fen - left)}申请或办理退费，本次只退剩余的${formatYuan(amountFen)}。`,
      cite: null,
    });
  }
  const row = await insertRefund(tx, {
    countyCode: p.payment.county_code,
    year: p.payment.year,
    personId: p.payment.person_id,
    paymentId: p.payment.id,
    reason: p.reason,
    amountFen,
    requestedOn: p.requestedOn,
    requestedBy: p.actor,
    note: p.note ?? null,
    explanation,
  });
  if (!row) {
    // Another request for the same payment and reason committed first (the lock is per person).
    return { filed: true, created: false, refund: (await refundFor(tx, p.payment.id, p.reason))! };
  }
  await audit(tx, {
    actor: p.actor,
    action: 'refund.request',
    entity: 'refund',
    entityId: row.id,
    countyCode: row.county_code,
    after: row,
  });
  return { filed: true, created: true, refund: row };
}

/** The pack's suspension rule for one payment: due, not due (with the cited reason) or not covered. */
export function suspensionDecision(
  packs: PackRegistry,
  payment: RefundablePayment,
  reason: RefundReason,
  requestDate: string,
): RefundDecision {
  const resolved = packs.find(payment.county_code, payment.year);
  if (!resolved)
    return { notCovered: `没有 ${payment.county_code} ${payment.year} 年度的政策包，无法判断退费` };
  const benefitStart = payment.benefit_start ?? resolved.pack.benefit?.start;
  if (!benefitStart) return { notCovered: `政策包 ${resolved.pack.id} 未规定待遇享受期，无法判断退费` };
  return decideRefund(resolved, {
    kind: 'suspension',
    reason,
    requestDate,
    benefitStart,
    paidFen: payment.amount_fen,
  });
}

export interface RefundRequestInput {
  docNo: string;
  year: number;
  reason: string;
  note?: string;
  /** The application date (defaults to today): before or after the benefit start decides. */
  requestedOn?: string;
  actor: string;
}

async function findPerson(tx: DbSession, raw: string) {
  const parsed = parseIdDocument(raw);
  const docNo = parsed.ok ? parsed.doc.docNo : raw.trim();
  const r = await sql<{ id: number; county_code: string; name: string; doc_no: string }>`
    SELECT id, county_code, name, doc_no FROM persons WHERE doc_no = ${docNo}`.execute(tx.db);
  return r.rows[0] ?? refuse('no-person', 'docNo', `一人一档中没有证件号码为 ${docNo} 的人员`);
}

/** A refund asked for by a worker: decided by the pack (or the engine), refused with the reason when not due. */
export async function requestRefund(
  db: DatabaseHandle,
  packs: PackRegistry,
  input: RefundRequestInput,
): Promise<{ created: boolean; refund: RefundRow; personName: string }> {
  if (!isRefundReason(input.reason)) {
    refuse(
      'bad-reason',
      'reason',
      `未知的退费原因"${input.reason}"（可选：${Object.entries(REFUND_REASON_LABELS)
        .map(([k, v]) => `${k} ${v}`)
        .join('、')}）`,
    );
  }
  const reason = input.reason as AnyRefundReason;
  const requestedOn = input.requestedOn ?? todayInChina();
  if (!isValidDate(requestedOn)) refuse('bad-date', 'requestedOn', `无效的申请日期"${requestedOn}"`);
  return db.transaction(async (tx) => {
    const person = await findPerson(tx, input.docNo);
    await sql`SELECT pg_advisory_xact_lock(${person.id})`.execute(tx.db);
    const payments = await paymentsOfYear(tx, person.id, input.year);
    const wanted =
      reason === 'rejected_payment'
        ? ['rejected']
        : reason === 'overpayment'
          ? ['accepted', 'review']
          : ['accepted'];
    const payment = payments.find((p) => wanted.includes(p.status));
    if (!payment) {
      return refuse(
        'no-payment',
        'year',
        reason === 'rejected_payment'
          ? `${person.name} ${input.year} 年度没有未被受理的缴费`
          : `${person.name} ${input.year} 年度没有已受理的缴费，无需退费`,
      );
    }
    const decision = await decide(tx, packs, person.doc_no, payment, reason, requestedOn);
    if ('notCovered' in decision) return refuse('not-covered', 'reason', decision.notCovered);
    if (!decision.due)
      return refuse('not-due', 'reason', `不予退费：${decision.reason}${citeText(decision.explanation)}`);
    const filed = await fileRefund(tx, {
      payment,
      reason,
      amountFen: decision.amountFen,
      explanation: decision.explanation,
      requestedOn,
      actor: input.actor,
      note: input.note ?? null,
    });
    if (!filed.filed) return refuse('not-due', 'reason', `不予退费：${filed.reason}`);
    return { created: filed.created, refund: filed.refund, personName: person.name };
  });
}

async function decide(
  tx: DbSession,
  packs: PackRegistry,
  docNo: string,
  payment: RefundablePayment,
  reason: AnyRefundReason,
  requestedOn: string,
): Promise<RefundDecision> {
  if ((REFUND_REASONS as readonly string[]).includes(reason))
    return suspensionDecision(packs, payment, reason as RefundReason, requestedOn);
  if (reason === 'rejected_payment') {
    const text = `该笔缴费${formatYuan(payment.amount_fen)}未被受理，全额退还。`;
    return {
      due: true,
      amountFen: payment.amount_fen,
      explanation: [{ rule: 'payment.rejected', text, cite: null }],
    };
  }
  if (reason === 'later_certification') {
    const found = await sql<{ certified: string }>`
      SELECT string_agg(valid_from::text, ',' ORDER BY valid_from) AS certified FROM person_identities
      WHERE person_id = ${payment.person_id} AND valid_from > ${payment.paid_on}::date`.execute(tx.db);
    const dates = found.rows[0]?.certified;
    if (!dates) {
      return {
        due: false,
        reason: `缴费（${payment.paid_on}）之后没有新认定的困难身份`,
        explanation: [],
      };
    }
    return laterCertificationDecision(tx, packs, docNo, payment, dates.split(','));
  }
  // overpayment: what the engine says was payable on the day paid, with the identities valid then.
  const found = await personRequest(tx, docNo, payment.year, payment.paid_on);
  const outcome = assess({ ...found!.request, paymentDate: payment.paid_on }, packs);
  if (isError(outcome)) return { notCovered: outcome.error.message };
  const over = payment.amount_fen - outcome.payableFen;
  const text = `已缴${formatYuan(payment.amount_fen)}，${payment.paid_on}核定应缴${formatYuan(outcome.payableFen)}，多缴${formatYuan(Math.max(0, over))}。`;
  const explanation = [...outcome.explanation, { rule: 'refund.overpayment', text, cite: null }];
  return over > 0 ? { due: true, amountFen: over, explanation } : { due: false, reason: text, explanation };
}

/**
 * 高阳: paid in full, then certified as hardship. The identities valid on the latest certification
 * inside the collection period decide what would have been payable; the pack decides the refund.
 */
async function laterCertificationDecision(
  tx: DbSession,
  packs: PackRegistry,
  docNo: string,
  payment: { county_code: string; year: number; amount_fen: number; paid_on: string },
  certified: string[],
): Promise<RefundDecision> {
  const resolved = packs.find(payment.county_code, payment.year);
  if (!resolved) return { notCovered: `没有 ${payment.county_code} ${payment.year} 年度的政策包` };
  const collection = resolved.pack.collection;
  const inside = collection ? certified.filter((d) => d >= collection.start && d <= collection.end) : [];
  const certifiedOn = inside.at(-1) ?? certified[0]!;
  const found = await personRequest(tx, docNo, payment.year, certifiedOn);
  const outcome = assess({ ...found!.request, paymentDate: payment.paid_on }, packs);
  if (isError(outcome)) return { notCovered: outcome.error.message };
  const decision = decideRefund(resolved, {
    kind: 'later_certification',
    certifiedOn,
    paidFen: payment.amount_fen,
    payableNowFen: outcome.payableFen,
  });
  if ('notCovered' in decision) return decision;
  // Show which subsidy made the difference, then the refund rule.
  const subsidy = outcome.explanation.filter((s) => s.rule.startsWith('subsidies'));
  return { ...decision, explanation: [...subsidy, ...decision.explanation] };
}

export interface CertificationScanResult {
  candidates: number;
  created: number;
  existing: number;
  refundedFen: number;
  notDue: { docNo: string; name: string; reason: string }[];
}

/** `canbao refund certifications`: every payer of the region-year certified after paying. */
export async function scanLaterCertifications(
  db: DatabaseHandle,
  packs: PackRegistry,
  opts: { region: string; year: number; requestedOn?: string; actor: string },
): Promise<CertificationScanResult> {
  const requestedOn = opts.requestedOn ?? todayInChina();
  const prefix = regionPrefix(opts.region);
  return db.transaction(async (tx) => {
    const candidates = await certificationCandidates(tx, prefix, opts.year);
    const result: CertificationScanResult = {
      candidates: candidates.length,
      created: 0,
      existing: 0,
      refundedFen: 0,
      notDue: [],
    };
    for (const c of candidates) {
      await sql`SELECT pg_advisory_xact_lock(${c.person_id})`.execute(tx.db);
      const decision = await laterCertificationDecision(tx, packs, c.doc_no, c, c.certified.split(','));
      if ('notCovered' in decision) {
        result.notDue.push({ docNo: c.doc_no, name: c.name, reason: decision.notCovered });
        continue;
      }
      if (!decision.due) {
        result.notDue.push({
          docNo: c.doc_no,
          name: c.name,
          reason: `${decision.reason}${citeText(decision.explanation)}`,
        });
        continue;
      }
      const filed = await fileRefund(tx, {
        payment: { ...c, id: c.payment_id, status: 'accepted', benefit_start: null },
        reason: 'later_certification',
        amountFen: decision.amountFen,
        explanation: decision.explanation,
        requestedOn,
        actor: opts.actor,
      });
      if (!filed.filed) result.notDue.push({ docNo: c.doc_no, name: c.name, reason: filed.reason });
      else if (filed.created) {
        result.created++;
        result.refundedFen += filed.refund.amount_fen;
      } else result.existing++;
    }
    return result;
  });
}

const ALLOWED: Record<'approve' | 'reject', RefundState[]> = {
  approve: ['requested'],
  reject: ['requested'],
};

async function transition(
  db: DatabaseHandle,
  id: number,
  action: 'approve' | 'reject',
  actor: string,
  note: string | null,
): Promise<RefundRow> {
  if (action === 'reject' && !note?.trim()) refuse('missing-note', 'note', '驳回退费须写明理由');
  return db.transaction(async (tx) => {
    const before = await refundForUpdate(tx, id);
    if (!before) return refuse('no-refund', 'id', `没有第 ${id} 号退费记录`);
    if (!ALLOWED[action].includes(before.state)) {
      return refuse(
        'bad-state',
        'id',
        `第 ${id} 号退费当前状态为"${REFUND_STATE_NAMES[before.state]}"，不能${action === 'approve' ? '审核同意' : '驳回'}（只有"已申请"的退费可以）`,
      );
    }
    const after = await decideRefundRow(tx, id, action === 'approve' ? 'approved' : 'rejected', actor, note);
    await audit(tx, {
      actor,
      action: `refund.${action}`,
      entity: 'refund',
      entityId: id,
      countyCode: after.county_code,
      before,
      after,
    });
    return after;
  });
}

export const approveRefund = (db: DatabaseHandle, id: number, actor: string, note?: string) =>
  transition(db, id, 'approve', actor, note ?? null);
export const rejectRefund = (db: DatabaseHandle, id: number, actor: string, note: string) =>
  transition(db, id, 'reject', actor, note);

export interface PayoutResult {
  batch: string;
  /** The batch existed already: nothing changed, its list is returned again. */
  alreadyPaid: boolean;
  lines: PayoutLine[];
  totalFen: number;
}

/** Approved refunds of the region → paid in one named batch, with the list for the tax bureau. */
export async function payoutRefunds(
  db: DatabaseHandle,
  opts: { region: string; batch: string; actor: string },
): Promise<PayoutResult> {
  const batch = opts.batch.trim();
  if (batch === '') refuse('missing-batch', 'batch', '须填写退付批次名称');
  const prefix = regionPrefix(opts.region);
  return db.transaction(async (tx) => {
    const alreadyPaid = await batchExists(tx, prefix, batch);
    if (!alreadyPaid) {
      // Serialise payouts of one region so two batches never take the same refund.
      await sql`SELECT pg_advisory_xact_lock(hashtext(${`refund-payout:${prefix}`}))`.execute(tx.db);
      const before = await markApprovedPaid(tx, prefix, batch);
      for (const after of before) {
        await audit(tx, {
          actor: opts.actor,
          action: 'refund.pay',
          entity: 'refund',
          entityId: after.id,
          countyCode: after.county_code,
          before: { state: 'approved', paid_at: null, payout_batch: null },
          after: { state: after.state, paid_at: after.paid_at, payout_batch: after.payout_batch },
        });
      }
    }
    const lines = await payoutLines(tx, prefix, batch);
    return { batch, alreadyPaid, lines, totalFen: lines.reduce((s, l) => s + l.amount_fen, 0) };
  });
}

/** The payout batches of a region, newest first (the web page's list of 退费批次). */
export async function listPayoutBatches(db: DatabaseHandle, region: string): Promise<PayoutBatchRow[]> {
  return payoutBatchRows(db, regionPrefix(region));
}

/** An existing batch's list again, changing nothing; unknown batch → no-payout-batch. */
export async function payoutBatch(db: DatabaseHandle, region: string, batch: string): Promise<PayoutResult> {
  const lines = await payoutLines(db, regionPrefix(region), batch.trim());
  if (lines.length === 0) refuse('no-payout-batch', 'batch', `本地区没有名为"${batch}"的退付批次`);
  return {
    batch: batch.trim(),
    alreadyPaid: true,
    lines,
    totalFen: lines.reduce((s, l) => s + l.amount_fen, 0),
  };
}

export async function listRefunds(
  db: DatabaseHandle,
  f: { region: string; year?: number; state?: string },
): Promise<RefundListRow[]> {
  if (f.state !== undefined && !(REFUND_STATES as readonly string[]).includes(f.state)) {
    refuse('bad-state', 'state', `未知的退费状态"${f.state}"（可选：${REFUND_STATES.join('、')}）`);
  }
  return listRefundRows(db, {
    prefix: regionPrefix(f.region),
    ...(f.year !== undefined ? { year: f.year } : {}),
    ...(f.state ? { state: f.state as RefundState } : {}),
  });
}
