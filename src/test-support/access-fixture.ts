// A small county for the access tests: two townships, three villages, a person and a household in
// each village, a payment, a refund, a reconciliation run with a difference and an agent in the
// first village, one user of every role, each signed in. Another county (130803) holds one person,
// one reconciliation run and one difference, so a county user can be asked for what is not theirs.
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Role } from '../auth/roles.js';
import { addUser } from '../auth/user.service.js';
import type { DatabaseHandle } from '../db/connection.js';
import { checkDigit } from '../registry/id-document.js';
import { TEST_PASSWORD } from './login.js';

const id = (first17: string) => first17 + checkDigit(first17);

export const COUNTY = '130802';
export const OTHER_COUNTY = '130803';
/** Township 1 holds villages V1 and V2; township 2 holds V3. */
export const T1 = '130802001';
export const T2 = '130802002';
export const V1 = '130802001001';
export const V2 = '130802001002';
export const V3 = '130802002001';
export const V_OTHER_COUNTY = '130803001001';

/** One person per village, named after it; each heads a household of the same name. */
export const PERSON = {
  v1: id('13080219800101001'),
  v2: id('13080219800101002'),
  v3: id('13080219800101003'),
  other: id('13080319800101004'),
} as const;
export const HOUSEHOLD = { v1: 'HV1', v2: 'HV2', v3: 'HV3', other: 'HOC' } as const;
const VILLAGE_OF = { v1: V1, v2: V2, v3: V3, other: V_OTHER_COUNTY } as const;

/** The user of each role and the scope it works in. */
export const USERS: readonly (readonly [username: string, role: Role, scope?: string])[] = [
  ['admin', 'admin'],
  ['staff', 'staff', COUNTY],
  ['township', 'township', T1],
  ['village', 'village', V1],
  ['department', 'department', COUNTY],
  ['tax', 'tax', COUNTY],
  ['finance', 'finance', COUNTY],
  ['leader', 'leader', COUNTY],
];

export interface AccessFixture {
  cookies: Record<string, string>;
  personIds: Record<keyof typeof PERSON, number>;
  /** A payment and a refund of each village's person (and of the other county's). */
  paymentIds: Record<keyof typeof PERSON, number>;
  refundIds: Record<keyof typeof PERSON, number>;
  /** A reconciliation run and an open difference in this county and in the other one. */
  runIds: { own: number; other: number };
  differenceIds: { own: number; other: number };
  agentCode: string;
}

export async function signIn(app: FastifyInstance, username: string, password = TEST_PASSWORD) {
  const r = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  return { response: r, cookie: String(r.headers['set-cookie'] ?? '').split(';')[0]! };
}

