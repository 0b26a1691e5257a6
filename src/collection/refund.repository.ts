// The SQL behind refunds: the payments a refund can be drawn on, the refund rows themselves and
// their state changes. Refunds are never deleted; a state change is an UPDATE of one row.
import { sql } from 'kysely';
import type { DbSession } from '../db/connection.js';
import type { ExplanationStep } from '../policy/result.js';
import type { AnyRefundReason, RefundState } from './refund-reasons.js';

export interface RefundRow {
  id: number;
  county_code: string;
  year: number;
  person_id: number;
  payment_id: number;
  reason: AnyRefundReason;
  amount_fen: number;
  state: RefundState;
  requested_on: string;
  requested_by: string | null;
  decided_at: string | null;
  decided_by: string | null;
  decision_note: string | null;
  paid_at: string | null;
  payout_batch: string | null;
  explanation: ExplanationStep[];
}

const REFUND_COLUMNS = sql`id, county_code, year, person_id, payment_id, reason, amount_fen, state,
  requested_on::text AS requested_on, requested_by, decided_at::text AS decided_at, decided_by, decision_note,
  paid_at::text AS paid_at, payout_batch, explanation`;

/** A payment a refund may be drawn on, with the benefit start its enrolment recorded (if any). */
export interface RefundablePayment {
  id: number;
  county_code: string;
  year: number;
  person_id: number;
  amount_fen: number;
  paid_on: string;
  status: 'accepted' | 'review' | 'rejected';
  benefit_start: string | null;
}

const PAYMENT_COLUMNS = sql`pay.id, pay.county_code, pay.year, pay.person_id, pay.amount_fen, pay.paid_on::text AS paid_on,
  pay.status, e.benefit_start::text AS benefit_start`;

/** Accepted contribution payments of the person for this year and later (a life event's reach). */
export async function acceptedPaymentsFrom(
  tx: DbSession,
  personId: number,
  fromYear: number,
): Promise<RefundablePayment[]> {
  const r = await sql<RefundablePayment>`
    SELECT ${PAYMENT_COLUMNS} FROM payments pay
    LEFT JOIN enrollments e ON e.person_id = pay.person_id AND e.year = pay.year
    WHERE pay.person_id = ${personId} AND pay.year >= ${fromYear}
      AND pay.status = 'accepted' AND pay.kind = 'contribution'
    ORDER BY pay.year, pay.id`.execute(tx.db);
  return r.rows;
}

/** The person's contribution payments for one year, accepted first. */
export async function paymentsOfYear(
  tx: DbSession,
  personId: number,
  year: number,
): Promise<RefundablePayment[]> {
  const r = await sql<RefundablePayment>`
    SELECT ${PAYMENT_COLUMNS} FROM payments pay
    LEFT JOIN enrollments e ON e.person_id = pay.person_id AND e.year = pay.year
    WHERE pay.person_id = ${personId} AND pay.year = ${year} AND pay.kind = 'contribution'
    ORDER BY CASE pay.status WHEN 'accepted' THEN 0 WHEN 'review' THEN 1 ELSE 2 END, pay.id`.execute(tx.db);
  return r.rows;
}

/** What is already being or has been refunded on a payment (rejected requests do not count). */
export async function refundedFen(tx: DbSession, paymentId: number): Promise<number> {
  const r = await sql<{ s: number }>`
    SELECT COALESCE(sum(amount_fen), 0)::int AS s FROM refunds WHERE payment_id = ${paymentId} AND state <> 'rejected'`.execute(
    tx.db,
  );
  return r.rows[0]!.s;
}

export async function refundFor(
  tx: DbSession,
  paymentId: number,
  reason: string,
): Promise<RefundRow | undefined> {
  const r = await sql<RefundRow>`
    SELECT ${REFUND_COLUMNS} FROM refunds WHERE payment_id = ${paymentId} AND reason = ${reason}`.execute(
    tx.db,
  );
  return r.rows[0];
}

export async function insertRefund(
  tx: DbSession,
  row: {
    countyCode: string;
    year: number;
    personId: number;
    paymentId: number;
    reason: AnyRefundReason;
    amountFen: number;
    requestedOn: string;
    requestedBy: string;
    note: string | null;
    explanation: ExplanationStep[];
  },
): Promise<RefundRow | undefined> {
  const r = await sql<RefundRow>`
    INSERT INTO refunds (county_code, year, person_id, payment_id, reason, amount_fen, requested_on, requested_by,
      decision_note, explanation)
    VALUES (${row.countyCode}, ${row.year}, ${row.personId}, ${row.paymentId}, ${row.reason}, ${row.amountFen},
      ${row.requestedOn}, ${row.requestedBy}, ${row.note}, ${JSON.stringify(row.explanation)}::jsonb)
    ON CONFLICT (payment_id, reason) DO NOTHING
    RETURNING ${REFUND_COLUMNS}`.execute(tx.db);
  return r.rows[0];
}

export async function refundForUpdate(tx: DbSession, id: number): Promise<RefundRow | undefined> {
  const r = await sql<RefundRow>`SELECT ${REFUND_COLUMNS} FROM refunds WHERE id = ${id} FOR UPDATE`.execute(
    tx.db,
  );
  return r.rows[0];
}

export async function decideRefundRow(
  tx: DbSession,
  id: number,
  state: 'approved' | 'rejected',
  actor: string,
  note: string | null,
): Promise<RefundRow> {
  const r = await sql<RefundRow>`
    UPDATE refunds SET state = ${state}, decided_at = now(), decided_by = ${actor},
      decision_note = COALESCE(${note}, decision_note)
    WHERE id = ${id} RETURNING ${REFUND_COLUMNS}`.execute(tx.db);
  return r.rows[0]!;
}

