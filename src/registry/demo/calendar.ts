// Day numbers for the generator's hot loop (Temporal is exact but far too slow to call a few
// times for each of five million people); the arithmetic itself lives in src/policy/dates.ts.
import { civilFromDays, fromEpochDay, toEpochDay } from '../../policy/dates.js';

export { civilFromDays, daysFromCivil } from '../../policy/dates.js';

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** 'YYYY-MM-DD' */
export const isoFromDays = fromEpochDay;

/** 'YYYYMMDD' as in a resident ID. */
export function compactFromDays(days: number): string {
  const [y, m, d] = civilFromDays(days);
  return `${y}${pad2(m)}${pad2(d)}`;
}

export function daysFromIso(iso: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) throw new Error(`日期格式应为 YYYY-MM-DD：${iso}`);
  return toEpochDay(iso);
}
