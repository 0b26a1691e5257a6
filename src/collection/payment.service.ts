// Recording a payment: idempotent on the channel's transaction or receipt number, checked against
// what the person owes on that day by the same engine as `canbao assess` (business windows, late
// enrolment, waiting periods from the enrolment history, special cases), never two payments for one
// person-year, and an accepted payment enrols the person with the benefit period the engine gives.
// A wrong amount is refused at a counter; money that already arrived through a channel is held for
// review instead (onWrongAmount: 'hold'), never silently accepted or lost.
import { type RawBuilder, sql } from 'kysely';
import { personRequest, type RegisteredPerson } from '../assessment/person-request.repository.js';
import { auditInsert } from '../audit/audit-log.js';
import type { DatabaseHandle, DbSession } from '../db/connection.js';
import { assess } from '../policy/assess.js';
import { isValidDate } from '../policy/dates.js';
import { formatYuan } from '../policy/money.js';
import type { PackRegistry } from '../policy/pack-loader.js';
import { isError } from '../policy/result.js';
import { CHANNEL_CODES, type ChannelCode } from '../policy/vocabulary.js';
import {
  type Enrollment,
  type EnrollmentWrite,
  enrollmentAction,
  upsertEnrollment,
} from './enrollment.repository.js';
import { refuse, refuseIneligible } from './refuse.js';
import { normaliseDocNo } from './registration.service.js';

export interface PaymentInput {
  docNo: string;
  year: number;
  amountFen: number;
  paidOn: string;
  channel: string;
  /** The channel's transaction or receipt number: the idempotency key. */
  externalNo: string;
  /** The entrusted agent's code (required for the agent_* channels). */
  agent?: string;
  recordedBy?: string;
  /** A wrong amount: refuse it (a counter, default) or keep the money and hold it for review (a channel file). */
  onWrongAmount?: 'refuse' | 'hold';
  /** Throws when the caller may not act on this person (a worker outside their area), before anything about them is answered or written. */
  authorize?: (person: RegisteredPerson) => void;
}

export interface PaymentResult {
  status: 'recorded' | 'already_recorded' | 'held';
  paymentId: number;
  /** Why a held payment waits for review. */
  reviewReason?: string;
  /** Other years the person must also pay (高阳: a newborn whose first 180 days span two years). */
  alsoPayYears?: number[];
  personName: string;
  amountFen: number;
  benefitStart: string | null;
  benefitEnd: string | null;
  waitingDays: number;
}

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
  const docNo = normaliseDocNo(input.docNo);
  const actor = input.recordedBy ?? 'system';
  const agent = input.agent?.trim() || undefined;
  if (input.channel.startsWith('agent_') && !agent)
    refuse('missing-agent', 'agent', '委托代征渠道须填写代征人员编码');

  const args = { ...input, docNo, externalNo, actor, agent };
  // Optimistic first: the person and what a payment must see, read in one statement without a lock;
  // the write re-checks that state under the person's lock in the same statement (payment_guard,
  // migration 025), so a payment is two round trips and one durable commit. When another payment
  // for the same person changed that state in between, nothing was written: take the locked path.
  const first = await attempt(db, packs, args, false);
  if (first !== STALE) return first;
  return db.transaction(async (tx) => {
    const second = await attempt(tx, packs, args, true);
    if (second === STALE) throw new Error('payment_guard refused a state read under the same lock');
    return second;
  });
}

const STALE = Symbol('stale');

interface PaymentState {
  prior: StoredPayment | null;
  paid: number;
  enrollment: Enrollment | null;
  agent: { name: string; active: boolean } | null;
}

/**
 * Reads, decides and writes one payment. With `locked` (inside a transaction) the person's lock is
 * taken by the first read and the state is read after it; without, nothing is locked until the
 * write, whose guard answers STALE (nothing written) when the state read here no longer holds.
 */
