import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { describeEachDatabase } from '../test-support/db.js';
import { checkDigit } from './id-document.js';
import { importPersons } from './import.service.js';
import { NotStraight, StraightRows } from './import-straight.js';

const TODAY = '2026-01-01';
const HEADER = '姓名,公民身份号码,户号,与户主关系,村（社区）代码,人员状态,村（社区）';
const V1 = '130802001001';
const V2 = '130802001002';

/** The i-th person of 双桥区: a distinct valid number (born on day i after 1950-01-01). */
function number(i: number, county = '130802'): string {
  const born = new Date(Date.UTC(1950, 0, 1) + i * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
  const first17 = `${county}${born}${String(100 + (i % 900)).padStart(3, '0')}`;
  return first17 + checkDigit(first17);
}

/** A name for the i-th person (names have no digits). */
const nameOf = (i: number): string =>
  `张${[...String(i)].map((d) => '零一二三四五六七八九'[Number(d)]).join('')}`;

/** `n` persons in households of three (the 户主 second, in another village than the first member). */
function rows(n: number, from = 0): string[] {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    const household = `H${Math.floor(i / 3)}`;
    const relation = i % 3 === 1 ? '户主' : '子';
    return `${nameOf(i)},${number(i)},${household},${relation},${i % 3 === 1 ? V2 : V1},正常`;
  });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'canbao-straight-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function roster(name: string, lines: string[]): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, iconv.encode([HEADER, ...lines].join('\r\n'), 'gbk'));
  return path;
}

