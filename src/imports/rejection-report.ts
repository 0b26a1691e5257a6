// The rejected-row report of an import or reconciliation job, one CSV for every kind: 行号, 列,
// 字段 (what the cell held), 问题. Written once when the job ends, from what the service already
// stored (import_rejections) or returned (its rejections), so the download needs no database work.
import { join } from 'node:path';
import type { DbSession } from '../db/connection.js';
import { writeCsv } from '../files/table-writer.js';
import type { OutcomeIssue } from '../policy/outcome.js';
import { rejectionPages } from '../registry/import.repository.js';
import type { RowIssue } from '../registry/import-row.js';

export const REJECTION_REPORT_HEADERS = ['行号', '列', '字段', '问题'] as const;
export const REJECTION_REPORT_FILE = '问题报告.csv';

type ReportRow = readonly [row: string, column: string, value: string, problem: string];

const problem = (reason: string, severity: 'error' | 'warning') =>
  severity === 'warning' ? `（警告，已导入）${reason}` : reason;

export function* fromRowIssues(issues: readonly RowIssue[]): Generator<ReportRow> {
  for (const i of issues) yield [String(i.rowNumber), i.column, i.value, problem(i.reason, i.severity)];
}

/** The problems an import run stored in import_rejections (roster, tax file), in row order. */
export async function* fromImportRun(db: DbSession['db'], runId: number): AsyncGenerator<ReportRow> {
  for await (const page of rejectionPages(db, runId))
    for (const r of page) yield [String(r.row_number), r.column_name, r.value, problem(r.reason, r.severity)];
}

/** Region and population imports say where as "file 第 N 行 列". */
export function* fromOutcomeIssues(issues: readonly OutcomeIssue[]): Generator<ReportRow> {
  for (const i of issues) {
    const m = /第 (\d+) 行\s*(.*)$/.exec(i.expression);
    yield [m?.[1] ?? '', m?.[2] ?? i.expression, '', problem(i.message, i.severity)];
  }
}

/** Write the report into the job's directory; returns the number of problems listed. */
export function writeRejectionReport(
  dir: string,
  rows: Iterable<ReportRow> | AsyncIterable<ReportRow>,
): Promise<number> {
  return writeCsv(join(dir, REJECTION_REPORT_FILE), REJECTION_REPORT_HEADERS, rows);
}
