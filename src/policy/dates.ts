// Calendar-date arithmetic on YYYY-MM-DD strings. The engine runs for a million people per
// assessment, so dates stay strings (they sort correctly) and day arithmetic goes through epoch
// days; dates.test.ts checks these against Temporal.PlainDate.

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 (proleptic Gregorian), Howard Hinnant's days_from_civil. */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** [year, month, day] of a day number (inverse of daysFromCivil). */
export function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [m <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, m, d];
}

export function toEpochDay(date: string): number {
  const m = ISO.exec(date);
  if (!m) throw new RangeError(`无效日期 ${date}`);
  return daysFromCivil(Number(m[1]), Number(m[2]), Number(m[3]));
}

export function fromEpochDay(days: number): string {
  const [y, m, d] = civilFromDays(days);
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** A real calendar date in YYYY-MM-DD form (2025-02-30 is not). */
export function isValidDate(date: string): boolean {
  return ISO.test(date) && fromEpochDay(toEpochDay(date)) === date;
}

export function addDays(date: string, days: number): string {
  return fromEpochDay(toEpochDay(date) + days);
}

export function daysBetween(from: string, to: string): number {
  return toEpochDay(to) - toEpochDay(from);
}

export const maxDate = (a: string, b: string): string => (a > b ? a : b);

export function yearOf(date: string): number {
  return Number(date.slice(0, 4));
}

const zhCache = new Map<string, string>();

/** 2025-06-08 → 2025年6月8日 (memoised: explanations repeat the same few dates a million times). */
export function formatDateZh(date: string): string {
  let out = zhCache.get(date);
  if (out === undefined) {
    const [y, m, d] = date.split('-');
    out = `${y}年${Number(m)}月${Number(d)}日`;
    if (zhCache.size < 100_000) zhCache.set(date, out);
  }
  return out;
}

/** Today's date in China (UTC+8): the date an office worker sees on the wall. */
export function todayInChina(): string {
  return new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
}
