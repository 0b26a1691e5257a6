// Login, logout, who am I, password change; users and the audit log for administrators.

import type { FastifyInstance, FastifyReply } from 'fastify';
import { sql } from 'kysely';
import type { DatabaseHandle } from '../db/connection.js';
import { HttpError } from '../http/errors.js';
import { readCookie } from './access.js';
import { ROLE_NAMES } from './roles.js';
import {
  createSession,
  forgetSessions,
  revokeSession,
  SESSION_COOKIE,
  SESSION_HOURS,
} from './session.service.js';
import {
  addUser,
  authenticate,
  changePassword,
  findUser,
  listUsers,
  type User,
  unlockUser,
} from './user.service.js';

export interface AuthOptions {
  /** Set the Secure flag on the cookie (behind HTTPS). */
  secureCookies: boolean;
}

function setSessionCookie(reply: FastifyReply, token: string, maxAge: number, secure: boolean): void {
  reply.header(
    'set-cookie',
    `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure ? '; Secure' : ''}`,
  );
}

const describe = (u: User) => ({ ...u, roleName: ROLE_NAMES[u.role] });

const PER_MINUTE = 10;

export function registerAuthRoutes(app: FastifyInstance, db: DatabaseHandle, options: AuthOptions): void {
  /** Failed logins per client address in the last minute: brute force is slowed before lockout. */
  const attempts = new Map<string, number[]>();
  app.post<{ Body: { username: string; password: string } }>(
    '/api/auth/login',
    {
      schema: {
        summary: '登录',
        tags: ['系统'],
        body: {
          type: 'object',
          required: ['username', 'password'],
          additionalProperties: false,
          properties: {
            username: { type: 'string', maxLength: 40 },
            password: { type: 'string', maxLength: 200 },
          },
        },
      },
    },
    async (request, reply) => {
      const now = Date.now();
      const recent = (attempts.get(request.ip) ?? []).filter((t) => now - t < 60_000);
      if (recent.length === 0) attempts.delete(request.ip);
      if (recent.length >= PER_MINUTE)
        throw new HttpError(429, 'RATE_LIMITED', '登录尝试过于频繁，请一分钟后再试');
      const outcome = await authenticate(db, request.body.username, request.body.password);
      if (!outcome.ok) {
        attempts.set(request.ip, [...recent, now]);
        throw new HttpError(
          outcome.code === 'bad-credentials' ? 401 : 403,
          outcome.code,
          outcome.message,
          'password',
        );
      }
      // A success does not wipe the address's failures: otherwise anyone with an account of their own
      // could sign in between guesses at others' passwords and never be slowed down.
      const token = await createSession(db, outcome.user.id, request.ip);
      setSessionCookie(reply, token, SESSION_HOURS * 3600, options.secureCookies);
      return describe(outcome.user);
    },
  );

  app.post(
    '/api/auth/logout',
    { schema: { summary: '退出登录', tags: ['系统'] } },
    async (request, reply) => {
      const token = readCookie(request, SESSION_COOKIE);
      if (token) await revokeSession(db, token);
      setSessionCookie(reply, '', 0, options.secureCookies);
      return { ok: true };
    },
  );

  app.get('/api/auth/me', { schema: { summary: '当前用户', tags: ['系统'] } }, async (request) =>
    describe(request.user!),
  );

  app.post<{ Body: { currentPassword: string; newPassword: string } }>(
    '/api/auth/password',
    {
      schema: {
        summary: '修改密码（其他会话随之失效）',
        tags: ['系统'],
        body: {
          type: 'object',
          required: ['currentPassword', 'newPassword'],
          additionalProperties: false,
          properties: {
            currentPassword: { type: 'string' },
            newPassword: { type: 'string', maxLength: 200 },
          },
        },
      },
    },
    async (request, reply) => {
      const user = request.user!;
      await changePassword(
        db,
        user.id,
        request.body.currentPassword,
        request.body.newPassword,
        user.username,
      );
      await sql`UPDATE users SET must_change_password = false WHERE id = ${user.id}`.execute(db.db);
      forgetSessions(db);
      const token = await createSession(db, user.id, request.ip);
      setSessionCookie(reply, token, SESSION_HOURS * 3600, options.secureCookies);
      return { ok: true };
    },
  );

  app.get('/api/users', { schema: { summary: '用户列表', tags: ['系统'] } }, async () =>
    (await listUsers(db)).map((u) => ({ ...u, roleName: ROLE_NAMES[u.role] })),
  );

  app.post<{
    Body: {
      username: string;
      displayName: string;
      role: string;
      scopeCode?: string;
      department?: string;
      password: string;
    };
  }>(
    '/api/users',
    {
      schema: {
        summary: '新增用户（首次登录须修改密码）',
        tags: ['系统'],
        body: {
          type: 'object',
          required: ['username', 'displayName', 'role', 'password'],
          additionalProperties: false,
          properties: {
            username: { type: 'string' },
            displayName: { type: 'string', minLength: 1 },
            role: { type: 'string' },
            scopeCode: { type: 'string' },
            department: { type: 'string' },
            password: { type: 'string' },
          },
        },
      },
    },
    async (request, reply) => {
      const user = await addUser(db, { ...request.body, mustChangePassword: true }, request.user!.username);
      return reply.status(201).send(describe(user));
    },
  );

  // `canbao user passwd` for administrators: a new password the user must change at next login.
  app.post<{ Params: { username: string }; Body: { password: string } }>(
    '/api/users/:username/password',
    {
      schema: {
        summary: '重置用户密码（该用户下次登录须修改，现有会话失效）',
        tags: ['系统'],
        body: {
          type: 'object',
          required: ['password'],
          properties: { password: { type: 'string', minLength: 1, description: '新密码' } },
        },
      },
    },
    async (request) => {
      const user = await findUser(db, request.params.username);
      if (!user) throw new HttpError(404, 'no-user', `没有用户 ${request.params.username}`, 'username');
      await changePassword(db, user.id, null, request.body.password, request.user!.username);
      return { ok: true };
    },
  );

  app.post<{ Params: { username: string } }>(
    '/api/users/:username/unlock',
    { schema: { summary: '解除锁定', tags: ['系统'] } },
    async (request) => {
      await unlockUser(db, request.params.username, request.user!.username);
      return { ok: true };
    },
  );

  app.get<{
    Querystring: {
      entity?: string;
      entityId?: string;
      actor?: string;
      action?: string;
      from?: string;
      to?: string;
      limit?: number;
    };
  }>(
    '/api/audit',
    {
      schema: {
        summary: '查询审计日志',
        tags: ['系统'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            entity: { type: 'string' },
            entityId: { type: 'string' },
            actor: { type: 'string' },
            action: { type: 'string' },
            from: { type: 'string', format: 'date' },
            to: { type: 'string', format: 'date' },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          },
        },
      },
    },
    async (request) => {
      const q = request.query;
      const where = [sql`true`];
      if (q.entity) where.push(sql`entity = ${q.entity}`);
      if (q.entityId) where.push(sql`entity_id = ${q.entityId}`);
      if (q.actor) where.push(sql`actor = ${q.actor}`);
      if (q.action) where.push(sql`action LIKE ${`${q.action}%`}`);
      if (q.from) where.push(sql`at >= ${q.from}::date`);
      if (q.to) where.push(sql`at < ${q.to}::date + 1`);
      const r =
        await sql`SELECT id, at, actor, action, entity, entity_id, county_code, before, after FROM audit_log
        WHERE ${sql.join(where, sql` AND `)} ORDER BY id DESC LIMIT ${q.limit ?? 100}`.execute(db.db);
      return r.rows;
    },
  );
}
