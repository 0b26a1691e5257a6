// SQL injection and hostile strings in every free-text field: for every registered /api route, each
// string field of its querystring and JSON body that takes free text (no enum, pattern or format)
// and each string path parameter is sent, one at a time, each of the strings below — by an
// administrator and by a village worker where the route is theirs. Never a 500, never another
// village's data in a village worker's answer, and every table intact afterwards. Then bodies over
// the limit and arrays where one value is expected.
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { allowedRoles } from '../auth/roles.js';
import { addUser } from '../auth/user.service.js';
import type { DatabaseHandle } from '../db/connection.js';
import { shippedPacks } from '../policy/pack-loader.js';
import {
  type AccessFixture,
  COUNTY,
  HOUSEHOLD,
  PERSON,
  seedAccessFixture,
  T1,
  V1,
} from '../test-support/access-fixture.js';
import { createPgliteTestDatabase } from '../test-support/db.js';
import { multipartBody, waitForJob } from '../test-support/http.js';
import { apiRoutes, type RegisteredRoute } from '../test-support/route-collector.js';
import { type Prop, requiredFields, schemaPart } from '../test-support/route-requests.js';
import { buildApp } from './app.js';

vi.mock('fastify', async (original) =>
  (await import('../test-support/route-collector.js')).collectingFastify(await original()),
);

const HOSTILE = [
  "' OR 1=1 --",
  "'; DROP TABLE persons; --",
  "1' UNION SELECT doc_no, name FROM persons --",
  '%',
  '_',
  '\\',
  'a\u0000b',
  '$1',
  '\u202e😀',
];
const LONG_QUERY = '长'.repeat(4000);
const LONG_BODY = 'x'.repeat(200_000);

/** Routes that end the tester's own session or take an uploaded file rather than JSON. */
const SKIP = [
  /^\/api\/auth\//,
  /^\/api\/imports\//,
  /^\/api\/reconciliations$/,
  /^\/api\/docs/,
  /^\/api\/openapi/,
];

let app: FastifyInstance;
let db: DatabaseHandle;
let fx: AccessFixture;

beforeAll(async () => {
  db = await createPgliteTestDatabase();
  app = await buildApp({ packs: shippedPacks(), db, auth: { secureCookies: false }, webRoot: false });
  fx = await seedAccessFixture(app, db);
  await addUser(
    db,
    { username: 'victim', displayName: 'victim', role: 'village', scopeCode: V1, password: 'canbao2025' },
    'test',
  );
});
afterAll(async () => {
  await app?.close();
  await db?.close();
});

const freeText = (p: Prop) =>
  (p.type === 'string' || (Array.isArray(p.type) && p.type.includes('string'))) &&
  !p.enum &&
  !p.pattern &&
  !p.format;

function fillParams(url: string, override?: { name: string; value: string }): string {
  return url.replace(/:(\w+)/g, (_, name: string) => {
    if (override?.name === name) return encodeURIComponent(override.value);
    if (url.startsWith('/api/persons/') || url.includes('explain')) return PERSON.v1;
    if (name === 'key') return HOUSEHOLD.v1;
    if (name === 'code') return url.startsWith('/api/agents') ? fx.agentCode : V1;
    if (name === 'county') return COUNTY;
    if (name === 'year') return '2025';
    // Not a tester: resetting its password must not end the village worker's session.
    if (name === 'username') return 'victim';
    if (url.startsWith('/api/payments/')) return String(fx.paymentIds.v1);
    if (url.startsWith('/api/refunds/')) return String(fx.refundIds.v1);
    if (url.startsWith('/api/reconciliations/')) return String(fx.runIds.own);
    if (url.startsWith('/api/differences/')) return String(fx.differenceIds.own);
    if (url.startsWith('/api/policy/')) return shippedPacks().all()[0]!.pack.id;
    return '1';
  });
}

interface Case {
  route: RegisteredRoute;
  where: 'querystring' | 'body' | 'params';
  field: string;
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const route of apiRoutes()) {
    if (route.method === 'HEAD' || SKIP.some((p) => p.test(route.url))) continue;
    for (const where of ['querystring', 'body'] as const)
      for (const [field, p] of Object.entries(schemaPart(route.schema, where)?.properties ?? {}))
        if (freeText(p)) out.push({ route, where, field });
    for (const [, name] of route.url.matchAll(/:(\w+)/g)) {
      const p = schemaPart(route.schema, 'params')?.properties?.[name!];
      if (!p || freeText(p)) out.push({ route, where: 'params', field: name! });
    }
  }
  return out;
}

