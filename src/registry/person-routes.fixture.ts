// Test data for the person, registry and assessment HTTP tests: 双桥区 (130802) with one township
// and two villages, two households, a 低保 identity (current) and an ended one, a payment, a
// refund, enrollments, a life event, and users of several roles. Numbers in the tests come from here.
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { addUser } from '../auth/user.service.js';
import type { DatabaseHandle } from '../db/connection.js';
import { checkDigit } from './id-document.js';

const id = (first17: string) => first17 + checkDigit(first17);
export const EAST = '130802001001';
export const WEST = '130802001002';
/** 张东一 (head, 低保) and 李东二 in household H001 of the east village; 王西三 in the west village. */
export const ZHANG = id('13080219800101001');
export const LI = id('13080219820202002');
export const WANG = id('13080219750303003');
export const PW = 'canbao2025';

export async function seedPersonFixture(db: DatabaseHandle): Promise<Record<string, number>> {
  const d = db.db;
  await sql`INSERT INTO regions (code, name, level, parent_code, county_code) VALUES
    ('130000', '河北省', 1, NULL, NULL), ('130800', '承德市', 2, '130000', NULL),
    ('130802', '双桥区', 3, '130800', '130802'), ('130802001', '石洞子沟街道', 4, '130802', '130802'),
    (${EAST}, '东关村', 5, '130802001', '130802'), (${WEST}, '西关村', 5, '130802001', '130802')`.execute(d);
  await sql`INSERT INTO households (county_code, household_no, village_code) VALUES
    ('130802', 'H001', ${EAST}), ('130802', 'H002', ${WEST})`.execute(d);
  await sql`INSERT INTO persons (county_code, doc_type, doc_no, name, sex, birth_date, household_id, relation,
      residence_village, phone) VALUES
    ('130802', 'resident_id', ${ZHANG}, '张东一', 'male', '1980-01-01', (SELECT id FROM households WHERE household_no = 'H001'), '户主', ${EAST}, '13800000001'),
    ('130802', 'resident_id', ${LI}, '李东二', 'female', '1982-02-02', (SELECT id FROM households WHERE household_no = 'H001'), '配偶', ${EAST}, NULL),
    ('130802', 'resident_id', ${WANG}, '王西三', 'male', '1975-03-03', (SELECT id FROM households WHERE household_no = 'H002'), '户主', ${WEST}, NULL)`.execute(
    d,
  );
  const ids = Object.fromEntries(
    (
      await sql<{ doc_no: string; id: number }>`SELECT doc_no, id::int AS id FROM persons`.execute(d)
    ).rows.map((r) => [r.doc_no, r.id]),
  );
  const zhang = ids[ZHANG]!;
  await sql`INSERT INTO person_identities (county_code, person_id, category, department, valid_from, valid_to) VALUES
    ('130802', ${zhang}, 'dibao', 'civil_affairs', '2024-01-01', NULL),
    ('130802', ${zhang}, 'out_of_poverty', 'agriculture', '2020-01-01', '2023-12-31')`.execute(d);
  await sql`INSERT INTO payments (county_code, year, person_id, amount_fen, paid_on, channel, external_no, pack_hash) VALUES
    ('130802', 2025, ${zhang}, 4000, '2024-10-10', 'cash', 'R-1', 'h')`.execute(d);
  await sql`INSERT INTO refunds (county_code, year, person_id, payment_id, reason, amount_fen, requested_on) VALUES
    ('130802', 2025, ${zhang}, (SELECT id FROM payments WHERE external_no = 'R-1'), 'overpayment', 1000, '2024-10-20')`.execute(
    d,
  );
  await sql`INSERT INTO enrollments (county_code, year, person_id, status, source, registered_on, enrolled_on) VALUES
    ('130802', 2024, ${zhang}, 'enrolled', 'history', '2023-10-01', '2023-10-01'),
    ('130802', 2025, ${zhang}, 'enrolled', 'payment', '2024-10-10', '2024-10-10')`.execute(d);
  await sql`INSERT INTO life_events (county_code, person_id, type, occurred_on, source) VALUES
    ('130802', ${zhang}, 'employee_insurance', '2024-11-01', 'manual')`.execute(d);
  for (const [username, role, scopeCode] of [
    ['admin', 'admin', undefined],
    ['cun1', 'village', EAST],
    ['xiang1', 'township', '130802001'],
    ['lingdao', 'leader', '130802'],
    ['caizheng', 'finance', '130802'],
  ] as const)
    await addUser(
      db,
      { username, displayName: username, role, password: PW, ...(scopeCode ? { scopeCode } : {}) },
      'test',
    );
  return ids;
}

/**
 * Requests as one of the fixture's users: each signs in once (password PW) and its session cookie
 * is kept for the next request. `app` is read at call time (it is built in beforeAll).
 */
export function requestsAs(app: () => FastifyInstance) {
  const cookies = new Map<string, string>();
  return async (username: string, url: string, method: 'GET' | 'POST' = 'GET', payload?: object) => {
    if (!cookies.has(username)) {
      const r = await app().inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username, password: PW },
      });
      cookies.set(username, String(r.headers['set-cookie'] ?? '').split(';')[0]!);
    }
    return app().inject({
      method,
      url,
      headers: { cookie: cookies.get(username)! },
      ...(payload ? { payload } : {}),
    });
  };
}
