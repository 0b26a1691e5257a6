// Authentication, role and scope for every /api route, enforced on the server: who is calling (the
// session cookie), whether their role may call this route (roles.ts ACCESS), and whether what they
// name — a person, a household, a region — lies inside the region they work in.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import type { DatabaseHandle } from '../db/connection.js';
import { HttpError } from '../http/errors.js';
import { parseIdDocument } from '../registry/id-document.js';
import { allowedRoles, ROLE_NAMES } from './roles.js';
import { SESSION_COOKIE, sessionUser } from './session.service.js';
import type { User } from './user.service.js';

declare module 'fastify' {
  interface FastifyRequest {
    user?: User;
  }
  interface FastifyContextConfig {
    /** The handler checks the named person's village itself (see checkScope). */
    checksPersonScope?: boolean;
  }
}

const PUBLIC = [/^\/api\/health$/, /^\/api\/auth\/login$/, /^\/api\/openapi\.json$/, /^\/api\/docs(\/|$)/];

export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

export function registerAccessControl(app: FastifyInstance, db: DatabaseHandle): void {
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const path = request.url.split('?')[0]!;
    if (!path.startsWith('/api/') || PUBLIC.some((p) => p.test(path))) return;
    const token = readCookie(request, SESSION_COOKIE);
    const user = token ? await sessionUser(db, token) : undefined;
    if (!user) throw new HttpError(401, 'UNAUTHENTICATED', '请先登录', 'cookie');
    request.user = user;
    // The role is decided here, before the body is read or validated: a caller without the right
    // learns nothing of what the route expects (a 400 would tell) and its body is never parsed.
    const route = request.routeOptions.url ?? '';
    if (
      user.mustChangePassword &&
      route !== '/api/auth/password' &&
      route !== '/api/auth/me' &&
      route !== '/api/auth/logout'
    )
      throw new HttpError(403, 'PASSWORD_CHANGE_REQUIRED', '首次登录或密码被重置，请先修改密码', 'password');
    if (route.startsWith('/api/auth/')) return;
    const roles = allowedRoles(request.method, route);
    if (!roles.includes(user.role))
      throw new HttpError(403, 'FORBIDDEN', `${ROLE_NAMES[user.role]}无权进行此操作`, route);
  });
  // The scope needs the validated query and body (a region, an ID number), so it is checked after them.
  app.addHook('preHandler', async (request: FastifyRequest, _reply: FastifyReply) => {
    const user = request.user;
    const route = request.routeOptions.url ?? '';
    if (!user?.scopeCode || route.startsWith('/api/auth/')) return;
    await checkScope(db, request, user);
  });
}

type Bag = Record<string, unknown> | undefined;

/**
 * A scoped user may act on a person only inside their area; a person with no village is outside
 * every area. For routes that read the person anyway (config.checksPersonScope).
 */
export function checkPersonInScope(request: FastifyRequest, village: string | null): void {
  const scope = request.user?.scopeCode;
  if (scope && !village?.startsWith(scope))
    throw new HttpError(403, 'OUT_OF_SCOPE', `此人不在您的管辖范围（${scope}）内`, 'scope');
}

