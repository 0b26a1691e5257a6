import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutcomeError } from '../policy/outcome.js';
import { detectEncoding } from './encoding.js';
import { escapeCell } from './escape.js';
import { loadExcelJS } from './exceljs.js';
import { detectHeader, normalizeHeader } from './header.js';
import { readTable, type Table } from './table-reader.js';
import { writeCsv, writeXlsx } from './table-writer.js';

const ExcelJS = await loadExcelJS();

const KNOWN = ['姓名', '身份证号码', '户号', '与户主关系', '性别', '出生日期', '联系电话', '村(社区)'];
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'canbao-files-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function all(table: Table): Promise<{ rowNumber: number; cells: Record<string, string> }[]> {
  const out = [];
  for await (const r of table) out.push({ rowNumber: r.rowNumber, cells: r.cells });
  return out;
}

describe('encoding and header detection', () => {
  it('tells UTF-8 from GBK', () => {
    expect(detectEncoding(Buffer.from('姓名,身份证号码\n张三,1', 'utf8'))).toBe('utf-8');
    expect(detectEncoding(iconv.encode('姓名,身份证号码\n张三,1', 'gbk'))).toBe('gb18030');
    // A prefix cut in the middle of a UTF-8 character is still UTF-8.
    expect(detectEncoding(Buffer.from('姓名', 'utf8').subarray(0, 4))).toBe('utf-8');
  });

  it('normalises header text', () => {
    expect(normalizeHeader(' 身份证\n号码 ')).toBe('身份证号码');
    expect(normalizeHeader('*村（社区）')).toBe('村(社区)');
  });

  it('skips title rows and combines two-level headers', () => {
    const known = new Set(KNOWN);
    const title = ['XX村2025年参保人员花名册', '', ''];
    expect(detectHeader([title, ['姓名', '身份证号码', '备注'], ['张三', '1', '']], known)).toEqual({
      lastHeaderIndex: 1,
      headers: ['姓名', '身份证号码', '备注'],
    });
    // 序号 and 户号 merged vertically; 基本信息 merged over 姓名 and 身份证号码.
    const upper = ['序号', '户号', '基本信息', '', '联系方式'];
    const lower = ['', '', '姓名', '身份证号码', '联系电话'];
    expect(detectHeader([title, upper, lower, ['1', 'H1', '张三', 'x', '1']], known)).toEqual({
      lastHeaderIndex: 2,
      headers: ['序号', '户号', '姓名', '身份证号码', '联系电话'],
    });
    // Two groups with the same column names are told apart by their group label.
    const u2 = ['户主信息', '', '成员信息', ''];
    const l2 = ['姓名', '身份证号码', '姓名', '身份证号码'];
    expect(detectHeader([u2, l2], known)?.headers).toEqual([
      '户主信息姓名',
      '户主信息身份证号码',
      '成员信息姓名',
      '成员信息身份证号码',
    ]);
    expect(detectHeader([title, ['a', 'b']], known)).toBeUndefined();
  });
});

