import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DatabaseHandle } from '../db/connection.js';
import { checkDigit } from '../registry/id-document.js';
import { describeEachDatabase } from '../test-support/db.js';
import { importDepartmentList } from './list-import.service.js';

const id = (n: number) => {
  const first17 = `43050219800101${String(n).padStart(3, '0')}`;
  return first17 + checkDigit(first17);
};
const people = [1, 2, 3, 4, 5].map((n) => ({ docNo: id(n), name: `居民${n}` }));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'canbao-lists-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

async function csv(name: string, lines: string[], encoding: 'utf8' | 'gbk' = 'utf8'): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, iconv.encode(`${lines.join('\r\n')}\r\n`, encoding));
  return path;
}

async function openIdentities(db: DatabaseHandle, category?: string) {
  const { rows } = await sql<{
    doc_no: string;
    category: string;
    grade: number | null;
    valid_from: string;
    valid_to: string | null;
  }>`
    SELECT p.doc_no, i.category, i.grade, i.valid_from, i.valid_to FROM person_identities i JOIN persons p ON p.id = i.person_id
    WHERE ${category ?? null}::text IS NULL OR i.category = ${category ?? null} ORDER BY p.doc_no, i.id`.execute(
    db.db,
  );
  return rows;
}

describeEachDatabase('department list import', (getDb) => {
  beforeAll(async () => {
    const db = getDb();
    await sql`INSERT INTO persons (county_code, doc_type, doc_no, name, residence_village)
      VALUES ${sql.join(people.map((p) => sql`('430502', 'resident_id', ${p.docNo}, ${p.name}, '430502001001')`))}`.execute(
      db.db,
    );
  });

  it('a 民政 snapshot adds identities, rejects bad rows with row, column and reason', async () => {
    const file = await csv(
      'minzheng-2024-09.csv',
      [
        '双清区民政局困难群众名单（2024年9月）',
        '序号,姓名,公民身份号码,人员类别,认定日期',
        `1,居民1,${people[0]!.docNo},低保对象,2024-03-01`,
        `2,居民2,${people[1]!.docNo},特困供养人员,2024-05-01`,
        `3,居民3,${people[2]!.docNo},重度残疾人,2024-05-01`,
        `4,别人,${people[3]!.docNo},低保,2024-05-01`,
        `5,外地人,${id(900)},低保,2024-05-01`,
      ],
      'gbk',
    );
    const r = await importDepartmentList(getDb(), {
      file,
      department: 'civil_affairs',
      county: '430502',
      asOf: '2024-09-01',
      importedBy: '民政报送员',
    });
    const audited = await sql<{ actor: string }>`
      SELECT actor FROM audit_log WHERE action = 'identities.import' AND county_code = '430502'`.execute(
      getDb().db,
    );
    expect(audited.rows).toEqual([{ actor: '民政报送员' }]);
    expect(r).toMatchObject({
      kind: 'snapshot',
      kindDetected: true,
      applied: true,
      rowsRead: 5,
      added: 2,
      rejected: 3,
    });
    expect(
      r.rejections.map((x) => [x.rowNumber, x.column, x.code]),
      JSON.stringify(r.rejections),
    ).toEqual([
      [5, '人员类别', 'not_certifiable'],
      [6, '姓名', 'name_mismatch'],
      [7, '公民身份号码', 'unknown_person'],
    ]);
    expect(await openIdentities(getDb())).toEqual([
      expect.objectContaining({
        doc_no: people[0]!.docNo,
        category: 'dibao',
        valid_from: '2024-03-01',
        valid_to: null,
      }),
      expect.objectContaining({ doc_no: people[1]!.docNo, category: 'tekun', valid_to: null }),
    ]);
  });

  it('importing the same file again changes nothing', async () => {
    const file = join(dir, 'minzheng-2024-09.csv');
    const r = await importDepartmentList(getDb(), {
      file,
      department: 'civil_affairs',
      county: '430502',
      asOf: '2024-09-01',
    });
    expect(r).toMatchObject({ alreadyImported: true, applied: false, added: 0, removed: 0 });
    expect(await openIdentities(getDb())).toHaveLength(2);
  });

  it('next month’s snapshot ends who is missing the day before, keeps history', async () => {
    const file = await csv('minzheng-2024-10.csv', [
      '姓名,身份证号码,类别',
      `居民2,${people[1]!.docNo},特困人员`,
      `居民5,${people[4]!.docNo},低保边缘家庭成员`,
    ]);
    const r = await importDepartmentList(getDb(), {
      file,
      department: 'civil_affairs',
      county: '430502',
      asOf: '2024-10-01',
    });
    expect(r).toMatchObject({ added: 1, removed: 1, unchanged: 1, changed: 0, rejected: 0 });
    expect(r.changes).toEqual(
      expect.arrayContaining([
        { docNo: people[0]!.docNo, name: '居民1', category: 'dibao', change: 'removed' },
        { docNo: people[4]!.docNo, name: '居民5', category: 'dibao_edge', change: 'added' },
      ]),
    );
    expect(await openIdentities(getDb(), 'dibao')).toEqual([
      expect.objectContaining({ doc_no: people[0]!.docNo, valid_from: '2024-03-01', valid_to: '2024-09-30' }),
    ]);
  });

  it('a 残联 change list adds and regrades; a removal of nothing is rejected', async () => {
    const db = getDb();
    const add = await csv('canlian-1.csv', [
      '姓名,身份证号码,人员类别,残疾等级,残疾类别,变更类型',
      `居民3,${people[2]!.docNo},残疾人,三级,肢体,新增`,
    ]);
    expect(
      await importDepartmentList(db, {
        file: add,
        department: 'disability_federation',
        county: '430502',
        asOf: '2024-10-05',
      }),
    ).toMatchObject({
      kind: 'changes',
      added: 1,
    });
    const regrade = await csv('canlian-2.csv', [
      '姓名,身份证号码,人员类别,残疾等级,残疾类别,变更类型',
      `居民3,${people[2]!.docNo},残疾人,二级,肢体,新增`,
      `居民4,${people[3]!.docNo},残疾人,一级,视力,减少`,
    ]);
    const r = await importDepartmentList(db, {
      file: regrade,
      department: 'disability_federation',
      county: '430502',
      asOf: '2024-11-01',
    });
    expect(r).toMatchObject({ added: 0, changed: 1, rejected: 1 });
    expect(r.rejections[0]).toMatchObject({ rowNumber: 3, code: 'nothing_to_remove' });
    expect((await openIdentities(db, 'disability')).map((x) => [x.grade, x.valid_from, x.valid_to])).toEqual([
      [3, '2024-10-05', '2024-10-31'],
      [2, '2024-11-01', null],
    ]);
  });

  it('all-or-nothing applies nothing when a row is rejected', async () => {
    const file = await csv('nong-1.csv', [
      '姓名,身份证号码,人员类别',
      `居民4,${people[3]!.docNo},脱贫人口`,
      `居民9,${id(901)},脱贫人口`,
    ]);
    const r = await importDepartmentList(getDb(), {
      file,
      department: 'agriculture',
      county: '430502',
      asOf: '2024-10-01',
      allOrNothing: true,
    });
    expect(r).toMatchObject({ applied: false, listId: null, added: 0, rejected: 1 });
    expect(await openIdentities(getDb(), 'out_of_poverty')).toEqual([]);
    const lists = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM department_lists WHERE department = 'agriculture'`.execute(getDb().db);
    expect(lists.rows[0]!.n).toBe(0);
  });

  it('a file without the needed columns is refused, naming them', async () => {
    const file = await csv('bad.csv', ['姓名,电话', '居民1,13800000000']);
    await expect(
      importDepartmentList(getDb(), { file, department: 'civil_affairs', county: '430502' }),
    ).rejects.toThrow(/bad\.csv：前 2 个非空行里没有找到表头/);
  });

  it('a list whose header lacks the ID column is refused, naming the column and its accepted names', async () => {
    const file = await csv('no-id.csv', ['姓名,人员类别', '居民1,低保']);
    await expect(
      importDepartmentList(getDb(), { file, department: 'civil_affairs', county: '430502' }),
    ).rejects.toThrow(
      /no-id\.csv: 第 1 行（表头）：缺少"公民身份号码"列（可用列名：公民身份号码、身份证号码/,
    );
  });

  it('an identity may only name a list that exists, and a named list cannot be deleted', async () => {
    const { db } = getDb();
    const person = await sql<{
      id: number;
    }>`SELECT id FROM persons WHERE doc_no = ${people[4]!.docNo}`.execute(db);
    const personId = person.rows[0]!.id;
    await expect(
      sql`INSERT INTO person_identities (county_code, person_id, category, department, valid_from, list_id)
        VALUES ('430502', ${personId}, 'orphan', 'civil_affairs', '2024-01-01', 999999)`.execute(db),
    ).rejects.toThrow(/身份记录引用了不存在的部门名单（999999）/);
    const named = await sql<{ id: number }>`
      SELECT list_id AS id FROM person_identities i WHERE list_id IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM department_list_rejections r WHERE r.list_id = i.list_id) LIMIT 1`.execute(
      db,
    );
    const listId = named.rows[0]!.id;
    await expect(
      sql`UPDATE person_identities SET ended_by_list_id = 999998 WHERE list_id = ${listId}`.execute(db),
    ).rejects.toThrow(/不存在的部门名单（999998）/);
    await expect(sql`DELETE FROM department_lists WHERE id = ${listId}`.execute(db)).rejects.toThrow(
      /部门名单已被身份记录引用/,
    );
    await expect(sql`UPDATE department_lists SET id = -id WHERE id = ${listId}`.execute(db)).rejects.toThrow(
      /部门名单已被身份记录引用/,
    );
    await expect(sql`TRUNCATE department_lists CASCADE`.execute(db)).rejects.toThrow(
      /部门名单已被身份记录引用/,
    );
  });
});
