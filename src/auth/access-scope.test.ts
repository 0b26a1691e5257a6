// Scope: each scoped user asks, by every route that names a person, household, agent, region,
// payment, refund or reconciliation, for what lies outside the region they work in — and is refused
// with 403 OUT_OF_SCOPE and nothing written; lists without a region answer only their own region.
// Also the other roles' limits, sessions after logout and password changes, and brute-force login.
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../db/connection.js';
import { buildApp } from '../http/app.js';
import { shippedPacks } from '../policy/pack-loader.js';
import {
  type AccessFixture,
  COUNTY,
  HOUSEHOLD,
  OTHER_COUNTY,
  PERSON,
  seedAccessFixture,
  signIn,
  T2,
  V2,
  V3,
} from '../test-support/access-fixture.js';
import { createPgliteTestDatabase } from '../test-support/db.js';
import { multipartBody } from '../test-support/http.js';
import { TEST_PASSWORD } from '../test-support/login.js';

let app: FastifyInstance;
let db: DatabaseHandle;
let fx: AccessFixture;

beforeAll(async () => {
  db = await createPgliteTestDatabase();
  app = await buildApp({ packs: shippedPacks(), db, auth: { secureCookies: false }, webRoot: false });
  fx = await seedAccessFixture(app, db);
});
afterAll(async () => {
  await app?.close();
  await db?.close();
});

const as = (user: string, method: 'GET' | 'POST', url: string, payload?: object) =>
  app.inject({ method, url, headers: { cookie: fx.cookies[user]! }, ...(payload ? { payload } : {}) });

async function stored(): Promise<string> {
  const r = await sql<{ n: string }>`SELECT concat_ws(',',
    (SELECT count(*) FROM audit_log), (SELECT count(*) FROM payments), (SELECT count(*) FROM refunds),
    (SELECT count(*) FROM enrollments), (SELECT count(*) FROM life_events),
    (SELECT count(*) FROM worklist_followups), (SELECT count(*) FROM agent_handovers),
    (SELECT count(*) FROM reconciliation_differences WHERE state = 'resolved'),
    (SELECT count(*) FROM refunds WHERE state <> 'requested')) AS n`.execute(db.db);
  return r.rows[0]!.n;
}

/** Every request is refused as out of scope, and nothing is stored by any of them. */
async function allOutOfScope(user: string, requests: [method: 'GET' | 'POST', url: string, body?: object][]) {
  const before = await stored();
  for (const [method, url, body] of requests) {
    const r = await as(user, method, url, body);
    expect(r.statusCode, `${user} ${method} ${url}: ${r.body}`).toBe(403);
    expect(r.json().error.code, `${user} ${method} ${url}`).toBe('OUT_OF_SCOPE');
    expect(r.json().error.message).toMatch(/不在您的管辖范围/);
  }
  expect(await stored()).toBe(before);
  return requests.length;
}

const pay = (docNo: string, externalNo: string) => ({
  docNo,
  year: 2025,
  amountFen: 40000,
  paidOn: '2024-10-10',
  channel: 'cash',
  externalNo,
});

/** What a worker may not do to a person (and their household) outside their area. */
function personRequests(
  docNo: string,
  household: string,
): [method: 'GET' | 'POST', url: string, body?: object][] {
  return [
    ['GET', `/api/persons/${docNo}`],
    ['GET', `/api/persons/${docNo}?year=2025`],
    ['GET', `/api/persons/${docNo.toLowerCase()}/events`],
    ['GET', `/api/persons/${docNo}/enrollments`],
    ['GET', `/api/persons/${docNo}/identities`],
    ['GET', `/api/persons/%20${docNo}%20`],
    ['GET', `/api/households/${household}?year=2025`],
    ['GET', `/api/households/${docNo}?year=2025`],
    ['GET', `/api/payments?docNo=${docNo}`],
    ['POST', '/api/payments', pay(docNo, `X-${docNo}`)],
    ['POST', '/api/payments', pay(` ${docNo} `, `Y-${docNo}`)],
    ['POST', `/api/households/${household}/payments`, { ...pay(docNo, `H-${docNo}`), docNo: undefined }],
    ['POST', `/api/households/${docNo}/enrollments`, { year: 2025, registeredOn: '2024-10-10' }],
    ['POST', '/api/enrollments', { docNo, year: 2025, registeredOn: '2024-10-10' }],
    ['POST', '/api/events', { docNo, type: 'death', occurredOn: '2024-10-01' }],
    ['POST', '/api/refunds', { docNo, year: 2024, reason: 'overpayment' }],
    [
      'POST',
      '/api/payments/repairs',
      { ...pay(docNo, `R-${docNo}`), year: undefined, missedYear: 2024, reason: '补缴' },
    ],
    ['POST', '/api/reports/followups', { id: docNo, year: 2025, kind: 'key_group', note: '已联系' }],
  ];
}

