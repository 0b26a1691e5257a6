// What every report starts from: the area asked for (a county or city, a township, or a village),
// the insurance year, the as-of date, and the policy pack that covers them (its targets and
// reporting rhythm, with their citations). Reports never name a county in code: the pack says.
import { sql } from 'kysely';
import type { DbSession } from '../db/connection.js';
import { OutcomeError } from '../policy/outcome.js';
import type { Cite } from '../policy/pack.schema.js';
import { type PackRegistry, type ResolvedPack, regionPrefix } from '../policy/pack-loader.js';

export interface ReportScope {
  /** As asked: 6 digits (county or city), 9 (township) or 12 (village). */
  region: string;
  regionName: string;
  year: number;
  asOf: string;
  /** county_code LIKE this (a city covers its counties). */
  countyLike: string;
  /** residence_village LIKE this (the whole area down to its villages). */
  villageLike: string;
  pack: ResolvedPack;
}

export interface TargetInfo {
  overallPercent: number;
  keyGroups: { name: string; categories: string[]; percent: number }[];
  notBelowLastYear: boolean;
  cite: Cite;
  packId: string;
}

export function reportError(code: string, expression: string, message: string): OutcomeError {
  return new OutcomeError([{ severity: 'error', code, expression, message }]);
}

export function checkDate(date: string, option: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`)))
    throw reportError('bad-date', option, `日期格式应为 YYYY-MM-DD，收到“${date}”`);
  return date;
}

export function todayIso(): string {
  return new Date().toISOString().slice(0, 10);
}

/** Resolve the area, year and pack; an unknown region or a year no pack covers is an error. */
export async function resolveReportScope(
  db: DbSession,
  packs: PackRegistry,
  input: { region: string; year: number; asOf?: string },
): Promise<ReportScope> {
  const region = input.region.trim();
  if (!/^(\d{6}|\d{9}|\d{12})$/.test(region))
    throw reportError(
      'bad-region',
      'region',
      `地区代码应为 6 位（区县）、9 位（乡镇）或 12 位（村居），收到“${region}”`,
    );
  if (!Number.isInteger(input.year) || input.year < 2000 || input.year > 2100)
    throw reportError('bad-year', 'year', `参保年度应为四位年份，收到“${input.year}”`);
  const asOf = checkDate(input.asOf ?? todayIso(), 'asOf');
  const pack = packs.find(region, input.year);
  if (!pack)
    throw reportError(
      'no-pack',
      'region',
      `没有覆盖地区 ${region} ${input.year} 年度的政策包，无法给出目标和口径`,
    );
  const { rows } = await sql<{ name: string }>`SELECT name FROM regions WHERE code = ${region}`.execute(
    db.db,
  );
  const regionName = rows[0]?.name ?? (region.length === 6 ? pack.pack.regionName : undefined);
  if (!regionName) throw reportError('no-region', 'region', `区划代码 ${region} 不存在，请先导入区划`);
  const county = region.slice(0, 6);
  const countyLike = region.length === 6 ? `${regionPrefix(region)}%` : county;
  const villageLike = region.length === 6 ? `${regionPrefix(region)}%` : `${region}%`;
  return { region, regionName, year: input.year, asOf, countyLike, villageLike, pack };
}

/** The pack's coverage targets with their citation; a pack without targets is an error, not 0%. */
export function targetsOf(scope: ReportScope): TargetInfo {
  const t = scope.pack.pack.targets;
  if (!t)
    throw reportError(
      'no-targets',
      `${scope.pack.file}: targets`,
      `政策包 ${scope.pack.pack.id} 未规定参保率目标，请在政策包中补充 targets`,
    );
  return {
    overallPercent: t.overallPercent,
    keyGroups: (t.keyGroups ?? []).map((g) => ({ ...g, categories: [...g.categories] })),
    notBelowLastYear: t.notBelowLastYear === true,
    cite: t.cite,
    packId: scope.pack.pack.id,
  };
}

/** "文号 条款" for a citation, using the pack's source list. */
export function citeText(pack: ResolvedPack, cite: Cite): string {
  const source = pack.pack.sources.find((s) => s.id === cite.source);
  return `${source ? source.number : cite.source} ${cite.clause}`;
}

/** Rate in percent with two decimals, from integer counts (null when the base is 0). */
export function ratePercent(numerator: number, denominator: number): number | null {
  if (denominator <= 0) return null;
  return Math.round((numerator * 10_000) / denominator) / 100;
}
