// The run's outputs for the office: one detail list per difference class and the refund list,
// as CSV and/or XLSX, streamed page by page. ID numbers are masked unless fullId is asked.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DatabaseHandle } from '../db/connection.js';
import { writeCsv, writeXlsx } from '../files/table-writer.js';
import { maskId } from '../registry/id-document.js';
import { CLASS_NAMES, CLASSES, type DifferenceClass } from './reconcile.repository.js';
import { type DifferenceRow, differencePages, runTotals } from './runs.repository.js';

export const yuan = (fen: number | null): string => (fen === null ? '' : (fen / 100).toFixed(2));

export const RUN_STATUS_NAMES: Record<DifferenceRow['runStatus'], string> = {
  new: '本次新发现',
  carried: '上次遗留',
  resolved: '已处理',
  settled: '本次已消除',
};

export const DETAIL_HEADERS = [
  '差异编号',
  '类别',
  '本次状态',
  '证件号码',
  '姓名',
  '乡镇（街道）',
  '村（社区）',
  '税票号',
  '缴费日期',
  '缴费渠道',
  '核定应缴（元）',
  '税务实缴（元）',
  '本地记录（元）',
  '差额（元）',
  '处理说明',
] as const;

function detailCells(d: DifferenceRow, fullId: boolean): string[] {
  return [
    String(d.id),
    CLASS_NAMES[d.class],
    RUN_STATUS_NAMES[d.runStatus],
    fullId ? d.docNo : maskId(d.docNo),
    d.name,
    d.townshipName ?? '',
    d.villageName ?? '',
    d.receiptNo ?? '',
    d.paidOn ?? '',
    d.channel ?? '',
    yuan(d.payableFen),
    yuan(d.taxFen),
    yuan(d.localFen),
    yuan(d.amountFen),
    d.resolvedReason ?? '',
  ];
}

export const REFUND_HEADERS = [
  '差异编号',
  '证件号码',
  '姓名',
  '乡镇（街道）',
  '村（社区）',
  '税票号',
  '缴费日期',
  '退费原因',
  '退费金额（元）',
] as const;

async function* rows(
  handle: DatabaseHandle,
  runId: number,
  classes: readonly DifferenceClass[],
  cells: (d: DifferenceRow) => string[],
  statuses?: readonly string[],
): AsyncGenerator<string[]> {
  for (const c of classes)
    for await (const page of differencePages(handle, runId, { class: c, ...(statuses ? { statuses } : {}) }))
      for (const d of page) yield cells(d);
}

export interface ReportOptions {
  formats?: readonly ('csv' | 'xlsx')[];
  fullId?: boolean;
}

/** Writes 对账差异_<类别>.{csv,xlsx} for every class with differences and 退费清单.{csv,xlsx}; returns the paths. */
export async function writeReconcileReports(
  handle: DatabaseHandle,
  runId: number,
  dir: string,
  options: ReportOptions = {},
): Promise<string[]> {
  const formats = options.formats ?? ['csv', 'xlsx'];
  const fullId = options.fullId === true;
  await mkdir(dir, { recursive: true });
  const totals = await runTotals(handle, runId);
  const present = new Set(totals.map((t) => t.class));
  const written: string[] = [];
  const write = async (
    base: string,
    sheet: string,
    headers: readonly string[],
    make: () => AsyncGenerator<string[]>,
  ): Promise<void> => {
    for (const f of formats) {
      const path = join(dir, `${base}.${f}`);
      if (f === 'csv') await writeCsv(path, headers, make());
      else await writeXlsx(path, sheet, headers, make());
      written.push(path);
    }
  };
  for (const c of CLASSES) {
    if (c === 'matched' || !present.has(c)) continue;
    await write(
      `对账差异_${runId}_${CLASS_NAMES[c].replace(/（.*）/, '')}`,
      CLASS_NAMES[c].slice(0, 28),
      DETAIL_HEADERS,
      () => rows(handle, runId, [c], (d) => detailCells(d, fullId)),
    );
  }
  await write(`退费清单_${runId}`, '退费清单', REFUND_HEADERS, () =>
    rows(
      handle,
      runId,
      ['duplicate', 'amount_over'],
      (d) => [
        String(d.id),
        fullId ? d.docNo : maskId(d.docNo),
        d.name,
        d.townshipName ?? '',
        d.villageName ?? '',
        d.receiptNo ?? '',
        d.paidOn ?? '',
        d.class === 'duplicate' ? '重复缴费' : '多缴',
        yuan(d.amountFen),
      ],
      ['new', 'carried'],
    ),
  );
  return written;
}
