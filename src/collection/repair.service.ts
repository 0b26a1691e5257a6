// Repairing a lapse (国办发〔2024〕38号 变动待遇等待期): a person who missed years may pay a missed year
// back at that year's personal standard; each year paid back removes one month of the variable
// waiting period the next time they enrol. The payment is stored like any other (idempotent on its
// number) and the missed year is marked `repaired`, which grants no benefits for that year.
import { sql } from 'kysely';
import { personRequest } from '../assessment/person-request.repository.js';
import { audit } from '../audit/audit-log.js';
import type { DatabaseHandle } from '../db/connection.js';
import { isValidDate, yearOf } from '../policy/dates.js';
import { formatYuan } from '../policy/money.js';
import type { PackRegistry } from '../policy/pack-loader.js';
import type { ExplanationStep } from '../policy/result.js';
import { CHANNEL_CODES } from '../policy/vocabulary.js';
import { writeEnrollment } from './enrollment.repository.js';
import { INSURED_STATUSES } from './enrollment-context.js';
import { refuse, refuseIneligible } from './refuse.js';
import { normaliseDocNo } from './registration.service.js';

export interface RepairInput {
  docNo: string;
  /** The missed insurance year being paid back. */
  missedYear: number;
  amountFen: number;
  paidOn: string;
  channel: string;
  externalNo: string;
  recordedBy: string;
}

export interface RepairResult {
  status: 'recorded' | 'already_recorded';
  paymentId: number;
  personName: string;
  amountFen: number;
  explanation: ExplanationStep[];
}

/**
 * What paying back `missedYear` costs: that year's personal standard (its default tier), from the
 * county's pack for that year or, when the county had none in this system, the national one.
 */
export function repairStandard(packs: PackRegistry, countyCode: string, missedYear: number) {
  const resolved = packs.find(countyCode, missedYear) ?? packs.get(`national-${missedYear}`);
  const contribution = resolved?.pack.contribution;
  if (!resolved || !contribution)
    return refuse('no-pack', 'missedYear', `没有 ${missedYear} 年度的政策包，无法确定该年度的补缴标准`);
  const tier = contribution.tiers.find((t) => t.code === contribution.defaultTier.tier)!;
  return { fen: tier.fen, resolved, tier };
}

