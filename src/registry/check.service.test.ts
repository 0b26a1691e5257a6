import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../test-support/db.js';
import { checkRegistry } from './check.service.js';
import { checkDigit, convert15to18 } from './id-document.js';

const id = (first17: string): string => first17 + checkDigit(first17);
const OLD = '130802900101123';
const NEW = convert15to18(OLD);
const A = id('13080219800202001');
const A_TYPO = `${A.slice(0, 17)}${A.endsWith('0') ? '1' : '0'}`;
const B1 = id('13080219850303011');
const B2 = id('13080219850303031');

describeEachDatabase('checkRegistry', (getDb) => {
  beforeAll(async () => {
    const db = getDb().db;
    await sql`INSERT INTO regions (code, name, level, county_code) VALUES
      ('130802', '双桥区', 3, '130802'), ('130802001001', '东关村', 5, '130802')`.execute(db);
    await sql`INSERT INTO households (id, county_code, household_no, village_code) VALUES
      (1, '130802', 'H1', '130802001001'), (2, '130802', 'H2', '130802001001'), (3, '130802', 'H3', '130802001001')`.execute(
      db,
    );
    await sql`INSERT INTO persons (county_code, doc_type, doc_no, name, sex, birth_date, household_id, relation, residence_village, status) VALUES
      ('130802', 'resident_id', ${OLD}, '张三', 'male', '1990-01-01', 1, '户主', '130802001001', 'active'),
      ('130802', 'resident_id', ${NEW}, '张三', 'male', '1990-01-01', 2, '户主', '130802001001', 'active'),
      ('130802', 'resident_id', ${A}, '李四', 'female', '1980-02-02', 3, '户主', '130802001001', 'deceased'),
      ('130802', 'resident_id', ${A_TYPO}, '李四', 'female', '1980-02-02', 3, '户主', '130802001001', 'active'),
      ('130802', 'resident_id', ${B1}, '王五', 'male', '1985-03-03', NULL, NULL, '130802001001', 'active'),
      ('130802', 'resident_id', ${B2}, '王五', 'male', '1985-03-03', 99, '子', '130802999999', 'active')`.execute(
      db,
    );
  });

  it('finds one person under two numbers, typos in the check digit, head problems and dangling references', async () => {
    const findings = await checkRegistry(getDb().db);
    const codes = findings.map((f) => f.code).sort();
    expect(codes).toEqual(
      [
        'check_digit_variant',
        'dangling_household',
        'household_head_not_active',
        'household_many_heads',
        'id15_and_id18',
        'same_name_birth',
        'same_name_birth',
        'same_name_birth',
      ].sort(),
    );
    const twin = findings.find((f) => f.code === 'id15_and_id18')!;
    expect(twin.persons.map((p) => p.docNo)).toEqual([OLD, NEW]);
    expect(twin.message).toContain('1308*******1123');
    expect(twin.message).not.toContain(NEW);
    expect(findings.find((f) => f.code === 'household_many_heads')?.message).toBe('户号 H3 有 2 个户主');
  });
});

describeEachDatabase('checkRegistry: inactive persons still active elsewhere', (getDb) => {
  it('reports a deceased person a department still certifies or who is still assessed', async () => {
    const db = getDb().db;
    await sql`INSERT INTO regions (code, name, level, county_code) VALUES
      ('130802', '双桥区', 3, '130802'), ('130802001001', '东关村', 5, '130802')`.execute(db);
    await sql`INSERT INTO persons (id, county_code, doc_type, doc_no, name, residence_village, status) VALUES
      (1, '130802', 'resident_id', ${A}, '李四', '130802001001', 'deceased'),
      (2, '130802', 'resident_id', ${B1}, '王五', '130802001001', 'moved_out'),
      (3, '130802', 'resident_id', ${B2}, '赵六', '130802001001', 'active')`.execute(db);
    await sql`INSERT INTO person_identities (county_code, person_id, category, department, valid_from) VALUES
      ('130802', 1, 'dibao', 'civil_affairs', '2024-01-01'), ('130802', 3, 'dibao', 'civil_affairs', '2024-01-01')`.execute(
      db,
    );
    await sql`INSERT INTO assessments (county_code, year, person_id, run_id, pack_id, pack_hash, status, standard_fen, subsidy_fen, payable_fen)
      VALUES ('130802', 2025, 2, 1, '130802-2025', 'h', 'assessed', 40000, 0, 40000)`.execute(db);
    const findings = (await checkRegistry(db)).filter((f) => f.code.startsWith('inactive_'));
    expect(findings.map((f) => [f.code, f.persons[0]!.name])).toEqual([
      ['inactive_still_certified', '李四'],
      ['inactive_still_assessed', '王五'],
    ]);
    expect(findings[0]!.message).toContain('已死亡，但仍有部门认定的有效身份');
  });
});
