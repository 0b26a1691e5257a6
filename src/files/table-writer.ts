// Streaming writers for reports: rows are written as they come, with back-pressure, so a report
// of a million rows never sits in memory. Every text cell goes through escapeCell; a number
// (a JavaScript number, not a string) is written as a number.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { stringify } from 'csv-stringify';
import { exportCell } from './escape.js';
import { loadExcelJS } from './exceljs.js';

export type Cell = string | number;
export type Rows = Iterable<readonly Cell[]> | AsyncIterable<readonly Cell[]>;

/** UTF-8 CSV with a BOM (so Excel and WPS detect the encoding and show Chinese correctly). */
export async function writeCsv(path: string, headers: readonly string[], rows: Rows): Promise<number> {
  const out = createWriteStream(path);
  // A lone CR inside a cell is quoted too (csv-stringify quotes only the record delimiter CRLF):
  // readers, ours included, take a bare CR for a line break and would split the row.
  const csv = stringify({ bom: true, record_delimiter: 'windows', quoted_match: /[\r\n]/ });
  csv.pipe(out);
  const write = async (record: readonly Cell[]): Promise<void> => {
    if (!csv.write(record.map(exportCell))) await once(csv, 'drain');
  };
  let n = 0;
  await write(headers);
  for await (const r of rows) {
    await write(r);
    n++;
  }
  csv.end();
  await once(out, 'finish');
  return n;
}

/** One-sheet XLSX; the cells are strings, so long ID numbers keep every digit. */
export async function writeXlsx(
  path: string,
  sheetName: string,
  headers: readonly string[],
  rows: Rows,
  columnWidths?: readonly number[],
): Promise<number> {
  const ExcelJS = await loadExcelJS();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: path,
    useStyles: true,
    useSharedStrings: false,
  });
  const sheet = workbook.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = headers.map((h, i) => ({
    header: h,
    key: String(i),
    width: columnWidths?.[i] ?? Math.max(10, h.length * 2 + 2),
  }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  let n = 0;
  for await (const r of rows) {
    sheet.addRow(r.map(exportCell)).commit();
    n++;
  }
  sheet.commit();
  await workbook.commit();
  return n;
}
