// The demo's enrollment history: which of the three insurance years before the demo year each
// person was enrolled in, and whether the fund reimbursed them, so continuity, lapses and the
// critical-illness incentive have something to show from the first `npm start`.
//
// The same answer comes from two places: `demoHistoryYears` (JS, for the files `canbao demo
// --out` writes) and `insertDemoHistory` (one INSERT … SELECT, for the database load). Both draw
// their numbers from md5(seed:id:…) so they agree person for person without a round trip.
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { DbSession } from '../../db/connection.js';

/** How many past years the demo writes. */
export const DEMO_HISTORY_YEARS = 3;

// Per-person patterns, chosen so that about 95% are enrolled in each year and the gaps look like
// real ones: some stop paying and do not come back, some miss one year, the rest miss a year now
// and then at random.
const STOPPED = 0.035;
const ONE_GAP = STOPPED + 0.025;
const RANDOM_MISS = 0.02;
/** Share of enrolled years in which the fund reimbursed something (outpatient or inpatient). */
const REIMBURSED = 0.25;

export interface DemoHistoryYear {
  year: number;
  enrolled: boolean;
  /** null when not enrolled. */
  reimbursed: boolean | null;
}

/** The insurance year a demo population drawn up on asOf is collected for (autumn 2024 → 2025). */
export function demoYear(asOf: string): number {
  return Number(asOf.slice(0, 4)) + 1;
}

/** Two numbers in [0, 1) from md5 of the text: the first and second 32 bits. */
function md5Pair(text: string): [number, number] {
  const hex = createHash('md5').update(text).digest('hex');
  return [
    Number.parseInt(hex.slice(0, 8), 16) / 4294967296,
    Number.parseInt(hex.slice(8, 16), 16) / 4294967296,
  ];
}

/**
 * The past years of one person. Nobody has a year before their birth year, and people in the
 * employee scheme (职工医保) have no resident-insurance years at all.
 */
export function demoHistoryYears(
  seed: string | number,
  person: { idNumber: string; birthDate: string | null; employeeInsurance: boolean },
  year: number,
): DemoHistoryYear[] {
  if (person.employeeInsurance) return [];
  const first = year - DEMO_HISTORY_YEARS;
  const [pattern, pick] = md5Pair(`${seed}:${person.idNumber}:person`);
  const born = person.birthDate ? Number(person.birthDate.slice(0, 4)) : first;
  const pivot = first + Math.floor(pick * DEMO_HISTORY_YEARS);
  const out: DemoHistoryYear[] = [];
  for (let y = Math.max(first, born); y < year; y++) {
    const [miss, claim] = md5Pair(`${seed}:${person.idNumber}:${y}`);
    const enrolled = pattern < STOPPED ? y < pivot : pattern < ONE_GAP ? y !== pivot : miss >= RANDOM_MISS;
    out.push({ year: y, enrolled, reimbursed: enrolled ? claim < REIMBURSED : null });
  }
  return out;
}

/** SQL mirror of md5Pair: the n-th (1 or 2) 32-bit slice of md5(text) in [0, 1). */
function md5Part(text: ReturnType<typeof sql>, n: 1 | 2) {
  return sql`(('x' || substr(md5(${text}), ${n === 1 ? 1 : 9}, 8))::bit(32)::bigint / 4294967296.0)`;
}

/**
 * Write the history of every person with id ≥ fromPersonId in one statement: not-enrolled years
 * become `registered` rows (known to the old system, never paid), as the history import stores
 * 未参保. Returns the number of rows written.
 */
export async function insertDemoHistory(
  tx: DbSession,
  seed: string | number,
  year: number,
  fromPersonId: number,
): Promise<number> {
  const first = year - DEMO_HISTORY_YEARS;
  const s = String(seed);
  const personKey = sql`${s} || ':' || p.doc_no || ':person'`;
  const yearKey = sql`${s} || ':' || p.doc_no || ':' || y`;
  const { rows } = await sql<{ n: number }>`
    WITH drawn AS (
      SELECT p.id, p.county_code, y,
        CASE WHEN p.pattern < ${STOPPED} THEN y < p.pivot
             WHEN p.pattern < ${ONE_GAP} THEN y <> p.pivot
             ELSE ${md5Part(yearKey, 1)} >= ${RANDOM_MISS} END AS enrolled,
        ${md5Part(yearKey, 2)} AS claim
      FROM (
        SELECT p.id, p.county_code, p.doc_no,
          GREATEST(${first}::int, coalesce(extract(year FROM p.birth_date)::int, ${first}::int)) AS born,
          ${md5Part(personKey, 1)} AS pattern,
          ${first}::int + floor(${md5Part(personKey, 2)} * ${DEMO_HISTORY_YEARS})::int AS pivot
        FROM persons p WHERE p.id >= ${fromPersonId} AND NOT p.employee_insurance
      ) p
      CROSS JOIN LATERAL generate_series(p.born, ${year - 1}::int) AS y
    ), inserted AS (
      INSERT INTO enrollments (county_code, year, person_id, status, source, registered_on, reimbursed)
      SELECT county_code, y, id, CASE WHEN enrolled THEN 'enrolled' ELSE 'registered' END, 'history',
        make_date(y, 1, 1), CASE WHEN enrolled THEN claim < ${REIMBURSED} END
      FROM drawn
      RETURNING 1
    )
    SELECT count(*)::int AS n FROM inserted`.execute(tx.db);
  return rows[0]?.n ?? 0;
}
