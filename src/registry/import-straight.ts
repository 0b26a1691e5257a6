// A county's first roster, copied straight into persons (and its households after it) as a COPY by
// hand would load it, instead of staging the file and merging it. That lets the database build the
// persons indexes while this process reads and checks the file, rather than after it
// (bench/README.md, thirteenth pass). It only applies to a file of at most STRAIGHT_MAX_BYTES whose
// persons and households are all new; whatever says otherwise (a stored ID number or household, a
// number twice in the file, a village given by name or not in the regions table, more households
// than STRAIGHT_MAX_HOUSEHOLDS) makes the caller undo it to a savepoint and stage the file.
import { type Kysely, sql } from 'kysely';
import { csvField } from '../db/csv-chunks.js';
import type { StagedPerson } from './import-row.js';

// biome-ignore lint/suspicious/noExplicitAny: the registry tables are not in the shared schema type
type Db = Kysely<any>;

/**
 * Files larger than this are staged without trying: about 500,000 rows. A larger county's file may
 * well name more households than STRAIGHT_MAX_HOUSEHOLDS, and finding that out late is costly: a
 * generated 100 MiB roster (684,609 rows) was undone after 9.2 s of its 32 s.
 */
export const STRAIGHT_MAX_BYTES = 64 * 1024 * 1024;

/** Households kept in memory while a file goes straight in: about 240 bytes each (47 MB at most). */
export const STRAIGHT_MAX_HOUSEHOLDS = 200_000;

/** The file cannot go straight in; the message says why, for the trace. */
export class NotStraight extends Error {}

/** A key taken already, in the file or in the database: the file goes through the stage instead. */
export function isKeyTaken(e: unknown): boolean {
  return (e as { code?: string })?.code === '23505';
}

export const STRAIGHT_PERSON_COLUMNS = [
  'id',
  'doc_type',
  'doc_no',
  'name',
  'sex',
  'birth_date',
  'household_id',
  'relation',
  'hukou_region',
  'residence_village',
  'county_code',
  'phone',
  'status',
  'employee_insurance',
  'student',
  'school',
  'created_run_id',
  'updated_run_id',
] as const;

export const STRAIGHT_HOUSEHOLD_COLUMNS = [
  'id',
  'county_code',
  'household_no',
  'village_code',
  'head_person_id',
  'created_run_id',
  'updated_run_id',
] as const;

/** A boolean column of persons, where not given is false (as the staged merge inserts it). */
const flag = (b: boolean | null): string => (b === true ? 't' : 'f');

interface Household {
  id: number;
  village: string;
  head: number | null;
}

/**
 * Whether the file may go straight in, judged from its first rows: they give village codes, and
 * neither their ID numbers nor their counties' households are stored. A roster imported again
 * fails here, before anything is copied.
 */
export async function mayGoStraight(db: Db, first: StagedPerson[]): Promise<boolean> {
  if (first.length === 0 || first.some((p) => p.villageCode === null)) return false;
  const counties = [...new Set(first.map((p) => p.villageCode!.slice(0, 6)))];
  const docs = first.map((p) => p.docNo);
  const r = await sql<{ taken: boolean }>`
    SELECT EXISTS (SELECT 1 FROM households WHERE county_code = ANY(${counties}::bpchar[]))
        OR EXISTS (SELECT 1 FROM persons WHERE doc_no = ANY(${docs}::varchar[])) AS taken
  `.execute(db);
  return !r.rows[0]!.taken;
}

/**
 * The rows of a file going straight in: each person gets the next id of a range drawn from
 * persons_id_seq and the id of its household, which gets the next of households_id_seq the first
 * time the file names it. Only roster imports add persons and households, one at a time (they hold
 * an advisory lock), so nothing else draws from these sequences meanwhile; should anything do so,
 * a primary key refuses the COPY and the file goes through the stage.
 */
export class StraightRows {
  private readonly households = new Map<string, Household>();
  private readonly villages = new Set<string>();
  private persons = 0;

  private constructor(
    private readonly runId: number,
    private readonly firstPersonId: number,
    private readonly firstHouseholdId: number,
    private readonly maxHouseholds: number,
  ) {}

  static async start(db: Db, runId: number, maxHouseholds = STRAIGHT_MAX_HOUSEHOLDS): Promise<StraightRows> {
    const r = await sql<{ person: string; household: string }>`
      SELECT nextval('persons_id_seq') AS person, nextval('households_id_seq') AS household`.execute(db);
    return new StraightRows(runId, Number(r.rows[0]!.person), Number(r.rows[0]!.household), maxHouseholds);
  }

  get copied(): number {
    return this.persons;
  }

  /** The COPY line of a person; the household's village is its 户主's, else its first member's (as mergeHouseholds). */
  line(p: StagedPerson): string {
    if (p.villageCode === null) throw new NotStraight('a village given by name');
    const id = this.firstPersonId + this.persons++;
    const county = p.villageCode.slice(0, 6);
    this.villages.add(p.villageCode);
    let householdId = '';
    if (p.householdNo !== null) {
      const key = `${county}|${p.householdNo}`;
      let h = this.households.get(key);
      if (h === undefined) {
        if (this.households.size >= this.maxHouseholds) throw new NotStraight('too many households');
        // Only the key holds the household number: a cell's text can be a slice that keeps its
        // whole 64 KiB read alive, and the Map's key is a flat copy.
        h = { id: this.firstHouseholdId + this.households.size, village: p.villageCode, head: null };
        this.households.set(key, h);
      }
      if (p.relation === '户主' && h.head === null) {
        h.head = id;
        h.village = p.villageCode;
      }
      householdId = String(h.id);
    }
    return `${id},${p.docType},${p.docNo},${csvField(p.name)},${p.sex ?? ''},${p.birthDate ?? ''},${householdId},${csvField(
      p.relation,
    )},${p.hukouRegion ?? ''},${p.villageCode},${county},${csvField(p.phone)},${p.status},${flag(
      p.employeeInsurance,
    )},${flag(p.student)},${csvField(p.school)},${this.runId},${this.runId}\n`;
  }

  /** The villages named that are not in the regions table (the stage path reports them row by row). */
  async unknownVillages(db: Db): Promise<number> {
    const r = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM unnest(${[...this.villages]}::text[]) c
      WHERE NOT EXISTS (SELECT 1 FROM regions v WHERE v.code = c AND v.level = 5)`.execute(db);
    return r.rows[0]!.n;
  }

  /** The file's households as COPY lines. */
  *householdLines(): Generator<string> {
    let chunk = '';
    for (const [key, h] of this.households) {
      const county = key.slice(0, 6);
      const householdNo = key.slice(7);
      chunk += `${h.id},${county},${csvField(householdNo)},${h.village},${h.head ?? ''},${this.runId},${this.runId}\n`;
      if (chunk.length > 64 * 1024) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk !== '') yield chunk;
  }

  get householdCount(): number {
    return this.households.size;
  }

  /** Moves both sequences past the ids given out (never back, should anything have drawn more). */
  async advanceSequences(db: Db): Promise<void> {
    const lastPerson = this.firstPersonId + this.persons - 1;
    const lastHousehold = this.firstHouseholdId + this.households.size - 1;
    await sql`
      SELECT setval('persons_id_seq', greatest((SELECT last_value FROM persons_id_seq), ${lastPerson}::bigint)),
             setval('households_id_seq', greatest((SELECT last_value FROM households_id_seq), ${lastHousehold}::bigint))
    `.execute(db);
  }
}
