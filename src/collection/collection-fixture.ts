// Test data (used by the agent and household tests only): two counties, a few households whose
// members are enrolled, partly enrolled or not eligible, and agent collections on known days.
// Every expected number in the tests is worked out by hand from this file.
import { sql } from 'kysely';
import type { DbSession } from '../db/connection.js';
import { checkDigit } from '../registry/id-document.js';

export const idNo = (first17: string): string => first17 + checkDigit(first17);

/** Village codes: 高阳县 庞口镇 东村/西村, and a 双桥区 village. */
export const EAST = '130628100201';
export const WEST = '130628100202';
export const SQ_VILLAGE = '130802001001';

interface P {
  id: number;
  hh: number;
  name: string;
  seq: string;
  birth: string;
  relation: string;
  village: string;
  phone?: string;
  status?: 'active' | 'deceased' | 'moved_out';
  employee?: boolean;
  elsewhere?: string;
  /** Enrollment status per year. */
  enr?: Record<number, string>;
}

// H1: A enrolled, B and C eligible but not enrolled (C registered only), D in employee insurance.
// H2: complete. H3: nobody enrolled. H4: I enrolled, J deceased, K insured elsewhere → complete.
// H5: L enrolled, M registered, N enrolled only in 2023 → M and N missing in 2024.
// H6 (双桥区, 2025): O enrolled, P not.
export const PERSONS: P[] = [
  {
    id: 1001,
    hh: 1,
    name: '王大',
    seq: '001',
    birth: '19700315',
    relation: '户主',
    village: EAST,
    phone: '13800000001',
    enr: { 2024: 'enrolled' },
  },
  { id: 1002, hh: 1, name: '李二', seq: '002', birth: '19720601', relation: '配偶', village: EAST },
  {
    id: 1003,
    hh: 1,
    name: '王三',
    seq: '003',
    birth: '20100901',
    relation: '子',
    village: EAST,
    enr: { 2024: 'registered' },
  },
  {
    id: 1004,
    hh: 1,
    name: '王四',
    seq: '004',
    birth: '19450101',
    relation: '母亲',
    village: EAST,
    employee: true,
  },
  {
    id: 1005,
    hh: 2,
    name: '赵五',
    seq: '005',
    birth: '19800101',
    relation: '户主',
    village: EAST,
    enr: { 2024: 'enrolled' },
  },
  {
    id: 1006,
    hh: 2,
    name: '赵六',
    seq: '006',
    birth: '20050101',
    relation: '子',
    village: EAST,
    enr: { 2024: 'enrolled' },
  },
  { id: 1007, hh: 3, name: '钱七', seq: '007', birth: '19600101', relation: '户主', village: WEST },
  { id: 1008, hh: 3, name: '钱八', seq: '008', birth: '19620101', relation: '配偶', village: WEST },
  {
    id: 1009,
    hh: 4,
    name: '孙九',
    seq: '009',
    birth: '19500101',
    relation: '户主',
    village: WEST,
    enr: { 2024: 'enrolled' },
  },
  {
    id: 1010,
    hh: 4,
    name: '孙十',
    seq: '010',
    birth: '19520101',
    relation: '配偶',
    village: WEST,
    status: 'deceased',
  },
  {
    id: 1011,
    hh: 4,
    name: '孙十一',
    seq: '011',
    birth: '19900101',
    relation: '子',
    village: WEST,
    elsewhere: '110101',
  },
  {
    id: 1012,
    hh: 5,
    name: '周甲',
    seq: '012',
    birth: '19750101',
    relation: '户主',
    village: WEST,
    phone: '13900000005',
    enr: { 2024: 'enrolled' },
  },
  {
    id: 1013,
    hh: 5,
    name: '周乙',
    seq: '013',
    birth: '19770101',
    relation: '配偶',
    village: WEST,
    enr: { 2024: 'registered' },
  },
  {
    id: 1014,
    hh: 5,
    name: '周丙',
    seq: '014',
    birth: '20000101',
    relation: '子',
    village: WEST,
    enr: { 2023: 'enrolled' },
  },
  {
    id: 1015,
    hh: 6,
    name: '吴戊',
    seq: '015',
    birth: '19850101',
    relation: '户主',
    village: SQ_VILLAGE,
    enr: { 2025: 'enrolled' },
  },
  { id: 1016, hh: 6, name: '吴己', seq: '016', birth: '19870101', relation: '配偶', village: SQ_VILLAGE },
];

export const personDoc = (p: P): string => idNo(`${p.village.slice(0, 6)}${p.birth}${p.seq}`);
export const byName = (name: string): P => PERSONS.find((p) => p.name === name)!;

