// GET /api/system/db: database kind, migrations and row counts, for administrators only.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../http/app.js';
import { shippedPacks } from '../policy/pack-loader.js';
import { describeEachDatabase } from '../test-support/db.js';
import { addAndLogin } from '../test-support/login.js';
import { migrations } from './migrations/index.js';

describeEachDatabase('db status over HTTP', (getDb) => {
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

  it('tells an administrator the database, every migration applied and the counts', async () => {
    const r = await app.inject({ method: 'GET', url: '/api/system/db', headers: { cookie: cookies.admin! } });
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body.kind).toBe(getDb().kind);
    expect(body.pending).toBe(0);
    expect(body.migrations).toHaveLength(migrations.length);
    expect(body.counts.find((c: { table: string }) => c.table === 'users').rows).toBe(2);
  });

  it('refuses bureau staff', async () => {
    const r = await app.inject({
      method: 'GET',
      url: '/api/system/db',
      headers: { cookie: cookies.jingban! },
    });
    expect(r.statusCode).toBe(403);
  });
});
