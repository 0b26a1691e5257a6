// Township ranking (一周一通报、半月一排名): each township's coverage rate now and on the previous
// report date, the change, and the rank (equal rates share a rank). The interval comes from the
// pack's reporting rhythm, cited; a pack without one is ranked weekly and the report says so.
import type { DbSession } from '../db/connection.js';
import { addDays } from '../policy/dates.js';
import type { PackRegistry } from '../policy/pack-loader.js';
import { type CoverageLine, coverageLines } from './coverage.service.js';
import { checkDate, citeText, type ReportScope, resolveReportScope, targetsOf } from './report-scope.js';

const INTERVAL_DAYS = { weekly: 7, fortnightly: 14, monthly: 30 } as const;
const INTERVAL_NAMES = { weekly: '每周', fortnightly: '每半月', monthly: '每月' } as const;

export interface RankingLine {
  rank: number;
  previousRank: number | null;
  code: string;
  name: string;
  eligible: number;
  enrolled: number;
  ratePercent: number | null;
  previousRatePercent: number | null;
  /** Percentage points since the previous report. */
  changePoints: number | null;
  enrolledSince: number;
  meetsTarget: boolean | null;
  phaseTarget: CoverageLine['phaseTarget'];
}

export interface RankingReport {
  region: string;
  regionName: string;
  year: number;
  asOf: string;
  previousAsOf: string;
  rhythm: string;
  targetPercent: number;
  lines: RankingLine[];
}

/** Competition ranking by rate, highest first; a township with no base ranks last. */
function ranks(lines: readonly CoverageLine[]): Map<string, number> {
  const sorted = [...lines].sort(
    (a, b) => (b.ratePercent ?? -1) - (a.ratePercent ?? -1) || a.code.localeCompare(b.code),
  );
  const out = new Map<string, number>();
  sorted.forEach((l, i) => {
    const prev = sorted[i - 1];
    out.set(l.code, prev && prev.ratePercent === l.ratePercent ? out.get(prev.code)! : i + 1);
  });
  return out;
}

export function rhythmOf(scope: ReportScope): { days: number; text: string } {
  const reporting = scope.pack.pack.reporting;
  const r = reporting?.ranking;
  if (r && reporting)
    return {
      days: INTERVAL_DAYS[r],
      text: `${INTERVAL_NAMES[r]}排名（${citeText(scope.pack, reporting.cite)}）`,
    };
  return { days: 7, text: '政策包未规定排名频次，按每周排名' };
}

export async function rankingOf(db: DbSession, scope: ReportScope, since?: string): Promise<RankingReport> {
  const target = targetsOf(scope);
  const rhythm = rhythmOf(scope);
  const previousAsOf = since ? checkDate(since, 'since') : addDays(scope.asOf, -rhythm.days);
  const townships = (lines: CoverageLine[]) => lines.filter((l) => l.level === 'township');
  const now = townships(await coverageLines(db, scope, target));
  const before = townships(await coverageLines(db, { ...scope, asOf: previousAsOf }, target));
  const rankNow = ranks(now);
  const rankBefore = ranks(before);
  const beforeByCode = new Map(before.map((l) => [l.code, l]));
  const lines = now.map((l) => {
    const b = beforeByCode.get(l.code);
    return {
      rank: rankNow.get(l.code)!,
      previousRank: rankBefore.get(l.code) ?? null,
      code: l.code,
      name: l.name,
      eligible: l.eligible,
      enrolled: l.enrolled,
      ratePercent: l.ratePercent,
      previousRatePercent: b?.ratePercent ?? null,
      changePoints:
        l.ratePercent === null || b?.ratePercent == null
          ? null
          : Math.round((l.ratePercent - b.ratePercent) * 100) / 100,
      enrolledSince: l.enrolled - (b?.enrolled ?? 0),
      meetsTarget: l.meetsTarget,
      phaseTarget: l.phaseTarget,
    };
  });
  lines.sort((a, b) => a.rank - b.rank || a.code.localeCompare(b.code));
  return {
    region: scope.region,
    regionName: scope.regionName,
    year: scope.year,
    asOf: scope.asOf,
    previousAsOf,
    rhythm: rhythm.text,
    targetPercent: target.overallPercent,
    lines,
  };
}

export async function rankingReport(
  db: DbSession,
  packs: PackRegistry,
  input: { region: string; year: number; asOf?: string; since?: string },
): Promise<RankingReport> {
  return rankingOf(db, await resolveReportScope(db, packs, input), input.since);
}
