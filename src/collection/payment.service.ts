// Recording a payment: idempotent on the channel's transaction or receipt number, checked against
// what the person owes on that day by the same engine as `canbao assess` (business windows, late
// enrolment, special cases), and never two payments for one person-year.
import { sql } from 'kysely';
import { personRequest } from '../assessment/person-request.repository.js';
import type { DatabaseHandle, DbSession } from '../db/connection.js';
import { assess } from '../policy/assess.js';
import { isValidDate } from '../policy/dates.js';
import { formatYuan } from '../policy/money.js';
import { OutcomeError } from '../policy/outcome.js';
import type { PackRegistry } from '../policy/pack-loader.js';
import { isError } from '../policy/result.js';
import { CHANNEL_CODES, type ChannelCode } from '../policy/vocabulary.js';
import { parseIdDocument } from '../registry/id-document.js';

export interface PaymentInput {
  docNo: string;
  year: number;
  amountFen: number;
  paidOn: string;
  channel: string;
  /** The channel's transaction or receipt number: the idempotency key. */
  externalNo: string;
  agent?: string;
  recordedBy?: string;
}

export interface PaymentResult {
  status: 'recorded' | 'already_recorded';
  paymentId: number;
  personName: string;
  amountFen: number;
  benefitStart: string | null;
  benefitEnd: string | null;
  waitingDays: number;
}

const refuse = (code: string, where: string, message: string): never => {
  throw new OutcomeError([{ severity: 'error', code, expression: where, message }]);
};

export async function recordPayment(
  db: DatabaseHandle,
  packs: PackRegistry,
  input: PaymentInput,
): Promise<PaymentResult> {
  if (!(CHANNEL_CODES as readonly string[]).includes(input.channel)) {
    refuse('bad-channel', 'channel', `未知的缴费渠道"${input.channel}"（可选：${CHANNEL_CODES.join('、')}）`);
  }
  if (!Number.isInteger(input.amountFen) || input.amountFen <= 0) {
    refuse('bad-amount', 'amount', '缴费金额应为正数，且精确到分');
  }
  if (!isValidDate(input.paidOn)) refuse('bad-date', 'paidOn', `无效的缴费日期"${input.paidOn}"`);
  const externalNo = input.externalNo.trim();
  if (externalNo === '') refuse('missing-ref', 'externalNo', '须填写交易流水号或收据号');
  const id = parseIdDocument(input.docNo);
  const docNo = id.ok ? id.doc.docNo : input.docNo.trim();

  return db.transaction(async (tx) => {
    const found = await personRequest(tx, docNo, input.year, input.paidOn);
    if (!found) return refuse('no-person', 'docNo', '一人一档中没有此人，请先参保登记');
    const { person, request } = found;
    if (person.status !== 'active')
      refuse(
        'inactive',
        'docNo',
        `${person.name} 已${person.status === 'deceased' ? '死亡' : '迁出'}，不能缴费`,
      );
    if (person.employeeInsurance)
      refuse('employee', 'docNo', `${person.name} 参加职工医保，不能同时参加居民医保`);
    // One person, one payment per year, even when two agents post at once: serialise per person,
    // then look again. The same transaction number again is answered by the stored payment.
    await sql`SELECT pg_advisory_xact_lock(${person.id})`.execute(tx.db);
    const prior = await storedPayment(tx, input.channel, externalNo);
    if (prior) return sameOrConflict(prior, docNo, input.amountFen);
    const paid = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM payments WHERE person_id = ${person.id} AND year = ${input.year}`.execute(
      tx.db,
    );
    if (paid.rows[0]!.n > 0)
      refuse('already-paid', 'docNo', `${person.name} ${input.year} 年度已缴费，不能重复缴费`);

    const outcome = assess({ ...request, paymentDate: input.paidOn }, packs);
    if (isError(outcome)) return refuse(outcome.error.code, outcome.error.path, outcome.error.message);
    if (!outcome.accepted) return refuse(outcome.rejection!.code, 'paidOn', outcome.rejection!.message);
    if (outcome.payableFen === 0)
      refuse('nothing-due', 'amount', `${person.name} ${input.year} 年度个人无需缴费`);
    if (outcome.payableFen !== input.amountFen) {
      refuse(
        'wrong-amount',
        'amount',
        `金额不符：${person.name} ${input.paidOn} 应缴 ${formatYuan(outcome.payableFen)}，实收 ${formatYuan(input.amountFen)}`,
      );
    }
    const inserted = await sql<{ id: number }>`
      INSERT INTO payments (county_code, year, person_id, amount_fen, paid_on, channel, external_no, agent, pack_hash, recorded_by)
      VALUES (${person.countyCode}, ${input.year}, ${person.id}, ${input.amountFen}, ${input.paidOn}, ${input.channel as ChannelCode},
        ${externalNo}, ${input.agent ?? null}, ${outcome.pack.hash}, ${input.recordedBy ?? null})
      ON CONFLICT (channel, external_no) DO NOTHING RETURNING id`.execute(tx.db);
    const row = inserted.rows[0];
    if (!row) {
      // The number was taken for another person at the same moment (the lock is per person).
      return sameOrConflict((await storedPayment(tx, input.channel, externalNo))!, docNo, input.amountFen);
    }
    return {
      status: 'recorded',
      paymentId: row.id,
      personName: person.name,
      amountFen: input.amountFen,
      benefitStart: outcome.benefitStart,
      benefitEnd: outcome.benefitEnd,
      waitingDays: outcome.waitingDays,
    };
  });
}

interface StoredPayment {
  id: number;
  amount_fen: number;
  doc_no: string;
  name: string;
}

async function storedPayment(
  tx: DbSession,
  channel: string,
  externalNo: string,
): Promise<StoredPayment | undefined> {
  const r = await sql<StoredPayment>`
    SELECT pay.id, pay.amount_fen, p.doc_no, p.name FROM payments pay JOIN persons p ON p.id = pay.person_id
    WHERE pay.channel = ${channel} AND pay.external_no = ${externalNo}`.execute(tx.db);
  return r.rows[0];
}

function sameOrConflict(prior: StoredPayment, docNo: string, amountFen: number): PaymentResult {
  if (prior.doc_no !== docNo || prior.amount_fen !== amountFen) {
    refuse(
      'ref-in-use',
      'externalNo',
      `此交易号已用于另一笔缴费（${prior.name}，${formatYuan(prior.amount_fen)}），请核对`,
    );
  }
  return {
    status: 'already_recorded',
    paymentId: prior.id,
    personName: prior.name,
    amountFen: prior.amount_fen,
    benefitStart: null,
    benefitEnd: null,
    waitingDays: 0,
  };
}
