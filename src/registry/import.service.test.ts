import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadExcelJS } from '../files/exceljs.js';
import { describeEachDatabase } from '../test-support/db.js';
import { checkDigit } from './id-document.js';
import { importPersons } from './import.service.js';

const ExcelJS = await loadExcelJS();

const TODAY = '2026-01-01';
const id = (first17: string): string => first17 + checkDigit(first17);
const HEAD = id('13080219700101001'); // 男
const WIFE = id('13080219720202002'); // 女
const SINGLE = id('13080219800303003');
const OTHER = id('13080219900404004');
const WRONG = `${id('13080219600505005').slice(0, 17)}${id('13080219600505005').endsWith('1') ? '2' : '1'}`;

const HEADER = '姓名,公民身份号码,性别,户号,与户主关系,联系电话,乡镇（街道）,村（社区）,人员状态';
function csv(lines: string[]): Buffer {
  return iconv.encode(['双桥区2025年城乡居民参保人员花名册,,,,,,,,', HEADER, ...lines].join('\r\n'), 'gbk');
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'canbao-import-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describeEachDatabase('importPersons', (getDb) => {
  beforeAll(async () => {
    await sql`
      INSERT INTO regions (code, name, level, parent_code, county_code) VALUES
        ('130802', '双桥区', 3, NULL, '130802'),
        ('130802001', '石洞子沟街道', 4, '130802', '130802'),
        ('130802002', '桥东街道', 4, '130802', '130802'),
        ('130802001001', '东关村', 5, '130802001', '130802'),
        ('130802001002', '西关村', 5, '130802001', '130802'),
        ('130802002001', '东关村', 5, '130802002', '130802')
    `.execute(getDb().db);
  });

  const persons = async () =>
    (
      await sql<{
        doc_no: string;
        name: string;
        phone: string | null;
        relation: string | null;
        household_no: string | null;
      }>`
        SELECT p.doc_no, p.name, p.phone, p.relation, h.household_no
        FROM persons p LEFT JOIN households h ON h.id = p.household_id ORDER BY p.doc_no`.execute(getDb().db)
    ).rows;

  it('keeps good rows and reports bad ones with row, column and reason', async () => {
    const path = join(dir, 'roster.csv');
    await writeFile(
      path,
      csv([
        `张大,${HEAD},男,H1,户主,13800138000,石洞子沟街道,东关村,正常`, // row 3
        `李二,${WIFE},女,H1,配偶,,石洞子沟街道,东关村,`, // row 4
        `王三,${WRONG},男,H2,户主,,石洞子沟街道,东关村,`, // row 5: check digit
        `赵四,${SINGLE},男,H3,户主,12345,,西关村,正常`, // row 6: phone warning, kept
        `钱五,${OTHER},女,H4,户主,,,南关村,正常`, // row 7: unknown village
        `张大,${HEAD},男,H1,户主,,石洞子沟街道,东关村,正常`, // row 8: duplicate of row 3
      ]),
    );
    const r = await importPersons(getDb(), path, {
      today: TODAY,
      reportDir: join(dir, 'reports'),
      actor: '录入员',
    });
    const audited = await sql<{ actor: string }>`
      SELECT actor FROM audit_log WHERE action = 'registry.import' AND entity_id = ${String(r.runId)}`.execute(
      getDb().db,
    );
    expect(audited.rows).toEqual([{ actor: '录入员' }]);
    expect(r).toMatchObject({
      status: 'applied',
      rowsRead: 6,
      inserted: 3,
      updated: 0,
      unchanged: 0,
      rejected: 3,
      warnings: 1,
      householdsInserted: 2,
    });
    const issues = await sql`
      SELECT row_number, column_name, value, reason, severity FROM import_rejections
      WHERE run_id = ${r.runId} ORDER BY row_number`.execute(getDb().db);
    expect(issues.rows).toEqual([
      {
        row_number: 5,
        column_name: '公民身份号码',
        value: WRONG,
        reason: '校验码错误，请核对号码是否录错',
        severity: 'error',
      },
      {
        row_number: 6,
        column_name: '联系电话',
        value: '12345',
        reason: '联系电话格式不对，已忽略（手机号应为11位）',
        severity: 'warning',
      },
      {
        row_number: 7,
        column_name: '村(社区)',
        value: '南关村',
        reason: '区划表中没有这个村（社区），请核对村名或填写12位代码',
        severity: 'error',
      },
      {
        row_number: 8,
        column_name: '公民身份号码',
        value: HEAD,
        reason: '文件内证件号码重复（与第 3 行相同）',
        severity: 'error',
      },
    ]);
    expect(await persons()).toEqual([
      { doc_no: HEAD, name: '张大', phone: '13800138000', relation: '户主', household_no: 'H1' },
      { doc_no: WIFE, name: '李二', phone: null, relation: '配偶', household_no: 'H1' },
      { doc_no: SINGLE, name: '赵四', phone: null, relation: '户主', household_no: 'H3' },
    ]);
    const head = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM households h JOIN persons p ON p.id = h.head_person_id
      WHERE h.household_no = 'H1' AND p.doc_no = ${HEAD}`.execute(getDb().db);
    expect(head.rows[0]?.n).toBe(1);

    expect(r.reportFiles).toHaveLength(2);
    const report = (await readFile(r.reportFiles[0]!, 'utf8')).replace(/^\uFEFF/, '').split('\r\n');
    expect(report[0]).toBe('行号,列,值,原因,级别');
    expect(report[1]).toBe(`5,公民身份号码,${WRONG},校验码错误，请核对号码是否录错,未导入`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(r.reportFiles[1]!);
    expect(wb.worksheets[0]!.getCell('D4').value).toBe(
      '区划表中没有这个村（社区），请核对村名或填写12位代码',
    );
  });

  it('re-importing the same file changes nothing', async () => {
    const path = join(dir, 'roster.csv');
    const before = await persons();
    const r = await importPersons(getDb(), path, { today: TODAY, writeReports: false });
    expect(r).toMatchObject({
      inserted: 0,
      updated: 0,
      unchanged: 3,
      rejected: 3,
      householdsInserted: 0,
      householdsUpdated: 0,
    });
    expect(await persons()).toEqual(before);
    const history = await sql<{ n: number }>`SELECT count(*)::int AS n FROM person_history`.execute(
      getDb().db,
    );
    expect(history.rows[0]?.n).toBe(0);
  });

  it('a newer file updates changed fields and records history', async () => {
    const path = join(dir, 'roster-2.csv');
    await writeFile(
      path,
      csv([
        `张大,${HEAD},男,H1,户主,13900139000,石洞子沟街道,东关村,正常`,
        `李二,${WIFE},女,H3,配偶,,石洞子沟街道,东关村,`,
        `赵四,${SINGLE},男,H3,户主,,石洞子沟街道,东关村,死亡`,
      ]),
    );
    const r = await importPersons(getDb(), path, { today: TODAY });
    expect(r).toMatchObject({
      status: 'applied',
      inserted: 0,
      updated: 3,
      unchanged: 0,
      rejected: 0,
      warnings: 0,
      householdsInserted: 0,
      householdsUpdated: 1,
    });
    expect(r.reportFiles).toEqual([]);
    const h = await sql<{ doc_no: string; changes: unknown }>`
      SELECT p.doc_no, ph.changes FROM person_history ph JOIN persons p ON p.id = ph.person_id
      WHERE ph.run_id = ${r.runId} ORDER BY p.doc_no`.execute(getDb().db);
    expect(h.rows).toEqual([
      { doc_no: HEAD, changes: { phone: ['13800138000', '13900139000'] } },
      { doc_no: WIFE, changes: { household_no: ['H1', 'H3'] } },
      {
        doc_no: SINGLE,
        changes: { residence_village: ['130802001002', '130802001001'], status: ['active', 'deceased'] },
      },
    ]);
  });

  it('all-or-nothing applies nothing when a row is rejected', async () => {
    const path = join(dir, 'roster-3.csv');
    await writeFile(
      path,
      csv([
        `孙六,${OTHER},女,H9,户主,,石洞子沟街道,东关村,正常`,
        `周七,${WRONG},男,H9,子,,石洞子沟街道,东关村,正常`,
      ]),
    );
    const before = await persons();
    const r = await importPersons(getDb(), path, { today: TODAY, allOrNothing: true, writeReports: false });
    expect(r).toMatchObject({ status: 'rejected', inserted: 0, rejected: 1 });
    expect(await persons()).toEqual(before);
    const run = await sql<{ status: string }>`SELECT status FROM import_runs WHERE id = ${r.runId}`.execute(
      getDb().db,
    );
    expect(run.rows[0]?.status).toBe('rejected');
  });

  it('imports an XLSX with a title row and a two-level header; village names need the township when repeated', async () => {
    const path = join(dir, 'roster.xlsx');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('花名册');
    ws.getRow(1).values = ['桥东街道2025年参保人员花名册'];
    ws.getRow(2).values = ['基本信息', '', '户籍信息', '', ''];
    ws.getRow(3).values = ['姓名', '身份证号码', '户号', '乡镇（街道）', '村（社区）'];
    ws.getRow(4).values = ['孙六', OTHER, 'Q1', '桥东街道', '东关村'];
    ws.getRow(5).values = ['吴八', id('13080220200606006'), 'Q2', '', '东关村'];
    await wb.xlsx.writeFile(path);
    const r = await importPersons(getDb(), path, { today: TODAY, writeReports: false });
    expect(r).toMatchObject({ status: 'applied', inserted: 1, rejected: 1 });
    const v = await sql<{ residence_village: string }>`
      SELECT residence_village FROM persons WHERE doc_no = ${OTHER}`.execute(getDb().db);
    expect(v.rows[0]?.residence_village).toBe('130802002001');
    const issue = await sql<{ row_number: number; reason: string }>`
      SELECT row_number, reason FROM import_rejections WHERE run_id = ${r.runId}`.execute(getDb().db);
    expect(issue.rows).toEqual([{ row_number: 5, reason: expect.stringContaining('多个乡镇重名') }]);
  });
});
