// Enrollment rows (one per person-year): read one, and write one with its audit row. Every write
// goes through here so the audit log always has the row before and after.
import { type RawBuilder, sql } from 'kysely';
import { audit } from '../audit/audit-log.js';
import type { DbSession } from '../db/connection.js';
import type { ExplanationStep } from '../policy/result.js';

export type EnrollmentStatus = 'registered' | 'enrolled' | 'repaired' | 'suspended' | 'terminated';
export type EnrollmentSource = 'registration' | 'payment' | 'subsidy' | 'history' | 'repair';

export const ENROLLMENT_STATUS_NAMES: Record<EnrollmentStatus, string> = {
  registered: '已登记未缴费',
  enrolled: '已参保',
  repaired: '已补缴（修复等待期）',
  suspended: '已暂停',
  terminated: '已终止',
};

export interface Enrollment {
  id: number;
  county_code: string;
  year: number;
  person_id: number;
  status: EnrollmentStatus;
  source: EnrollmentSource;
  registered_on: string;
  enrolled_on: string | null;
  payment_id: number | null;
  student_kind: string | null;
  benefit_start: string | null;
  benefit_end: string | null;
  waiting_days: number;
  lapsed_years: number;
  paid_back_years: number;
  agent_code: string | null;
}

export const ENROLLMENT_COLUMNS = `id, county_code, year, person_id, status, source, registered_on, enrolled_on, payment_id,
  student_kind, benefit_start, benefit_end, waiting_days, lapsed_years, paid_back_years, agent_code`;

export async function enrollmentOf(
  tx: DbSession,
  personId: number,
  year: number,
): Promise<Enrollment | undefined> {
  const r = await sql<Enrollment>`
    SELECT ${sql.raw(ENROLLMENT_COLUMNS)} FROM enrollments WHERE person_id = ${personId} AND year = ${year}`.execute(
    tx.db,
  );
  return r.rows[0];
}

export interface EnrollmentWrite {
  countyCode: string;
  year: number;
  personId: number;
  status: EnrollmentStatus;
  source: EnrollmentSource;
  registeredOn: string;
  enrolledOn?: string | null;
  paymentId?: number | null;
  studentKind?: string | null;
  benefitStart?: string | null;
  benefitEnd?: string | null;
  waitingDays?: number;
  lapsedYears?: number;
  paidBackYears?: number;
  agentCode?: string | null;
  packHash?: string | null;
  explanation?: ExplanationStep[] | null;
}

/**
 * The insert-or-replace statement, RETURNING the row; `paymentId` may be an expression over `from`
 * (a payment written by the same statement), and nothing is written when `from` has no row.
 */
export function upsertEnrollment(
  e: Omit<EnrollmentWrite, 'paymentId'> & { paymentId?: number | null | RawBuilder<unknown> },
  from?: RawBuilder<unknown>,
): RawBuilder<Enrollment> {
  return sql<Enrollment>`
    INSERT INTO enrollments (county_code, year, person_id, status, source, registered_on, enrolled_on, payment_id,
      student_kind, benefit_start, benefit_end, waiting_days, lapsed_years, paid_back_years, agent_code, pack_hash,
      explanation)
    SELECT ${e.countyCode}, ${e.year}::int, ${e.personId}::bigint, ${e.status}, ${e.source}, ${e.registeredOn}::date,
      ${e.enrolledOn ?? null}::date, ${e.paymentId ?? null}::bigint, ${e.studentKind ?? null}, ${e.benefitStart ?? null}::date,
      ${e.benefitEnd ?? null}::date, ${e.waitingDays ?? 0}::int, ${e.lapsedYears ?? 0}::int, ${e.paidBackYears ?? 0}::int,
      ${e.agentCode ?? null}, ${e.packHash ?? null},
      ${e.explanation ? JSON.stringify(e.explanation) : null}::jsonb
    ${from ? sql`FROM ${from}` : sql``}
    ON CONFLICT (person_id, year) DO UPDATE SET
      status = EXCLUDED.status, source = EXCLUDED.source, enrolled_on = EXCLUDED.enrolled_on,
      payment_id = EXCLUDED.payment_id, student_kind = COALESCE(EXCLUDED.student_kind, enrollments.student_kind),
      benefit_start = EXCLUDED.benefit_start, benefit_end = EXCLUDED.benefit_end,
      waiting_days = EXCLUDED.waiting_days, lapsed_years = EXCLUDED.lapsed_years,
      paid_back_years = EXCLUDED.paid_back_years, agent_code = COALESCE(EXCLUDED.agent_code, enrollments.agent_code),
      pack_hash = EXCLUDED.pack_hash, explanation = EXCLUDED.explanation, updated_at = now()
    RETURNING ${sql.raw(ENROLLMENT_COLUMNS)}`;
}

/** The audit action for an enrollment write: a new row, or the status it moves to. */
export const enrollmentAction = (
  e: Pick<EnrollmentWrite, 'status'>,
  before: Enrollment | null | undefined,
) => (before ? `enrollment.${e.status}` : 'enrollment.create');

/**
 * Insert or replace the person-year's enrollment, keeping the first registration date. `known` is
 * the row as the caller already read it under the person's lock (null: none), saving a read.
 */
export async function writeEnrollment(
  tx: DbSession,
  e: EnrollmentWrite,
  actor: string,
  known?: Enrollment | null,
): Promise<number> {
  const before = known === undefined ? await enrollmentOf(tx, e.personId, e.year) : known;
  const after = (await upsertEnrollment(e).execute(tx.db)).rows[0]!;
  await audit(tx, {
    actor,
    action: enrollmentAction(e, before),
    entity: 'enrollment',
    entityId: after.id,
    countyCode: e.countyCode,
    before: before ?? null,
    after,
  });
  return after.id;
}
