// The waiting period of 国办发〔2024〕38号 for late or interrupted enrolment: a fixed part, one
// month more per further year of lapse, each year paid back removing one month of that variable
// part, and never under the long-lapse floor once the lapse reached that many years.
import type { Pack } from './pack.schema.js';

export interface WaitingBreakdown {
  fixedDays: number;
  variableDays: number;
  repairedDays: number;
  floorDays: number;
  totalDays: number;
}

export function waitingDays(
  rule: NonNullable<Pack['waitingPeriod']>,
  fixedDays: number,
  lapsedYears: number,
  paidBackYears: number,
): WaitingBreakdown {
  const extraYears = Math.max(0, lapsedYears - 1);
  const variableDays = extraYears * rule.daysPerExtraLapseYear;
  const repairedDays = Math.min(variableDays, paidBackYears * rule.daysPerExtraLapseYear);
  const floorDays = lapsedYears >= rule.longLapseYears ? rule.minDaysAfterLongLapse : 0;
  const totalDays = Math.max(fixedDays + variableDays - repairedDays, floorDays);
  return { fixedDays, variableDays, repairedDays, floorDays, totalDays };
}
