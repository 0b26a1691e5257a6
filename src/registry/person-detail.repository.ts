// Everything the person page shows, read in one round trip: the person with household and area,
// the household's members, identities (current and ended, with the list they came from), the
// assessments of every year, payments, refunds, enrollment years, life events and registry
// changes. Each part is a subquery on an index keyed by person (or household), so a lookup by ID
// number costs one indexed statement however large the registry is.
import { type RawBuilder, sql } from 'kysely';
import type { DbSession } from '../db/connection.js';

export interface PersonDetailRow {
  id: number;
  countyCode: string;
  docType: string;
  docNo: string;
  name: string;
  sex: 'male' | 'female' | null;
  birthDate: string | null;
  status: 'active' | 'deceased' | 'moved_out';
  relation: string | null;
  hukouRegion: string | null;
  villageCode: string;
  villageName: string | null;
  townshipCode: string | null;
  townshipName: string | null;
  phone: string | null;
  employeeInsurance: boolean;
  insuredElsewhere: string | null;
  student: boolean;
  school: string | null;
  household: { id: number; householdNo: string; villageCode: string | null } | null;
  members: { id: number; docNo: string; name: string; relation: string | null; status: string }[];
  identities: {
    id: number;
    category: string;
    grade: number | null;
    kind: string | null;
    department: string;
    validFrom: string;
    validTo: string | null;
    fileName: string | null;
  }[];
  assessments: {
    year: number;
    status: string;
    exclusionReason: string | null;
    tier: string | null;
    standardFen: number;
    subsidyFen: number;
    payableFen: number;
    category: string | null;
    subsidyRule: string | null;
    fundingSource: string | null;
    packId: string;
    runId: number;
    computedAt: string;
  }[];
  payments: {
    id: number;
    year: number;
    amountFen: number;
    paidOn: string;
    channel: string;
    externalNo: string;
    agent: string | null;
    status: string;
    kind: string;
    reviewReason: string | null;
  }[];
  refunds: {
    id: number;
    year: number;
    paymentId: number;
    reason: string;
    amountFen: number;
    state: string;
    requestedOn: string;
    decidedBy: string | null;
    decisionNote: string | null;
  }[];
  enrollments: {
    year: number;
    status: string;
    source: string;
    registeredOn: string;
    enrolledOn: string | null;
    benefitStart: string | null;
    benefitEnd: string | null;
    waitingDays: number;
    endedOn: string | null;
    endReason: string | null;
  }[];
  events: { id: number; type: string; occurredOn: string; source: string; note: string | null }[];
  changes: { changedAt: string; fileName: string | null; changes: Record<string, [unknown, unknown]> }[];
}

const list = (body: RawBuilder<unknown>) => sql`COALESCE((${body}), '[]'::json)`;

