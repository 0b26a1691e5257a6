// Checking one row of a tax payment return file. Runs a million times per file, so it works on
// the raw cell array by column index and returns the staging line directly.
import { CHANNEL_NAMES, type ChannelCode } from '../policy/vocabulary.js';
import { parseIdDocument } from '../registry/id-document.js';
import { parseDate, type RowIssue } from '../registry/import-row.js';
import { TAX_FIELD_LABELS, type TaxColumns, type TaxField } from './tax-columns.js';

export interface StagedTaxRow {
  rowNumber: number;
  receiptNo: string;
  docNo: string;
  name: string;
  year: number;
  amountFen: number;
  paidOn: string;
  channelText: string | null;
  channel: ChannelCode;
  regionText: string | null;
  /** The county: of a region code, its first 6 digits; of a county's name, its code when the name is one county's. */
  countyCode: string | null;
}

const YUAN = /^(\d{1,9})(?:\.(\d{1,2}))?$/;

/** "400", "400.00", "¥1,070.5", "400元" → fen; undefined when it is not an amount. */
export function parseYuan(text: string): number | undefined {
  // Most cells are plain "400.00": only the others are cleaned first.
  const m = YUAN.exec(text) ?? YUAN.exec(text.replace(/[\s,，¥￥]|元$/g, ''));
  if (!m) return undefined;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/** "2025", "2025年", "2025-01-01至2025-12-31", "202501", "2025-01" → 2025. */
export function parseInsuranceYear(text: string): number | undefined {
  const m = /^\s*(\d{4})(?:\D|$|\d{2}(?:\D|$))/.exec(text);
  if (!m) return undefined;
  const y = Number(m[1]);
  return y >= 2000 && y <= 2100 ? y : undefined;
}

// The tax bureau's channel wording → canbao's channel codes; anything else is the tax bureau's
// own online channel (电子税务局, 税务 app and mini-programs), where most resident payments arrive.
const CHANNEL_WORDS: readonly [RegExp, ChannelCode][] = [
  [/微信/, 'wechat'],
  [/支付宝/, 'alipay'],
  [/云闪付|银联/, 'unionpay'],
  [/亲情/, 'family_account'],
  [/POS|刷卡/i, 'pos'],
  [/现金/, 'cash'],
  [/学校/, 'agent_school'],
  [/乡镇|街道/, 'agent_township'],
  [/村|社区|代征|代收/, 'agent_village'],
  [/自助/, 'self_service'],
  [/窗口|办税服务厅|大厅/, 'tax_window'],
  [/银行|柜面|批量扣款|扣款/, 'bank'],
];
const CHANNEL_BY_NAME = new Map<string, ChannelCode>(
  Object.entries(CHANNEL_NAMES).map(([code, name]) => [name, code as ChannelCode]),
);

// A file has a handful of channel wordings, each on many rows: each is matched once (a file of
// 450,000 rows spent 80 ms in the patterns). Bounded, should a file give every row its own wording.
const CHANNEL_SEEN = new Map<string, ChannelCode>();

export function mapChannel(text: string): ChannelCode {
  const seen = CHANNEL_SEEN.get(text);
  if (seen) return seen;
  const code = matchChannel(text);
  if (CHANNEL_SEEN.size < 1000) CHANNEL_SEEN.set(text, code);
  return code;
}

function matchChannel(text: string): ChannelCode {
  const t = text.trim();
  if (t === '') return 'online_tax';
  const exact = CHANNEL_BY_NAME.get(t) ?? (t in CHANNEL_NAMES ? (t as ChannelCode) : undefined);
  if (exact) return exact;
  for (const [re, code] of CHANNEL_WORDS) if (re.test(t)) return code;
  return 'online_tax';
}

/**
 * Check one row for reconciliation of `year`; the row is staged only when it has no error.
 * `countyByName`: the county names that name one county only, with its code (countyNames()).
 */
export function validateTaxRow(
  rowNumber: number,
  values: readonly string[],
  columns: TaxColumns,
  year: number,
  today: string,
  countyByName: ReadonlyMap<string, string> = new Map(),
): { row?: StagedTaxRow; issues: RowIssue[] } {
  const issues: RowIssue[] = [];
  const cell = (f: TaxField): string => {
    const i = columns.index[f];
    return i === undefined ? '' : (values[i] ?? '').trim();
  };
  const error = (f: TaxField, value: string, code: string, reason: string): void => {
    issues.push({
      rowNumber,
      column: columns.header[f] ?? TAX_FIELD_LABELS[f],
      value,
      reason,
      severity: 'error',
      code,
    });
  };

  const receiptNo = cell('receiptNo');
  if (receiptNo === '') error('receiptNo', '', 'missing_receipt', '税票号为空，无法确认是哪一笔缴费');
  else if (receiptNo.length > 60) error('receiptNo', receiptNo, 'bad_receipt', '税票号过长（超过60个字符）');
  const docRaw = cell('docNo');
  const id = parseIdDocument(docRaw, undefined, today);
  if (!id.ok) error('docNo', docRaw, `id_${id.code}`, id.reason);
  const name = cell('name').replace(/\s+/g, '');
  if (name === '') error('name', '', 'missing_name', '姓名为空');
  const yearText = cell('year');
  const rowYear = parseInsuranceYear(yearText);
  if (rowYear === undefined)
    error('year', yearText, 'bad_year', '险种年度无法识别，应如 2025 或 2025-01-01至2025-12-31');
  else if (rowYear !== year)
    error('year', yearText, 'other_year', `不是本次对账的 ${year} 年度，请按年度分别对账`);
  const amountText = cell('amount');
  const amountFen = parseYuan(amountText);
  if (amountFen === undefined || amountFen <= 0)
    error('amount', amountText, 'bad_amount', '缴费金额应为正数，单位元，最多两位小数');
  const paidText = cell('paidOn');
  const paidOn = parseDate(paidText);
  if (paidOn === undefined) error('paidOn', paidText, 'bad_date', '缴费日期无效，请填写如 2024-10-08');
  else if (paidOn > today) error('paidOn', paidText, 'future_date', '缴费日期晚于今天');
  const regionText = cell('region');
  const countyCode = /^\d{6}(\d{3}(\d{3})?)?$/.test(regionText)
    ? regionText.slice(0, 6)
    : (countyByName.get(regionText) ?? null);

  if (issues.length > 0 || !id.ok || rowYear === undefined || amountFen === undefined || paidOn === undefined)
    return { issues };
  // Not an error: the row is reconciled where its person lives.
  if (countyCode === null && regionText !== '')
    issues.push({
      rowNumber,
      column: columns.header.region ?? TAX_FIELD_LABELS.region,
      value: regionText,
      reason: '无法识别的行政区划（应为6位区划代码或区县名称），按参保人所在地对账',
      severity: 'warning',
      code: 'unknown_region',
    });
  const channelText = cell('channel');
  return {
    row: {
      rowNumber,
      receiptNo,
      docNo: id.doc.docNo,
      name,
      year: rowYear,
      amountFen,
      paidOn,
      channelText: channelText || null,
      channel: mapChannel(channelText),
      regionText: regionText || null,
      countyCode,
    },
    issues,
  };
}
