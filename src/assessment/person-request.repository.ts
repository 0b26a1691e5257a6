// A registered person as a one-person assessment request: their county and the identities valid on
// the day, in the order they were recorded (the same order the set-based path uses). Given the
// packs, also what enrolment needs: birth date, special-case event, lapse and paid-back years.
// One round trip: a payment at the counter should not wait on five. With `lock`, the same round trip
// takes the person's transaction lock (pg_advisory_xact_lock(person id), as every write about a
// person does); what this statement read was read before the lock, so anything another transaction
// may have changed meanwhile (this year's payments and enrollment) must be read again after it.
// With `extra`, the same statement also reads one more column the caller needs (a payment's state).
import { type RawBuilder, sql } from 'kysely';
import {
  type ContextRows,
  contextFrom,
  EVENT_LOOKBACK_DAYS,
  SPECIAL_EVENT_TYPES,
} from '../collection/enrollment-context.js';
import { batchedRow } from '../db/batch.js';
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
  /** The village the person lives in (the scope a worker's access is checked against). */
  village: string | null;
}

interface IdentityRow {
  category: string;
  grade: number | null;
  kind: string | null;
  formerly_poor: boolean | null;
  risk_eliminated: boolean | null;
  valid_from: string;
}

export async function personRequest(
  tx: Pick<DbSession, 'db'>,
  docNo: string,
  year: number,
  asOf: string,
  packs?: PackRegistry,
  options: {
    lock?: boolean;
    /** One more column read by the same statement (it may refer to the person as `p`), returned as `extra`. */
    extra?: RawBuilder<unknown>;
    /** Read together with concurrent reads of other people, in one statement (not with `lock`, not in a transaction). */
    batch?: boolean;
  } = {},
): Promise<{ person: RegisteredPerson; request: AssessRequest; extra?: unknown } | undefined> {
  const withContext = packs !== undefined;
  const query = sql<
    {
      id: number;
      county_code: string;
      name: string;
      status: string;
      employee_insurance: boolean;
      insured_elsewhere: string | null;
      household_id: number | null;
      birth_date: string | null;
      residence_village: string | null;
      identities: IdentityRow[] | null;
      extra: unknown;
    } & ContextRows
  >`
    SELECT p.id, p.county_code, p.name, p.status, p.employee_insurance, p.insured_elsewhere, p.household_id,
      p.birth_date, p.residence_village, ${options.lock ? sql`pg_advisory_xact_lock(p.id)::text IS NOT NULL` : sql`NULL`} AS locked,
      (SELECT json_agg(json_build_object('category', i.category, 'grade', i.grade, 'kind', i.kind,
          'formerly_poor', i.formerly_poor, 'risk_eliminated', i.risk_eliminated, 'valid_from', i.valid_from) ORDER BY i.id)
        FROM person_identities i
        WHERE i.person_id = p.id AND i.valid_from <= ${asOf}::date AND (i.valid_to IS NULL OR i.valid_to >= ${asOf}::date)
      ) AS identities,
      ${
        withContext
          ? sql`(SELECT json_agg(json_build_object('year', e.year, 'status', e.status, 'student_kind', e.student_kind))
                   FROM enrollments e WHERE e.person_id = p.id AND e.year <= ${year}) AS history,
                (SELECT json_build_object('type', l.type, 'date', l.occurred_on) FROM life_events l
                   WHERE l.person_id = p.id AND l.type IN (${sql.join(SPECIAL_EVENT_TYPES)})
                     AND l.occurred_on <= ${asOf}::date AND l.occurred_on >= ${asOf}::date - ${EVENT_LOOKBACK_DAYS}::int
                   ORDER BY l.occurred_on DESC, l.id DESC LIMIT 1) AS event`
          : sql`NULL AS history, NULL AS event`
      }${options.extra ? sql`, ${options.extra} AS extra` : sql``}
    FROM persons p WHERE p.doc_no = ${docNo}`;
  const row = options.batch ? await batchedRow(tx.db, query) : (await query.execute(tx.db)).rows[0];
  if (!row) return undefined;
  const context = packs
    ? contextFrom(row, { countyCode: row.county_code, birthDate: row.birth_date }, year, asOf, packs)
    : {};
  const request = {
    ...context,
    region: row.county_code,
    year,
    identities: (row.identities ?? []).map((i) => ({
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
      village: row.residence_village,
    },
    request,
    ...(options.extra ? { extra: row.extra } : {}),
  };
}