describe('a village worker outside the village', () => {
  it('is refused another village’s person, household, payment, refund, agent and region', async () => {
    const n = await allOutOfScope('village', [
      ...personRequests(PERSON.v2, HOUSEHOLD.v2),
      ...personRequests(PERSON.v3, HOUSEHOLD.v3),
      ...personRequests(PERSON.other, HOUSEHOLD.other),
      ['GET', `/api/payments?region=${V2}`],
      ['GET', `/api/payments?region=${COUNTY}`],
      ['GET', `/api/refunds?region=${V2}`],
      ['GET', `/api/reports/coverage?region=${V2}&year=2025`],
      ['GET', `/api/reports/worklist?region=${COUNTY}&year=2025`],
      ['GET', `/api/reports/keygroups?region=${V3}&year=2025`],
      ['GET', `/api/households/incomplete?region=${V2}&year=2025`],
      ['GET', `/api/registry/check?region=${V2}`],
      ['GET', `/api/registry/villages/${V2}`],
      ['GET', `/api/agents?region=${V2}`],
      ['GET', '/api/agents/A-V2/ledger'],
      ['POST', '/api/agents/A-V2/handovers', { amountFen: 100, handedOn: '2024-10-10', receiptNo: 'S1' }],
      ['GET', `/api/campaigns/${COUNTY}/2025/unrenewed?village=${V2}`],
      ['GET', `/api/campaigns/${OTHER_COUNTY}/2025/unrenewed`],
    ]);
    expect(n).toBeGreaterThan(60);
  });

  it('asking by the person’s internal number instead of the ID number reveals nothing either', async () => {
    for (const url of [
      `/api/persons/${fx.personIds.v2}`,
      `/api/persons/${fx.personIds.v2}/enrollments`,
      `/api/persons/${fx.personIds.v2}/events`,
      `/api/persons/${fx.personIds.v2}/identities`,
    ]) {
      const r = await as('village', 'GET', url);
      expect([403, 404], `${url}: ${r.body}`).toContain(r.statusCode);
      expect(r.body).not.toContain('v2村民');
    }
  });

  it('lists without a region answer only the own village', async () => {
    for (const url of [
      '/api/payments',
      '/api/payments?year=2024',
      `/api/refunds?region=${fx.cookies.village ? '130802001001' : ''}`,
      '/api/persons?q=%E6%9D%91%E6%B0%91',
      `/api/persons?q=${PERSON.v2}`,
      '/api/agents',
      '/api/households/incomplete?year=2025',
      '/api/reports/worklist?region=130802001001&year=2025',
    ]) {
      const r = await as('village', 'GET', url);
      expect(r.statusCode, `${url}: ${r.body}`).toBeLessThan(500);
      for (const other of ['v2村民', 'v3村民', 'other村民', PERSON.v2, PERSON.v3, 'A-V2'])
        expect(r.body, url).not.toContain(other);
    }
    const own = await as('village', 'GET', '/api/payments?year=2024');
    expect(own.json().map((p: { external_no: string }) => p.external_no)).toEqual(['FIX-v1']);
  });
});

describe('a township worker outside the township', () => {
  it('is refused the other township’s person, household and region, and the county as a whole', async () => {
    const n = await allOutOfScope('township', [
      ...personRequests(PERSON.v3, HOUSEHOLD.v3),
      ['GET', `/api/assessments/explain/${PERSON.v3}?year=2025`],
      ['GET', `/api/payments?region=${T2}`],
      ['GET', `/api/payments?region=${V3}`],
      ['GET', `/api/payments?region=${COUNTY}`],
      ['GET', `/api/refunds?region=${T2}`],
      ['GET', `/api/assessments/ledger?region=${V3}&year=2025`],
      ['GET', `/api/reports/coverage?region=${T2}&year=2025`],
      ['GET', `/api/registry/villages/${V3}`],
    ]);
    expect(n).toBeGreaterThan(20);
    // Its own two villages are its to see.
    expect((await as('township', 'GET', `/api/persons/${PERSON.v2}`)).statusCode).toBe(200);
  });
});