/** Everything a request names that lies in a region, checked against the user's scope. */
async function checkScope(db: DatabaseHandle, request: FastifyRequest, user: User): Promise<void> {
  const scope = user.scopeCode!;
  const params = request.params as Bag;
  const query = request.query as Bag;
  const body = (
    request.body && typeof request.body === 'object' && !Array.isArray(request.body)
      ? request.body
      : undefined
  ) as Bag;
  const outside = (what: string) => {
    throw new HttpError(403, 'OUT_OF_SCOPE', `${what}不在您的管辖范围（${scope}）内`, 'scope');
  };
  // Regions: a list query without a region is narrowed to the user's own.
  const querySchema = request.routeOptions.schema?.querystring as
    | { properties?: Record<string, unknown> }
    | undefined;
  const narrows = (field: string) => querySchema?.properties !== undefined && field in querySchema.properties;
  // Every field that names a region is checked, not only the first present: a body naming its own
  // region could otherwise carry another county, or an agent's `area` another village.
  for (const [bag, region] of [query, body, params].flatMap((b) =>
    ['region', 'county', 'area'].map((field) => [b, b?.[field]] as const),
  )) {
    if (typeof region !== 'string' || region === '' || region.startsWith(scope)) continue;
    // Naming the county one works in is allowed where the route can narrow the answer to one's own
    // township or village (a `village` filter), and it is narrowed here.
    if (bag === params && scope.startsWith(region) && query && narrows('village')) {
      const village = query.village;
      if (typeof village === 'string' && village !== '' && !village.startsWith(scope))
        outside(`地区 ${village} `);
      if (typeof village !== 'string' || village.length < scope.length) query.village = scope;
      continue;
    }
    outside(`地区 ${region} `);
  }
  if (query && query.region === undefined && narrows('region')) query.region = scope;
  // A route that reads the person anyway may check their village itself (config.checksPersonScope),
  // saving this lookup on the hottest read of the campaign; it must refuse with the same 403.
  const selfChecked = request.routeOptions.config.checksPersonScope === true;
  const docNos = [
    selfChecked ? undefined : body?.docNo,
    selfChecked ? undefined : query?.docNo,
    selfChecked ? undefined : params?.docNo,
    request.routeOptions.url?.startsWith('/api/persons/:') ? params?.id : undefined,
    // The work list's follow-up names its person `id` (the ID number shown on the list).
    request.routeOptions.url === '/api/reports/followups' ? body?.id : undefined,
  ];
  for (const d of docNos) {
    if (typeof d !== 'string' || d === '') continue;
    const parsed = parseIdDocument(d);
    const docNo = parsed.ok ? parsed.doc.docNo : d.trim();
    const r = await sql<{
      village: string;
    }>`SELECT residence_village AS village FROM persons WHERE doc_no = ${docNo}`.execute(db.db);
    const village = r.rows[0]?.village;
    if (village !== undefined) checkPersonInScope(request, village);
  }
  if (typeof params?.code === 'string' && request.routeOptions.url?.startsWith('/api/agents/')) {
    const r = await sql<{ area: string | null; county: string }>`
      SELECT area_code AS area, county_code AS county FROM agents WHERE code = ${params.code}`.execute(db.db);
    const agent = r.rows[0];
    // A worker sees the agents of their area; a township worker also those of its villages.
    if (agent && !(agent.area ?? agent.county).startsWith(scope)) outside('此代征人员');
  }
  if (typeof params?.key === 'string') {
    // A household is named by its number or by any member's ID number.
    const key = params.key;
    const parsed = parseIdDocument(key);
    const r = await sql<{ village: string | null }>`
      SELECT residence_village AS village FROM persons WHERE doc_no = ${parsed.ok ? parsed.doc.docNo : key}
      UNION ALL
      SELECT COALESCE(h.village_code, h.county_code) FROM households h WHERE h.household_no = ${key}
      LIMIT 1`.execute(db.db);
    const village = r.rows[0]?.village;
    if (village && !village.startsWith(scope)) outside('此户');
  }
  // A reconciliation run and its differences belong to the region the tax file was reconciled for.
  const reconciled = request.routeOptions.url?.startsWith('/api/reconciliations/:id')
    ? sql`SELECT region FROM reconciliation_runs WHERE id = ${Number(params?.id)}`
    : request.routeOptions.url?.startsWith('/api/differences/:id')
      ? sql`SELECT region FROM reconciliation_differences WHERE id = ${Number(params?.id)}`
      : undefined;
  if (reconciled) {
    const region = (await sql<{ region: string }>`${reconciled}`.execute(db.db)).rows[0]?.region;
    if (region !== undefined && !region.startsWith(scope) && !scope.startsWith(region)) outside('此对账批次');
  }
  if (
    request.routeOptions.url?.startsWith('/api/refunds/:id') ||
    request.routeOptions.url?.startsWith('/api/payments/:id')
  ) {
    const table = request.routeOptions.url.startsWith('/api/refunds') ? sql`refunds` : sql`payments`;
    const r = await sql<{ village: string }>`
      SELECT p.residence_village AS village FROM ${table} t JOIN persons p ON p.id = t.person_id
      WHERE t.id = ${Number(params?.id)}`.execute(db.db);
    const village = r.rows[0]?.village;
    if (village !== undefined && !village.startsWith(scope)) outside('此记录');
  }
}
