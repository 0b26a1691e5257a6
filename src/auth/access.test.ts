// Sessions, roles and scope through the real HTTP app: no session → 401; a role without the right →
// 403; a village worker asking for another village's person by ID → 403; logout ends the session;
// five wrong passwords lock the account; an administrator searches the audit log.

import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../http/app.js';
import { shippedPacks } from '../policy/pack-loader.js';
import { checkDigit } from '../registry/id-document.js';
import { describeEachDatabase } from '../test-support/db.js';
import { addUser } from './user.service.js';

const id = (first17: string) => first17 + checkDigit(first17);
const MINE = id('13080219800101001');
const THEIRS = id('13080219800101002');
const PW = 'canbao2025';

describeEachDatabase('who may do what over HTTP', (getDb) => {
  let app: FastifyInstance;
  const login = async (username: string, password = PW) => {
    const r = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
    const cookie = String(r.headers['set-cookie'] ?? '').split(';')[0]!;
    return { r, cookie };
  };

  beforeAll(async () => {
    const db = getDb();
    await sql`INSERT INTO persons (county_code, doc_type, doc_no, name, residence_village) VALUES
      ('130802', 'resident_id', ${MINE}, '本村人', '130802001001'),
      ('130802', 'resident_id', ${THEIRS}, '外村人', '130802001002')`.execute(db.db);
    for (const [username, role, scopeCode] of [
      ['admin', 'admin', undefined],
      ['cun1', 'village', '130802001001'],
      ['caizheng', 'finance', '130802'],
    ] as const)
      await addUser(
        db,
        { username, displayName: username, role, password: PW, ...(scopeCode ? { scopeCode } : {}) },
        'test',
      );
    app = await buildApp({ packs: shippedPacks(), db, auth: { secureCookies: false } });
  });
  afterAll(async () => app?.close());

  it('refuses every data route without a session, in the one error shape', async () => {
    const r = await app.inject({ method: 'GET', url: '/api/payments' });
    expect(r.statusCode).toBe(401);
    expect(r.json()).toEqual({ error: { code: 'UNAUTHENTICATED', message: '请先登录', where: 'cookie' } });
    expect((await app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
  });

  it('a village worker sees their own village and not another village’s person', async () => {
    const { r, cookie } = await login('cun1');
    expect(r.statusCode).toBe(200);
    expect(r.headers['set-cookie']).toMatch(/HttpOnly; SameSite=Strict/);
    const own = await app.inject({ method: 'GET', url: `/api/payments?docNo=${MINE}`, headers: { cookie } });
    expect(own.statusCode).toBe(200);
    const other = await app.inject({
      method: 'GET',
      url: `/api/payments?docNo=${THEIRS}`,
      headers: { cookie },
    });
    expect(other.statusCode).toBe(403);
    expect(other.json().error.code).toBe('OUT_OF_SCOPE');
    const household = await app.inject({
      method: 'GET',
      url: `/api/households/${THEIRS}?year=2025`,
      headers: { cookie },
    });
    expect(household.statusCode).toBe(403);
    const county = await app.inject({
      method: 'GET',
      url: '/api/payments?region=130802',
      headers: { cookie },
    });
    expect(county.statusCode).toBe(403);
    const pay = await app.inject({
      method: 'POST',
      url: '/api/payments',
      headers: { cookie },
      payload: {
        docNo: THEIRS,
        year: 2025,
        amountFen: 40000,
        paidOn: '2024-10-10',
        channel: 'cash',
        externalNo: 'R1',
      },
    });
    expect(pay.statusCode).toBe(403);
    await sql`INSERT INTO agents (county_code, code, name, kind, area_code) VALUES
      ('130802', 'A-OTHER', '外村代征员', 'village', '130802001002')`.execute(getDb().db);
    const ledger = await app.inject({
      method: 'GET',
      url: '/api/agents/A-OTHER/ledger',
      headers: { cookie },
    });
    expect(ledger.statusCode).toBe(403);
    // The county's unrenewed list is narrowed to the worker's own village; another village is refused.
    const unrenewed = await app.inject({
      method: 'GET',
      url: '/api/campaigns/130802/2025/unrenewed',
      headers: { cookie },
    });
    expect(unrenewed.statusCode).toBe(200);
    const elsewhere = await app.inject({
      method: 'GET',
      url: '/api/campaigns/130802/2025/unrenewed?village=130802001002',
      headers: { cookie },
    });
    expect(elsewhere.statusCode).toBe(403);
  });

  it('finance may not take payments or see the user list', async () => {
    const { cookie } = await login('caizheng');
    const pay = await app.inject({
      method: 'POST',
      url: '/api/payments',
      headers: { cookie },
      payload: {
        docNo: MINE,
        year: 2025,
        amountFen: 40000,
        paidOn: '2024-10-10',
        channel: 'cash',
        externalNo: 'R2',
      },
    });
    expect(pay.statusCode).toBe(403);
    expect(pay.json().error.message).toBe('财政人员无权进行此操作');
    expect((await app.inject({ method: 'GET', url: '/api/users', headers: { cookie } })).statusCode).toBe(
      403,
    );
  });

  it('after logout the session is gone', async () => {
    const { cookie } = await login('cun1');
    expect(
      (await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } })).json().username,
    ).toBe('cun1');
    await app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie } });
    expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } })).statusCode).toBe(
      401,
    );
  });

  it('five wrong passwords lock the account, even with the right one after', async () => {
    for (let i = 0; i < 4; i++) expect((await login('caizheng', 'wrong-pass1')).r.statusCode).toBe(401);
    const fifth = await login('caizheng', 'wrong-pass1');
    expect(fifth.r.statusCode).toBe(403);
    expect(fifth.r.json().error.message).toMatch(/锁定 15 分钟/);
    expect((await login('caizheng')).r.statusCode).toBe(403);
  });

  it('an administrator searches the audit log; no one else may', async () => {
    const { cookie } = await login('admin');
    const users = await app.inject({
      method: 'POST',
      url: '/api/users',
      headers: { cookie },
      payload: {
        username: 'zhen1',
        displayName: '乡镇专干',
        role: 'township',
        scopeCode: '130802001',
        password: PW,
      },
    });
    expect(users.statusCode).toBe(201);
    const audit = await app.inject({ method: 'GET', url: '/api/audit?entity=user', headers: { cookie } });
    expect(audit.json().map((a: { action: string; actor: string }) => [a.action, a.actor])).toContainEqual([
      'user.add',
      'admin',
    ]);
    // A new user must change the password before anything else.
    const zhen = await login('zhen1');
    const blocked = await app.inject({
      method: 'GET',
      url: '/api/payments',
      headers: { cookie: zhen.cookie },
    });
    expect(blocked.json().error.code).toBe('PASSWORD_CHANGE_REQUIRED');
  });
});
