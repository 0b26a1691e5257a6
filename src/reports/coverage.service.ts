// The coverage report: every level of the area with its rate against the pack's overall target
// (cited), the township's phase target in force, and last year's enrolled count (with the pack's
// "not lower than last year" rule where it has one); plus the daily and weekly trend.
import type { DbSession } from '../db/connection.js';
import { addDays } from '../policy/dates.js';
import type { PackRegistry } from '../policy/pack-loader.js';
import { coverageRows, coverageTrend, type TrendRow } from './coverage.repository.js';
import {
  citeText,
  type ReportScope,
  ratePercent,
  resolveReportScope,
  type TargetInfo,
  targetsOf,
} from './report-scope.js';

export type CoverageLevel = 'total' | 'county' | 'township' | 'village';

export interface CoverageLine {
  level: CoverageLevel;
  code: string;
  name: string;
  /** 应参保 in the registry. */
  eligible: number;
  enrolled: number;
  notEnrolled: number;
  /** Statistics bureau base, when loaded for this region. */
  base: number | null;
  /** The rate's denominator: the statistics base when loaded, else the registry's eligible. */
  denominator: number;
  denominatorSource: 'statistics' | 'registry';
  ratePercent: number | null;
  meetsTarget: boolean | null;
  /** Township phase target in force on the as-of date (townships only). */
  phaseTarget: { dueOn: string; ratePercent: number; met: boolean | null } | null;
  enrolledLastYear: number;
  changeFromLastYear: number;
  /** Only when the pack requires it: at least last year's count. */
  notBelowLastYear: boolean | null;
}

export interface CoverageReport {
  region: string;
  regionName: string;
  year: number;
  asOf: string;
  target: TargetInfo & { citation: string };
  lines: CoverageLine[];
}

const LEVEL_BY_LENGTH: Record<number, CoverageLevel> = {
  0: 'total',
  6: 'county',
  9: 'township',
  12: 'village',
};

export function scopeQuery(scope: ReportScope) {
  return { villageLike: scope.villageLike, year: scope.year, asOf: scope.asOf };
}

/** Coverage lines of a resolved scope (shared by ranking and the bulletin). */
export async function coverageLines(
  db: DbSession,
  scope: ReportScope,
  target: TargetInfo,
): Promise<CoverageLine[]> {
  const rows = await coverageRows(db, scopeQuery(scope));
  // The scope itself is the top line: a township scope drops the partial county subtotal, a county
  // scope the grand total (the same numbers); a city keeps its total over its counties.
  const multiCounty = scope.region.length === 6 && scope.villageLike.length - 1 < 6;
  return rows
    .filter((r) => (r.code === '' ? multiCounty : r.code.length >= scope.region.length || multiCounty))
    .map((r) => {
      const denominator = r.base ?? r.eligible;
      const rate = ratePercent(r.enrolled, denominator);
      const phase =
        r.target_due_on && r.target_percent
          ? {
              dueOn: r.target_due_on,
              ratePercent: Number(r.target_percent),
              met: rate === null ? null : rate >= Number(r.target_percent),
            }
          : null;
      return {
        level: LEVEL_BY_LENGTH[r.code.length] ?? 'village',
        code: r.code,
        name: r.code === '' ? `${scope.regionName}合计` : (r.name ?? `（未知区划 ${r.code}）`),
        eligible: r.eligible,
        enrolled: r.enrolled,
        notEnrolled: Math.max(0, r.eligible - r.enrolled),
        base: r.base,
        denominator,
        denominatorSource: r.base === null ? 'registry' : 'statistics',
        ratePercent: rate,
        meetsTarget: rate === null ? null : rate >= target.overallPercent,
        phaseTarget: phase,
        enrolledLastYear: r.enrolled_last_year,
        changeFromLastYear: r.enrolled - r.enrolled_last_year,
        notBelowLastYear: target.notBelowLastYear ? r.enrolled >= r.enrolled_last_year : null,
      } satisfies CoverageLine;
    });
}

export async function coverageReport(
  db: DbSession,
  packs: PackRegistry,
  input: { region: string; year: number; asOf?: string },
): Promise<CoverageReport> {
  const scope = await resolveReportScope(db, packs, input);
  const target = targetsOf(scope);
  return {
    region: scope.region,
    regionName: scope.regionName,
    year: scope.year,
    asOf: scope.asOf,
    target: { ...target, citation: citeText(scope.pack, target.cite) },
    lines: await coverageLines(db, scope, target),
  };
}

export interface TrendReport {
  region: string;
  year: number;
  from: string;
  asOf: string;
  days: TrendRow[];
  /** Week by week (Monday to Sunday, the last week up to the as-of date): end-of-week cumulative. */
  weeks: { weekStart: string; weekEnd: string; added: number; cumulative: number }[];
}

export function weeksOf(days: readonly TrendRow[]): TrendReport['weeks'] {
  const weeks: TrendReport['weeks'] = [];
  for (const d of days) {
    const dow = (new Date(`${d.day}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday = 0
    const weekStart = addDays(d.day, -dow);
    const last = weeks.at(-1);
    if (last && last.weekStart === weekStart) {
      last.weekEnd = d.day;
      last.added += d.added;
      last.cumulative = d.cumulative;
    } else weeks.push({ weekStart, weekEnd: d.day, added: d.added, cumulative: d.cumulative });
  }
  return weeks;
}

/** From the start of the pack's collection period (or 30 days back without one) to the as-of date. */
export async function trendOf(db: DbSession, scope: ReportScope): Promise<TrendReport> {
  const start = scope.pack.pack.collection?.start ?? addDays(scope.asOf, -30);
  const from = [start, scope.asOf].sort()[0]!;
  const days = await coverageTrend(db, { ...scopeQuery(scope), from });
  return { region: scope.region, year: scope.year, from, asOf: scope.asOf, days, weeks: weeksOf(days) };
}

export async function trendReport(
  db: DbSession,
  packs: PackRegistry,
  input: { region: string; year: number; asOf?: string },
): Promise<TrendReport> {
  return trendOf(db, await resolveReportScope(db, packs, input));
}