describe('a county user and another county', () => {
  it('staff and tax are refused the other county’s person, payment, refund and reconciliation', async () => {
    const other = [
      ['GET', `/api/reconciliations/${fx.runIds.other}`],
      ['GET', `/api/reconciliations/${fx.runIds.other}/differences`],
      ['POST', `/api/reconciliations/${fx.runIds.other}/refunds`],
      ['POST', `/api/differences/${fx.differenceIds.other}/resolve`, { reason: '已核实' }],
      ['GET', `/api/reconciliations?region=${OTHER_COUNTY}`],
    ] as [method: 'GET' | 'POST', url: string, body?: object][];
    await allOutOfScope('tax', [...other, ['GET', `/api/payments?region=${OTHER_COUNTY}`]]);
    await allOutOfScope('staff', [
      ...other,
      ...personRequests(PERSON.other, HOUSEHOLD.other),
      ['POST', `/api/payments/${fx.paymentIds.other}/review`, { decision: 'accept', note: '核实' }],
      ['POST', `/api/refunds/${fx.refundIds.other}/approve`, { note: '同意' }],
      ['POST', `/api/refunds/${fx.refundIds.other}/reject`, { note: '不同意' }],
      ['POST', '/api/refunds/payouts', { region: OTHER_COUNTY, batch: 'B1' }],
      ['POST', '/api/refunds/certifications', { region: OTHER_COUNTY, year: 2025 }],
      ['POST', '/api/campaigns', { region: OTHER_COUNTY, year: 2025 }],
      ['GET', `/api/assessments/ledger?region=${OTHER_COUNTY}&year=2025`],
    ]);
    await allOutOfScope('finance', [
      ['GET', `/api/refunds?region=${OTHER_COUNTY}`],
      ['GET', `/api/refunds/payouts?region=${OTHER_COUNTY}`],
      ['GET', `/api/reports/settlement?region=${OTHER_COUNTY}&year=2025`],
    ]);
    // The own county's run is theirs.
    expect((await as('tax', 'GET', `/api/reconciliations/${fx.runIds.own}`)).statusCode).toBe(200);
  });

  it('tax and finance are refused what is not their work, with the role named', async () => {
    for (const [user, method, url, body] of [
      ['tax', 'POST', '/api/payments', pay(PERSON.v1, 'T-1')],
      ['tax', 'GET', `/api/persons/${PERSON.v1}`],
      ['tax', 'GET', `/api/refunds?region=${COUNTY}`],
      ['tax', 'POST', '/api/refunds/payouts', { region: COUNTY, batch: 'B' }],
      ['finance', 'GET', `/api/persons/${PERSON.v1}`],
      ['finance', 'POST', '/api/refunds', { docNo: PERSON.v1, year: 2024, reason: 'overpayment' }],
      ['finance', 'POST', `/api/refunds/${fx.refundIds.v1}/approve`, {}],
      ['finance', 'GET', `/api/reconciliations?region=${COUNTY}`],
      ['finance', 'GET', '/api/payments'],
      ['leader', 'POST', '/api/payments', pay(PERSON.v1, 'L-1')],
      ['department', 'GET', `/api/persons/${PERSON.v1}`],
    ] as const) {
      const r = await as(user, method, url, body);
      expect(r.statusCode, `${user} ${url}`).toBe(403);
      expect(r.json().error.code).toBe('FORBIDDEN');
      expect(r.json().error.message).toMatch(/无权进行此操作$/);
    }
  });
});

describe('a department submitter', () => {
  const upload = (fields: Record<string, string>, kind = 'identities') => {
    const form = multipartBody(fields, {
      name: 'list.csv',
      content: ['姓名,身份证号码,类别', `v1村民,${PERSON.v1},低保`].join('\r\n'),
    });
    return app.inject({
      method: 'POST',
      url: `/api/imports/${kind}`,
      headers: { 'content-type': form.contentType, cookie: fx.cookies.department! },
      payload: form.body,
    });
  };

  it('uploads neither another department’s list nor one for another county, and nothing is kept', async () => {
    for (const fields of [
      { department: '残联', county: COUNTY },
      { department: 'disability_federation', county: COUNTY },
      { department: '民政', county: OTHER_COUNTY },
      { county: OTHER_COUNTY },
      { department: '民政', county: '13' },
    ] as Record<string, string>[]) {
      const r = await upload(fields);
      expect(r.statusCode, JSON.stringify(fields)).toBe(403);
      expect(r.json().error.code).toBe('OUT_OF_SCOPE');
    }
    for (const kind of ['registry', 'enrollments', 'regions', 'population']) {
      const r = await upload({}, kind);
      expect(r.statusCode, kind).toBe(403);
    }
    const kept = await sql<{ n: number }>`SELECT
      (SELECT count(*) FROM jobs)::int + (SELECT count(*) FROM department_lists)::int AS n`.execute(db.db);
    expect(kept.rows[0]!.n).toBe(0);
  });

  it('records no life event for a person of another county', async () => {
    await allOutOfScope('department', [
      [
        'POST',
        '/api/events',
        { docNo: PERSON.other, type: 'death', occurredOn: '2024-10-01', source: 'civil_affairs' },
      ],
    ]);
  });
});

