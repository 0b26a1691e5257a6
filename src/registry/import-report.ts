// The report of an import's rejected rows and warnings, as CSV and XLSX for the office that
// sent the file: 行号, 列, 值, 原因, 级别 — one line per problem, in row order.
import { mkdir } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { Kysely } from 'kysely';
import { writeCsv, writeXlsx } from '../files/table-writer.js';
import { rejectionPages } from './import.repository.js';

export const REPORT_HEADERS = ['行号', '列', '值', '原因', '级别'] as const;

async function* reportRows(
  // biome-ignore lint/suspicious/noExplicitAny: registry tables are not in the shared schema type
  db: Kysely<any>,
  runId: number,
): AsyncGenerator<string[]> {
  for await (const page of rejectionPages(db, runId)) {
    for (const r of page)
      yield [
        String(r.row_number),
        r.column_name,
        r.value,
        r.reason,
        r.severity === 'error' ? '未导入' : '警告',
      ];
  }
}

export async function writeImportReports(
  // biome-ignore lint/suspicious/noExplicitAny: registry tables are not in the shared schema type
  db: Kysely<any>,
  runId: number,
  sourceFile: string,
  reportDir?: string,
): Promise<string[]> {
  const dir = reportDir ?? dirname(sourceFile);
  await mkdir(dir, { recursive: true });
  const base = join(dir, `${basename(sourceFile, extname(sourceFile))}_导入问题_${runId}`);
  const csv = `${base}.csv`;
  const xlsx = `${base}.xlsx`;
  await writeCsv(csv, REPORT_HEADERS, reportRows(db, runId));
  await writeXlsx(xlsx, '导入问题', REPORT_HEADERS, reportRows(db, runId), [8, 16, 24, 60, 8]);
  return [csv, xlsx];
}
