// Everything the person page shows, read in one round trip: the person with household and area,
// the household's members, identities (current and ended, with the list they came from), the
// assessments of every year, payments, refunds, enrollment years, life events and registry
// changes. Each part is a subquery on an index keyed by person (or household), so a lookup by ID
// number costs one indexed statement however large the registry is.
import { sql } from 'kysely';
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

/**
 * By person id, or by ID number (the first document type when one number has several). The page
 * is built by the database function person_detail (migration 023), whose plan each connection
 * prepares once: the lookup then costs its index reads only.
 */
export async function personDetail(
  s: DbSession,
  key: { id: number } | { docNo: string },
): Promise<PersonDetailRow | undefined> {
  const query =
    'id' in key
      ? sql<{ d: PersonDetailRow | null }>`SELECT person_detail(${key.id}::bigint) AS d`
      : sql<{ d: PersonDetailRow | null }>`
          SELECT person_detail(p.id) AS d FROM persons p WHERE p.doc_no = ${key.docNo} ORDER BY p.doc_type LIMIT 1`;
  const { rows } = await query.execute(s.db);
  return rows[0]?.d ?? undefined;
}