/** By person id, or by ID number (the first document type when one number has several). */
export async function personDetail(
  s: DbSession,
  key: { id: number } | { docNo: string },
): Promise<PersonDetailRow | undefined> {
  const where = 'id' in key ? sql`p.id = ${key.id}` : sql`p.doc_no = ${key.docNo}`;
  const { rows } = await sql<PersonDetailRow>`
    SELECT p.id::int AS id, p.county_code AS "countyCode", p.doc_type AS "docType", p.doc_no AS "docNo", p.name,
      p.sex, p.birth_date::text AS "birthDate", p.status, p.relation, p.hukou_region AS "hukouRegion",
      p.residence_village AS "villageCode", v.name AS "villageName", v.parent_code AS "townshipCode",
      t.name AS "townshipName", p.phone, p.employee_insurance AS "employeeInsurance",
      p.insured_elsewhere AS "insuredElsewhere", p.student, p.school,
      CASE WHEN h.id IS NULL THEN NULL ELSE json_build_object('id', h.id, 'householdNo', h.household_no,
        'villageCode', h.village_code) END AS household,
      ${list(sql`SELECT json_agg(json_build_object('id', m.id, 'docNo', m.doc_no, 'name', m.name, 'relation', m.relation,
          'status', m.status) ORDER BY (m.relation = '户主') DESC NULLS LAST, m.birth_date NULLS LAST, m.id)
        FROM persons m WHERE m.household_id = p.household_id`)} AS members,
      ${list(sql`SELECT json_agg(json_build_object('id', i.id, 'category', i.category, 'grade', i.grade, 'kind', i.kind,
          'department', i.department, 'validFrom', i.valid_from, 'validTo', i.valid_to, 'fileName', l.file_name)
          ORDER BY i.valid_to IS NULL DESC, i.valid_from DESC, i.id)
        FROM person_identities i LEFT JOIN department_lists l ON l.id = i.list_id WHERE i.person_id = p.id`)} AS identities,
      ${list(sql`SELECT json_agg(json_build_object('year', a.year, 'status', a.status, 'exclusionReason', a.exclusion_reason,
          'tier', a.tier, 'standardFen', a.standard_fen, 'subsidyFen', a.subsidy_fen, 'payableFen', a.payable_fen,
          'category', a.category, 'subsidyRule', a.subsidy_rule, 'fundingSource', a.funding_source, 'packId', a.pack_id,
          'runId', a.run_id, 'computedAt', a.computed_at) ORDER BY a.year DESC)
        FROM assessments a WHERE a.person_id = p.id`)} AS assessments,
      ${list(sql`SELECT json_agg(json_build_object('id', pay.id, 'year', pay.year, 'amountFen', pay.amount_fen,
          'paidOn', pay.paid_on, 'channel', pay.channel, 'externalNo', pay.external_no, 'agent', pay.agent,
          'status', pay.status, 'kind', pay.kind, 'reviewReason', pay.review_reason) ORDER BY pay.paid_on DESC, pay.id DESC)
        FROM payments pay WHERE pay.person_id = p.id`)} AS payments,
      ${list(sql`SELECT json_agg(json_build_object('id', r.id, 'year', r.year, 'paymentId', r.payment_id, 'reason', r.reason,
          'amountFen', r.amount_fen, 'state', r.state, 'requestedOn', r.requested_on, 'decidedBy', r.decided_by,
          'decisionNote', r.decision_note) ORDER BY r.id DESC)
        FROM refunds r WHERE r.person_id = p.id`)} AS refunds,
      ${list(sql`SELECT json_agg(json_build_object('year', e.year, 'status', e.status, 'source', e.source,
          'registeredOn', e.registered_on, 'enrolledOn', e.enrolled_on, 'benefitStart', e.benefit_start,
          'benefitEnd', e.benefit_end, 'waitingDays', e.waiting_days, 'endedOn', e.ended_on, 'endReason', e.end_reason)
          ORDER BY e.year DESC)
        FROM enrollments e WHERE e.person_id = p.id`)} AS enrollments,
      ${list(sql`SELECT json_agg(json_build_object('id', le.id, 'type', le.type, 'occurredOn', le.occurred_on,
          'source', le.source, 'note', le.note) ORDER BY le.occurred_on DESC, le.id DESC)
        FROM life_events le WHERE le.person_id = p.id`)} AS events,
      ${list(sql`SELECT json_agg(json_build_object('changedAt', ph.changed_at, 'fileName', ir.file_name, 'changes', ph.changes)
          ORDER BY ph.id DESC)
        FROM person_history ph LEFT JOIN import_runs ir ON ir.id = ph.run_id WHERE ph.person_id = p.id`)} AS changes
    FROM persons p
    LEFT JOIN households h ON h.id = p.household_id
    LEFT JOIN regions v ON v.code = p.residence_village
    LEFT JOIN regions t ON t.code = v.parent_code
    WHERE ${where}
    ORDER BY p.doc_type LIMIT 1`.execute(s.db);
  return rows[0];
}