async function attempt(
  s: Pick<DbSession, 'db'>,
  packs: PackRegistry,
  input: PaymentInput & { externalNo: string; actor: string; agent: string | undefined },
  locked: boolean,
): Promise<PaymentResult | typeof STALE> {
  const { docNo, externalNo, actor, agent } = input;
  const stateOf = (personId: RawBuilder<unknown> | number | null) =>
    sql<PaymentState>`payment_state(${personId}::bigint, ${input.year}::int, ${input.channel}::text, ${externalNo}::text, ${agent ?? null}::text)`;
  // Locked: one person, one payment per year, even when two agents post at once: the person's lock is
  // taken by the read of their request; what may change concurrently is read again under it.
  const found = await personRequest(s, docNo, input.year, input.paidOn, packs, {
    lock: locked,
    // Unlocked, the read goes together with concurrent payments' reads: one statement for several.
    ...(locked ? {} : { extra: stateOf(sql`p.id`), batch: true }),
  });
  if (found) input.authorize?.(found.person);
  const state =
    found?.extra !== undefined
      ? (found.extra as PaymentState)
      : (await sql<{ s: PaymentState }>`SELECT ${stateOf(found?.person.id ?? null)} AS s`.execute(s.db))
          .rows[0]!.s;
  const { prior, paid, enrollment } = state;
  // A retry (the same transaction number) is answered from the stored payment before any check
  // that could have changed since it was accepted.
  if (prior) return sameOrConflict(prior, docNo, input.amountFen);
  if (agent) checkAgent(agent, state.agent);
  if (!found) return refuse('no-person', 'docNo', '一人一档中没有此人，请先参保登记');
  const { person, request } = found;
  refuseIneligible(person);
  if (paid > 0) refuse('already-paid', 'docNo', `${person.name} ${input.year} 年度已缴费，不能重复缴费`);
  if (enrollment?.status === 'suspended' || enrollment?.status === 'terminated')
    refuse('ended', 'docNo', `${person.name} ${input.year} 年度参保关系已暂停或终止，不能缴费`);

  const outcome = assess({ ...request, paymentDate: input.paidOn }, packs);
  if (isError(outcome)) return refuse(outcome.error.code, outcome.error.path, outcome.error.message);
  if (!outcome.accepted) return refuse(outcome.rejection!.code, 'paidOn', outcome.rejection!.message);
  if (outcome.payableFen === 0)
    refuse('nothing-due', 'amount', `${person.name} ${input.year} 年度个人无需缴费`);
  let reviewReason: string | undefined;
  if (outcome.payableFen !== input.amountFen) {
    reviewReason = `金额不符：${person.name} ${input.paidOn} 应缴 ${formatYuan(outcome.payableFen)}，实收 ${formatYuan(input.amountFen)}`;
    if (input.onWrongAmount !== 'hold') refuse('wrong-amount', 'amount', reviewReason);
  }
  const status = reviewReason ? 'review' : 'accepted';
  const enrollmentWrite: EnrollmentWrite = {
    countyCode: person.countyCode,
    year: input.year,
    personId: person.id,
    status: 'enrolled',
    source: 'payment',
    registeredOn: enrollment?.registered_on ?? input.paidOn,
    enrolledOn: input.paidOn,
    benefitStart: outcome.benefitStart,
    benefitEnd: outcome.benefitEnd,
    waitingDays: outcome.waitingDays,
    lapsedYears: request.lapsedYears ?? 0,
    paidBackYears: request.paidBackYears ?? 0,
    agentCode: agent ?? null,
    packHash: outcome.pack.hash,
    explanation: outcome.explanation,
  };
  // The guard, the payment, its audit row and — when accepted — the enrollment and its audit row, in
  // one statement: a counter's payment is one round trip of writing, not five. Nothing is written
  // when the state changed since it was read (guard false), or when the number was taken for
  // another person at the same moment (the lock is per person).
  const inserted = await sql<{ ok: boolean; id: number | null }>`
    WITH guard AS MATERIALIZED (
      SELECT payment_guard(${person.id}::bigint, ${input.year}::int, ${input.channel}::text, ${externalNo}::text,
        ${agent ?? null}::text, ${JSON.stringify(state)}::jsonb) AS ok),
    pay AS (
      INSERT INTO payments (county_code, year, person_id, amount_fen, paid_on, channel, external_no, agent, pack_hash,
        recorded_by, status, review_reason)
      SELECT ${person.countyCode}::char(6), ${input.year}::smallint, ${person.id}::bigint, ${input.amountFen}::int,
        ${input.paidOn}::date, ${input.channel as ChannelCode}::text, ${externalNo}::text, ${agent ?? null}::text,
        ${outcome.pack.hash}::text, ${actor}::text, ${status}::text, ${reviewReason ?? null}::text
      FROM guard WHERE guard.ok
      ON CONFLICT (channel, external_no) DO NOTHING RETURNING id),
    pay_audit AS (${auditInsert(
      {
        actor,
        action: reviewReason ? 'payment.hold' : 'payment.record',
        entity: 'payment',
        entityId: sql`pay.id`,
        countyCode: person.countyCode,
        after: {
          personId: person.id,
          year: input.year,
          amountFen: input.amountFen,
          paidOn: input.paidOn,
          channel: input.channel,
          externalNo,
          agent: agent ?? null,
          status,
          reviewReason: reviewReason ?? null,
        },
      },
      sql`pay`,
    )})${
      reviewReason
        ? sql``
        : sql`,
    enr AS (${upsertEnrollment({ ...enrollmentWrite, paymentId: sql`pay.id` }, sql`pay`)}),
    enr_audit AS (${auditInsert(
      {
        actor,
        action: enrollmentAction(enrollmentWrite, enrollment),
        entity: 'enrollment',
        entityId: sql`enr.id`,
        countyCode: person.countyCode,
        before: enrollment ?? null,
        after: sql`to_jsonb(enr)`,
      },
      sql`enr`,
    )})`
    }
    SELECT (SELECT ok FROM guard) AS ok, (SELECT id FROM pay) AS id`.execute(s.db);
  const { ok, id } = inserted.rows[0]!;
  if (!ok) return STALE;
  if (id === null) {
    return sameOrConflict((await storedPayment(s, input.channel, externalNo))!, docNo, input.amountFen);
  }
  if (reviewReason) {
    return {
      status: 'held',
      paymentId: id,
      reviewReason,
      personName: person.name,
      amountFen: input.amountFen,
      benefitStart: null,
      benefitEnd: null,
      waitingDays: 0,
    };
  }
  return {
    status: 'recorded',
    paymentId: id,
    personName: person.name,
    amountFen: input.amountFen,
    benefitStart: outcome.benefitStart,
    benefitEnd: outcome.benefitEnd,
    waitingDays: outcome.waitingDays,
    ...(outcome.alsoPayYears ? { alsoPayYears: outcome.alsoPayYears } : {}),
  };
}

/** Agent channels need a registered, active agent: their hand-over ledger depends on it. */
function checkAgent(code: string, agent: { name: string; active: boolean } | null): void {
  if (!agent) refuse('no-agent', 'agent', `没有编码为 ${code} 的代征人员，请先用 canbao agent add 登记`);
  if (!agent!.active) refuse('inactive-agent', 'agent', `代征人员 ${agent!.name}（${code}）已停用`);
}

interface StoredPayment {
  id: number;
  amount_fen: number;
  status: string;
  doc_no: string;
  name: string;
}

async function storedPayment(
  tx: Pick<DbSession, 'db'>,
  channel: string,
  externalNo: string,
): Promise<StoredPayment | undefined> {
  const r = await sql<StoredPayment>`
    SELECT pay.id, pay.amount_fen, pay.status, p.doc_no, p.name FROM payments pay JOIN persons p ON p.id = pay.person_id
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
    status: prior.status === 'review' ? 'held' : 'already_recorded',
    paymentId: prior.id,
    personName: prior.name,
    amountFen: prior.amount_fen,
    benefitStart: null,
    benefitEnd: null,
    waitingDays: 0,
  };
}