export async function recordRepairPayment(
  db: DatabaseHandle,
  packs: PackRegistry,
  input: RepairInput,
): Promise<RepairResult> {
  if (!(CHANNEL_CODES as readonly string[]).includes(input.channel))
    refuse('bad-channel', 'channel', `未知的缴费渠道"${input.channel}"`);
  if (!isValidDate(input.paidOn)) refuse('bad-date', 'paidOn', `无效的缴费日期"${input.paidOn}"`);
  if (!Number.isInteger(input.amountFen) || input.amountFen <= 0)
    refuse('bad-amount', 'amount', '缴费金额应为正数，且精确到分');
  const externalNo = input.externalNo.trim();
  if (externalNo === '') refuse('missing-ref', 'externalNo', '须填写交易流水号或收据号');
  if (input.missedYear >= yearOf(input.paidOn))
    refuse('not-past', 'missedYear', `只能补缴已经过去的断保年度，${input.missedYear} 年度尚未结束`);
  const docNo = normaliseDocNo(input.docNo);

  return db.transaction(async (tx) => {
    const found = await personRequest(tx, docNo, input.missedYear, input.paidOn);
    if (!found) return refuse('no-person', 'docNo', '一人一档中没有此人');
    const { person } = found;
    refuseIneligible(person);
    await sql`SELECT pg_advisory_xact_lock(${person.id})`.execute(tx.db);
    const prior = await sql<{ id: number; amount_fen: number; person_id: number }>`
      SELECT id, amount_fen, person_id FROM payments WHERE channel = ${input.channel} AND external_no = ${externalNo}`.execute(
      tx.db,
    );
    if (prior.rows[0]) {
      const p = prior.rows[0];
      if (p.person_id !== person.id || p.amount_fen !== input.amountFen)
        refuse('ref-in-use', 'externalNo', '此交易号已用于另一笔缴费，请核对');
      return {
        status: 'already_recorded',
        paymentId: p.id,
        personName: person.name,
        amountFen: p.amount_fen,
        explanation: [],
      };
    }
    const years = await sql<{ year: number; status: string }>`
      SELECT year, status FROM enrollments WHERE person_id = ${person.id}`.execute(tx.db);
    const thatYear = years.rows.find((y) => y.year === input.missedYear);
    if (thatYear && (INSURED_STATUSES as readonly string[]).includes(thatYear.status))
      refuse('not-missed', 'missedYear', `${person.name} ${input.missedYear} 年度已参保，无需补缴`);
    if (thatYear?.status === 'repaired')
      refuse('already-repaired', 'missedYear', `${person.name} ${input.missedYear} 年度已补缴`);
    const insuredBefore = years.rows.some(
      (y) => y.year < input.missedYear && (INSURED_STATUSES as readonly string[]).includes(y.status),
    );
    if (!insuredBefore)
      refuse(
        'not-lapse',
        'missedYear',
        `${person.name} 在 ${input.missedYear} 年度之前没有参保记录，该年度不属于断保，无需补缴`,
      );
    const standard = repairStandard(packs, person.countyCode, input.missedYear);
    if (standard.fen !== input.amountFen)
      refuse(
        'wrong-amount',
        'amount',
        `金额不符：补缴 ${input.missedYear} 年度应按该年度个人缴费标准 ${formatYuan(standard.fen)}，实收 ${formatYuan(input.amountFen)}`,
      );
    // The repair rule is the waiting-period rule of the year the person will enrol in next.
    const current =
      packs.find(person.countyCode, yearOf(input.paidOn) + 1) ??
      packs.find(person.countyCode, yearOf(input.paidOn));
    const rule = current?.pack.waitingPeriod;
    const explanation: ExplanationStep[] = [
      {
        rule: 'waitingPeriod',
        text: `补缴断保的 ${input.missedYear} 年度（按该年度个人缴费标准 ${formatYuan(standard.fen)}），再参保时减少 1 个月变动待遇等待期；补缴年度不享受待遇。`,
        cite:
          current && rule
            ? {
                document:
                  current.pack.sources.find((s) => s.id === rule.cite.source)?.number ?? rule.cite.source,
                clause: rule.cite.clause,
              }
            : null,
      },
    ];
    const inserted = await sql<{ id: number }>`
      INSERT INTO payments (county_code, year, person_id, amount_fen, paid_on, channel, external_no, pack_hash, recorded_by, kind)
      VALUES (${person.countyCode}, ${input.missedYear}, ${person.id}, ${input.amountFen}, ${input.paidOn}, ${input.channel},
        ${externalNo}, ${standard.resolved.hash}, ${input.recordedBy}, 'repair')
      RETURNING id`.execute(tx.db);
    const paymentId = inserted.rows[0]!.id;
    await audit(tx, {
      actor: input.recordedBy,
      action: 'payment.repair',
      entity: 'payment',
      entityId: paymentId,
      countyCode: person.countyCode,
      after: { personId: person.id, missedYear: input.missedYear, amountFen: input.amountFen, externalNo },
    });
    await writeEnrollment(
      tx,
      {
        countyCode: person.countyCode,
        year: input.missedYear,
        personId: person.id,
        status: 'repaired',
        source: 'repair',
        registeredOn: input.paidOn,
        enrolledOn: input.paidOn,
        paymentId,
        packHash: standard.resolved.hash,
        explanation,
      },
      input.recordedBy,
    );
    return {
      status: 'recorded',
      paymentId,
      personName: person.name,
      amountFen: input.amountFen,
      explanation,
    };
  });
}
