// Life events: death, military service, prison, joining employee insurance and moving to another
// region end or pause cover here; the engine's special cases (newborn, employee-insurance lapse,
// welfare institution, veteran …) are only recorded, for the assessment to read. A suspending event
// changes the person, ends the enrolments of its year and later, and asks for the refunds the pack
// allows, all in one transaction; the same event twice changes nothing.
import { sql } from 'kysely';
import { audit } from '../audit/audit-log.js';
import type { DatabaseHandle, DbSession } from '../db/connection.js';
import { isValidDate, todayInChina, yearOf } from '../policy/dates.js';
import { refuse } from '../policy/outcome.js';
import type { PackRegistry } from '../policy/pack-loader.js';
import type { ExplanationStep } from '../policy/result.js';
import { parseIdDocument } from '../registry/id-document.js';
import { acceptedPaymentsFrom } from './refund.repository.js';
import { fileRefund, suspensionDecision } from './refund.service.js';
import { isSuspending, LIFE_EVENT_TYPES, type LifeEventType, parseLifeEventType } from './refund-reasons.js';

export interface LifeEventInput {
  docNo: string;
  type: string;
  occurredOn: string;
  /** When the event was reported: the refund application date. Defaults to today. */
  reportedOn?: string;
  /** Who reported it: a department code (health, civil_affairs …) or "manual". */
  source: string;
  note?: string;
  /** other_region: the region code where the person is now insured. */
  insuredElsewhere?: string;
  actor: string;
}

export interface EventPerson {
  id: number;
  countyCode: string;
  docNo: string;
  name: string;
}

export interface RefundOutcome {
  paymentId: number;
  year: number;
  paidFen: number;
  due: boolean;
  refundId?: number;
  amountFen?: number;
  /** False when the same refund was already on file. */
  created?: boolean;
  /** Why no refund (Chinese, with the cited clause in the explanation). */
  reason?: string;
  explanation: ExplanationStep[];
}

export interface LifeEventResult {
  status: 'recorded' | 'already_recorded';
  eventId: number;
  docNo: string;
  personName: string;
  countyCode: string;
  type: LifeEventType;
  occurredOn: string;
  reportedOn: string;
  /** Chinese descriptions of what changed on the person. */
  personChanges: string[];
  enrollments: { year: number; before: string; after: string }[];
  refunds: RefundOutcome[];
}

/** Check the input and normalise it; throws OutcomeError with the field and a Chinese reason. */
export function checkLifeEvent(input: LifeEventInput, today = todayInChina()) {
  const type = parseLifeEventType(input.type);
  if (!type)
    refuse('bad-type', 'type', `未知的事件类型"${input.type}"（可选：${LIFE_EVENT_TYPES.join('、')}）`);
  if (!isValidDate(input.occurredOn)) refuse('bad-date', 'occurredOn', `无效的事件日期"${input.occurredOn}"`);
  if (input.occurredOn > today) refuse('future-date', 'occurredOn', `事件日期${input.occurredOn}晚于今天`);
  const reportedOn = input.reportedOn ?? today;
  if (!isValidDate(reportedOn)) refuse('bad-date', 'reportedOn', `无效的报告日期"${reportedOn}"`);
  if (reportedOn < input.occurredOn) refuse('bad-date', 'reportedOn', '报告日期不能早于事件日期');
  if (input.insuredElsewhere !== undefined && !/^\d{6}(\d{6})?$/.test(input.insuredElsewhere))
    refuse('bad-region', 'insuredElsewhere', '参保地应为 6 位或 12 位地区代码');
  return { type: type!, reportedOn };
}

export async function recordLifeEvent(
  db: DatabaseHandle,
  packs: PackRegistry,
  input: LifeEventInput,
): Promise<LifeEventResult> {
  const checked = checkLifeEvent(input);
  const parsed = parseIdDocument(input.docNo);
  const docNo = parsed.ok ? parsed.doc.docNo : input.docNo.trim();
  return db.transaction(async (tx) => {
    const r = await sql<{ id: number; county_code: string; doc_no: string; name: string }>`
      SELECT id, county_code, doc_no, name FROM persons WHERE doc_no = ${docNo}`.execute(tx.db);
    const p = r.rows[0] ?? refuse('no-person', 'docNo', `一人一档中没有证件号码为 ${docNo} 的人员`);
    return applyLifeEvent(
      tx,
      packs,
      { id: p.id, countyCode: p.county_code, docNo: p.doc_no, name: p.name },
      { ...input, type: checked.type, reportedOn: checked.reportedOn },
    );
  });
}