describe('readTable', () => {
  it('streams a GBK CSV with a title row', async () => {
    const path = join(dir, 'gbk.csv');
    const lines = [
      '某某村2025年参保人员花名册,,',
      '姓名,身份证号码,村（社区）',
      '张三,130802199001011234,东关村',
      ',,',
      '李四,"13080219900101223X",西关村',
    ];
    await writeFile(path, iconv.encode(`${lines.join('\r\n')}\r\n`, 'gbk'));
    const t = await readTable(path, { knownHeaders: KNOWN });
    expect(t.encoding).toBe('gb18030');
    expect(t.headers).toEqual(['姓名', '身份证号码', '村(社区)']);
    expect(t.headerRowNumber).toBe(2);
    expect(await all(t)).toEqual([
      { rowNumber: 3, cells: { 姓名: '张三', 身份证号码: '130802199001011234', '村(社区)': '东关村' } },
      { rowNumber: 5, cells: { 姓名: '李四', 身份证号码: '13080219900101223X', '村(社区)': '西关村' } },
    ]);
  });

  it('reads UTF-8 with BOM, tab-separated, and batches', async () => {
    const path = join(dir, 'utf8.csv');
    const body = ['姓名\t身份证号码', ...Array.from({ length: 25 }, (_, i) => `人${i}\t${i}`)].join('\n');
    await writeFile(path, `\uFEFF${body}\n`, 'utf8');
    const t = await readTable(path, { knownHeaders: KNOWN });
    expect(t.encoding).toBe('utf-8');
    expect(t.headers).toEqual(['姓名', '身份证号码']);
    const sizes: number[] = [];
    let last = 0;
    for await (const b of t.batches(10)) {
      sizes.push(b.length);
      last = b.at(-1)!.rowNumber;
    }
    expect(sizes).toEqual([10, 10, 5]);
    expect(last).toBe(26);
  });

  it('reads an XLSX with a title row, merged two-level header, dates and numbers', async () => {
    const path = join(dir, 'roster.xlsx');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('花名册');
    ws.addRow(['某某村2025年参保人员花名册']);
    ws.mergeCells('A1:E1');
    ws.addRow(['序号', '基本信息', '', '出生日期', '联系电话']);
    ws.mergeCells('B2:C2');
    ws.mergeCells('A2:A3');
    ws.mergeCells('D2:D3');
    ws.mergeCells('E2:E3');
    // Merging A2:A3 creates row 3, so fill it in place rather than appending.
    ws.getRow(3).getCell(2).value = '姓名';
    ws.getRow(3).getCell(3).value = '身份证号码';
    ws.addRow([
      1,
      { richText: [{ text: '张' }, { text: '三' }] },
      '130802199001011234',
      new Date(Date.UTC(1990, 0, 1)),
      13800138000,
    ]);
    ws.addRow([2, '李四', 130802199001011230, new Date(Date.UTC(1985, 5, 30)), null]);
    await wb.xlsx.writeFile(path);

    const t = await readTable(path, { knownHeaders: KNOWN });
    expect(t.format).toBe('xlsx');
    expect(t.headers).toEqual(['序号', '姓名', '身份证号码', '出生日期', '联系电话']);
    expect(t.headerRowNumber).toBe(3);
    const rows = await all(t);
    expect(rows).toEqual([
      {
        rowNumber: 4,
        cells: {
          序号: '1',
          姓名: '张三',
          身份证号码: '130802199001011234',
          出生日期: '1990-01-01',
          联系电话: '13800138000',
        },
      },
      // An ID stored as a number lost digits; it shows as Excel shows it.
      {
        rowNumber: 5,
        cells: { 序号: '2', 姓名: '李四', 身份证号码: '1.30802E+17', 出生日期: '1985-06-30', 联系电话: '' },
      },
    ]);
  });

  it('says in Chinese when no header is found or the format is unsupported', async () => {
    const path = join(dir, 'noheader.csv');
    await writeFile(path, 'a,b\n1,2\n');
    await expect(readTable(path, { knownHeaders: KNOWN })).rejects.toThrow(/没有找到表头/);
    await expect(readTable(join(dir, 'old.xls'))).rejects.toBeInstanceOf(OutcomeError);
  });
});

describe('writers', () => {
  it('escapes formula-looking cells', () => {
    expect(escapeCell('=HYPERLINK("http://x")')).toBe('\'=HYPERLINK("http://x")');
    expect(escapeCell('+86')).toBe("'+86");
    expect(escapeCell('-1')).toBe('-1');
    expect(escapeCell('-1+cmd')).toBe("'-1+cmd");
    expect(escapeCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(escapeCell('\t=1')).toBe("'\t=1");
    expect(escapeCell('\r=1')).toBe("'\r=1");
    expect(escapeCell('张三')).toBe('张三');
    expect(escapeCell('')).toBe('');
  });

  it('writes CSV (BOM, escaped) and reads it back', async () => {
    const path = join(dir, 'out.csv');
    async function* rows() {
      yield ['3', '身份证号码', '=1+1', '校验码错误'];
      yield ['4', '姓名', '', '姓名为空'];
    }
    expect(await writeCsv(path, ['行号', '列', '值', '原因'], rows())).toBe(2);
    const bytes = await readFile(path);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const t = await readTable(path, { knownHeaders: ['行号', '列', '值', '原因'] });
    const back = await all(t);
    expect(back[0]?.cells).toEqual({ 行号: '3', 列: '身份证号码', 值: "'=1+1", 原因: '校验码错误' });
    expect(back).toHaveLength(2);
  });

  it('writes XLSX with text cells and reads it back', async () => {
    const path = join(dir, 'out.xlsx');
    const n = await writeXlsx(
      path,
      '未导入',
      ['行号', '值'],
      [
        ['3', '130802199001011234'],
        ['4', '@cmd'],
      ],
    );
    expect(n).toBe(2);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    const ws = wb.worksheets[0]!;
    expect(ws.getCell('B2').value).toBe('130802199001011234');
    expect(ws.getCell('B3').value).toBe("'@cmd");
    expect(ws.getCell('B3').formula).toBeUndefined();
  });
});

describe('XLSX with many Chinese cells', () => {
  it('keeps every character when the zip stream splits one between chunks', async () => {
    const path = join(dir, 'many-chinese.xlsx');
    const names = Array.from(
      { length: 20_000 },
      (_, i) => `张${'伟芳娜秀英敏静丽强磊'[i % 10]}${'军洋勇艳杰娟涛明超霞'[(i * 7) % 10]}${i}`,
    );
    await writeXlsx(
      path,
      '花名册',
      ['姓名', '村(社区)'],
      names.map((n) => [n, '龙须塘街道办事处社区居民委员会']),
    );
    const table = await readTable(path, { knownHeaders: KNOWN });
    const read = (await all(table)).map((r) => r.cells.姓名);
    expect(read.filter((n, i) => n !== names[i])).toEqual([]);
  });
});
