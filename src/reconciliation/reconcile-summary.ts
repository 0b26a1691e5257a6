// The run's summary as text for the terminal and as rows for the summary file: counts and amounts
// per class, then per township.
import { formatYuan } from '../policy/money.js';
import { OutcomeError } from '../policy/outcome.js';
import { CLASS_NAMES, CLASSES, type DifferenceClass, type ReconClass } from './reconcile.repository.js';
import type { RunRecord, TotalRow } from './runs.repository.js';

export interface ClassTotal {
  class: ReconClass;
  name: string;
  count: number;
  taxFen: number;
  amountFen: number;
}

export function byClass(totals: readonly TotalRow[]): ClassTotal[] {
  return CLASSES.map((c) => {
    const rows = totals.filter((t) => t.class === c);
    return {
      class: c,
      name: CLASS_NAMES[c],
      count: rows.reduce((s, t) => s + t.count, 0),
      taxFen: rows.reduce((s, t) => s + t.taxFen, 0),
      amountFen: rows.reduce((s, t) => s + t.amountFen, 0),
    };
  });
}

export interface TownshipTotal {
  townshipCode: string;
  townshipName: string;
  matched: number;
  differences: number;
  refundDueFen: number;
  owedFen: number;
  counts: Partial<Record<ReconClass, number>>;
}

export function byTownship(totals: readonly TotalRow[]): TownshipTotal[] {
  const map = new Map<string, TownshipTotal>();
  for (const t of totals) {
    let row = map.get(t.townshipCode);
    if (!row) {
      row = {
        townshipCode: t.townshipCode,
        townshipName: t.townshipName,
        matched: 0,
        differences: 0,
        refundDueFen: 0,
        owedFen: 0,
        counts: {},
      };
      map.set(t.townshipCode, row);
    }
    row.counts[t.class] = (row.counts[t.class] ?? 0) + t.count;
    if (t.class === 'matched') row.matched += t.count;
    else row.differences += t.count;
    if (t.class === 'amount_over' || t.class === 'duplicate') row.refundDueFen += t.amountFen;
    if (t.class === 'amount_under' || t.class === 'unpaid') row.owedFen += t.amountFen;
  }
  return [...map.values()].sort((a, b) => a.townshipCode.localeCompare(b.townshipCode));
}

export function runHeadline(run: RunRecord): string {
  return (
    `对账批次 ${run.id}：${run.region} ${run.year} 年度，文件 ${run.fileName}，截至 ${run.asOf}，` +
    `读取 ${run.rowsRead} 行（新税票 ${run.newRows}，此前已导入 ${run.knownRows}，未导入 ${run.rejected}）；` +
    `一致 ${run.matched} 笔；差异 新发现 ${run.differencesNew}、遗留 ${run.differencesCarried}、本次消除 ${run.differencesSettled}；` +
    `税务实缴合计 ${formatYuan(run.taxFen)}，应退 ${formatYuan(run.refundDueFen)}，应补 ${formatYuan(run.owedFen)}`
  );
}

export const SUMMARY_HEADERS = [
  '乡镇（街道）代码',
  '乡镇（街道）',
  '类别',
  '笔数',
  '税务实缴（元）',
  '差额（元）',
];

export function summaryRows(totals: readonly TotalRow[]): string[][] {
  return totals.map((t) => [
    t.townshipCode,
    t.townshipName,
    CLASS_NAMES[t.class],
    String(t.count),
    (t.taxFen / 100).toFixed(2),
    (t.amountFen / 100).toFixed(2),
  ]);
}

/** A class code or its Chinese name (or the start of it) → the difference class. */
export function parseClass(text: string | undefined): DifferenceClass | undefined {
  if (text === undefined) return undefined;
  const c = CLASSES.find((k) => k === text || CLASS_NAMES[k] === text || CLASS_NAMES[k].startsWith(text));
  if (!c || c === 'matched')
    throw new OutcomeError([
      {
        severity: 'error',
        code: 'bad_class',
        expression: '--class',
        message: `未知的差异类别“${text}”，可选：${CLASSES.filter((k) => k !== 'matched')
          .map((k) => `${k}（${CLASS_NAMES[k]}）`)
          .join('、')}`,
      },
    ]);
  return c;
}