/** Approved refunds of the region become paid in this batch; returns them (locked rows). */
export async function markApprovedPaid(tx: DbSession, prefix: string, batch: string): Promise<RefundRow[]> {
  const r = await sql<RefundRow>`
    UPDATE refunds SET state = 'paid', paid_at = now(), payout_batch = ${batch}
    WHERE id IN (SELECT id FROM refunds WHERE state = 'approved' AND county_code LIKE ${`${prefix}%`} FOR UPDATE)
    RETURNING ${REFUND_COLUMNS}`.execute(tx.db);
  return r.rows;
}

export async function batchExists(tx: DbSession, prefix: string, batch: string): Promise<boolean> {
  const r = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM refunds WHERE payout_batch = ${batch} AND county_code LIKE ${`${prefix}%`}`.execute(
    tx.db,
  );
  return r.rows[0]!.n > 0;
}

/** One line of the payout list the tax bureau pays from: full ID number, never masked. */
export interface PayoutLine {
  id: number;
  county_code: string;
  year: number;
  doc_no: string;
  name: string;
  reason: AnyRefundReason;
  amount_fen: number;
  payment_amount_fen: number;
  paid_on: string;
  channel: string;
  external_no: string;
}

export async function payoutLines(tx: DbSession, prefix: string, batch: string): Promise<PayoutLine[]> {
  const r = await sql<PayoutLine>`
    SELECT r.id, r.county_code, r.year, p.doc_no, p.name, r.reason, r.amount_fen, pay.amount_fen AS payment_amount_fen,
      pay.paid_on::text AS paid_on, pay.channel, pay.external_no
    FROM refunds r JOIN persons p ON p.id = r.person_id JOIN payments pay ON pay.id = r.payment_id
    WHERE r.payout_batch = ${batch} AND r.county_code LIKE ${`${prefix}%`}
    ORDER BY r.county_code, r.id`.execute(tx.db);
  return r.rows;
}

/** One payout batch of a region: how many refunds, how much, when it was handed to the tax bureau. */
export interface PayoutBatchRow {
  batch: string;
  count: number;
  total_fen: number;
  paid_at: string;
}

export async function payoutBatchRows(db: DbSession, prefix: string): Promise<PayoutBatchRow[]> {
  const r = await sql<PayoutBatchRow>`
    SELECT payout_batch AS batch, count(*)::int AS count, sum(amount_fen)::int AS total_fen,
      to_char(max(paid_at) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') AS paid_at
    FROM refunds WHERE payout_batch IS NOT NULL AND county_code LIKE ${`${prefix}%`}
    GROUP BY payout_batch ORDER BY max(paid_at) DESC`.execute(db.db);
  return r.rows;
}

export interface RefundListRow extends RefundRow {
  doc_no: string;
  name: string;
}

export async function listRefundRows(
  tx: DbSession,
  f: { prefix: string; year?: number; state?: RefundState; personId?: number },
): Promise<RefundListRow[]> {
  const r = await sql<RefundListRow>`
    SELECT r.id, r.county_code, r.year, r.person_id, r.payment_id, r.reason, r.amount_fen, r.state,
      r.requested_on::text AS requested_on, r.requested_by, r.decided_at::text AS decided_at, r.decided_by,
      r.decision_note, r.paid_at::text AS paid_at, r.payout_batch, r.explanation, p.doc_no, p.name
    FROM refunds r JOIN persons p ON p.id = r.person_id
    WHERE r.county_code LIKE ${`${f.prefix}%`}
      AND (${f.year ?? null}::int IS NULL OR r.year = ${f.year ?? null})
      AND (${f.state ?? null}::text IS NULL OR r.state = ${f.state ?? null})
      AND (${f.personId ?? null}::bigint IS NULL OR r.person_id = ${f.personId ?? null})
    ORDER BY r.id`.execute(tx.db);
  return r.rows;
}

/**
 * Accepted contribution payments of the region-year whose payer was certified for an identity
 * after paying: the candidates for 高阳's subsidy refund. Dates of those certifications, ascending.
 */
export interface CertificationCandidate {
  payment_id: number;
  county_code: string;
  year: number;
  person_id: number;
  doc_no: string;
  name: string;
  amount_fen: number;
  paid_on: string;
  /** Comma-separated YYYY-MM-DD dates, ascending. */
  certified: string;
}

export async function certificationCandidates(
  tx: DbSession,
  prefix: string,
  year: number,
): Promise<CertificationCandidate[]> {
  const r = await sql<CertificationCandidate>`
    SELECT pay.id AS payment_id, pay.county_code, pay.year, pay.person_id, p.doc_no, p.name, pay.amount_fen,
      pay.paid_on::text AS paid_on,
      string_agg(DISTINCT i.valid_from::text, ',' ORDER BY i.valid_from::text) AS certified
    FROM payments pay
    JOIN persons p ON p.id = pay.person_id
    JOIN person_identities i ON i.person_id = pay.person_id AND i.valid_from > pay.paid_on
    WHERE pay.county_code LIKE ${`${prefix}%`} AND pay.year = ${year}
      AND pay.status = 'accepted' AND pay.kind = 'contribution'
    GROUP BY pay.id, pay.county_code, pay.year, pay.person_id, p.doc_no, p.name, pay.amount_fen, pay.paid_on
    ORDER BY pay.id`.execute(tx.db);
  return r.rows;
}
