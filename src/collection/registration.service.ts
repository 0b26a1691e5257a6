// 参保登记: register a person, or every member of a household, for an insurance year. Someone with
// nothing to pay (a full subsidy, a newborn the pack exempts) is enrolled at once with the benefit
// period the engine gives; everyone else is registered and becomes enrolled when they pay.
import { sql } from 'kysely';
import { personRequest } from '../assessment/person-request.repository.js';
import type { DatabaseHandle } from '../db/connection.js';
import { assess } from '../policy/assess.js';
import { isValidDate } from '../policy/dates.js';
import { OutcomeError } from '../policy/outcome.js';
import type { PackRegistry } from '../policy/pack-loader.js';
import type { ExplanationStep } from '../policy/result.js';
import { isError } from '../policy/result.js';
import { STUDENT_KINDS, type StudentKind } from '../policy/vocabulary.js';
import { parseIdDocument } from '../registry/id-document.js';
import { type EnrollmentStatus, enrollmentOf, writeEnrollment } from './enrollment.repository.js';
import { refuse, refuseIneligible } from './refuse.js';

export interface RegistrationInput {
  docNo: string;
  year: number;
  registeredOn: string;
  student?: string;
  agent?: string;
  actor: string;
}

export interface RegistrationResult {
  status: 'registered' | 'enrolled' | 'already';
  enrollmentStatus: EnrollmentStatus;
  personId: number;
  personName: string;
  payableFen: number;
  benefitStart: string | null;
  benefitEnd: string | null;
  waitingDays: number;
  explanation: ExplanationStep[];
}

export function normaliseDocNo(text: string): string {
  const id = parseIdDocument(text);
  return id.ok ? id.doc.docNo : text.trim();
}

export async function registerEnrollment(
  db: DatabaseHandle,
  packs: PackRegistry,
  input: RegistrationInput,
): Promise<RegistrationResult> {
  if (!isValidDate(input.registeredOn))
    refuse('bad-date', 'registeredOn', `无效的登记日期"${input.registeredOn}"`);
  if (input.student !== undefined && !(STUDENT_KINDS as readonly string[]).includes(input.student))
    refuse('bad-student', 'student', `未知的学生类别"${input.student}"（可选：${STUDENT_KINDS.join('、')}）`);
  const docNo = normaliseDocNo(input.docNo);
  return db.transaction(async (tx) => {
    const found = await personRequest(tx, docNo, input.year, input.registeredOn, packs);
    if (!found) return refuse('no-person', 'docNo', `一人一档中没有证件号码为 ${docNo} 的人员，请先录入`);
    const { person, request } = found;
    refuseIneligible(person);
    await sql`SELECT pg_advisory_xact_lock(${person.id})`.execute(tx.db);
    if (input.student) request.student = input.student as StudentKind;
    const outcome = assess({ ...request, paymentDate: input.registeredOn }, packs);
    if (isError(outcome)) return refuse(outcome.error.code, outcome.error.path, outcome.error.message);
    const existing = await enrollmentOf(tx, person.id, input.year);
    if (existing) {
      return {
        status: 'already',
        enrollmentStatus: existing.status,
        personId: person.id,
        personName: person.name,
        payableFen: outcome.payableFen,
        benefitStart: existing.benefit_start,
        benefitEnd: existing.benefit_end,
        waitingDays: existing.waiting_days,
        explanation: outcome.explanation,
      };
    }
    if (!outcome.accepted) return refuse(outcome.rejection!.code, 'registeredOn', outcome.rejection!.message);
    const enrolled = outcome.payableFen === 0;
    await writeEnrollment(
      tx,
      {
        countyCode: person.countyCode,
        year: input.year,
        personId: person.id,
        status: enrolled ? 'enrolled' : 'registered',
        source: enrolled ? 'subsidy' : 'registration',
        registeredOn: input.registeredOn,
        enrolledOn: enrolled ? input.registeredOn : null,
        studentKind: input.student ?? null,
        benefitStart: enrolled ? outcome.benefitStart : null,
        benefitEnd: enrolled ? outcome.benefitEnd : null,
        waitingDays: enrolled ? outcome.waitingDays : 0,
        lapsedYears: request.lapsedYears ?? 0,
        paidBackYears: request.paidBackYears ?? 0,
        agentCode: input.agent ?? null,
        packHash: outcome.pack.hash,
        explanation: outcome.explanation,
      },
      input.actor,
    );
    return {
      status: enrolled ? 'enrolled' : 'registered',
      enrollmentStatus: enrolled ? 'enrolled' : 'registered',
      personId: person.id,
      personName: person.name,
      payableFen: outcome.payableFen,
      benefitStart: outcome.benefitStart,
      benefitEnd: outcome.benefitEnd,
      waitingDays: outcome.waitingDays,
      explanation: outcome.explanation,
    };
  });
}

export interface HouseholdMember {
  docNo: string;
  name: string;
  relation: string | null;
}

/** The members of the household a household number or any member's document number names. */
export async function householdMembers(
  db: DatabaseHandle,
  key: string,
): Promise<{ householdNo: string; members: HouseholdMember[] } | undefined> {
  const docNo = normaliseDocNo(key);
  const h = await sql<{ id: number; household_no: string }>`
    SELECT h.id, h.household_no FROM households h
    WHERE h.household_no = ${key.trim()}
       OR h.id = (SELECT household_id FROM persons WHERE doc_no = ${docNo} LIMIT 1)
    LIMIT 1`.execute(db.db);
  const household = h.rows[0];
  if (!household) return undefined;
  const m = await sql<{ doc_no: string; name: string; relation: string | null }>`
    SELECT doc_no, name, relation FROM persons WHERE household_id = ${household.id}
    ORDER BY (relation = '户主') DESC NULLS LAST, birth_date NULLS LAST, id`.execute(db.db);
  return {
    householdNo: household.household_no,
    members: m.rows.map((r) => ({ docNo: r.doc_no, name: r.name, relation: r.relation })),
  };
}

export interface HouseholdRegistration {
  householdNo: string;
  results: { docNo: string; name: string; result?: RegistrationResult; refused?: string }[];
  payableFen: number;
}

/**
 * Register every member of a household: each member in their own transaction, so one member who
 * cannot enrol (employee insurance, deceased) is reported without holding up the others.
 */
export async function registerHousehold(
  db: DatabaseHandle,
  packs: PackRegistry,
  input: Omit<RegistrationInput, 'docNo' | 'student'> & { key: string },
): Promise<HouseholdRegistration> {
  const household = await householdMembers(db, input.key);
  if (!household) return refuse('no-household', 'key', `没有找到户号或成员证件号码为 ${input.key} 的家庭`);
  const results: HouseholdRegistration['results'] = [];
  let payableFen = 0;
  for (const m of household.members) {
    try {
      const result = await registerEnrollment(db, packs, { ...input, docNo: m.docNo });
      if (result.enrollmentStatus === 'registered') payableFen += result.payableFen;
      results.push({ docNo: m.docNo, name: m.name, result });
    } catch (e) {
      if (!(e instanceof OutcomeError)) throw e;
      results.push({ docNo: m.docNo, name: m.name, refused: e.issues.map((i) => i.message).join('；') });
    }
  }
  return { householdNo: household.householdNo, results, payableFen };
}
