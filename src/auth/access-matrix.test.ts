// Every /api route the app registers, called by every role and by nobody: a role the ACCESS table
// does not name gets 403 FORBIDDEN with its Chinese message, no session gets 401 — both before the
// body is validated and before anything is written — and a role it names is let through (it may
// still get 400 or 404 for the dummy request). The routes are collected as Fastify registers them,
// so a new route is in the matrix without anyone adding it here.
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DatabaseHandle } from '../db/connection.js';
import { buildApp } from '../http/app.js';
import { shippedPacks } from '../policy/pack-loader.js';
import {
  type AccessFixture,
  COUNTY,
  HOUSEHOLD,
  PERSON,
  seedAccessFixture,
  T2,
  USERS,
  V_OTHER_COUNTY,
  V1,
  V2,
  V3,
} from '../test-support/access-fixture.js';
import { createPgliteTestDatabase } from '../test-support/db.js';
import { apiRoutes, type RegisteredRoute } from '../test-support/route-collector.js';
import { requiredFields, schemaPart } from '../test-support/route-requests.js';
import { allowedRoles, ROLE_NAMES, ROLES } from './roles.js';
import { addUser } from './user.service.js';

vi.mock('fastify', async (original) =>
  (await import('../test-support/route-collector.js')).collectingFastify(await original()),
);

/** Routes every signed-in user may call (their own session), and routes no one needs to sign in for. */
const OPEN = [/^\/api\/auth\//, /^\/api\/health$/, /^\/api\/openapi\.json$/, /^\/api\/docs(\/|$)/];

let app: FastifyInstance;
let db: DatabaseHandle;
let fx: AccessFixture;
let routes: RegisteredRoute[];

beforeAll(async () => {
  db = await createPgliteTestDatabase();
  app = await buildApp({ packs: shippedPacks(), db, auth: { secureCookies: false }, webRoot: false });
  await app.ready();
  fx = await seedAccessFixture(app, db);
  // The user the administrator's user routes name: resetting its password ends no tester's session.
  await addUser(
    db,
    { username: 'victim', displayName: 'victim', role: 'village', scopeCode: V1, password: 'canbao2025' },
    'test',
  );
  routes = apiRoutes().filter((r) => !OPEN.some((p) => p.test(r.url)));
});
afterAll(async () => {
  await app?.close();
  await db?.close();
});

type Place = keyof typeof PERSON;
const VILLAGE_OF: Record<Place, string> = { v1: V1, v2: V2, v3: V3, other: V_OTHER_COUNTY };
const AGENT_OF: Record<Place, string> = { v1: 'A-V1', v2: 'A-V2', v3: 'A-V3', other: 'A-OC' };

/** A path with its parameters filled in from the fixture: the person, household, agent … of one place. */
function concrete(url: string, place: Place = 'v1'): string {
  const pack = shippedPacks().all()[0]!.pack.id;
  return url.replace(/:(\w+)/g, (_, name: string) => {
    if (url.startsWith('/api/persons/') || url.startsWith('/api/assessments/explain')) return PERSON[place];
    if (name === 'key') return HOUSEHOLD[place];
    if (name === 'code') return url.startsWith('/api/agents') ? AGENT_OF[place] : VILLAGE_OF[place];
    if (name === 'county') return VILLAGE_OF[place].slice(0, 6);
    if (name === 'year') return '2025';
    if (name === 'username') return 'victim';
    if (name === 'kind') return 'identities';
    if (url.startsWith('/api/policy/')) return pack;
    if (url.startsWith('/api/payments/')) return String(fx.paymentIds[place]);
    if (url.startsWith('/api/refunds/')) return String(fx.refundIds[place]);
    const run = place === 'other' ? 'other' : 'own';
    if (url.startsWith('/api/reconciliations/')) return String(fx.runIds[run]);
    if (url.startsWith('/api/differences/')) return String(fx.differenceIds[run]);
    if (url.startsWith('/api/jobs/')) return '1';
    throw new Error(`no fixture value for :${name} in ${url}`);
  });
}

/** Fields by which a request names something that lies in a region. */
const REGIONAL = /^(region|county|village|docNo|id|key|code)$/;

function namesARegion(route: RegisteredRoute): boolean {
  const fields = [
    ...[...route.url.matchAll(/:(\w+)/g)].map((m) => m[1]!),
    ...Object.keys(schemaPart(route.schema, 'querystring')?.properties ?? {}),
    ...Object.keys(schemaPart(route.schema, 'body')?.properties ?? {}),
  ];
  return fields.some((f) => REGIONAL.test(f)) && !/^\/api\/(policy|jobs|users)/.test(route.url);
}

/** Where each scoped role's fixture user does not work: the next village, township or county. */
const OUTSIDE: Partial<Record<string, Place>> = {
  village: 'v2',
  township: 'v3',
  staff: 'other',
  department: 'other',
  tax: 'other',
  finance: 'other',
  leader: 'other',
};

/** A request that names the place outside everywhere it can: path, query and a valid body. */
function elsewhere(route: RegisteredRoute, cookie: string, place: Place) {
  const village = VILLAGE_OF[place];
  const region = place === 'other' ? village.slice(0, 6) : place === 'v3' ? T2 : village;
  const naming = { region, docNo: PERSON[place], codes: [village.slice(0, 9), village] };
  const query = {
    ...requiredFields(schemaPart(route.schema, 'querystring'), naming),
    ...Object.fromEntries(
      Object.keys(schemaPart(route.schema, 'querystring')?.properties ?? {})
        .filter((f) => /^(region|county|village|docNo)$/.test(f))
        .map((f) => [f, f === 'docNo' ? PERSON[place] : f === 'village' ? village : region]),
    ),
  };
  return app.inject({
    method: route.method as 'GET',
    url: concrete(route.url, place),
    query: Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)])),
    headers: { cookie },
    ...(route.method === 'POST' ? { payload: requiredFields(schemaPart(route.schema, 'body'), naming) } : {}),
  });
}