function request(c: Case, value: string, scope: string, cookie: string) {
  const naming = { region: scope, docNo: PERSON.v1, codes: [COUNTY, T1, V1] };
  const query = requiredFields(schemaPart(c.route.schema, 'querystring'), naming);
  const body = requiredFields(schemaPart(c.route.schema, 'body'), naming);
  if (c.where === 'querystring') query[c.field] = value;
  if (c.where === 'body') body[c.field] = value;
  const url = fillParams(c.route.url, c.where === 'params' ? { name: c.field, value } : undefined);
  return app.inject({
    method: c.route.method as 'GET',
    url,
    query: Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)])),
    headers: { cookie },
    ...(c.route.method === 'POST' ? { payload: body } : {}),
  });
}

async function tables(): Promise<string> {
  const r = await sql<{ t: string }>`SELECT string_agg(tablename, ',' ORDER BY tablename) AS t
    FROM pg_tables WHERE schemaname = 'public'`.execute(db.db);
  return r.rows[0]!.t;
}

describe('hostile strings in every free-text field', () => {
  it('never answer 500, never show a village worker another village, and leave every table intact', async () => {
    const before = await tables();
    const all = cases();
    // Free-text fields of today's routes: search q, names, reasons, notes, receipt numbers, batches,
    // usernames, ID numbers and household keys in paths … (a lower bound, so new ones only add).
    expect(all.length).toBeGreaterThan(40);
    let sent = 0;
    const failures: string[] = [];
    for (const c of all) {
      for (const [user, scope] of [
        ['admin', COUNTY],
        ['village', V1],
      ] as const) {
        if (!allowedRoles(c.route.method, c.route.url).includes(user === 'admin' ? 'admin' : 'village'))
          continue;
        const long = c.where === 'body' ? LONG_BODY : LONG_QUERY;
        for (const value of [...HOSTILE, long]) {
          const r = await request(c, value, scope, fx.cookies[user]!);
          sent++;
          const what = `${user} ${c.route.method} ${c.route.url} ${c.where}.${c.field}=${JSON.stringify(value.slice(0, 40))}`;
          // Both testers are signed in and allowed: a 401 or 403 FORBIDDEN would make the case vacuous.
          if (r.statusCode === 401 || r.json().error?.code === 'FORBIDDEN')
            failures.push(`${what}: ${r.body}`);
          if (r.statusCode >= 500) failures.push(`${what}: ${r.statusCode} ${r.body.slice(0, 200)}`);
          if (user === 'village')
            for (const other of ['v2村民', 'v3村民', 'other村民', PERSON.v2, PERSON.v3, PERSON.other])
              if (r.body.includes(other)) failures.push(`${what}: shows ${other}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(500);
    expect(await tables()).toBe(before);
    const persons = await sql<{ n: number }>`SELECT count(*)::int AS n FROM persons`.execute(db.db);
    expect(persons.rows[0]!.n).toBe(4);
  }, 120_000);

  it('a hostile username or password at login is a plain refusal', async () => {
    let i = 0;
    for (const value of [...HOSTILE, LONG_QUERY])
      for (const payload of [
        { username: value, password: 'x' },
        { username: 'leader', password: value },
      ]) {
        const r = await app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload,
          remoteAddress: `10.9.${Math.floor(i / 200)}.${i++ % 200}`,
        });
        // Wrong passwords for a real account lock it after five: 403 locked is the plain refusal then.
        const plain = r.statusCode === 400 || r.statusCode === 401 || r.json().error.code === 'locked';
        expect(plain, `${JSON.stringify(payload).slice(0, 60)}: ${r.body}`).toBe(true);
        expect(r.headers['set-cookie']).toBeUndefined();
      }
    const users = await sql<{ n: number }>`SELECT count(*)::int AS n FROM users`.execute(db.db);
    expect(users.rows[0]!.n).toBe(9);
  });
});

describe('hostile strings in upload form fields', () => {
  it('never answer 500, and a job they start ends (succeeded or failed), never stuck', async () => {
    const files: Record<string, string> = {
      identities: ['姓名,身份证号码,类别', `v1村民,${PERSON.v1},低保`].join('\r\n'),
      events: ['姓名,身份证号码,死亡日期', `v1村民,${PERSON.v1},2024-09-01`].join('\r\n'),
      population: ['地区代码,户籍人口', `${V1},100`].join('\r\n'),
    };
    const fields: [kind: string, field: string, base: Record<string, string>][] = [
      ['identities', 'department', { county: COUNTY }],
      ['identities', 'county', { department: '民政' }],
      ['identities', 'kind', { department: '民政', county: COUNTY }],
      ['identities', 'asOf', { department: '民政', county: COUNTY }],
      ['events', 'dateColumn', { department: '卫健', county: COUNTY }],
      ['events', 'type', { department: '卫健', county: COUNTY }],
      ['population', 'source', { year: '2025' }],
      ['population', 'year', {}],
    ];
    let sent = 0;
    for (const [kind, field, base] of fields)
      for (const value of [...HOSTILE, LONG_QUERY]) {
        const form = multipartBody({ ...base, [field]: value }, { name: 'list.csv', content: files[kind]! });
        const r = await app.inject({
          method: 'POST',
          url: `/api/imports/${kind}`,
          headers: { 'content-type': form.contentType, cookie: fx.cookies.admin! },
          payload: form.body,
        });
        sent++;
        const what = `${kind}.${field}=${JSON.stringify(value.slice(0, 30))}: ${r.statusCode} ${r.body.slice(0, 200)}`;
        expect(r.statusCode, what).toBeLessThan(500);
        if (r.statusCode === 202) {
          const job = await waitForJob(app, r.json().id, fx.cookies.admin);
          expect(['succeeded', 'failed'], what).toContain(job.status);
        }
      }
    expect(sent).toBe(fields.length * (HOSTILE.length + 1));
  }, 120_000);
});

describe('oversized and misshapen bodies', () => {
  const post = (url: string, payload: string | object, cookie = fx.cookies.admin!) =>
    app.inject({ method: 'POST', url, payload, headers: { cookie, 'content-type': 'application/json' } });

  it('a JSON body over the limit is refused with 413 in Chinese, and unread without a session', async () => {
    const huge = JSON.stringify({ docNo: PERSON.v1, note: 'x'.repeat(11 * 1024 * 1024) });
    const r = await post('/api/payments', huge);
    expect(r.statusCode).toBe(413);
    expect(r.json().error.message).toBe('请求内容过大');
    const anonymous = await app.inject({
      method: 'POST',
      url: '/api/payments',
      payload: huge,
      headers: { 'content-type': 'application/json' },
    });
    expect(anonymous.statusCode).toBe(401);
  });

  it('an array of 10,000 where one value is expected is a 400, not a crash', async () => {
    const many = Array.from({ length: 10_000 }, (_, i) => `${PERSON.v1}${i}`);
    for (const [url, body] of [
      [
        '/api/payments',
        { docNo: many, year: 2025, amountFen: 40000, paidOn: '2024-10-10', channel: 'cash', externalNo: 'A' },
      ],
      ['/api/refunds', { docNo: PERSON.v1, year: 2024, reason: many }],
      ['/api/events', { docNo: many, type: 'death', occurredOn: '2024-10-01' }],
      ['/api/assessments/what-if', { region: COUNTY, year: 2025, set: many }],
      ['/api/assess', Array.from({ length: 10_001 }, () => ({}))],
      ['/api/payments', many],
    ] as const) {
      const r = await post(url, body);
      expect(r.statusCode, `${url}: ${r.body.slice(0, 200)}`).toBe(400);
      expect(r.json().error.message).toMatch(/^请求内容不符合要求/);
    }
    const repeated = `/api/payments?${many.map((d) => `docNo=${d}`).join('&')}`;
    const q = await app.inject({ method: 'GET', url: repeated, headers: { cookie: fx.cookies.village! } });
    expect(q.statusCode).toBe(400);
  });

  it('deep nesting, a poisoned prototype and broken JSON are refused plainly', async () => {
    const deep = `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`;
    for (const body of [
      deep,
      `{"docNo":"${PERSON.v1}","__proto__":{"admin":true}}`,
      `{"docNo":"${PERSON.v1}","constructor":{"prototype":{"admin":true}}}`,
      '{"docNo": "',
      '\u0000',
      '[]',
      'null',
    ]) {
      const r = await post('/api/payments', body);
      expect(r.statusCode, `${body.slice(0, 40)}: ${r.body.slice(0, 200)}`).toBe(400);
    }
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });
});
