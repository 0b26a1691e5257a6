// Subsidy settlement (资助参保资金结算) for finance: totals by funding source, category and township,
// with the per-person rows that make them up. Settled means the person is enrolled for the year on
// the as-of date; assessed-only subsidies are shown apart, so finance sees what is still to come.
import type { DbSession } from '../db/connection.js';
import type { PackRegistry } from '../policy/pack-loader.js';
import {
  FUNDING_SOURCE_NAMES,
  type FundingSource,
  IDENTITY_NAMES,
  type IdentityCode,
} from '../policy/vocabulary.js';
import { maskId } from '../registry/id-document.js';
import { resolveReportScope } from './report-scope.js';
import { type SettlementQuery, settlementPersons, settlementRows } from './settlement.repository.js';

export interface SettlementLine {
  level: 'total' | 'source' | 'category' | 'township';
  fundingSource: string;
  fundingSourceName: string;
  category: string;
  categoryName: string;
  township: string;
  townshipName: string;
  persons: number;
  assessedFen: number;
  settledPersons: number;
  settledFen: number;
  unsettledFen: number;
}

export interface SettlementReport {
  region: string;
  regionName: string;
  year: number;
  asOf: string;
  packId: string;
  lines: SettlementLine[];
}

export const fundingSourceName = (s: string): string =>
  s === '' ? '（未注明资金来源）' : (FUNDING_SOURCE_NAMES[s as FundingSource] ?? s);
export const categoryName = (c: string): string =>
  c === '' ? '（未注明类别）' : (IDENTITY_NAMES[c as IdentityCode] ?? c);

export async function settlementReport(
  db: DbSession,
  packs: PackRegistry,
  input: { region: string; year: number; asOf?: string },
): Promise<{ report: SettlementReport; query: SettlementQuery }> {
  const scope = await resolveReportScope(db, packs, input);
  const query = {
    countyLike: scope.countyLike,
    villageLike: scope.villageLike,
    year: scope.year,
    asOf: scope.asOf,
  };
  const rows = await settlementRows(db, query);
  return {
    query,
    report: {
      region: scope.region,
      regionName: scope.regionName,
      year: scope.year,
      asOf: scope.asOf,
      packId: scope.pack.pack.id,
      lines: rows.map((r) => ({
        level: r.level,
        fundingSource: r.funding_source,
        fundingSourceName: r.level === 'total' ? '合计' : fundingSourceName(r.funding_source),
        category: r.category,
        categoryName: r.level === 'total' || r.level === 'source' ? '' : categoryName(r.category),
        township: r.township,
        townshipName: r.level === 'township' ? (r.township_name ?? r.township) : '',
        persons: r.persons,
        assessedFen: Number(r.assessed_fen),
        settledPersons: r.settled_persons,
        settledFen: Number(r.settled_fen),
        unsettledFen: Number(r.assessed_fen) - Number(r.settled_fen),
      })),
    },
  };
}

export const SETTLEMENT_PERSON_HEADERS = [
  '资金来源',
  '资助类别',
  '资助规则',
  '乡镇（街道）',
  '村（社区）',
  '姓名',
  '证件号码',
  '个人缴费标准(元)',
  '资助金额(元)',
  '个人应缴(元)',
  '是否已参保结算',
  '参保日期',
] as const;

const yuan = (fen: number): string => (fen / 100).toFixed(2);

/** Per-person rows as text cells, streamed a page at a time. */
export async function* settlementPersonCells(
  db: DbSession,
  query: SettlementQuery,
  fullId: boolean,
): AsyncGenerator<string[]> {
  let after = '0';
  for (;;) {
    const page = await settlementPersons(db, query, after, 5000);
    if (page.length === 0) return;
    for (const r of page)
      yield [
        fundingSourceName(r.funding_source),
        categoryName(r.category),
        r.subsidy_rule ?? '',
        r.township,
        r.village,
        r.name,
        fullId ? r.doc_no : maskId(r.doc_no),
        yuan(r.standard_fen),
        yuan(r.subsidy_fen),
        yuan(r.payable_fen),
        r.settled ? '是' : '否',
        r.enrolled_on ?? '',
      ];
    after = page.at(-1)!.person_id;
  }
}