export async function seedRegistry(s: DbSession): Promise<void> {
  await sql`INSERT INTO regions (code, name, level, parent_code, county_code) VALUES
    ('130628', '高阳县', 3, NULL, '130628'), ('130628100', '庞口镇', 4, '130628', '130628'),
    (${EAST}, '东村', 5, '130628100', '130628'), (${WEST}, '西村', 5, '130628100', '130628'),
    ('130802', '双桥区', 3, NULL, '130802'), ('130802001', '石洞子沟街道', 4, '130802', '130802'),
    (${SQ_VILLAGE}, '东关村', 5, '130802001', '130802')`.execute(s.db);
  for (let hh = 1; hh <= 6; hh++) {
    const members = PERSONS.filter((p) => p.hh === hh);
    const head = members.find((p) => p.relation === '户主')!;
    await sql`INSERT INTO households (id, county_code, household_no, village_code, head_person_id)
      VALUES (${hh}, ${head.village.slice(0, 6)}, ${`H${hh}`}, ${head.village}, ${head.id})`.execute(s.db);
  }
  for (const p of PERSONS) {
    const birth = `${p.birth.slice(0, 4)}-${p.birth.slice(4, 6)}-${p.birth.slice(6)}`;
    await sql`INSERT INTO persons (id, county_code, doc_type, doc_no, name, birth_date, household_id, relation,
        residence_village, phone, status, employee_insurance, insured_elsewhere)
      VALUES (${p.id}, ${p.village.slice(0, 6)}, 'resident_id', ${personDoc(p)}, ${p.name}, ${birth}, ${p.hh}, ${p.relation},
        ${p.village}, ${p.phone ?? null}, ${p.status ?? 'active'}, ${p.employee ?? false}, ${p.elsewhere ?? null})`.execute(
      s.db,
    );
    for (const [year, status] of Object.entries(p.enr ?? {})) {
      const enrolled = status === 'enrolled';
      await sql`INSERT INTO enrollments (county_code, year, person_id, status, source, registered_on, enrolled_on,
          benefit_start, benefit_end, waiting_days)
        VALUES (${p.village.slice(0, 6)}, ${Number(year)}, ${p.id}, ${status}, ${enrolled ? 'payment' : 'registration'},
          ${`${Number(year) - 1}-10-01`}, ${enrolled ? `${Number(year) - 1}-10-05` : null},
          ${enrolled ? `${year}-01-01` : null}, ${enrolled ? `${year}-12-31` : null}, 0)`.execute(s.db);
    }
  }
}

/** 王大 owes 380 and paid it through agent V1; 李二 owes 38 and has a payment held for review. */
export async function seedAssessmentsAndPayments(s: DbSession): Promise<void> {
  const assessment = (personId: number, status: string, payable: number, reason: string | null = null) => sql`
    INSERT INTO assessments (county_code, year, person_id, run_id, pack_id, pack_hash, status, exclusion_reason,
      standard_fen, subsidy_fen, payable_fen)
    VALUES ('130628', 2024, ${personId}, 1, '130628-2024', 'test', ${status}, ${reason}, ${payable === 3800 ? 38000 : payable},
      ${payable === 3800 ? 34200 : 0}, ${payable})`;
  await assessment(1001, 'assessed', 38000).execute(s.db);
  await assessment(1002, 'assessed', 3800).execute(s.db);
  await assessment(1004, 'excluded', 0, 'employee_insurance').execute(s.db);
  // Agent collections: V1 on 10-01 (12345 + 29456 = 41801), 10-03 (38001), 10-05 (王大 38000) = 117802 fen;
  // not counted: a payment held for review and a rejected one; V2 collects 5000 on 10-01; V3 (双桥) 100.
  const pay = (
    personId: number,
    amount: number,
    on: string,
    ref: string,
    agent: string | null,
    status = 'accepted',
    channel = 'agent_village',
  ) => sql`
    INSERT INTO payments (county_code, year, person_id, amount_fen, paid_on, channel, external_no, agent, pack_hash, status)
    VALUES (${agent === 'V3' ? '130802' : '130628'}, 2024, ${personId}, ${amount}, ${on}, ${channel}, ${ref}, ${agent},
      'test', ${status})`;
  await pay(9001, 12345, '2023-10-01', 'R-1', 'V1').execute(s.db);
  await pay(9002, 29456, '2023-10-01', 'R-2', 'V1').execute(s.db);
  await pay(9003, 38001, '2023-10-03', 'R-3', 'V1').execute(s.db);
  await pay(1001, 38000, '2023-10-05', 'R-4', 'V1').execute(s.db);
  await pay(1002, 3000, '2023-10-04', 'R-5', 'V1', 'review').execute(s.db);
  await pay(9004, 7000, '2023-10-02', 'R-6', 'V1', 'rejected').execute(s.db);
  await pay(9005, 5000, '2023-10-01', 'R-7', 'V2').execute(s.db);
  await pay(9006, 100, '2023-10-01', 'R-8', 'V3').execute(s.db);
  await pay(9007, 40000, '2023-10-01', 'W-1', null, 'accepted', 'wechat').execute(s.db);
}
