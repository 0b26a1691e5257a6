import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadExcelJS } from '../../files/exceljs.js';
import { openCsvSink, openXlsxSink } from './sinks.js';

const ExcelJS = await loadExcelJS();

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'canbao-sinks-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('continues a long list on a second sheet, each with title and header', async () => {
  const path = join(dir, 'long.xlsx');
  const sink = await openXlsxSink(path, '花名册', '标题', ['序号', '姓名'], [8, 10], 3);
  for (let i = 1; i <= 7; i++) await sink.write([String(i), `张${i}`]);
  await sink.close();
  expect(sink.rows).toBe(7);
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(path);
  expect(book.worksheets.map((s) => s.name)).toEqual(['花名册', '花名册2', '花名册3']);
  // Row 1 is the merged title (a merged range reads back as the title in each of its cells).
  const values = book.worksheets.map((s) =>
    s
      .getSheetValues()
      .slice(1)
      .map((r, i) => (r as unknown[]).slice(1, i === 0 ? 2 : undefined)),
  );
  expect(values[0]).toEqual([['标题'], ['序号', '姓名'], ['1', '张1'], ['2', '张2'], ['3', '张3']]);
  expect(values[2]).toEqual([['标题'], ['序号', '姓名'], ['7', '张7']]);
});

it('quotes CSV cells that need it and neutralises formulas', async () => {
  const path = join(dir, 'q.csv');
  const sink = await openCsvSink(path, ['a', 'b'], 'gbk');
  await sink.write(['=1+1', '逗号,和"引号"']);
  await sink.close();
  const text = iconv.decode(await readFile(path), 'gb18030');
  expect(text).toBe('a,b\r\n\'=1+1,"逗号,和""引号"""\r\n');
});
