// SIGKILL in the middle of a large roster import (`canbao registry import`, the built CLI in a child
// process), once while rows stream straight into persons (a county's first roster) and once, staged
// (`--staged`), while they merge into persons. Afterwards:
// nothing of the killed run is stored (no person, household, run record, audit row or staging table),
// and importing the same file again gives exactly the file's people, then "unchanged" for all of them.
// CANBAO_FAULT_ROWS sets the roster size (default 100,000 on the server, a fifth of that on PGlite).
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../auth/user.service.js';
import { type DatabaseHandle, openDatabase } from '../db/connection.js';
import { readTable } from '../files/table-reader.js';
import { writeDemoFiles } from '../registry/demo/files.js';
import { knownPersonHeaders } from '../registry/import-columns.js';
import { createServerTestDatabase, serverTestsSkipped } from '../test-support/db.js';
import {
  ApiClient,
  freePort,
  type RunningCli,
  requireBuiltCli,
  runCli,
  sleep,
  startCli,
  waitForHealth,
} from './fault-support.js';
import { ADMIN } from './payment-fixture.js';

const ROWS = Number(process.env.CANBAO_FAULT_ROWS ?? 100_000);

/** doc_no|name of every row of the roster, sorted, hashed: what a clean import must store. */
async function fileFingerprint(file: string): Promise<{ rows: number; hash: string; households: number }> {
  const table = await readTable(file, { knownHeaders: knownPersonHeaders() });
  const doc = table.headers.indexOf('公民身份号码');
  const name = table.headers.indexOf('姓名');
  const household = table.headers.indexOf('户号');
  const keys: string[] = [];
  const households = new Set<string>();
  for await (const batch of table.batches(5000))
    for (const row of batch) {
      keys.push(`${row.values[doc]}|${row.values[name]}`);
      households.add(row.values[household]!);
    }
  keys.sort();
  return {
    rows: keys.length,
    hash: createHash('md5').update(keys.join('\n')).digest('hex'),
    households: households.size,
  };
}

// biome-ignore lint/suspicious/noExplicitAny: registry tables are not in the shared schema type
async function dbFingerprint(db: Kysely<any>): Promise<{ rows: number; hash: string; households: number }> {
  const r = await sql<{ keys: string | null; n: number; h: number }>`
    SELECT string_agg(doc_no || '|' || name, E'\n' ORDER BY doc_no || '|' || name COLLATE "C") AS keys,
      count(*)::int AS n, (SELECT count(*)::int FROM households) AS h FROM persons`.execute(db);
  const row = r.rows[0]!;
  return {
    rows: row.n,
    hash: createHash('md5')
      .update(row.keys ?? '')
      .digest('hex'),
    households: row.h,
  };
}

// biome-ignore lint/suspicious/noExplicitAny: as above
async function leftovers(db: Kysely<any>) {
  const r = await sql<{
    persons: number;
    households: number;
    runs: number;
    running: number;
    audits: number;
    stages: number;
  }>`
    SELECT (SELECT count(*)::int FROM persons) AS persons,
      (SELECT count(*)::int FROM households) AS households,
      (SELECT count(*)::int FROM import_runs) AS runs,
      (SELECT count(*)::int FROM import_runs WHERE status = 'running') AS running,
      (SELECT count(*)::int FROM audit_log WHERE action = 'registry.import') AS audits,
      (SELECT count(*)::int FROM pg_tables WHERE tablename LIKE 'import_stage_%') AS stages`.execute(db);
  return r.rows[0]!;
}

