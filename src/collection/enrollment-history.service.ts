// One person's enrollment across years, and what continuity means for them: for the latest year
// whose pack has the continuous-enrollment incentive (国办发〔2024〕38号), how many consecutive
// years they have, how many years they lapsed right before it, the zero-reimbursement years, and
// how far the critical-illness (大病保险) cap rises — each with the pack's citation.
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.js';
import {
  consecutiveYearsBefore,
  criticalIllnessRaise,
  type IncentiveResult,
  lapsedYearsBefore,
  type YearRecord,
} from '../policy/continuity.js';
import { OutcomeError } from '../policy/outcome.js';
import type { Cite } from '../policy/pack.schema.js';
import type { PackRegistry } from '../policy/pack-loader.js';
import { parseIdDocument } from '../registry/id-document.js';

export interface HistoryYear {
  year: number;
  status: string;
  /** Insured that year: enrolled, or enrolled and later suspended or ended by death. */
  insured: boolean;
  source: string;
  benefitStart: string | null;
  benefitEnd: string | null;
  waitingDays: number;
  lapsedYears: number;
  reimbursed: boolean | null;
  endedOn: string | null;
  endReason: string | null;
}

export interface ContinuityAnswer {
  /** The year the raise applies to. */
  year: number;
  packId: string;
  consecutiveYears: number;
  /** Consecutive missed years right before `year` (drives the waiting period). */
  lapsedYears: number;
  /** Enrolled years in the current run without any reimbursement. */
  zeroClaimYears: number[];
  rule: {
    afterConsecutiveYears: number;
    raisePerYearFen: number;
    zeroClaimRaiseFen: number;
    maxPercentOfCap: number;
    cite: Cite;
    inherited: boolean;
  };
  /** The original cap the 20% limit is taken of, and where it came from. */
  originalCapFen: number | null;
  capSource: 'option' | 'none';
  /** limitFen: maxPercentOfCap of the original cap; null when no cap was given (the raise is then uncapped). */
  raise: IncentiveResult & { limitFen: number | null };
}

export interface PersonHistory {
  person: { id: number; docNo: string; name: string; countyCode: string; status: string };
  years: HistoryYear[];
  continuity: ContinuityAnswer | null;
  /** Why there is no continuity answer. */
  continuityNote?: string;
}

/** Statuses that count as insured in a year (a suspension or death ends cover; it is not a lapse). */
export const INSURED_STATUSES: readonly string[] = ['enrolled', 'suspended', 'terminated'];

export async function personHistory(
  db: Kysely<Database>,
  packs: PackRegistry,
  rawId: string,
  options: { originalCapFen?: number } = {},
): Promise<PersonHistory> {
  const parsed = parseIdDocument(rawId);
  const docNo = parsed.ok ? parsed.doc.docNo : rawId.trim().toUpperCase();
  return personHistoryBy(db, packs, sql`p.doc_no = ${docNo}`, rawId, options);
}

async function personHistoryBy(
  db: Kysely<Database>,
  packs: PackRegistry,
  where: ReturnType<typeof sql>,
  shown: string,
  options: { originalCapFen?: number },
): Promise<PersonHistory> {
  const found = await sql<PersonHistory['person']>`
    SELECT p.id, p.doc_no AS "docNo", p.name, p.county_code AS "countyCode", p.status
    FROM persons p WHERE ${where} ORDER BY p.id LIMIT 1`.execute(db);
  const person = found.rows[0];
  if (!person)
    throw new OutcomeError([
      { severity: 'error', code: 'unknown-person', expression: shown, message: '一人一档中没有此人' },
    ]);
  const { rows } = await sql<Omit<HistoryYear, 'insured'>>`
    SELECT year::int AS year, status, source, benefit_start::text AS "benefitStart", benefit_end::text AS "benefitEnd",
      waiting_days AS "waitingDays", lapsed_years::int AS "lapsedYears", reimbursed,
      ended_on::text AS "endedOn", end_reason AS "endReason"
    FROM enrollments WHERE person_id = ${person.id} ORDER BY year`.execute(db);
  const years = rows.map((r) => ({ ...r, insured: INSURED_STATUSES.includes(r.status) }));
  return { person, years, ...continuityFor(packs, person.countyCode, years, options.originalCapFen) };
}

function continuityFor(
  packs: PackRegistry,
  county: string,
  years: HistoryYear[],
  originalCapFen: number | undefined,
): { continuity: ContinuityAnswer | null; continuityNote?: string } {
  const packYears = [...new Set(packs.all().map((r) => r.pack.year))].sort((a, b) => b - a);
  const target = packYears.map((y) => packs.find(county, y)).find((r) => r?.pack.incentive !== undefined);
  if (!target?.pack.incentive)
    return {
      continuity: null,
      continuityNote: '本地区的政策包都未规定参保激励（大病保险最高支付限额提高），不计算。',
    };
  const rule = target.pack.incentive;
  const year = target.pack.year;
  const history: YearRecord[] = years.map((y) => ({
    year: y.year,
    enrolled: y.insured,
    ...(y.reimbursed === null ? {} : { reimbursed: y.reimbursed }),
  }));
  const consecutiveYears = consecutiveYearsBefore(history, year);
  const zeroClaimYears = years
    .filter((y) => y.year >= year - consecutiveYears && y.year < year && y.insured && y.reimbursed === false)
    .map((y) => y.year);
  // Without an original cap the 20% limit cannot be applied: the raise is shown uncapped.
  const capFen = originalCapFen ?? Number.MAX_SAFE_INTEGER;
  const r = criticalIllnessRaise(rule, history, year, capFen);
  return {
    continuity: {
      year,
      packId: target.pack.id,
      consecutiveYears,
      lapsedYears: lapsedYearsBefore(history, year),
      zeroClaimYears,
      rule: { ...rule, inherited: target.inherited.has('incentive') },
      originalCapFen: originalCapFen ?? null,
      capSource: originalCapFen === undefined ? 'none' : 'option',
      raise: {
        ...r,
        limitFen:
          originalCapFen === undefined ? null : Math.floor((originalCapFen * rule.maxPercentOfCap) / 100),
      },
    },
  };
}
