// Enrolment history across years (国办发〔2024〕38号): how many years someone lapsed before a
// year (for the waiting period), how long they have been continuously enrolled, and how far the
// critical-illness cap rises for continuity and for years without reimbursement.
import type { Pack } from './pack.schema.js';

export interface YearRecord {
  year: number;
  enrolled: boolean;
  /** The fund reimbursed something in that year. */
  reimbursed?: boolean;
}

/** Consecutive missed years right before `year`; 0 if enrolled last year or never enrolled before. */
export function lapsedYearsBefore(history: YearRecord[], year: number): number {
  const enrolled = new Set(history.filter((h) => h.enrolled).map((h) => h.year));
  const earlier = [...enrolled].filter((y) => y < year);
  if (earlier.length === 0) return 0;
  return year - 1 - Math.max(...earlier);
}

/** Consecutive enrolled years ending with year − 1. */
export function consecutiveYearsBefore(history: YearRecord[], year: number): number {
  const enrolled = new Set(history.filter((h) => h.enrolled).map((h) => h.year));
  let n = 0;
  while (enrolled.has(year - 1 - n)) n++;
  return n;
}

export interface IncentiveResult {
  consecutiveYears: number;
  continuityRaiseFen: number;
  zeroClaimRaiseFen: number;
  /** Both raises, capped at maxPercentOfCap of the original cap. */
  totalRaiseFen: number;
  capped: boolean;
}

/**
 * The raise of the critical-illness cap for `year`, counting only the current unbroken run of
 * enrolment (a lapse resets both counts).
 */
export function criticalIllnessRaise(
  rule: NonNullable<Pack['incentive']>,
  history: YearRecord[],
  year: number,
  originalCapFen: number,
): IncentiveResult {
  const consecutiveYears = consecutiveYearsBefore(history, year);
  const byYear = new Map(history.map((h) => [h.year, h]));
  const continuityRaiseFen =
    Math.max(0, consecutiveYears - rule.afterConsecutiveYears) * rule.raisePerYearFen;
  let zeroClaimYears = 0;
  for (let y = year - consecutiveYears; y < year; y++)
    if (byYear.get(y)?.reimbursed === false) zeroClaimYears++;
  const zeroClaimRaiseFen = zeroClaimYears * rule.zeroClaimRaiseFen;
  const limit = Math.floor((originalCapFen * rule.maxPercentOfCap) / 100);
  const sum = continuityRaiseFen + zeroClaimRaiseFen;
  return {
    consecutiveYears,
    continuityRaiseFen,
    zeroClaimRaiseFen,
    totalRaiseFen: Math.min(sum, limit),
    capped: sum > limit,
  };
}
