// A registered person as a one-person assessment request: their county and the identities valid on
// the day, in the order they were recorded (the same order the set-based path uses).
import { sql } from 'kysely';
import type { DbSession } from '../db/connection.js';
import type { AssessRequest } from '../policy/request.schema.js';

export interface RegisteredPerson {
  id: number;
  countyCode: string;
  name: string;
  status: string;
  employeeInsurance: boolean;
}

export async function personRequest(
  tx: DbSession,
  docNo: string,
  year: number,
  asOf: string,
): Promise<{ person: RegisteredPerson; request: AssessRequest } | undefined> {
  const p = await sql<{
    id: number;
    county_code: string;
    name: string;
    status: string;
    employee_insurance: boolean;
  }>`
    SELECT id, county_code, name, status, employee_insurance FROM persons WHERE doc_no = ${docNo}`.execute(
    tx.db,
  );
  const row = p.rows[0];
  if (!row) return undefined;
  const ids = await sql<{
    category: string;
    grade: number | null;
    kind: string | null;
    formerly_poor: boolean | null;
    risk_eliminated: boolean | null;
    valid_from: string;
  }>`
    SELECT category, grade, kind, formerly_poor, risk_eliminated, valid_from FROM person_identities
    WHERE person_id = ${row.id} AND valid_from <= ${asOf}::date AND (valid_to IS NULL OR valid_to >= ${asOf}::date)
    ORDER BY id`.execute(tx.db);
  const request = {
    region: row.county_code,
    year,
    identities: ids.rows.map((i) => ({
      category: i.category,
      ...(i.grade !== null ? { grade: i.grade } : {}),
      ...(i.kind !== null ? { kind: i.kind } : {}),
      ...(i.formerly_poor !== null ? { formerlyPoor: i.formerly_poor } : {}),
      ...(i.risk_eliminated !== null ? { riskEliminated: i.risk_eliminated } : {}),
      certifiedOn: i.valid_from,
    })),
  } as AssessRequest;
  return {
    person: {
      id: row.id,
      countyCode: row.county_code,
      name: row.name,
      status: row.status,
      employeeInsurance: row.employee_insurance,
    },
    request,
  };
}
