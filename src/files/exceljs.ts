// The one way into exceljs: its UTF-8 fix must be in place before exceljs loads (exceljs-utf8.ts).
// Loaded on first use: exceljs is ~27 MiB of a CLI process that, for most commands (a CSV import
// above all), never touches a workbook.
import type ExcelJSModule from 'exceljs';

export type ExcelJS = typeof ExcelJSModule;

let loading: Promise<ExcelJS> | undefined;

export function loadExcelJS(): Promise<ExcelJS> {
  loading ??= import('./exceljs-utf8.js').then(() => import('exceljs')).then((m) => m.default);
  return loading;
}
