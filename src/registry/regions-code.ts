// 统计用区划代码: 2 province + 2 city + 2 county + 3 township + 3 village digits. Published as
// 12 digits with trailing zeros for higher levels; we store the canonical short form
// (6 digits up to county, 9 for a township, 12 for a village) and derive level and parent.
import type { RegionLevel } from '../db/database.js';

export const LEVEL_NAMES: Record<RegionLevel, string> = {
  1: '省级',
  2: '地级',
  3: '县级',
  4: '乡级',
  5: '村级',
};

export interface ParsedRegionCode {
  code: string;
  level: RegionLevel;
  parentCode: string | null;
  countyCode: string | null;
}

/**
 * Parse a 6-, 9- or 12-digit code (trailing zeros mark a higher level). Returns null for
 * anything that is not a region code (wrong length, non-digits, all zeros, a zero province).
 */
export function parseRegionCode(raw: string): ParsedRegionCode | null {
  const text = raw.trim();
  if (!/^(\d{6}|\d{9}|\d{12})$/.test(text)) return null;
  const full = text.padEnd(12, '0');
  const province = full.slice(0, 2);
  const city = full.slice(2, 4);
  const county = full.slice(4, 6);
  const township = full.slice(6, 9);
  const village = full.slice(9, 12);
  if (province === '00') return null;
  // A lower part without its higher part (e.g. 13 00 01 …) is not a valid code.
  if (city === '00' && (county !== '00' || township !== '000' || village !== '000')) return null;
  if (township === '000' && village !== '000') return null;
  if (village !== '000') {
    return { code: full, level: 5, parentCode: full.slice(0, 9), countyCode: full.slice(0, 6) };
  }
  if (township !== '000') {
    return { code: full.slice(0, 9), level: 4, parentCode: full.slice(0, 6), countyCode: full.slice(0, 6) };
  }
  if (county !== '00') {
    return {
      code: full.slice(0, 6),
      level: 3,
      parentCode: `${full.slice(0, 4)}00`,
      countyCode: full.slice(0, 6),
    };
  }
  if (city !== '00')
    return { code: full.slice(0, 6), level: 2, parentCode: `${province}0000`, countyCode: null };
  return { code: full.slice(0, 6), level: 1, parentCode: null, countyCode: null };
}
