// Sign test users in against a built app and keep their session cookies, for route tests with auth.
import type { FastifyInstance } from 'fastify';
import type { Role } from '../auth/roles.js';
import { addUser } from '../auth/user.service.js';
import type { DatabaseHandle } from '../db/connection.js';

export const TEST_PASSWORD = 'canbao2025';

/** Creates each user (username, role, scope) and returns their cookies by username. */
export async function addAndLogin(
  app: FastifyInstance,
  db: DatabaseHandle,
  users: readonly (readonly [username: string, role: Role, scopeCode?: string])[],
): Promise<Record<string, string>> {
  const cookies: Record<string, string> = {};
  for (const [username, role, scopeCode] of users) {
    await addUser(
      db,
      { username, displayName: username, role, password: TEST_PASSWORD, ...(scopeCode ? { scopeCode } : {}) },
      'test',
    );
    const r = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username, password: TEST_PASSWORD },
    });
    cookies[username] = String(r.headers['set-cookie'] ?? '').split(';')[0]!;
  }
  return cookies;
}
