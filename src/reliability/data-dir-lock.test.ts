// One process per PGlite data directory: while `canbao serve` holds it, another process (a backup, an
// import) is refused with a Chinese message instead of opening the same files; once the holder is
// killed, its stale lock is taken over.

import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { restorePglite } from '../db/backup.service.js';
import { openDatabase } from '../db/connection.js';
import { lockPath } from '../db/data-dir-lock.js';
import {
  freePort,
  type RunningCli,
  requireBuiltCli,
  runCli,
  startCli,
  waitForHealth,
} from './fault-support.js';

let dir = '';
let serve: RunningCli | undefined;
afterAll(async () => {
  await serve?.kill();
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('refuses a second process on a data directory in use, and takes over after the holder was killed', async () => {
  requireBuiltCli();
  dir = await mkdtemp(join(tmpdir(), 'canbao-lock-'));
  const dataDir = join(dir, 'pglite');
  const env = { CANBAO_DATA_DIR: dataDir };
  await runCli(['db', 'migrate'], env);
  const port = await freePort();
  serve = startCli(['serve', '--port', String(port)], env);
  await waitForHealth(`http://127.0.0.1:${port}`);

  const backup = await runCli(['db', 'backup', join(dir, 'b.tar.gz')], env, [2]);
  expect(backup.stderr).toMatch(/正被进程 \d+ 使用（可能是 canbao serve）/);
  expect(existsSync(join(dir, 'b.tar.gz'))).toBe(false);
  await expect(openDatabase({ databaseUrl: '', dataDir })).rejects.toThrow(/同一时间只能由一个进程打开/);
  // Not even moved aside by a forced restore.
  await expect(restorePglite(dataDir, join(dir, 'b.tar.gz'), true)).rejects.toThrow();
  expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);

  await serve.kill();
  expect(existsSync(lockPath(dataDir))).toBe(true); // left behind by the killed process
  const h = await openDatabase({ databaseUrl: '', dataDir });
  await h.close();
  expect(existsSync(lockPath(dataDir))).toBe(false);
}, 120_000);
