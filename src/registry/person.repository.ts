// Lookups in the registry: one person, one household with its members, one village.
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: the registry tables are not in the shared schema type
type Db = Kysely<any>;

export interface PersonRow {
  id: number;
  county_code: string;
  doc_type: string;
  doc_no: string;
  name: string;
  sex: 'male' | 'female' | null;
  birth_date: string | null;
  household_id: number | null;
  household_no: string | null;
  relation: string | null;
  hukou_region: string | null;
  residence_village: string;
  village_name: string | null;
  township_name: string | null;
  phone: string | null;
  status: 'active' | 'deceased' | 'moved_out';
  employee_insurance: boolean;
  student: boolean;
  school: string | null;
}

const SELECT_PERSON = sql`
  SELECT p.id, p.county_code, p.doc_type, p.doc_no, p.name, p.sex, p.birth_date, p.household_id,
    h.household_no, p.relation, p.hukou_region, p.residence_village, v.name AS village_name,
    t.name AS township_name, p.phone, p.status, p.employee_insurance, p.student, p.school
  FROM persons p
  LEFT JOIN households h ON h.id = p.household_id
  LEFT JOIN regions v ON v.code = p.residence_village
  LEFT JOIN regions t ON t.code = v.parent_code`;

export async function findPersonsByDocNo(db: Db, docNo: string): Promise<PersonRow[]> {
  const r = await sql<PersonRow>`${SELECT_PERSON} WHERE p.doc_no = ${docNo} ORDER BY p.doc_type`.execute(db);
  return r.rows;
}

export interface HouseholdRow {
  id: number;
  county_code: string;
  household_no: string;
  village_code: string | null;
  village_name: string | null;
  head_person_id: number | null;
}

export async function findHouseholds(db: Db, householdNo: string): Promise<HouseholdRow[]> {
  const r = await sql<HouseholdRow>`
    SELECT h.id, h.county_code, h.household_no, h.village_code, v.name AS village_name, h.head_person_id
    FROM households h LEFT JOIN regions v ON v.code = h.village_code
    WHERE h.household_no = ${householdNo} ORDER BY h.county_code`.execute(db);
  return r.rows;
}

export async function findHouseholdById(db: Db, id: number): Promise<HouseholdRow | undefined> {
  const r = await sql<HouseholdRow>`
    SELECT h.id, h.county_code, h.household_no, h.village_code, v.name AS village_name, h.head_person_id
    FROM households h LEFT JOIN regions v ON v.code = h.village_code WHERE h.id = ${id}`.execute(db);
  return r.rows[0];
}

/** Members, head first, then by birth date. */
export async function householdMembers(db: Db, householdId: number): Promise<PersonRow[]> {
  const r = await sql<PersonRow>`${SELECT_PERSON} WHERE p.household_id = ${householdId}
    ORDER BY (p.relation = '户主') DESC NULLS LAST, p.birth_date NULLS LAST, p.id`.execute(db);
  return r.rows;
}

export async function findRegion(
  db: Db,
  code: string,
): Promise<{ code: string; name: string; level: number } | undefined> {
  const r = await sql<{ code: string; name: string; level: number }>`
    SELECT code, name, level FROM regions WHERE code = ${code}`.execute(db);
  return r.rows[0];
}

/** Everyone living in a village, grouped by household (households in number order; no household last). */
export async function villagePersons(db: Db, villageCode: string, limit: number): Promise<PersonRow[]> {
  const r = await sql<PersonRow>`${SELECT_PERSON} WHERE p.residence_village = ${villageCode}
    ORDER BY h.household_no NULLS LAST, (p.relation = '户主') DESC NULLS LAST, p.birth_date NULLS LAST, p.id
    LIMIT ${limit}`.execute(db);
  return r.rows;
}

export async function villageCounts(
  db: Db,
  villageCode: string,
): Promise<{ persons: number; households: number }> {
  const r = await sql<{ persons: number; households: number }>`
    SELECT count(*)::int AS persons, count(DISTINCT household_id)::int AS households
    FROM persons WHERE residence_village = ${villageCode}`.execute(db);
  return r.rows[0] ?? { persons: 0, households: 0 };
}

export interface HistoryRow {
  changed_at: Date;
  run_id: number | null;
  file_name: string | null;
  changes: Record<string, [unknown, unknown]>;
}

export async function personHistory(db: Db, personId: number): Promise<HistoryRow[]> {
  const r = await sql<HistoryRow>`
    SELECT ph.changed_at, ph.run_id, ir.file_name, ph.changes
    FROM person_history ph LEFT JOIN import_runs ir ON ir.id = ph.run_id
    WHERE ph.person_id = ${personId} ORDER BY ph.id`.execute(db);
  return r.rows;
}
