// Enrollment rows (one per person-year): read one, and write one with its audit row. Every write
// goes through here so the audit log always has the row before and after.
import { sql } from 'kysely';
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

const ENROLLMENT_COLUMNS = `id, county_code, year, person_id, status, source, registered_on, enrolled_on, payment_id,
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
  const r = await sql<{ id: number }>`
    INSERT INTO enrollments (county_code, year, person_id, status, source, registered_on, enrolled_on, payment_id,
      student_kind, benefit_start, benefit_end, waiting_days, lapsed_years, paid_back_years, agent_code, pack_hash,
      explanation)
    VALUES (${e.countyCode}, ${e.year}, ${e.personId}, ${e.status}, ${e.source}, ${e.registeredOn},
      ${e.enrolledOn ?? null}, ${e.paymentId ?? null}, ${e.studentKind ?? null}, ${e.benefitStart ?? null},
      ${e.benefitEnd ?? null}, ${e.waitingDays ?? 0}, ${e.lapsedYears ?? 0}, ${e.paidBackYears ?? 0},
      ${e.agentCode ?? null}, ${e.packHash ?? null},
      ${e.explanation ? JSON.stringify(e.explanation) : null}::jsonb)
    ON CONFLICT (person_id, year) DO UPDATE SET
      status = EXCLUDED.status, source = EXCLUDED.source, enrolled_on = EXCLUDED.enrolled_on,
      payment_id = EXCLUDED.payment_id, student_kind = COALESCE(EXCLUDED.student_kind, enrollments.student_kind),
      benefit_start = EXCLUDED.benefit_start, benefit_end = EXCLUDED.benefit_end,
      waiting_days = EXCLUDED.waiting_days, lapsed_years = EXCLUDED.lapsed_years,
      paid_back_years = EXCLUDED.paid_back_years, agent_code = COALESCE(EXCLUDED.agent_code, enrollments.agent_code),
      pack_hash = EXCLUDED.pack_hash, explanation = EXCLUDED.explanation, updated_at = now()
    RETURNING ${sql.raw(ENROLLMENT_COLUMNS)}`.execute(tx.db);
  const after = r.rows[0]! as Enrollment;
  await audit(tx, {
    actor,
    action: before ? `enrollment.${e.status}` : 'enrollment.create',
    entity: 'enrollment',
    entityId: after.id,
    countyCode: e.countyCode,
    before: before ?? null,
    after,
  });
  return after.id;
}
