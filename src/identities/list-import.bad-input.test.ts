// A department list with bad rows and a bad file: a misaligned row (text beyond the header) is
// rejected by row and column while good rows apply; a file refused part-way stores nothing.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { OutcomeError } from '../policy/outcome.js';
import { checkDigit } from '../registry/id-document.js';
import { describeEachDatabase } from '../test-support/db.js';
import { importDepartmentList } from './list-import.service.js';

const id = (n: number) => {
  const first17 = `43050219800101${String(n).padStart(3, '0')}`;
  return first17 + checkDigit(first17);
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'canbao-lists-bad-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describeEachDatabase('department list import with bad input', (getDb) => {
  beforeAll(async () => {
    await sql`INSERT INTO persons (county_code, doc_type, doc_no, name, residence_village)
      VALUES ${sql.join([1, 2, 3].map((n) => sql`('430502', 'resident_id', ${id(n)}, ${`居民${n}`}, '430502001001')`))}`.execute(
      getDb().db,
    );
  });

  const identities = async () =>
    (await sql<{ n: number }>`SELECT count(*)::int AS n FROM person_identities`.execute(getDb().db)).rows[0]!
      .n;

  it('rejects a row with text beyond the header, and one with an impossible date', async () => {
    const file = join(dir, 'lists.csv');
    await writeFile(
      file,
      [
        '姓名,公民身份号码,人员类别,认定日期',
        `居民1,${id(1)},低保对象,2024-03-01`,
        `居民2,${id(2)},低保对象,2024-03-01,多出来的`,
        `居民3,${id(3)},低保对象,2024-02-30`,
      ].join('\r\n'),
    );
    const r = await importDepartmentList(getDb(), {
      file,
      department: 'civil_affairs',
      county: '430502',
      asOf: '2024-09-01',
    });
    expect(r).toMatchObject({ applied: true, rowsRead: 3, added: 1, rejected: 2 });
    expect(r.rejections.map((x) => [x.rowNumber, x.column, x.code])).toEqual([
      [3, '第 5 列（无表头）', 'extra_fields'],
      [4, '认定日期', 'bad_date'],
    ]);
  });

  it('a file with GBK bytes after a UTF-8 start is refused and stores nothing', async () => {
    const before = await identities();
    const file = join(dir, 'mixed.csv');
    const filler = Array.from({ length: 3000 }, () => `Jumin1,${id(1)},dibao,2024-03-01`).join('\r\n');
    await writeFile(
      file,
      Buffer.concat([
        Buffer.from(`姓名,公民身份号码,人员类别,认定日期\r\n${filler}\r\n`),
        iconv.encode(`居民2,${id(2)},特困人员,2024-03-01\r\n`, 'gbk'),
      ]),
    );
    const e = await importDepartmentList(getDb(), {
      file,
      department: 'civil_affairs',
      county: '430502',
      asOf: '2024-10-01',
    }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(OutcomeError);
    expect((e as OutcomeError).issues[0]?.expression).toBe('mixed.csv: 第 3002 行 “姓名”列');
    expect(await identities()).toBe(before);
  });
});
