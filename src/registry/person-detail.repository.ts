// Everything the person page shows, read in one round trip: the person with household and area,
// the household's members, identities (current and ended, with the list they came from), the
// assessments of every year, payments, refunds, enrollment years, life events and registry
// changes. Each part is a subquery on an index keyed by person (or household), so a lookup by ID
// number costs one indexed statement however large the registry is.
import { sql } from 'kysely';
import { batched } from '../db/batch.js';
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

type Key = { id: number } | { docNo: string };

/** One statement for a batch of keys: each key's page, in the order given (null when absent). */
async function personDetails(s: Pick<DbSession, 'db'>, keys: Key[]): Promise<(PersonDetailRow | null)[]> {
  const ids = keys.map((k) => ('id' in k ? k.id : null));
  const docs = keys.map((k) => ('docNo' in k ? k.docNo : null));
  const { rows } = await sql<{ d: PersonDetailRow | null }>`
    SELECT CASE WHEN k.id IS NOT NULL THEN person_detail(k.id)
      ELSE (SELECT person_detail(p.id) FROM persons p WHERE p.doc_no = k.doc ORDER BY p.doc_type LIMIT 1) END AS d
    FROM unnest(${ids}::bigint[], ${docs}::text[]) WITH ORDINALITY AS k(id, doc, i)
    ORDER BY k.i`.execute(s.db);
  return rows.map((r) => r.d);
}

const batches = new WeakMap<object, (key: Key) => Promise<PersonDetailRow | null>>();

/**
 * By person id, or by ID number (the first document type when one number has several). The page
 * is built by the database function person_detail (migration 023), whose plan each connection
 * prepares once: the lookup then costs its index reads only. Lookups that arrive while others are
 * running go to the database together, as one statement (src/db/batch.ts).
 */
export async function personDetail(s: Pick<DbSession, 'db'>, key: Key): Promise<PersonDetailRow | undefined> {
  let lookup = batches.get(s.db);
  if (!lookup) {
    lookup = batched((keys: Key[]) => personDetails(s, keys));
    batches.set(s.db, lookup);
  }
  return (await lookup(key)) ?? undefined;
}
