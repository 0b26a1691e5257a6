// POST /api/users/:username/password (`canbao user passwd`): an administrator resets a password,
// the user's sessions end and the new one must be changed; no one else may.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../http/app.js';
import { shippedPacks } from '../policy/pack-loader.js';
import { describeEachDatabase } from '../test-support/db.js';
import { addAndLogin } from '../test-support/login.js';

describeEachDatabase('password reset over HTTP', (getDb) => {
  let app: FastifyInstance;
  let cookies: Record<string, string>;
  beforeAll(async () => {
    app = await buildApp({
      packs: shippedPacks(),
      db: getDb(),
      auth: { secureCookies: false },
      webRoot: false,
    });
    cookies = await addAndLogin(app, getDb(), [
      ['admin', 'admin'],
      ['jingban', 'staff', '130802'],
    ]);
  });
  afterAll(async () => app?.close());

  const reset = (who: string, username: string, password: string) =>
    app.inject({
      method: 'POST',
      url: `/api/users/${username}/password`,
      headers: { cookie: cookies[who]! },
      payload: { password },
    });

  it('staff may not reset anyone’s password', async () => {
    expect((await reset('jingban', 'admin', 'Another2025')).statusCode).toBe(403);
  });

  it('an administrator resets it: old session ends, the new password works and must be changed', async () => {
    const r = await reset('admin', 'jingban', 'Reset2025x');
    expect(r.statusCode).toBe(200);
    const old = await app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { cookie: cookies.jingban! },
    });
    expect(old.statusCode).toBe(401);
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'jingban', password: 'Reset2025x' },
    });
    expect(login.statusCode).toBe(200);
    expect(login.json().mustChangePassword ?? login.json().user?.mustChangePassword).toBe(true);
    expect((await reset('admin', 'nobody', 'Reset2025x')).statusCode).toBe(404);
  });
});
