// The file the bureau pushes to the tax bureau: one row per assessed person with the special-person
// flag (特殊人员类别), the subsidy and the personal amount payable, in yuan as tax systems expect.
import type { DbSession } from '../db/connection.js';
import { writeCsv, writeXlsx } from '../files/index.js';
import { IDENTITY_NAMES, type IdentityCode } from '../policy/vocabulary.js';
import { maskId } from '../registry/id-document.js';
import type { Scope } from './assess-region.repository.js';
import { taxRows } from './ledger.repository.js';

export const TAX_HEADERS = [
  '证件类型',
  '证件号码',
  '姓名',
  '参保地区划',
  '村（社区）代码',
  '特殊人员类别',
  '个人缴费标准（元）',
  '资助金额（元）',
  '个人应缴金额（元）',
] as const;

const DOC_TYPE_NAMES: Record<string, string> = {
  resident_id: '居民身份证',
  hmt_permit: '港澳台居民居住证',
  foreigner_permanent: '外国人永久居留身份证',
  passport: '护照',
  birth_certificate: '出生医学证明',
};

export const yuan = (fen: number): string => (fen / 100).toFixed(2);

/** Which rows, and whether ID numbers are masked (a download by a role that may not see them). */
export interface TaxExportOptions {
  village?: string;
  maskIds?: boolean;
}

async function* lines(
  tx: DbSession,
  scope: Pick<Scope, 'prefix' | 'year'>,
  options: TaxExportOptions,
): AsyncGenerator<string[]> {
  for await (const page of taxRows(tx, {
    ...scope,
    ...(options.village ? { village: options.village } : {}),
  })) {
    for (const r of page) {
      yield [
        DOC_TYPE_NAMES[r.docType] ?? r.docType,
        options.maskIds ? maskId(r.docNo) : r.docNo,
        r.name,
        r.countyCode,
        r.village,
        r.category ? IDENTITY_NAMES[r.category as IdentityCode] : '普通居民',
        yuan(r.standardFen),
        yuan(r.subsidyFen),
        yuan(r.payableFen),
      ];
    }
  }
}

/** Streams the export to .csv or .xlsx (by extension); returns the number of rows written. */
export async function writeTaxExport(
  tx: DbSession,
  scope: Pick<Scope, 'prefix' | 'year'>,
  path: string,
  options: TaxExportOptions = {},
): Promise<number> {
  const rows = lines(tx, scope, options);
  return path.toLowerCase().endsWith('.xlsx')
    ? writeXlsx(path, '核定明细', TAX_HEADERS, rows)
    : writeCsv(path, TAX_HEADERS, rows);
}
