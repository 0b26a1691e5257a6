// The data quality panel: counts and the named rows of each problem that distorts coverage.
import type { DbSession } from '../db/connection.js';
import type { PackRegistry } from '../policy/pack-loader.js';
import { maskId } from '../registry/id-document.js';
import { QUALITY_KINDS, type QualityKind, qualityCounts, qualityRows } from './quality.repository.js';
import { resolveReportScope } from './report-scope.js';

export const QUALITY_KIND_NAMES: Record<QualityKind, string> = {
  invalid_id: '证件号码无效',
  duplicate_person: '疑似重复登记',
  deceased_enrolled: '已死亡仍参保',
  enrolled_elsewhere: '重复参保（职工医保或外地已参保）',
  duplicate_payment: '同一年度重复缴费',
};

export interface QualityReport {
  region: string;
  regionName: string;
  year: number;
  counts: { kind: QualityKind; name: string; persons: number }[];
  rows: {
    kind: QualityKind;
    kindName: string;
    detail: string;
    villageName: string;
    name: string;
    id: string;
  }[];
  truncated: boolean;
}

export async function qualityReport(
  db: DbSession,
  packs: PackRegistry,
  input: { region: string; year: number; limit?: number; fullId?: boolean },
): Promise<QualityReport> {
  const scope = await resolveReportScope(db, packs, input);
  const q = { villageLike: scope.villageLike, year: scope.year };
  const counts = new Map((await qualityCounts(db, q)).map((c) => [c.kind, c.n]));
  const limit = input.limit ?? 1000;
  const rows = await qualityRows(db, q, limit + 1);
  return {
    region: scope.region,
    regionName: scope.regionName,
    year: scope.year,
    counts: QUALITY_KINDS.map((k) => ({ kind: k, name: QUALITY_KIND_NAMES[k], persons: counts.get(k) ?? 0 })),
    rows: rows.slice(0, limit).map((r) => ({
      kind: r.kind,
      kindName: QUALITY_KIND_NAMES[r.kind],
      detail: r.detail,
      villageName: r.village_name ?? r.village,
      name: r.name,
      id: input.fullId ? r.doc_no : maskId(r.doc_no),
    })),
    truncated: rows.length > limit,
  };
}