const call = (method: string, url: string, cookie?: string, scope?: string) =>
  app.inject({
    method: method as 'GET',
    url: method === 'POST' ? concrete(url) : `${concrete(url)}?region=${scope ?? COUNTY}&year=2025`,
    headers: cookie ? { cookie } : {},
    ...(method === 'POST' ? { payload: {} } : {}),
  });

async function writes(): Promise<string> {
  const r = await sql<{ n: string }>`SELECT concat_ws(',',
    (SELECT count(*) FROM audit_log), (SELECT count(*) FROM payments), (SELECT count(*) FROM refunds),
    (SELECT count(*) FROM jobs), (SELECT count(*) FROM users), (SELECT count(*) FROM enrollments),
    (SELECT count(*) FROM campaigns), (SELECT count(*) FROM agents)) AS n`.execute(db.db);
  return r.rows[0]!.n;
}

describe('the access matrix', () => {
  it('covers every registered route (GET, HEAD and POST) — at least the routes known today', () => {
    expect(routes.length).toBeGreaterThan(60);
    expect(routes.map((r) => `${r.method} ${r.url}`)).toEqual(
      expect.arrayContaining([
        'GET /api/persons/:docNo',
        'HEAD /api/persons',
        'POST /api/imports/:kind',
        'POST /api/differences/:id/resolve',
      ]),
    );
  });

  it('refuses with 401 without a session and with 403 a role the table does not name, writing nothing', async () => {
    const before = await writes();
    let refused = 0;
    for (const route of routes) {
      const anonymous = await call(route.method, route.url);
      expect(anonymous.statusCode, `${route.method} ${route.url} without a session`).toBe(401);
      if (route.method !== 'HEAD') expect(anonymous.json().error.code).toBe('UNAUTHENTICATED');
      for (const [username, role, scope] of USERS) {
        if (allowedRoles(route.method, route.url).includes(role)) continue;
        const r = await call(route.method, route.url, fx.cookies[username], scope);
        expect(r.statusCode, `${role} ${route.method} ${route.url}: ${r.body}`).toBe(403);
        if (route.method !== 'HEAD')
          expect(r.json().error).toMatchObject({
            code: 'FORBIDDEN',
            message: `${ROLE_NAMES[role]}无权进行此操作`,
          });
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(200);
    expect(await writes()).toBe(before);
  });

  it('lets a role the table names through inside its scope, and never answers 500', async () => {
    // A handler's own finer rule, stated here so the matrix stays exact: non-administrators read
    // only the jobs they submitted (job 1 is nobody's here).
    const ownJobsOnly = (role: string, url: string) => role !== 'admin' && url.startsWith('/api/jobs/:id');
    let allowed = 0;
    // HEAD runs the GET handler (and follows its rule, tested below): the GETs stand for both here.
    for (const route of routes.filter((r) => r.method !== 'HEAD')) {
      for (const [username, role, scope] of USERS) {
        if (!allowedRoles(route.method, route.url).includes(role)) continue;
        const r = await call(route.method, route.url, fx.cookies[username], scope);
        const what = `${role} ${route.method} ${route.url}: ${r.statusCode} ${r.body.slice(0, 300)}`;
        expect(r.statusCode, what).toBeLessThan(500);
        if (ownJobsOnly(role, route.url)) continue;
        expect([401, 403], what).not.toContain(r.statusCode);
        allowed++;
      }
    }
    expect(allowed).toBeGreaterThan(120);
  });

  it('refuses every scoped role what lies outside its area, by whatever route names it', async () => {
    const before = await writes();
    const leaks: string[] = [];
    let asked = 0;
    for (const route of routes.filter((r) => r.method !== 'HEAD' && namesARegion(r))) {
      for (const [username, role, scope] of USERS) {
        if (!scope || !allowedRoles(route.method, route.url).includes(role)) continue;
        const place = OUTSIDE[role]!;
        const r = await elsewhere(route, fx.cookies[username]!, place);
        asked++;
        console.log(
          `DBG ${r.statusCode} ${r.json().error?.code} ${role} ${route.method} ${route.url} ${r.json().error?.message}`,
        );
        const what = `${role} ${route.method} ${route.url}: ${r.statusCode} ${r.body.slice(0, 200)}`;
        // Refused as out of scope, or not found, or turned away by validation: never answered.
        if (r.statusCode < 400 || r.statusCode >= 500) leaks.push(what);
        for (const other of [`${place}村民`, PERSON[place], AGENT_OF[place]])
          if (r.body.includes(other) && r.statusCode !== 403) leaks.push(`${what} (shows ${other})`);
      }
    }
    expect(leaks).toEqual([]);
    expect(asked).toBeGreaterThan(100);
    expect(await writes()).toBe(before);
  });

  it('gives HEAD the rule of its GET route (Fastify answers HEAD with the GET handler)', () => {
    for (const route of routes.filter((r) => r.method === 'HEAD'))
      expect(allowedRoles('HEAD', route.url), route.url).toEqual(allowedRoles('GET', route.url));
  });

  it('treats every role of ROLES', () => {
    expect(USERS.map(([, role]) => role).sort()).toEqual([...ROLES].sort());
  });
});