/** The effects of one checked event, inside the caller's transaction (a list import applies many). */
export async function applyLifeEvent(
  tx: DbSession,
  packs: PackRegistry,
  person: EventPerson,
  input: LifeEventInput & { type: LifeEventType; reportedOn: string },
): Promise<LifeEventResult> {
  // Serialise with payments and other events of the same person.
  await sql`SELECT pg_advisory_xact_lock(${person.id})`.execute(tx.db);
  const result: LifeEventResult = {
    status: 'recorded',
    eventId: 0,
    docNo: person.docNo,
    personName: person.name,
    countyCode: person.countyCode,
    type: input.type,
    occurredOn: input.occurredOn,
    reportedOn: input.reportedOn,
    personChanges: [],
    enrollments: [],
    refunds: [],
  };
  const inserted = await sql<Record<string, unknown> & { id: number }>`
    INSERT INTO life_events (county_code, person_id, type, occurred_on, source, note, recorded_by)
    VALUES (${person.countyCode}, ${person.id}, ${input.type}, ${input.occurredOn}, ${input.source},
      ${input.note ?? null}, ${input.actor})
    ON CONFLICT (person_id, type, occurred_on) DO NOTHING
    RETURNING id, county_code, person_id, type, occurred_on::text AS occurred_on, source, note, recorded_by`.execute(
    tx.db,
  );
  const event = inserted.rows[0];
  if (!event) {
    const prior = await sql<{ id: number }>`
      SELECT id FROM life_events WHERE person_id = ${person.id} AND type = ${input.type} AND occurred_on = ${input.occurredOn}`.execute(
      tx.db,
    );
    return { ...result, status: 'already_recorded', eventId: prior.rows[0]!.id };
  }
  result.eventId = event.id;
  await audit(tx, {
    actor: input.actor,
    action: 'life_event.record',
    entity: 'life_event',
    entityId: event.id,
    countyCode: person.countyCode,
    after: event,
  });
  const type = input.type;
  if (!isSuspending(type)) return result;

  await updatePerson(tx, person, type, input, result);
  await endEnrollments(tx, person, type, input, result);

  for (const payment of await acceptedPaymentsFrom(tx, person.id, yearOf(input.occurredOn))) {
    const decision = suspensionDecision(packs, payment, type, input.reportedOn);
    const base = { paymentId: payment.id, year: payment.year, paidFen: payment.amount_fen };
    if ('notCovered' in decision) {
      result.refunds.push({ ...base, due: false, reason: decision.notCovered, explanation: [] });
      continue;
    }
    if (!decision.due) {
      result.refunds.push({
        ...base,
        due: false,
        reason: decision.reason,
        explanation: decision.explanation,
      });
      continue;
    }
    const filed = await fileRefund(tx, {
      payment,
      reason: type,
      amountFen: decision.amountFen,
      explanation: decision.explanation,
      requestedOn: input.reportedOn,
      actor: input.actor,
      note: input.note ?? null,
    });
    result.refunds.push(
      filed.filed
        ? {
            ...base,
            due: true,
            refundId: filed.refund.id,
            amountFen: filed.refund.amount_fen,
            created: filed.created,
            explanation: filed.refund.explanation,
          }
        : { ...base, due: false, reason: filed.reason, explanation: filed.explanation },
    );
  }
  return result;
}

