import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { type ColumnSpec, detectEncoding, readCsvRecords } from './regions-csv.js';

const columns: ColumnSpec[] = [
  { key: 'code', names: ['统计用区划代码', '区划代码'], required: true },
  { key: 'name', names: ['名称'], required: true },
  { key: 'kind', names: ['城乡分类代码'], required: false },
];

async function all(source: string | { text: string }) {
  const out = [];
  for await (const r of readCsvRecords(source, columns)) out.push(r);
  return out;
}

describe('readCsvRecords', () => {
  it('reads a GB18030 file with a title row and reordered columns, keeping file line numbers', async () => {
    const text =
      '2023年统计用区划代码\r\n名称,统计用区划代码\r\n双桥区,130802000000\r\n\r\n西大街街道,130802001000\r\n';
    const bytes = iconv.encode(text, 'gb18030');
    expect(detectEncoding(bytes)).toBe('gb18030');
    const dir = await mkdtemp(join(tmpdir(), 'canbao-csv-'));
    const file = join(dir, 'gbk.csv');
    await writeFile(file, bytes);
    expect(await all(file)).toEqual([
      { line: 3, values: { code: '130802000000', name: '双桥区' } },
      { line: 5, values: { code: '130802001000', name: '西大街街道' } },
    ]);
  });

  it('reads UTF-8 with a BOM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'canbao-csv-'));
    const file = join(dir, 'utf8.csv');
    await writeFile(file, '\uFEFF区划代码,名称,城乡分类代码\n130802001001,碧园社区,111\n');
    expect(await all(file)).toEqual([
      { line: 2, values: { code: '130802001001', name: '碧园社区', kind: '111' } },
    ]);
  });

  it('says which columns it needs when no header is found', async () => {
    await expect(all({ text: '代码表\n一,二\n' })).rejects.toThrow(/统计用区划代码\/区划代码、名称/);
  });
});
