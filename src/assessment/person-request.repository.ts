// A registered person as a one-person assessment request: their county and the identities valid on
// the day, in the order they were recorded (the same order the set-based path uses). Given the
// packs, also what enrolment needs: birth date, special-case event, lapse and paid-back years.
import { sql } from 'kysely';
import { enrollmentContext } from '../collection/enrollment-context.repository.js';
import type { DbSession } from '../db/connection.js';
import type { PackRegistry } from '../policy/pack-loader.js';
import type { AssessRequest } from '../policy/request.schema.js';

export interface RegisteredPerson {
  id: number;
  countyCode: string;
  name: string;
  status: string;
  employeeInsurance: boolean;
  insuredElsewhere: string | null;
  householdId: number | null;
  birthDate: string | null;
}

export async function personRequest(
  tx: DbSession,
  docNo: string,
  year: number,
  asOf: string,
  packs?: PackRegistry,
): Promise<{ person: RegisteredPerson; request: AssessRequest } | undefined> {
  const p = await sql<{
    id: number;
    county_code: string;
    name: string;
    status: string;
    employee_insurance: boolean;
    insured_elsewhere: string | null;
    household_id: number | null;
    birth_date: string | null;
  }>`
    SELECT id, county_code, name, status, employee_insurance, insured_elsewhere, household_id, birth_date
    FROM persons WHERE doc_no = ${docNo}`.execute(tx.db);
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
  const context = packs
    ? await enrollmentContext(
        tx,
        { id: row.id, countyCode: row.county_code, birthDate: row.birth_date },
        year,
        asOf,
        packs,
      )
    : {};
  const request = {
    ...context,
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
      insuredElsewhere: row.insured_elsewhere,
      householdId: row.household_id,
      birthDate: row.birth_date,
    },
    request,
  };
}