describeEachDatabase('importPersons, a county’s first roster straight into persons', (getDb) => {
  beforeAll(async () => {
    await sql`
      INSERT INTO regions (code, name, level, parent_code, county_code) VALUES
        ('130802', '双桥区', 3, NULL, '130802'),
        ('130802001', '石洞子沟街道', 4, '130802', '130802'),
        ('130802001001', '东关村', 5, '130802001', '130802'),
        ('130802001002', '西关村', 5, '130802001', '130802')
    `.execute(getDb().db);
  });
  beforeEach(async () => {
    await sql`TRUNCATE persons, households, person_history`.execute(getDb().db);
  });

  /** What the registry holds, without ids: each person with household number, head and village. */
  const registry = async () =>
    (
      await sql<Record<string, unknown>>`
        SELECT p.doc_no, p.name, p.county_code, p.residence_village, p.relation, p.status, p.sex, p.birth_date,
          p.employee_insurance, p.student, h.household_no, h.village_code, head.doc_no AS head_doc
        FROM persons p
        LEFT JOIN households h ON h.id = p.household_id
        LEFT JOIN persons head ON head.id = h.head_person_id
        ORDER BY p.doc_no`.execute(getDb().db)
    ).rows;

  it('stores what the staged way stores, and leaves the sequences past the ids it gave', async () => {
    // A household without a 户主 (its village is its first member's) and a person without one.
    const lines = [...rows(9), `无户主,${number(9)},H9,子,${V2},正常`, `单身,${number(10)},,,${V1},`];
    const path = await roster('first.csv', lines);
    const straight = await importPersons(getDb(), path, { today: TODAY, writeReports: false });
    expect(straight).toMatchObject({ loaded: 'straight', inserted: 11, rejected: 0, householdsInserted: 4 });
    const viaStraight = await registry();

    await sql`TRUNCATE persons, households`.execute(getDb().db);
    const staged = await importPersons(getDb(), path, { today: TODAY, writeReports: false, straight: false });
    expect(staged).toMatchObject({ loaded: 'staged', inserted: 11, householdsInserted: 4 });
    expect(viaStraight).toEqual(await registry());
    expect(viaStraight.find((p) => p.doc_no === number(0))).toMatchObject({
      household_no: 'H0',
      head_doc: number(1),
      village_code: V2,
    });
    expect(viaStraight.find((p) => p.doc_no === number(9))).toMatchObject({
      head_doc: null,
      village_code: V2,
    });

    // The next county's file goes straight in after it, and the next staged one too: no id is given twice.
    await sql`TRUNCATE persons, households`.execute(getDb().db);
    await importPersons(getDb(), path, { today: TODAY, writeReports: false });
    const more = await roster('more.csv', rows(6, 100));
    expect(
      await importPersons(getDb(), more, { today: TODAY, writeReports: false, straight: false }),
    ).toMatchObject({
      loaded: 'staged',
      inserted: 6,
    });
    const ids = await sql<{ persons: number; max_person: number; households: number; max_household: number }>`
      SELECT (SELECT last_value FROM persons_id_seq)::int AS persons, (SELECT max(id) FROM persons)::int AS max_person,
             (SELECT last_value FROM households_id_seq)::int AS households,
             (SELECT max(id) FROM households)::int AS max_household`.execute(getDb().db);
    expect(ids.rows[0]!.persons).toBeGreaterThanOrEqual(ids.rows[0]!.max_person);
    expect(ids.rows[0]!.households).toBeGreaterThanOrEqual(ids.rows[0]!.max_household);
  });

  // Past the first 500 rows, which decide whether to try: what only shows later undoes the COPY.
  const after500 = (line: string) => [...rows(550), line, ...rows(9, 551)];

  it('stages the file when a number comes twice after the first rows', async () => {
    const path = await roster('twice.csv', after500(`又一次,${number(3)},H999,户主,${V1},正常`));
    const r = await importPersons(getDb(), path, { today: TODAY, writeReports: false });
    expect(r).toMatchObject({ loaded: 'staged', inserted: 559, rejected: 1 });
    const rejected = await sql<{ code: string; row_number: number }>`
      SELECT code, row_number FROM import_rejections WHERE run_id = ${r.runId}`.execute(getDb().db);
    expect(rejected.rows).toEqual([{ code: 'duplicate_in_file', row_number: 552 }]);
  });

  it('stages the file when a person of it is stored already, and updates that person', async () => {
    const earlier = await roster('earlier.csv', [`早登记,${number(700)},,,${V1},正常`]);
    expect((await importPersons(getDb(), earlier, { today: TODAY, writeReports: false })).loaded).toBe(
      'straight',
    );
    const path = await roster('stored.csv', after500(`早登记,${number(700)},H999,户主,${V2},正常`));
    const r = await importPersons(getDb(), path, { today: TODAY, writeReports: false });
    expect(r).toMatchObject({ loaded: 'staged', inserted: 559, updated: 1, rejected: 0 });
  });

  it('stages the file when a village is given by name or is not in the regions table', async () => {
    const named = await roster('named.csv', after500(`村名,${number(800)},H999,户主,,正常,东关村`));
    expect(await importPersons(getDb(), named, { today: TODAY, writeReports: false })).toMatchObject({
      loaded: 'staged',
      inserted: 560,
    });
    await sql`TRUNCATE persons, households`.execute(getDb().db);
    const unknown = await roster(
      'unknown.csv',
      after500(`无此村,${number(801)},H999,户主,130802001099,正常`),
    );
    const r = await importPersons(getDb(), unknown, { today: TODAY, writeReports: false });
    expect(r).toMatchObject({ loaded: 'staged', inserted: 559, rejected: 1 });
  });

  it('applies nothing when a later row is rejected and the import is all or nothing', async () => {
    const path = await roster('bad.csv', after500(`错号,${number(900).slice(0, 17)}X,H999,户主,${V1},正常`));
    const r = await importPersons(getDb(), path, { today: TODAY, writeReports: false, allOrNothing: true });
    expect(r).toMatchObject({ status: 'rejected', loaded: 'staged', inserted: 0, rejected: 1 });
    const n = await sql<{ n: number }>`SELECT count(*)::int AS n FROM persons`.execute(getDb().db);
    expect(n.rows[0]!.n).toBe(0);
  });

  it('gives up past its limit of households kept in memory', async () => {
    const straight = await StraightRows.start(getDb().db, 1, 2);
    const person = (householdNo: string) => ({
      rowNumber: 1,
      docType: 'resident_id' as const,
      docNo: number(1),
      name: '甲',
      sex: null,
      birthDate: null,
      householdNo,
      relation: null,
      hukouRegion: null,
      villageCode: V1,
      villageName: null,
      townshipName: null,
      phone: null,
      status: 'active' as const,
      employeeInsurance: null,
      student: null,
      school: null,
      from15: false,
    });
    straight.line(person('A'));
    straight.line(person('B'));
    straight.line(person('A'));
    expect(() => straight.line(person('C'))).toThrow(NotStraight);
  });
});