export async function seedAccessFixture(app: FastifyInstance, db: DatabaseHandle): Promise<AccessFixture> {
  await sql`INSERT INTO regions (code, name, level, parent_code, county_code) VALUES
    ('130802', '双桥区', 3, NULL, '130802'),
    (${T1}, '石洞子沟街道', 4, '130802', '130802'),
    (${T2}, '桥东街道', 4, '130802', '130802'),
    (${V1}, '东关村', 5, ${T1}, '130802'),
    (${V2}, '西关村', 5, ${T1}, '130802'),
    (${V3}, '南关村', 5, ${T2}, '130802'),
    ('130803', '双滦区', 3, NULL, '130803'),
    ('130803001', '双塔山镇', 4, '130803', '130803'),
    (${V_OTHER_COUNTY}, '北村', 5, '130803001', '130803')`.execute(db.db);
  const personIds = {} as AccessFixture['personIds'];
  const paymentIds = {} as AccessFixture['paymentIds'];
  const refundIds = {} as AccessFixture['refundIds'];
  for (const key of Object.keys(PERSON) as (keyof typeof PERSON)[]) {
    const village = VILLAGE_OF[key];
    const county = village.slice(0, 6);
    const hh = await sql<{ id: number }>`INSERT INTO households (county_code, household_no, village_code)
      VALUES (${county}, ${HOUSEHOLD[key]}, ${village}) RETURNING id::int`.execute(db.db);
    const p = await sql<{ id: number }>`INSERT INTO persons
        (county_code, doc_type, doc_no, name, residence_village, household_id, relation, birth_date, sex)
      VALUES (${county}, 'resident_id', ${PERSON[key]}, ${`${key}村民`}, ${village}, ${hh.rows[0]!.id}, '户主',
        '1980-01-01', 'male') RETURNING id::int`.execute(db.db);
    personIds[key] = p.rows[0]!.id;
    await sql`UPDATE households SET head_person_id = ${personIds[key]} WHERE id = ${hh.rows[0]!.id}`.execute(
      db.db,
    );
    const pay = await sql<{ id: number }>`INSERT INTO payments
        (county_code, year, person_id, amount_fen, paid_on, channel, external_no, pack_hash, recorded_by)
      VALUES (${county}, 2024, ${personIds[key]}, 38000, '2023-10-10', 'cash', ${`FIX-${key}`}, 'fixture',
        'test') RETURNING id::int`.execute(db.db);
    paymentIds[key] = pay.rows[0]!.id;
    const ref = await sql<{ id: number }>`INSERT INTO refunds
        (county_code, year, person_id, payment_id, reason, amount_fen, requested_on, requested_by)
      VALUES (${county}, 2024, ${personIds[key]}, ${paymentIds[key]}, 'overpayment', 100, '2024-01-10', 'test')
      RETURNING id::int`.execute(db.db);
    refundIds[key] = ref.rows[0]!.id;
  }
  const runIds = { own: 0, other: 0 };
  const differenceIds = { own: 0, other: 0 };
  for (const [which, region, person] of [
    ['own', COUNTY, 'v1'],
    ['other', OTHER_COUNTY, 'other'],
  ] as const) {
    const run = await sql<{ id: number }>`INSERT INTO reconciliation_runs
        (region, year, as_of, file_name, file_sha256, started_by, finished_at)
      VALUES (${region}, 2024, '2024-12-31', 'tax.csv', ${'0'.repeat(64)}, 'test', now())
      RETURNING id::int`.execute(db.db);
    runIds[which] = run.rows[0]!.id;
    const diff = await sql<{ id: number }>`INSERT INTO reconciliation_differences
        (region, year, class, diff_key, county_code, village_code, person_id, doc_no, name, amount_fen,
         first_run_id, last_run_id)
      VALUES (${region}, 2024, 'unpaid', ${`k-${which}`}, ${region}, ${VILLAGE_OF[person]},
        ${personIds[person]}, ${PERSON[person]}, '某人', 38000, ${runIds[which]}, ${runIds[which]})
      RETURNING id::int`.execute(db.db);
    differenceIds[which] = diff.rows[0]!.id;
  }
  const agentCode = 'A-V1';
  await sql`INSERT INTO agents (county_code, code, name, kind, area_code) VALUES
    ('130802', ${agentCode}, '东关村代征员', 'village', ${V1}),
    ('130802', 'A-V2', '西关村代征员', 'village', ${V2}),
    ('130802', 'A-V3', '南关村代征员', 'village', ${V3}),
    ('130803', 'A-OC', '北村代征员', 'village', ${V_OTHER_COUNTY})`.execute(db.db);

  const cookies: Record<string, string> = {};
  for (const [username, role, scopeCode] of USERS) {
    await addUser(
      db,
      {
        username,
        displayName: username,
        role,
        password: TEST_PASSWORD,
        ...(scopeCode ? { scopeCode } : {}),
        ...(role === 'department' ? { department: 'civil_affairs' } : {}),
      },
      'test',
    );
    cookies[username] = (await signIn(app, username)).cookie;
  }
  return { cookies, personIds, paymentIds, refundIds, runIds, differenceIds, agentCode };
}
