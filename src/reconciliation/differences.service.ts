// Settling differences by hand (resolve, with the reason) and turning a run's refund list into
// refund requests for the refund workflow — both audited, both safe to repeat.
import { sql } from 'kysely';
import { audit } from '../audit/audit-log.js';
import type { DatabaseHandle } from '../db/connection.js';
import { todayInChina } from '../policy/dates.js';
import { refuse } from '../policy/outcome.js';
import { getRun } from './runs.repository.js';

export interface ResolvedDifference {
  id: number;
  class: string;
  state: 'resolved';
  reason: string;
  by: string;
}

export async function resolveDifference(
  handle: DatabaseHandle,
  id: number,
  reason: string,
  actor: string,
): Promise<ResolvedDifference> {
  const text = reason.trim();
  if (text === '') refuse('missing-reason', '--reason', '须填写处理说明（如：已退费、已补缴、系重复登记）');
  return handle.transaction(async (tx) => {
    const r = await sql<{ id: number; class: string; state: string; county_code: string | null }>`
      SELECT id, class, state, county_code FROM reconciliation_differences WHERE id = ${id} FOR UPDATE`.execute(
      tx.db,
    );
    const d = r.rows[0];
    if (!d) return refuse('no-difference', `差异 ${id}`, '没有这条差异');
    if (d.state === 'resolved') refuse('already-resolved', `差异 ${id}`, '这条差异已处理过');
    if (d.state === 'settled') refuse('settled', `差异 ${id}`, '这条差异在之后的对账中已消除，无需处理');
    await sql`
      UPDATE reconciliation_differences SET state = 'resolved', resolved_reason = ${text}, resolved_by = ${actor},
        resolved_at = now() WHERE id = ${id}`.execute(tx.db);
    await audit(tx, {
      actor,
      action: 'reconciliation.resolve',
      entity: 'reconciliation_difference',
      entityId: id,
      countyCode: d.county_code,
      before: { state: d.state },
      after: { state: 'resolved', reason: text },
    });
    return { id, class: d.class, state: 'resolved' as const, reason: text, by: actor };
  });
}

export interface RefundsResult {
  runId: number;
  /** Differences on the run's refund list (duplicate and overpaid, still open). */
  listed: number;
  paymentsRecorded: number;
  refundsRequested: number;
  alreadyRequested: number;
  amountFen: number;
}

/**
 * Refund requests for the run's duplicate and overpaid differences that are still open. A refund
 * needs the payment it returns money from: the tax row is recorded as an accepted payment first
 * (channel from the file, external number = the tax receipt number), so running this twice
 * records and requests nothing new.
 */
export async function requestRefunds(
  handle: DatabaseHandle,
  runId: number,
  actor: string,
): Promise<RefundsResult> {
  const run = await getRun(handle, runId);
  const requestedOn = todayInChina();
  return handle.transaction(async (tx) => {
    const due = sql`
      SELECT d.id AS difference_id, d.class, d.amount_fen, d.person_id, d.tax_payment_id
      FROM reconciliation_run_differences rd JOIN reconciliation_differences d ON d.id = rd.difference_id
      WHERE rd.run_id = ${runId} AND rd.status IN ('new', 'carried') AND d.state IN ('open', 'carried')
        AND d.class IN ('duplicate', 'amount_over') AND d.person_id IS NOT NULL AND d.amount_fen > 0`;
    const listed = await sql<{ n: number }>`SELECT count(*)::int AS n FROM (${due}) x`.execute(tx.db);
    const payments = await sql`
      WITH ins AS (
        INSERT INTO payments (county_code, year, person_id, amount_fen, paid_on, channel, external_no, pack_hash,
          recorded_by, status, review_reason)
        SELECT p.county_code, t.year, x.person_id, t.amount_fen, t.paid_on, t.channel, t.receipt_no,
          coalesce(a.pack_hash, ''), ${actor}, 'accepted', ${`税务对账批次 ${runId}`}
        FROM (${due}) x
        JOIN tax_payments t ON t.id = x.tax_payment_id
        JOIN persons p ON p.id = x.person_id
        LEFT JOIN assessments a ON a.person_id = x.person_id AND a.year = t.year AND a.county_code = p.county_code
        WHERE t.payment_id IS NULL
        ON CONFLICT (channel, external_no) DO NOTHING
        RETURNING id, county_code, person_id, year, amount_fen, channel, external_no
      )
      INSERT INTO audit_log (actor, action, entity, entity_id, county_code, after)
      SELECT ${actor}, 'payment.record_from_tax', 'payment', id::text, county_code,
        jsonb_build_object('personId', person_id, 'year', year, 'amountFen', amount_fen, 'channel', channel,
          'externalNo', external_no, 'reconciliationRun', ${runId}::bigint)
      FROM ins`.execute(tx.db);
    // Link every tax row on the list to its payment (just recorded, or recorded earlier under the same number).
    await sql`
      UPDATE tax_payments t SET payment_id = pay.id
      FROM (${due}) x, payments pay
      WHERE t.id = x.tax_payment_id AND t.payment_id IS NULL
        AND pay.channel = t.channel AND pay.external_no = t.receipt_no`.execute(tx.db);
    const refunds = await sql`
      WITH ins AS (
        INSERT INTO refunds (county_code, year, person_id, payment_id, reason, amount_fen, requested_on, requested_by, explanation)
        SELECT pay.county_code, pay.year, pay.person_id, pay.id,
          CASE x.class WHEN 'duplicate' THEN 'duplicate_payment' ELSE 'overpayment' END, x.amount_fen,
          ${requestedOn}::date, ${actor},
          jsonb_build_array(jsonb_build_object('reconciliationRun', ${runId}::bigint, 'difference', x.difference_id,
            'class', x.class, 'receiptNo', t.receipt_no))
        FROM (${due}) x JOIN tax_payments t ON t.id = x.tax_payment_id JOIN payments pay ON pay.id = t.payment_id
        ON CONFLICT (payment_id, reason) DO NOTHING
        RETURNING id, county_code, person_id, payment_id, reason, amount_fen
      )
      INSERT INTO audit_log (actor, action, entity, entity_id, county_code, after)
      SELECT ${actor}, 'refund.request', 'refund', id::text, county_code,
        jsonb_build_object('personId', person_id, 'paymentId', payment_id, 'reason', reason, 'amountFen', amount_fen,
          'reconciliationRun', ${runId}::bigint)
      FROM ins`.execute(tx.db);
    const requested = Number(refunds.numAffectedRows ?? 0n);
    const sum = await sql<{ amount: number }>`
      SELECT coalesce(sum(amount_fen), 0)::float8 AS amount FROM (${due}) x`.execute(tx.db);
    return {
      runId: run.id,
      listed: listed.rows[0]!.n,
      paymentsRecorded: Number(payments.numAffectedRows ?? 0n),
      refundsRequested: requested,
      alreadyRequested: listed.rows[0]!.n - requested,
      amountFen: sum.rows[0]!.amount,
    };
  });
}