for (const kind of serverTestsSkipped ? (['pglite'] as const) : (['server', 'pglite'] as const)) {
  describe(`SIGKILL during a roster import [${kind}]`, () => {
    const rows = kind === 'server' ? ROWS : Math.round(ROWS / 5);
    let dir = '';
    let roster = '';
    let server: DatabaseHandle | undefined;
    let env: Record<string, string> = {};

    /** The database in-process (PGlite: open the data directory after the child is gone). */
    async function withHandle<T>(fn: (h: DatabaseHandle) => Promise<T>): Promise<T> {
      if (server) return fn(server);
      const h = await openDatabase({ databaseUrl: '', dataDir: env.CANBAO_DATA_DIR!, migrate: false });
      try {
        return await fn(h);
      } finally {
        await h.close();
      }
    }
    // biome-ignore lint/suspicious/noExplicitAny: as above
    const inspect = <T>(fn: (db: Kysely<any>) => Promise<T>) => withHandle((h) => fn(h.db));

    beforeAll(async () => {
      requireBuiltCli();
      dir = await mkdtemp(join(tmpdir(), `canbao-kill-import-${kind}-`));
      if (kind === 'server') {
        server = await createServerTestDatabase({ durable: true });
        env = { DATABASE_URL: server.url! };
      } else env = { CANBAO_DATA_DIR: join(dir, 'pglite') };
      await runCli(['regions', 'seed'], env);
      const files = await writeDemoFiles({
        persons: rows,
        seed: `kill-import-${kind}`,
        counties: ['512022'],
        out: join(dir, 'files'),
        encoding: 'utf-8',
        formats: ['csv'],
      });
      roster = files.find((f) => f.path.endsWith('参保人员花名册.csv'))!.path;
    }, 180_000);
    afterAll(async () => {
      await server?.close();
      await rm(dir, { recursive: true, force: true });
    });

    const importArgs = () => ['registry', 'import', roster, '--json', '--report-dir', join(dir, 'reports')];

    it('leaves nothing of a run killed while rows stream straight into persons', async () => {
      const child = startCli(importArgs(), { ...env, CANBAO_TRACE: '1' });
      await child.waitFor(/\[import\] run created/);
      await sleep(400);
      const { signal } = await child.kill();
      expect(signal).toBe('SIGKILL');
      // Killed within the COPY, not after it.
      expect(child.stderr).not.toMatch(/COPY into persons|undone|staging/);
      expect(await inspect(leftovers)).toEqual({
        persons: 0,
        households: 0,
        runs: 0,
        running: 0,
        audits: 0,
        stages: 0,
      });
    }, 300_000);

    it('leaves nothing of a staged run killed while it merges into persons', async () => {
      const child = startCli([...importArgs(), '--staged'], { ...env, CANBAO_TRACE: '1' });
      await child.waitFor(/\[import\] merge households/, 240_000);
      const { signal } = await child.kill();
      expect(signal).toBe('SIGKILL');
      // Killed before it could commit: the run record is written last, in the same transaction.
      expect(child.stderr).not.toMatch(/run record/);
      expect(await inspect(leftovers)).toEqual({
        persons: 0,
        households: 0,
        runs: 0,
        running: 0,
        audits: 0,
        stages: 0,
      });
    }, 300_000);

    it('imports the same file again as cleanly as the first time (and, on the server, once more without changes)', async () => {
      const expected = await fileFingerprint(roster);
      expect(expected.rows).toBe(rows);
      const first = JSON.parse((await runCli(importArgs(), env)).stdout);
      expect(first).toMatchObject({
        status: 'applied',
        rowsRead: rows,
        inserted: rows,
        updated: 0,
        rejected: 0,
        householdsInserted: expected.households,
      });
      expect(await inspect(dbFingerprint)).toEqual(expected);
      // Once more, unchanged: the same merge code on both databases, so on the server only (time).
      if (kind === 'server') {
        const again = JSON.parse((await runCli(importArgs(), env)).stdout);
        expect(again).toMatchObject({
          status: 'applied',
          inserted: 0,
          updated: 0,
          unchanged: rows,
          rejected: 0,
        });
        expect(await inspect(dbFingerprint)).toEqual(expected);
      }
      const imports = kind === 'server' ? 2 : 1;
      const after = await inspect(leftovers);
      expect(after).toMatchObject({ runs: imports, running: 0, audits: imports, stages: 0 });
    }, 400_000);

    // The job runner's recovery is the same code on both databases: run it on the server only, to keep
    // the suite short (on PGlite a job's status cannot even be read while its import runs).
    it.skipIf(kind !== 'server')(
      'marks an upload job killed mid-import as interrupted on restart, and its resubmission succeeds',
      async () => {
        const before = await inspect(leftovers);
        await withHandle((h) =>
          addUser(
            h,
            { username: ADMIN.username, displayName: '故障测试', role: 'admin', password: ADMIN.password },
            'test',
          ),
        );
        const startServe = async (): Promise<{ api: ApiClient; serve: RunningCli }> => {
          const port = await freePort();
          const serve = startCli(['serve', '--port', String(port)], env);
          const base = `http://127.0.0.1:${port}`;
          await waitForHealth(base);
          const api = new ApiClient(base);
          await api.login(ADMIN.username, ADMIN.password);
          return { api, serve };
        };
        let { api, serve } = await startServe();
        try {
          const content = await readFile(roster);
          const submitted = await api.upload('/api/imports/registry', {}, { name: '花名册.csv', content });
          expect(submitted.status).toBe(202);
          const id = Number(submitted.body.id);
          if (kind === 'server') {
            // Kill once the job has read part of the file.
            for (let i = 0; i < 600; i++) {
              const job = (await api.request('GET', `/api/jobs/${id}`)).body;
              if (job.status === 'running' && /已读取/.test(String(job.progress ?? ''))) break;
              expect(job.status).not.toBe('succeeded');
              await sleep(50);
            }
            // PGlite is one session: the job's status is only readable between transactions, so the
            // import would be over before the answer came. Kill shortly after the job started instead.
          } else await sleep(300);
          await serve.kill();
          const afterKill = await inspect(leftovers);
          expect(afterKill).toEqual(before);

          ({ api, serve } = await startServe());
          const job = (await api.request('GET', `/api/jobs/${id}`)).body as {
            status: string;
            error: { code: string; message: string };
          };
          expect(job.status).toBe('failed');
          expect(job.error).toMatchObject({
            code: 'INTERRUPTED',
            message: '服务重启，任务未完成，请重新提交',
          });
          const again = await api.upload('/api/imports/registry', {}, { name: '花名册.csv', content });
          const againId = Number(again.body.id);
          type Finished = { status: string; result: { unchanged: number; inserted: number } };
          let done: Finished | undefined;
          for (let i = 0; i < 2400 && !done; i++) {
            const j = (await api.request('GET', `/api/jobs/${againId}`)).body as unknown as Finished;
            if (j.status === 'succeeded' || j.status === 'failed') done = j;
            else await sleep(100);
          }
          expect(done).toMatchObject({ status: 'succeeded', result: { inserted: 0, unchanged: rows } });
        } finally {
          await serve.kill();
        }
        expect(await inspect(leftovers)).toMatchObject({
          persons: rows,
          runs: before.runs + 1,
          running: 0,
          stages: 0,
        });
      },
      300_000,
    );
  });
}
