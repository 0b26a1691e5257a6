// The demo's enrollment history: which of the three insurance years before the demo year each
// person was enrolled in, and whether the fund reimbursed them, so continuity, lapses and the
// critical-illness incentive have something to show from the first `npm start`.
//
// The same answer comes from two places: `demoHistoryYears` (JS, for the files `canbao demo
// --out` writes) and `insertDemoHistory` (one INSERT … SELECT, for the database load). Both draw
// their numbers from md5(seed:id) so they agree person for person without a round trip.
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { DbSession } from '../../db/connection.js';
import { type PackRegistry, shippedPacks } from '../../policy/pack-loader.js';

/** How many past years the demo writes (one md5 holds the draws of 3: 2 + 2 × 3 words of 16 bits). */
export const DEMO_HISTORY_YEARS = 3;

// Per-person patterns, chosen so that about 95% are enrolled in each year and the gaps look like
// real ones: some stop paying and do not come back, some miss one year, the rest miss a year now
// and then at random.
//
// All draws of one person come from one md5(seed:id), read as eight 16-bit words: pattern, pivot
// year, then a (miss, claim) pair per year. Shares are compared as integers (share × 2¹⁶), so JS
// and SQL agree exactly, and the database computes one md5 per person and parses no text.
const SCALE = 2 ** 16;
const share = (p: number): number => Math.ceil(p * SCALE);
const STOPPED = share(0.035);
const ONE_GAP = share(0.035 + 0.025);
const RANDOM_MISS = share(0.02);
/** Share of enrolled years in which the fund reimbursed something (outpatient or inpatient). */
const REIMBURSED = share(0.25);

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

/**
 * The year a county's demo campaign is for: the demo year, or the latest earlier year the county has a
 * policy pack for (高阳's shipped pack is 2024, so its history ends with 2023, not 2024).
 */
export function campaignYearFor(
  countyCode: string,
  year: number,
  packs: PackRegistry = shippedPacks(),
): number {
  for (let y = year; y > year - 5; y--) if (packs.find(countyCode, y)) return y;
  return year;
}

/** The eight 16-bit words of md5(text). */
function md5Words(text: string): number[] {
  const hex = createHash('md5').update(text).digest('hex');
  return Array.from({ length: 8 }, (_, i) => Number.parseInt(hex.slice(4 * i, 4 * i + 4), 16));
}

/**
 * The past years of one person. Nobody has a year before their birth year, and people in the
 * employee scheme (职工医保) have no resident-insurance years at all.
 */
export function demoHistoryYears(
  seed: string | number,
  person: { idNumber: string; birthDate: string | null; employeeInsurance: boolean; countyCode: string },
  demoYear: number,
): DemoHistoryYear[] {
  if (person.employeeInsurance) return [];
  const year = campaignYearFor(person.countyCode, demoYear);
  const first = year - DEMO_HISTORY_YEARS;
  const w = md5Words(`${seed}:${person.idNumber}`);
  const pattern = w[0]!;
  const born = person.birthDate ? Number(person.birthDate.slice(0, 4)) : first;
  const pivot = first + Math.floor((w[1]! * DEMO_HISTORY_YEARS) / SCALE);
  const out: DemoHistoryYear[] = [];
  for (let y = Math.max(first, born); y < year; y++) {
    const miss = w[2 + 2 * (y - first)]!;
    const claim = w[3 + 2 * (y - first)]!;
    const enrolled = pattern < STOPPED ? y < pivot : pattern < ONE_GAP ? y !== pivot : miss >= RANDOM_MISS;
    out.push({ year: y, enrolled, reimbursed: enrolled ? claim < REIMBURSED : null });
  }
  return out;
}

/** SQL mirror of md5Words: word j (0–7) of the digest bytes p.b, as two get_byte calls (no text parsing). */
function word(j: ReturnType<typeof sql>) {
  return sql`(get_byte(p.b, 2 * (${j})) * 256 + get_byte(p.b, 2 * (${j}) + 1))`;
}

/**
 * Write the history of every person with id ≥ fromPersonId in one statement: not-enrolled years
 * become `registered` rows (known to the old system, never paid), as the history import stores
 * 未参保. MATERIALIZED keeps the md5 to one per person (inlined, the planner would repeat it in
 * every use). Returns the number of rows written.
 */
export async function insertDemoHistory(
  tx: DbSession,
  seed: string | number,
  year: number,
  fromPersonId: number,
): Promise<number> {
  // Each county's history ends the year before its own campaign year (campaignYearFor).
  const counties = await sql<{ county_code: string }>`
    SELECT DISTINCT county_code FROM persons WHERE id >= ${fromPersonId}`.execute(tx.db);
  if (counties.rows.length === 0) return 0;
  const firsts = sql.join(
    counties.rows.map(
      (c) =>
        sql`(${c.county_code}::char(6), ${campaignYearFor(c.county_code, year) - DEMO_HISTORY_YEARS}::int)`,
    ),
  );
  const pivot = sql`p.first + ${word(sql`1`)} * ${DEMO_HISTORY_YEARS}::int / ${SCALE}::int`;
  const { rows } = await sql<{ n: number }>`
    WITH people AS MATERIALIZED (
      SELECT p.id, p.county_code, c.first,
        GREATEST(c.first, coalesce(extract(year FROM p.birth_date)::int, c.first)) AS born,
        decode(md5(${String(seed)} || ':' || p.doc_no), 'hex') AS b
      FROM persons p JOIN (VALUES ${firsts}) AS c (county_code, first) ON c.county_code = p.county_code
      WHERE p.id >= ${fromPersonId} AND NOT p.employee_insurance
    ), drawn AS (
      SELECT p.id, p.county_code, y,
        CASE WHEN ${word(sql`0`)} < ${STOPPED}::int THEN y < ${pivot}
             WHEN ${word(sql`0`)} < ${ONE_GAP}::int THEN y <> ${pivot}
             ELSE ${word(sql`2 + 2 * (y - p.first)`)} >= ${RANDOM_MISS}::int END AS enrolled,
        ${word(sql`3 + 2 * (y - p.first)`)} < ${REIMBURSED}::int AS claim
      FROM people p CROSS JOIN LATERAL generate_series(p.born, p.first + ${DEMO_HISTORY_YEARS - 1}::int) AS y
    ), inserted AS (
      INSERT INTO enrollments (county_code, year, person_id, status, source, registered_on, reimbursed)
      SELECT county_code, y, id, CASE WHEN enrolled THEN 'enrolled' ELSE 'registered' END, 'history',
        make_date(y, 1, 1), CASE WHEN enrolled THEN claim END
      FROM drawn
      RETURNING 1
    )
    SELECT count(*)::int AS n FROM inserted`.execute(tx.db);
  return rows[0]?.n ?? 0;
}