describe('sessions', () => {
  it('ends at logout, and a password change ends every other session of the user', async () => {
    await sql`INSERT INTO users (username, display_name, role, scope_code, password_hash)
      SELECT 'cun9', 'cun9', role, scope_code, password_hash FROM users WHERE username = 'village'`.execute(
      db.db,
    );
    const first = (await signIn(app, 'cun9')).cookie;
    const second = (await signIn(app, 'cun9')).cookie;
    const me = (cookie: string) => app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } });
    expect((await me(first)).statusCode).toBe(200);
    const changed = await app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: { cookie: first },
      payload: { currentPassword: TEST_PASSWORD, newPassword: 'Xin-mima-2025' },
    });
    expect(changed.statusCode).toBe(200);
    const third = String(changed.headers['set-cookie']).split(';')[0]!;
    expect((await me(second)).statusCode).toBe(401);
    expect((await me(first)).statusCode).toBe(401);
    expect((await me(third)).statusCode).toBe(200);
    const data = await app.inject({ method: 'GET', url: '/api/payments', headers: { cookie: second } });
    expect(data.statusCode).toBe(401);
    await app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: third } });
    expect((await me(third)).statusCode).toBe(401);
    expect(
      (await app.inject({ method: 'GET', url: '/api/payments', headers: { cookie: third } })).statusCode,
    ).toBe(401);
    // The old password no longer opens a session; an administrator's reset ends the new one too.
    expect((await signIn(app, 'cun9')).response.statusCode).toBe(401);
    const fourth = (await signIn(app, 'cun9', 'Xin-mima-2025')).cookie;
    const reset = await as('admin', 'POST', '/api/users/cun9/password', { password: 'Chong-zhi-2025' });
    expect(reset.statusCode).toBe(200);
    expect((await me(fourth)).statusCode).toBe(401);
    // A forged or truncated cookie is no session.
    for (const cookie of [`${fourth}x`, fourth.slice(0, -4), 'canbao_session=', "canbao_session=' OR 1=1 --"])
      expect((await me(cookie)).statusCode, cookie).toBe(401);
  });
});

describe('brute-force login', () => {
  const login = (username: string, password: string, remoteAddress: string) =>
    app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress });

  it('answers 429 in Chinese after ten failures a minute from one address, before checking the password', async () => {
    const ip = '10.0.0.1';
    for (let i = 0; i < 10; i++) expect((await login(`nobody${i}`, 'guess', ip)).statusCode).toBe(401);
    const limited = await login('leader', TEST_PASSWORD, ip);
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error).toMatchObject({
      code: 'RATE_LIMITED',
      message: '登录尝试过于频繁，请一分钟后再试',
    });
    // Another address is not slowed down by this one.
    expect((await login('leader', TEST_PASSWORD, '10.0.0.2')).statusCode).toBe(200);
  });

  it('a forged X-Forwarded-For does not make one address look like many', async () => {
    for (let i = 0; i < 10; i++)
      await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: `xff${i}`, password: 'guess' },
        remoteAddress: '10.0.0.9',
        headers: { 'x-forwarded-for': `192.168.${i}.1` },
      });
    const r = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'xff', password: 'guess' },
      remoteAddress: '10.0.0.9',
      headers: { 'x-forwarded-for': '192.168.99.1' },
    });
    expect(r.statusCode).toBe(429);
  });

  it('a successful login with one’s own account does not wipe the address’s failures', async () => {
    const ip = '10.0.0.3';
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 4; i++) await login(`guess${round}${i}`, 'guess', ip);
      await login('leader', TEST_PASSWORD, ip);
    }
    expect((await login('guessZ', 'guess', ip)).statusCode).toBe(429);
  });

  it('locks the account after five wrong passwords, whatever the address', async () => {
    for (let i = 0; i < 4; i++) expect((await login('finance', 'wrong', `10.1.0.${i}`)).statusCode).toBe(401);
    const fifth = await login('finance', 'wrong', '10.1.0.9');
    expect(fifth.statusCode).toBe(403);
    expect(fifth.json().error.message).toMatch(/锁定/);
    expect((await login('finance', TEST_PASSWORD, '10.1.1.1')).statusCode).toBe(403);
  });
});
