// Bad rows and bad files through the whole roster import: a bad row is rejected with its row,
// column and a Chinese reason while good rows load; a bad file is refused as a whole and leaves
// nothing behind (no run, no person); the problem report escapes formula-looking values.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { OutcomeError } from '../policy/outcome.js';
import { describeEachDatabase } from '../test-support/db.js';
import { checkDigit } from './id-document.js';
import { importPersons } from './import.service.js';

const TODAY = '2026-01-01';
const id = (first17: string): string => first17 + checkDigit(first17);
const fullWidth = (s: string): string =>
  s.replace(/[0-9A-Za-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
const X_ID = (() => {
  // An ID whose check character is X, to be written with a lower-case x.
  for (let n = 1; ; n++) {
    const first17 = `13080219850101${String(n).padStart(3, '0')}`;
    if (checkDigit(first17) === 'X') return first17 + 'X';
  }
})();
const A = id('13080219700101001');
const B = id('13080219720202002');
const C = id('13080219800303003');
const D = id('13080219900404004');

const HEADER = '姓名,身份证号码,出生日期,户号,与户主关系,村(社区)';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'canbao-import-bad-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describeEachDatabase('importPersons with bad input', (getDb) => {
  beforeAll(async () => {
    await sql`
      INSERT INTO regions (code, name, level, parent_code, county_code) VALUES
        ('130802', '双桥区', 3, NULL, '130802'),
        ('130802001', '石洞子沟街道', 4, '130802', '130802'),
        ('130802001001', '东关村', 5, '130802001', '130802')
    `.execute(getDb().db);
  });

  const counts = async () =>
    (
      await sql<{ persons: number; runs: number; rejections: number }>`
        SELECT (SELECT count(*)::int FROM persons) AS persons, (SELECT count(*)::int FROM import_runs) AS runs,
               (SELECT count(*)::int FROM import_rejections) AS rejections`.execute(getDb().db)
    ).rows[0]!;

  it('normalises what is safe in IDs, rejects bad dates, IDs, formulas and misaligned rows by row and column', async () => {
    const path = join(dir, 'roster.csv');
    const lines = [
      HEADER,
      `张大,${X_ID.toLowerCase()},,H1,户主,东关村`, // 2: lower-case x → X
      `李二, ${fullWidth(A)} ,,H1,妻,东关村`, // 3: full-width digits and spaces → ASCII
      `王三,${B},2025-02-30,H2,户主,东关村`, // 4: no such day
      `赵四,${C},2025/13/01,H3,户主,东关村`, // 5: no such month
      `钱五,${D.slice(0, 10)}O${D.slice(11)},,H4,户主,东关村`, // 6: letter O for zero
      `"=HYPERLINK(""http://evil.example"",""点我"")",${D},,H4,户主,东关村`, // 7: a formula as name
      `孙六,${D},,H4,户主,东关村,多余`, // 8: a field more than the header
      `周七,${D}`, // 9: fields missing (no village)
      `吴八,${D},,H4,户主,东关村`, // 10: good
    ];
    await writeFile(path, `${lines.join('\r\n')}\r\n`);
    const r = await importPersons(getDb(), path, { today: TODAY, reportDir: join(dir, 'reports') });
    expect(r).toMatchObject({ status: 'applied', rowsRead: 9, inserted: 3, rejected: 6 });
    const stored = await sql<{ doc_no: string; name: string }>`
      SELECT doc_no, name FROM persons ORDER BY name`.execute(getDb().db);
    expect(stored.rows).toEqual(
      expect.arrayContaining([
        { doc_no: X_ID, name: '张大' },
        { doc_no: A, name: '李二' },
        { doc_no: D, name: '吴八' },
      ]),
    );
    const issues = await sql<{ row_number: number; column_name: string; reason: string }>`
      SELECT row_number, column_name, reason FROM import_rejections WHERE run_id = ${r.runId}
      ORDER BY row_number`.execute(getDb().db);
    expect(issues.rows.map((i) => [i.row_number, i.column_name])).toEqual([
      [4, '出生日期'],
      [5, '出生日期'],
      [6, '身份证号码'],
      [7, '姓名'],
      [8, '第 7 列（无表头）'],
      [9, '村(社区)'],
    ]);
    for (const i of issues.rows) expect(i.reason).toMatch(/[\u4e00-\u9fff]/);
    expect(issues.rows[3]?.reason).toMatch(/公式/);
    expect(issues.rows[4]?.reason).toMatch(/表头只有 6 列/);

    // The problem report carries the rejected values, formula-looking ones escaped.
    const report = await readFile(r.reportFiles.find((f) => f.endsWith('.csv'))!, 'utf8');
    expect(report).toContain(`"'=HYPERLINK(""http://evil.example"",""点我"")"`);
    expect(report).not.toMatch(/(^|,)"?=HYPERLINK/m);
  });

  it('a file refused part-way (bad bytes, a 40,000-character cell) stores nothing', async () => {
    const before = await counts();
    const good = Array.from({ length: 3000 }, (_, i) => {
      const doc = id(`13080219900101${String(i % 1000).padStart(3, '0')}`);
      return `Ren${i},${doc},,H${i},户主,东关村`;
    });
    const gbkTail = iconv.encode(`郑九,${id('13080219950505005')},,H9,户主,东关村\r\n`, 'gbk');
    const mixed = join(dir, 'mixed.csv');
    await writeFile(mixed, Buffer.concat([Buffer.from(`${[HEADER, ...good].join('\r\n')}\r\n`), gbkTail]));
    const e1 = await importPersons(getDb(), mixed, { today: TODAY }).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(OutcomeError);
    expect((e1 as OutcomeError).issues[0]?.expression).toBe('mixed.csv: 第 3002 行 “姓名”列');

    const long = join(dir, 'long.csv');
    await writeFile(
      long,
      `${[HEADER, ...good, `冯十,${'9'.repeat(40_000)},,H9,户主,东关村`].join('\r\n')}\r\n`,
    );
    const e2 = await importPersons(getDb(), long, { today: TODAY }).catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(OutcomeError);
    expect((e2 as OutcomeError).issues[0]?.expression).toBe('long.csv: 第 3002 行 “身份证号码”列');
    expect(await counts()).toEqual(before);
  });

  it('a header-only file is read as 0 rows and changes nothing', async () => {
    const before = await counts();
    const path = join(dir, 'header-only.csv');
    await writeFile(path, `${HEADER}\r\n`);
    const r = await importPersons(getDb(), path, { today: TODAY });
    expect(r).toMatchObject({ status: 'applied', rowsRead: 0, inserted: 0, rejected: 0 });
    const after = await counts();
    expect(after.persons).toBe(before.persons);
  });
});
