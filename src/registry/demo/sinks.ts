// Streaming table sinks for the demo files: rows go out as they are generated, with back-pressure,
// so writing five million people keeps memory flat. CSV comes in UTF-8 (with BOM, as Excel and
// WPS expect) or GB18030 (what older Excel's "CSV (逗号分隔)" produces); XLSX has an office-style
// title row above the header, which is what county offices actually send.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Worksheet } from 'exceljs';
import iconv from 'iconv-lite';
import { escapeCell } from '../../files/escape.js';
import { loadExcelJS } from '../../files/exceljs.js';

export type DemoEncoding = 'utf-8' | 'gbk';

export interface TableSink {
  readonly path: string;
  rows: number;
  write(cells: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

function csvLine(cells: readonly string[]): string {
  return `${cells
    .map((raw) => {
      const c = escapeCell(raw);
      return /[",\r\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c;
    })
    .join(',')}\r\n`;
}

export async function openCsvSink(
  path: string,
  headers: readonly string[],
  encoding: DemoEncoding,
): Promise<TableSink> {
  const out = createWriteStream(path);
  const encode = (text: string): Buffer =>
    encoding === 'gbk' ? iconv.encode(text, 'gb18030') : Buffer.from(text, 'utf8');
  // Lines are gathered into ~64 KB chunks: one write per line would cost more than the data.
  let pending = encoding === 'utf-8' ? '\ufeff' : '';
  const flush = async (): Promise<void> => {
    if (pending === '') return;
    const ok = out.write(encode(pending));
    pending = '';
    if (!ok) await once(out, 'drain');
  };
  const sink: TableSink = {
    path,
    rows: 0,
    async write(cells) {
      pending += csvLine(cells);
      sink.rows++;
      if (pending.length > 32_768) await flush();
    },
    async close() {
      await flush();
      out.end();
      await once(out, 'finish');
    },
  };
  pending += csvLine(headers);
  return sink;
}

/** Excel's limit is 1,048,576 rows a sheet; a longer list continues on a second sheet. */
const ROWS_PER_SHEET = 1_000_000;

export async function openXlsxSink(
  path: string,
  sheetName: string,
  title: string,
  headers: readonly string[],
  widths: readonly number[],
  rowsPerSheet: number = ROWS_PER_SHEET,
): Promise<TableSink> {
  const ExcelJS = await loadExcelJS();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: path,
    useStyles: true,
    useSharedStrings: false,
  });
  let sheet: Worksheet;
  let sheetRows = 0;
  let sheets = 0;
  const newSheet = (): void => {
    sheets++;
    sheet = workbook.addWorksheet(sheets === 1 ? sheetName : `${sheetName}${sheets}`, {
      views: [{ state: 'frozen', ySplit: 2 }],
    });
    sheet.columns = headers.map((_, i) => ({ key: String(i), width: widths[i] ?? 12 }));
    const titleRow = sheet.addRow([title]);
    titleRow.font = { bold: true, size: 16 };
    titleRow.alignment = { horizontal: 'center' };
    titleRow.height = 28;
    sheet.mergeCells(1, 1, 1, headers.length);
    titleRow.commit();
    const headerRow = sheet.addRow([...headers]);
    headerRow.font = { bold: true };
    headerRow.commit();
    sheetRows = 0;
  };
  newSheet();
  const sink: TableSink = {
    path,
    rows: 0,
    async write(cells) {
      if (sheetRows === rowsPerSheet) {
        sheet.commit();
        newSheet();
      }
      // Cells are strings: an 18-digit ID stored as a number would lose its last digits.
      sheet.addRow(cells.map(escapeCell)).commit();
      sheetRows++;
      sink.rows++;
      // Let the zip stream drain now and then; exceljs offers no other back-pressure.
      if (sink.rows % 2000 === 0) await new Promise((resolve) => setImmediate(resolve));
    },
    async close() {
      sheet.commit();
      await workbook.commit();
    },
  };
  return sink;
}
