// Key groups (重点人群): coverage of each of the pack's key groups against its cited target, of each
// identity category in force, of students and of newborns; and who in them is still missing.
import type { DbSession } from '../db/connection.js';
import type { PackRegistry } from '../policy/pack-loader.js';
import { IDENTITY_NAMES, type IdentityCode } from '../policy/vocabulary.js';
import { maskId } from '../registry/id-document.js';
import { type KeyGroupQuery, keyGroupCounts, missingMembers } from './keygroups.repository.js';
import { citeText, type ReportScope, ratePercent, resolveReportScope, targetsOf } from './report-scope.js';

export interface KeyGroupLine {
  key: string;
  name: string;
  kind: 'key_group' | 'category' | 'student' | 'newborn';
  /** Target percent (key groups from the pack; categories of a key group inherit its target). */
  targetPercent: number | null;
  members: number;
  enrolled: number;
  missing: number;
  ratePercent: number | null;
  meetsTarget: boolean | null;
  townships: { code: string; name: string; members: number; enrolled: number; ratePercent: number | null }[];
}

export interface MissingMember {
  village: string;
  villageName: string;
  householdNo: string;
  name: string;
  id: string;
  phone: string;
  birthDate: string;
  groups: string[];
}

export interface KeyGroupReport {
  region: string;
  regionName: string;
  year: number;
  asOf: string;
  citation: string;
  newbornFrom: string;
  groups: KeyGroupLine[];
  missing: MissingMember[];
  /** True when the list was cut at the limit. */
  missingTruncated: boolean;
}

/** Newborns of the campaign: born on or after 1 January of the year before the insurance year. */
export function newbornFrom(year: number): string {
  return `${year - 1}-01-01`;
}

export function keyGroupQuery(scope: ReportScope): KeyGroupQuery {
  const target = targetsOf(scope);
  return {
    villageLike: scope.villageLike,
    countyLike: scope.countyLike,
    year: scope.year,
    asOf: scope.asOf,
    keyGroups: target.keyGroups.map((g) => g.categories),
    newbornFrom: newbornFrom(scope.year),
  };
}

export function groupName(key: string, scope: ReportScope): string {
  if (key === 'student') return '在校学生';
  if (key === 'newborn') return '新生儿';
  if (key.startsWith('kg:')) return targetsOf(scope).keyGroups[Number(key.slice(3))]?.name ?? key;
  const cat = key.slice(4) as IdentityCode;
  return IDENTITY_NAMES[cat] ?? cat;
}

export async function keyGroupLines(db: DbSession, scope: ReportScope): Promise<KeyGroupLine[]> {
  const target = targetsOf(scope);
  const rows = await keyGroupCounts(db, keyGroupQuery(scope));
  const categoryTarget = (cat: string): number | null => {
    const ts = target.keyGroups.filter((g) => g.categories.includes(cat)).map((g) => g.percent);
    return ts.length ? Math.max(...ts) : null;
  };
  const lines = new Map<string, KeyGroupLine>();
  for (const r of rows) {
    let line = lines.get(r.grp);
    if (!line) {
      const kind = r.grp.startsWith('kg:')
        ? 'key_group'
        : r.grp.startsWith('cat:')
          ? 'category'
          : (r.grp as 'student' | 'newborn');
      const targetPercent =
        kind === 'key_group'
          ? (target.keyGroups[Number(r.grp.slice(3))]?.percent ?? null)
          : kind === 'category'
            ? categoryTarget(r.grp.slice(4))
            : null;
      line = {
        key: r.grp,
        name: groupName(r.grp, scope),
        kind,
        targetPercent,
        members: 0,
        enrolled: 0,
        missing: 0,
        ratePercent: null,
        meetsTarget: null,
        townships: [],
      };
      lines.set(r.grp, line);
    }
    if (r.township === '') {
      line.members = r.members;
      line.enrolled = r.enrolled;
      line.missing = r.members - r.enrolled;
      line.ratePercent = ratePercent(r.enrolled, r.members);
      line.meetsTarget =
        line.targetPercent === null || line.ratePercent === null
          ? null
          : line.ratePercent >= line.targetPercent;
    } else {
      line.townships.push({
        code: r.township,
        name: r.township_name ?? r.township,
        members: r.members,
        enrolled: r.enrolled,
        ratePercent: ratePercent(r.enrolled, r.members),
      });
    }
  }
  const order = (l: KeyGroupLine) => ['key_group', 'category', 'student', 'newborn'].indexOf(l.kind);
  return [...lines.values()].sort((a, b) => order(a) - order(b) || a.key.localeCompare(b.key));
}

export async function keyGroupReport(
  db: DbSession,
  packs: PackRegistry,
  input: { region: string; year: number; asOf?: string; limit?: number; fullId?: boolean },
): Promise<KeyGroupReport> {
  const scope = await resolveReportScope(db, packs, input);
  const target = targetsOf(scope);
  const limit = input.limit ?? 1000;
  const missingRows = await missingMembers(db, keyGroupQuery(scope), limit + 1);
  return {
    region: scope.region,
    regionName: scope.regionName,
    year: scope.year,
    asOf: scope.asOf,
    citation: citeText(scope.pack, target.cite),
    newbornFrom: newbornFrom(scope.year),
    groups: await keyGroupLines(db, scope),
    missing: missingRows.slice(0, limit).map((r) => ({
      village: r.village,
      villageName: r.village_name ?? r.village,
      householdNo: r.household_no ?? '',
      name: r.name,
      id: input.fullId ? r.doc_no : maskId(r.doc_no),
      phone: r.phone ?? '',
      birthDate: r.birth_date ?? '',
      groups: r.groups.map((g) => groupName(g, scope)),
    })),
    missingTruncated: missingRows.length > limit,
  };
}
