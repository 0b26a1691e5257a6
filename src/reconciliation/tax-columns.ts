// Which column of a tax payment return file (税务缴费明细) holds which field. Tax systems of
// different provinces name them differently (税票号 / 电子税票号码, 险种年度 / 所属期 …); the
// common names are known here.
import { normalizeHeader } from '../files/header.js';
import { OutcomeError, type OutcomeIssue } from '../policy/outcome.js';

export const TAX_FIELDS = [
  'docNo',
  'name',
  'year',
  'amount',
  'paidOn',
  'channel',
  'receiptNo',
  'region',
] as const;
export type TaxField = (typeof TAX_FIELDS)[number];

export const TAX_FIELD_LABELS: Record<TaxField, string> = {
  docNo: '证件号码',
  name: '姓名',
  year: '险种年度',
  amount: '缴费金额(元)',
  paidOn: '缴费日期',
  channel: '缴费渠道',
  receiptNo: '税票号',
  region: '行政区划',
};

const ALIASES: Record<TaxField, string[]> = {
  docNo: ['证件号码', '身份证号码', '公民身份号码', '身份证件号码', '缴费人证件号码', '证件号', '身份证号'],
  name: ['姓名', '缴费人姓名', '参保人姓名', '纳税人名称', '缴费人名称'],
  year: ['险种年度', '所属期', '缴费年度', '费款所属期', '所属年度', '险种年度/所属期', '费款所属期起'],
  amount: ['缴费金额(元)', '缴费金额', '实缴金额(元)', '实缴金额', '金额(元)', '金额', '实缴金额（元）'],
  paidOn: ['缴费日期', '入库日期', '缴款日期', '缴费时间', '开票日期'],
  channel: ['缴费渠道', '缴费方式', '渠道', '缴款方式'],
  receiptNo: ['税票号', '电子税票号码', '税票号码', '完税凭证号', '税票号/电子税票号码', '电子税票号'],
  region: ['行政区划', '征收地区', '行政区划代码', '参保地区划', '行政区划/征收地区', '征收机关所在地区'],
};

const ALIAS_TO_FIELD = new Map<string, TaxField>();
for (const f of TAX_FIELDS) {
  for (const a of ALIASES[f]) ALIAS_TO_FIELD.set(normalizeHeader(a), f);
  ALIAS_TO_FIELD.set(normalizeHeader(TAX_FIELD_LABELS[f]), f);
}

export function knownTaxHeaders(): string[] {
  return [...ALIAS_TO_FIELD.keys()];
}

export interface TaxColumns {
  index: Partial<Record<TaxField, number>>;
  header: Partial<Record<TaxField, string>>;
  ignored: string[];
}

const REQUIRED: readonly TaxField[] = ['docNo', 'name', 'year', 'amount', 'paidOn', 'receiptNo'];

/** Match the file's headers to fields; missing required columns and ambiguous columns are errors. */
export function resolveTaxColumns(headers: readonly string[], fileName: string): TaxColumns {
  const index: Partial<Record<TaxField, number>> = {};
  const header: Partial<Record<TaxField, string>> = {};
  const ignored: string[] = [];
  const issues: OutcomeIssue[] = [];
  headers.forEach((h, i) => {
    if (h === '') return;
    const field = ALIAS_TO_FIELD.get(h);
    if (!field) {
      ignored.push(h);
      return;
    }
    const seen = header[field];
    if (seen !== undefined) {
      issues.push({
        severity: 'error',
        code: 'ambiguous_column',
        expression: `${fileName}: 表头`,
        message: `列“${seen}”和列“${h}”都被识别为“${TAX_FIELD_LABELS[field]}”，请删除其中一列`,
      });
      return;
    }
    index[field] = i;
    header[field] = h;
  });
  for (const f of REQUIRED) {
    if (index[f] === undefined)
      issues.push({
        severity: 'error',
        code: 'missing_column',
        expression: `${fileName}: 表头`,
        message: `缺少“${TAX_FIELD_LABELS[f]}”列（可用的表头如：${ALIASES[f].slice(0, 3).join('、')}）`,
      });
  }
  if (issues.length > 0) throw new OutcomeError(issues);
  return { index, header, ignored };
}
