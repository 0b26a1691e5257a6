// SQL for the household views of a campaign year: what each member owes, paid and is enrolled as,
// and the households where only part of the eligible members are enrolled (一户一档, 整户参保).
import { sql } from 'kysely';
import type { DbSession } from '../db/connection.js';

export interface MemberYearRow {
  person_id: number;
  enrollment_status: 'registered' | 'enrolled' | 'repaired' | 'suspended' | 'terminated' | null;
  benefit_start: string | null;
  benefit_end: string | null;
  waiting_days: number | null;
  assessment_status: 'assessed' | 'excluded' | 'review' | null;
  exclusion_reason: string | null;
  payable_fen: number | null;
  category: string | null;
  payment_status: 'accepted' | 'review' | 'rejected' | null;
  paid_fen: number | null;
  paid_on: string | null;
  channel: string | null;
  agent: string | null;
}

/**
 * The year of each person: enrollment, assessment and this year's contribution payment (the
 * accepted one if any, else the latest held or refused one, so a worker sees why it does not count).
 */
export async function membersYear(
  s: DbSession,
  personIds: readonly number[],
  year: number,
): Promise<Map<number, MemberYearRow>> {
  const out = new Map<number, MemberYearRow>();
  if (personIds.length === 0) return out;
  const r = await sql<MemberYearRow>`
    SELECT p.id AS person_id, e.status AS enrollment_status, e.benefit_start, e.benefit_end, e.waiting_days,
      a.status AS assessment_status, a.exclusion_reason, a.payable_fen, a.category,
      pay.status AS payment_status, pay.amount_fen AS paid_fen, pay.paid_on, pay.channel, pay.agent
    FROM persons p
    LEFT JOIN enrollments e ON e.person_id = p.id AND e.year = ${year}
    LEFT JOIN assessments a ON a.person_id = p.id AND a.year = ${year}
    LEFT JOIN LATERAL (
      SELECT status, amount_fen, paid_on, channel, agent FROM payments
      WHERE person_id = p.id AND year = ${year} AND kind = 'contribution'
      ORDER BY (status = 'accepted') DESC, (status = 'review') DESC, paid_on DESC, id DESC LIMIT 1
    ) pay ON true
    WHERE p.id IN (${sql.join([...personIds])})`.execute(s.db);
  for (const row of r.rows) out.set(row.person_id, row);
  return out;
}

export interface IncompleteHouseholdRow {
  household_id: number;
  county_code: string;
  household_no: string;
  village_code: string | null;
  village_name: string | null;
  township_name: string | null;
  head_name: string | null;
  phone: string | null;
  eligible: number;
  enrolled: number;
  missing: { name: string; docNo: string; relation: string | null }[];
}

/**
 * residence_village within a code prefix as a range, which the btree index serves under any collation
 * (LIKE 'prefix%' only does under "C"): 130628105 → [130628105, 130628106).
 */
function villageRange(prefix: string) {
  const upper = (BigInt(prefix) + 1n).toString().padStart(prefix.length, '0');
  return sql`p.residence_village >= ${prefix} AND p.residence_village < ${upper}`;
}

/**
 * Households of a region (members' residence village code prefix) where at least one eligible member is enrolled for the year and at least one is
 * not. Eligible: active, not in employee insurance, not insured elsewhere (as in assess-region).
 * One statement: persons are scanned once and grouped; enrollments joined on (person_id, year).
 */
export async function incompleteHouseholds(
  s: DbSession,
  prefix: string,
  year: number,
): Promise<IncompleteHouseholdRow[]> {
  const r = await sql<IncompleteHouseholdRow>`
    WITH eligible AS (
      SELECT p.household_id, p.name, p.doc_no, p.relation, p.phone, p.birth_date, p.id,
        (e.status = 'enrolled') IS TRUE AS enrolled
      FROM persons p
      LEFT JOIN enrollments e ON e.person_id = p.id AND e.year = ${year}
      WHERE ${villageRange(prefix)}
        AND p.household_id IS NOT NULL
        AND p.status = 'active' AND NOT p.employee_insurance AND p.insured_elsewhere IS NULL
    ), by_household AS (
      SELECT household_id, count(*)::int AS eligible, count(*) FILTER (WHERE enrolled)::int AS enrolled,
        json_agg(json_build_object('name', name, 'docNo', doc_no, 'relation', relation)
          ORDER BY birth_date NULLS LAST, id) FILTER (WHERE NOT enrolled) AS missing,
        max(phone) AS any_phone
      FROM eligible GROUP BY household_id
      HAVING count(*) FILTER (WHERE enrolled) > 0 AND count(*) FILTER (WHERE NOT enrolled) > 0
    )
    SELECT h.id AS household_id, h.county_code, h.household_no, h.village_code, v.name AS village_name,
      t.name AS township_name, head.name AS head_name, COALESCE(head.phone, b.any_phone) AS phone,
      b.eligible, b.enrolled, b.missing
    FROM by_household b
    JOIN households h ON h.id = b.household_id
    LEFT JOIN persons head ON head.id = h.head_person_id
    LEFT JOIN regions v ON v.code = h.village_code
    LEFT JOIN regions t ON t.code = v.parent_code
    ORDER BY h.village_code NULLS LAST, h.household_no`.execute(s.db);
  return r.rows;
}
