// Run one integration suite against both databases: a fresh in-memory PGlite, and a fresh
// uniquely named database on the local PostgreSQL server (dropped afterwards). The server
// variant is skipped only when CANBAO_SKIP_SERVER_TESTS=1; otherwise a missing server fails.
import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { type DatabaseHandle, type OpenDatabaseOptions, openDatabase } from '../db/connection.js';
import type { Database } from '../db/database.js';
import { runMigrations } from '../db/migrator.js';
import { PGliteDialect } from '../db/pglite-dialect.js';

/** Admin connection for creating test databases; override with CANBAO_TEST_SERVER_URL. */
const SERVER_ADMIN_URL = process.env.CANBAO_TEST_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabaseOptions {
  /** Apply migrations (default true). */
  migrate?: boolean;
  /** Keep the server's durable commits (benchmarks); tests turn synchronous_commit off. */
  durable?: boolean;
  /** Connections in the pool (default 4 for tests; benchmarks use what `canbao serve` uses). */
  poolSize?: number;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

const templatePromises = new Map<'bare' | 'migrated', Promise<Blob>>();

/**
 * A dump of a fresh (optionally migrated) PGlite, cached in the OS temp dir under a hash of the migration
 * sources: loading it takes a fraction of PGlite's initdb, which every suite would pay otherwise.
 */
export function pgliteTemplate(kind: 'bare' | 'migrated'): Promise<Blob> {
  const cached = templatePromises.get(kind);
  if (cached) return cached;
  const promise = (async () => {
    const dir = new URL('../db/migrations/', import.meta.url);
    const hash = createHash('sha256');
    const pgliteVersion = JSON.parse(
      await readFile(
        new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url),
        'utf8',
      ),
    ).version;
    hash.update(String(pgliteVersion)).update(kind);
    for (const name of (await readdir(dir)).filter((n) => n.endsWith('.ts')).sort()) {
      hash.update(name).update(await readFile(new URL(name, dir)));
    }
    const path = join(tmpdir(), `canbao-pglite-template-${hash.digest('hex').slice(0, 16)}.tar`);
    try {
      return new Blob([await readFile(path)]);
    } catch {
      // Not cached yet: build it.
    }
    const client = await PGlite.create();
    const db = new Kysely<Database>({ dialect: new PGliteDialect({ client, mutex: null }) });
    if (kind === 'migrated') await runMigrations(db);
    const dump = await client.dumpDataDir('none');
    await client.close();
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, new Uint8Array(await dump.arrayBuffer()));
    await rename(tmp, path);
    return dump;
  })();
  templatePromises.set(kind, promise);
  return promise;
}

/** A fresh, migrated in-memory PGlite. */
export async function createPgliteTestDatabase(options: TestDatabaseOptions = {}): Promise<DatabaseHandle> {
  const migrate = options.migrate ?? true;
  return openDatabase({
    dataDir: 'memory://',
    databaseUrl: '',
    migrate,
    loadDataDir: await pgliteTemplate(migrate ? 'migrated' : 'bare'),
  });
}

/** A fresh database canbao_test_<random> on the server; closing the handle drops it. */
export async function createServerTestDatabase(options: TestDatabaseOptions = {}): Promise<DatabaseHandle> {
  const name = `canbao_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: SERVER_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
    // Tests check results, not durability: without waiting for each commit's fsync a suite runs
    // several times faster on a slow disk. Benchmarks and crash tests keep the defaults.
    if (!options.durable) await admin.query(`ALTER DATABASE ${name} SET synchronous_commit = off`);
  } finally {
    await admin.end();
  }
  const open: OpenDatabaseOptions = {
    databaseUrl: withDatabase(SERVER_ADMIN_URL, name),
    poolSize: options.poolSize ?? 4,
  };
  let handle: DatabaseHandle;
  try {
    handle = await openDatabase({ ...open, migrate: options.migrate ?? true });
  } catch (e) {
    await dropServerDatabase(name);
    throw e;
  }
  const close = handle.close.bind(handle);
  return {
    ...handle,
    async close() {
      await close();
      await dropServerDatabase(name);
    },
  };
}

async function dropServerDatabase(name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: SERVER_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

export const serverTestsSkipped = process.env.CANBAO_SKIP_SERVER_TESTS === '1';

export type DatabaseKindUnderTest = 'pglite' | 'server';

/**
 * describe() the suite once per database. `getDb()` returns the suite's handle (one fresh
 * database per suite, shared by its tests; make test data distinct or clean up yourself).
 */
export function describeEachDatabase(
  name: string,
  body: (getDb: () => DatabaseHandle, kind: DatabaseKindUnderTest) => void,
  options: TestDatabaseOptions = {},
): void {
  const kinds: DatabaseKindUnderTest[] = serverTestsSkipped ? ['pglite'] : ['pglite', 'server'];
  for (const kind of kinds) {
    describe(`${name} [${kind}]`, () => {
      let handle: DatabaseHandle | undefined;
      beforeAll(async () => {
        handle =
          kind === 'pglite'
            ? await createPgliteTestDatabase(options)
            : await createServerTestDatabase(options);
      });
      afterAll(async () => {
        await handle?.close();
      });
      body(() => {
        if (!handle) throw new Error('测试数据库尚未打开（beforeAll 失败？）');
        return handle;
      }, kind);
    });
  }
}
