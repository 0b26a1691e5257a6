// Writing report tables to XLSX (several sheets, streamed) and formatting numbers for the terminal.
import { exportCell } from '../files/escape.js';
import { loadExcelJS } from '../files/exceljs.js';
import type { Rows } from '../files/table-writer.js';

export interface SheetSpec {
  name: string;
  headers: readonly string[];
  rows: Rows;
}

/** One workbook, one sheet per table; rows are written as they come (async iterables stream). */
export async function writeWorkbook(path: string, sheets: readonly SheetSpec[]): Promise<void> {
  const ExcelJS = await loadExcelJS();
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: path,
    useStyles: true,
    useSharedStrings: false,
  });
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name, { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = s.headers.map((h, i) => ({
      header: h,
      key: String(i),
      width: Math.max(10, h.length * 2 + 4),
    }));
    ws.getRow(1).font = { bold: true };
    ws.getRow(1).commit();
    for await (const r of s.rows) ws.addRow(r.map(exportCell)).commit();
    ws.commit();
  }
  await wb.commit();
}

export const pct = (p: number | null): string => (p === null ? '—' : `${p.toFixed(2)}%`);
export const yuan = (fen: number): string => (fen / 100).toFixed(2);
export const n = (v: number): string => v.toLocaleString('en-US');