async function updatePerson(
  tx: DbSession,
  person: EventPerson,
  type: LifeEventType,
  input: LifeEventInput,
  result: LifeEventResult,
): Promise<void> {
  const cols = sql`id, status, employee_insurance, insured_elsewhere`;
  const before = await sql<{ status: string; employee_insurance: boolean; insured_elsewhere: string | null }>`
    SELECT ${cols} FROM persons WHERE id = ${person.id} FOR UPDATE`.execute(tx.db);
  const b = before.rows[0]!;
  let change: ReturnType<typeof sql> | undefined;
  if (type === 'death' && b.status !== 'deceased') {
    change = sql`status = 'deceased'`;
    result.personChanges.push('人员状态改为"死亡"');
  } else if (type === 'other_region') {
    const elsewhere = input.insuredElsewhere ?? b.insured_elsewhere;
    if (b.status !== 'moved_out' || elsewhere !== b.insured_elsewhere) {
      change = sql`status = CASE WHEN status = 'deceased' THEN status ELSE 'moved_out' END,
        insured_elsewhere = ${elsewhere}`;
      result.personChanges.push(
        `人员状态改为"迁出"${input.insuredElsewhere ? `，参保地 ${input.insuredElsewhere}` : ''}`,
      );
    }
  } else if (type === 'employee_insurance' && !b.employee_insurance) {
    change = sql`employee_insurance = true`;
    result.personChanges.push('标记为"参加职工医保"');
  }
  if (!change) return;
  const after =
    await sql`UPDATE persons SET ${change}, updated_at = now() WHERE id = ${person.id} RETURNING ${cols}`.execute(
      tx.db,
    );
  await audit(tx, {
    actor: input.actor,
    action: `person.${type}`,
    entity: 'person',
    entityId: person.id,
    countyCode: person.countyCode,
    before: b,
    after: after.rows[0],
  });
}

async function endEnrollments(
  tx: DbSession,
  person: EventPerson,
  type: LifeEventType,
  input: LifeEventInput,
  result: LifeEventResult,
): Promise<void> {
  // Death also ends a suspended year; a suspension does not touch years already ended.
  const ending = type === 'death' ? ['registered', 'enrolled', 'suspended'] : ['registered', 'enrolled'];
  const status = type === 'death' ? 'terminated' : 'suspended';
  const rows = await sql<Record<string, unknown> & { id: number; year: number; status: string }>`
    SELECT id, year, status, ended_on::text AS ended_on, end_reason FROM enrollments
    WHERE person_id = ${person.id} AND year >= ${yearOf(input.occurredOn)}
      AND status IN (${sql.join(ending)})
    ORDER BY year FOR UPDATE`.execute(tx.db);
  for (const before of rows.rows) {
    const after = await sql<Record<string, unknown>>`
      UPDATE enrollments SET status = ${status}, ended_on = ${input.occurredOn}, end_reason = ${type}, updated_at = now()
      WHERE id = ${before.id}
      RETURNING id, year, status, ended_on::text AS ended_on, end_reason`.execute(tx.db);
    await audit(tx, {
      actor: input.actor,
      action: `enrollment.${status === 'terminated' ? 'terminate' : 'suspend'}`,
      entity: 'enrollment',
      entityId: before.id,
      countyCode: person.countyCode,
      before,
      after: after.rows[0],
    });
    result.enrollments.push({ year: before.year, before: before.status, after: status });
  }
}

export interface LifeEventRow {
  id: number;
  type: string;
  occurred_on: string;
  source: string;
  note: string | null;
  recorded_by: string | null;
  recorded_at: string;
}

/** A person's events, newest first. */
export async function listLifeEvents(
  db: DbSession,
  rawDocNo: string,
): Promise<{ docNo: string; name: string; events: LifeEventRow[] }> {
  const parsed = parseIdDocument(rawDocNo);
  const docNo = parsed.ok ? parsed.doc.docNo : rawDocNo.trim();
  const p = await sql<{
    id: number;
    name: string;
  }>`SELECT id, name FROM persons WHERE doc_no = ${docNo}`.execute(db.db);
  const person = p.rows[0] ?? refuse('no-person', 'docNo', `一人一档中没有证件号码为 ${docNo} 的人员`);
  const r = await sql<LifeEventRow>`
    SELECT id, type, occurred_on::text AS occurred_on, source, note, recorded_by, recorded_at::text AS recorded_at
    FROM life_events WHERE person_id = ${person.id} ORDER BY occurred_on DESC, id DESC`.execute(db.db);
  return { docNo, name: person.name, events: r.rows };
}
