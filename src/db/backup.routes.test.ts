// POST /api/system/backup: administrators only; writes the same backup as `canbao db backup` into the
// backup directory and answers with its description.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../http/app.js';
import { shippedPacks } from '../policy/pack-loader.js';
import { describeEachDatabase } from '../test-support/db.js';
import { addAndLogin } from '../test-support/login.js';

describeEachDatabase('POST /api/system/backup', (getDb, kind) => {
  let app: FastifyInstance;
  let cookies: Record<string, string>;
  let dir = '';
  const saved = process.env.CANBAO_BACKUP_DIR;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'canbao-backup-route-'));
    process.env.CANBAO_BACKUP_DIR = dir;
    app = await buildApp({
      packs: shippedPacks(),
      db: getDb(),
      auth: { secureCookies: false },
      webRoot: false,
    });
    cookies = await addAndLogin(app, getDb(), [
      ['backup-admin', 'admin'],
      ['backup-staff', 'staff', '130802'],
    ]);
  });
  afterAll(async () => {
    await app.close();
    if (saved === undefined) delete process.env.CANBAO_BACKUP_DIR;
    else process.env.CANBAO_BACKUP_DIR = saved;
    await rm(dir, { recursive: true, force: true });
  });

  it('is refused to anyone but an administrator', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/system/backup',
      headers: { cookie: cookies['backup-staff']! },
    });
    expect(r.statusCode).toBe(403);
  });

  it('writes a backup with its description into the backup directory', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/system/backup',
      headers: { cookie: cookies['backup-admin']! },
    });
    expect(r.statusCode).toBe(201);
    const m = r.json();
    expect(m).toMatchObject({ format: 'canbao-backup', kind, directory: dir });
    expect(m.counts.users).toBe(2);
    expect(existsSync(join(dir, m.file))).toBe(true);
    expect(existsSync(join(dir, `${m.file}.json`))).toBe(true);
  }, 60_000);
});
