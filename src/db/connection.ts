// Opens the database: embedded PGlite by default (data in ./data/pglite), or a PostgreSQL
// server when DATABASE_URL is set. The same SQL runs on both; only bulk COPY differs.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { from as copyFromStdin } from 'pg-copy-streams';
import Cursor from 'pg-cursor';
import { type CsvSource, csvRecordBatches, csvSourceChunks } from './csv-chunks.js';
import { lockDataDir } from './data-dir-lock.js';
import type { Database } from './database.js';
import { runMigrations } from './migrator.js';
import { Mutex } from './mutex.js';
import { PGliteDialect } from './pglite-dialect.js';
import { PgliteWalKeeper } from './pglite-wal.js';

export type { CsvSource } from './csv-chunks.js';

export type DatabaseKind = 'pglite' | 'server';

export interface OpenDatabaseOptions {
  /** PostgreSQL server URL; defaults to env DATABASE_URL. When absent, PGlite is used. */
  databaseUrl?: string;
  /** PGlite data directory or `memory://`; defaults to env CANBAO_DATA_DIR, else ./data/pglite. */
  dataDir?: string;
  /** Apply pending migrations on open (default true). */
  migrate?: boolean;
  /** Server pool size (default 10). */
  poolSize?: number;
  /** PGlite only: start from this data directory dump (PGlite.dumpDataDir), e.g. a test template. */
  loadDataDir?: Blob;
  /** PGlite only: checkpoint once this much WAL has been written since the last one (see pglite-wal.ts). */
  walLimitBytes?: number;
}

export interface CopyOptions {
  /** Bytes per COPY blob on PGlite (default 4 MiB); the server streams without batching. */
  batchBytes?: number;
}

/** What both a whole database and a pinned transaction offer. */
export interface DbSession {
  db: Kysely<Database>;
  kind: DatabaseKind;
  /**
   * Bulk-load CSV rows (no header line, RFC 4180 quoting, UTF-8, empty unquoted field = NULL)
   * into `table (columns)`. Streams: memory stays bounded for inputs of any size. Returns the
   * number of rows loaded. Atomic: all rows or none.
   */
  copyFrom(table: string, columns: readonly string[], csv: CsvSource, options?: CopyOptions): Promise<number>;
  /**
   * PGlite only (the server has its own checkpointer): checkpoint when the WAL has grown past its
   * limit. A long transaction calls it between its big statements, so their WAL does not add up.
   */
  checkpointIfDue?(): Promise<void>;
}

export interface DatabaseHandle extends DbSession {
  /**
   * Run `fn` in one transaction on one pinned connection: `tx.db` and `tx.copyFrom` both run
   * inside it (needed to COPY into a temp/staging table and then INSERT … SELECT from it).
   * Commits when `fn` resolves, rolls back when it throws. Do not call `tx.db.transaction()`.
   */
  transaction<T>(fn: (tx: DbSession) => Promise<T>): Promise<T>;
  /** Server only: the connection URL (pg_dump and pg_restore need it). */
  url?: string;
  /** PGlite only: the whole data directory as a tarball (gzip), taken between transactions. */
  dumpDataDir?(): Promise<Blob>;
  close(): Promise<void>;
}

const DEFAULT_BATCH_BYTES = 4 * 1024 * 1024;
const OID_INT8 = 20;
const OID_DATE = 1082;

/** Identifiers for COPY come from code, never from users; still refuse anything odd. */
function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/.test(name)) {
    throw new Error(`COPY 的表名或列名不合法：${name}`);
  }
  return name
    .split('.')
    .map((part) => `"${part}"`)
    .join('.');
}

export function copySql(table: string, columns: readonly string[], target: 'STDIN' | "'/dev/blob'"): string {
  const cols = columns.map(quoteIdent).join(', ');
  return `COPY ${quoteIdent(table)} (${cols}) FROM ${target} WITH (FORMAT csv)`;
}

export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<DatabaseHandle> {
  const url = options.databaseUrl ?? process.env.DATABASE_URL;
  const handle = url ? openServer(url, options) : await openPglite(options);
  if (options.migrate !== false) {
    try {
      await runMigrations(handle.db);
    } catch (e) {
      await handle.close();
      throw e;
    }
  }
  return handle;
}

// ---- PGlite ---------------------------------------------------------------------------------

/** Shared buffers of the embedded database: CANBAO_PGLITE_SHARED_BUFFERS (e.g. 64MB), default 32MB. */
export function pgliteSharedBuffers(): string {
  const v = process.env.CANBAO_PGLITE_SHARED_BUFFERS?.trim();
  if (!v) return '32MB';
  if (!/^\d+(kB|MB|GB)$/.test(v)) {
    throw new Error(`CANBAO_PGLITE_SHARED_BUFFERS 应为数字加单位（如 64MB），收到 "${v}"`);
  }
  return v;
}

async function openPglite(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  const dataDir = options.dataDir ?? process.env.CANBAO_DATA_DIR ?? './data/pglite';
  const isMemory = dataDir.startsWith('memory://');
  if (!isMemory) mkdirSync(resolve(dataDir), { recursive: true });
  const unlock = isMemory ? () => undefined : lockDataDir(resolve(dataDir));
  let client: PGlite;
  try {
    client = await PGlite.create({
      ...(isMemory ? {} : { dataDir: resolve(dataDir) }),
      ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
      // PGlite's shared buffers live in the process's WebAssembly memory, which never shrinks:
      // PostgreSQL's default 128 MB made an idle CLI 287 MiB before its first query. Reads that miss
      // them still come from the OS page cache (the data directory is ordinary files).
      startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${pgliteSharedBuffers()}`],
      // Same JS types as on the server: bigint as number, date as 'YYYY-MM-DD'.
      parsers: { [OID_INT8]: (v: string) => Number(v), [OID_DATE]: (v: string) => v },
    });
  } catch (e) {
    unlock();
    throw e;
  }
  const mutex = new Mutex();
  const wal = new PgliteWalKeeper(client, options.walLimitBytes);
  // After a commit: a failed checkpoint must not turn a committed transaction into an error that
  // its caller retries (a payment recorded twice); the next check tries again.
  const checkpointIfDue = async () => {
    try {
      await wal.checkpointIfDue();
    } catch (e) {
      process.stderr.write(`内置数据库检查点失败（稍后重试）：${(e as Error).message}\n`);
    }
  };
  const db = new Kysely<Database>({
    dialect: new PGliteDialect({ client, mutex, afterUse: checkpointIfDue }),
  });

  const copyBatches = async (
    table: string,
    columns: readonly string[],
    csv: CsvSource,
    opts?: CopyOptions,
  ) => {
    const sql = copySql(table, columns, "'/dev/blob'");
    let rows = 0;
    for await (const batch of csvRecordBatches(csv, opts?.batchBytes ?? DEFAULT_BATCH_BYTES)) {
      const result = await client.query(sql, [], { blob: new Blob([batch as Uint8Array<ArrayBuffer>]) });
      rows += result.rowCount ?? result.affectedRows ?? 0;
    }
    return rows;
  };

  return {
    db,
    kind: 'pglite',
    async copyFrom(table, columns, csv, opts) {
      const release = await mutex.lock();
      try {
        await client.query('BEGIN');
        let rows: number;
        try {
          rows = await copyBatches(table, columns, csv, opts);
          await client.query('COMMIT');
        } catch (e) {
          await client.query('ROLLBACK');
          throw e;
        }
        await checkpointIfDue();
        return rows;
      } finally {
        release();
      }
    },
    async transaction(fn) {
      const release = await mutex.lock();
      const txDb = new Kysely<Database>({ dialect: new PGliteDialect({ client, mutex: null }) });
      try {
        await client.query('BEGIN');
        let result: Awaited<ReturnType<typeof fn>>;
        try {
          result = await fn({
            db: txDb,
            kind: 'pglite',
            copyFrom: copyBatches,
            // Inside the transaction a failed checkpoint fails it: nothing is committed yet.
            checkpointIfDue: async () => {
              await wal.checkpointIfDue();
            },
          });
          await client.query('COMMIT');
        } catch (e) {
          await client.query('ROLLBACK');
          throw e;
        }
        await checkpointIfDue();
        return result;
      } finally {
        release();
      }
    },
    async dumpDataDir() {
      const release = await mutex.lock();
      try {
        return await client.dumpDataDir('gzip');
      } finally {
        release();
      }
    },
    async close() {
      await db.destroy();
      // Wait for anyone still holding the session before closing it.
      const release = await mutex.lock();
      try {
        if (!client.closed) await client.close();
      } finally {
        release();
        unlock();
      }
    },
  };
}

// ---- PostgreSQL server ----------------------------------------------------------------------

const serverTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === OID_INT8) return (v: string) => Number(v);
    if (oid === OID_DATE) return (v: string) => v;
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/** Connections per process to the server: CANBAO_DB_POOL, default 10. */
export function serverPoolSize(): number {
  return Number(process.env.CANBAO_DB_POOL ?? 10);
}

class ConnectTimeoutClient extends pg.Client {
  constructor(config?: pg.ClientConfig) {
    super({ ...config, connectionTimeoutMillis: 10_000 });
  }
}

/** How many distinct statements each connection keeps prepared; the rest run unnamed. */
const PREPARED_PER_CONNECTION = 500;

/**
 * Statements with parameters become named prepared statements of the connection: PostgreSQL then
 * parses each text once per connection and, for the plain indexed reads and writes of a payment or a
 * person lookup, settles on a generic plan instead of planning again at every call — measured, parse
 * and plan were 45% of the server's time per statement on the payment path. Texts built from
 * variable lists make many distinct statements; past PREPARED_PER_CONNECTION they run unnamed as before.
 */
function preparePerConnection(client: pg.PoolClient): void {
  const names = new Map<string, string>();
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (config: unknown, values?: unknown, callback?: unknown) => {
    if (typeof config === 'string' && Array.isArray(values) && values.length > 0 && callback === undefined) {
      let name = names.get(config);
      if (name === undefined && names.size < PREPARED_PER_CONNECTION) {
        name = `canbao_${names.size}`;
        names.set(config, name);
      }
      if (name !== undefined) return query({ name, text: config, values });
    }
    return query(config, values, callback);
  };
}

/** A one-client "pool" so Kysely runs everything of a pinned transaction on that client. */
function singleClientPool(client: pg.PoolClient) {
  return {
    connect: async () => ({ query: client.query.bind(client), release: () => undefined }),
    end: async () => undefined,
  } as unknown as pg.Pool;
}

async function copyOnClient(
  client: pg.PoolClient,
  table: string,
  columns: readonly string[],
  csv: CsvSource,
) {
  const stream = client.query(copyFromStdin(copySql(table, columns, 'STDIN')));
  await pipeline(Readable.from(csvSourceChunks(csv)), stream);
  return Number(stream.rowCount ?? 0);
}

function openServer(url: string, options: OpenDatabaseOptions): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? serverPoolSize(),
    types: serverTypes,
    // A server that does not answer (network down, host gone) fails the request after 10 s with
    // 503 DATABASE_UNAVAILABLE, instead of holding it for the operating system's TCP timeout. Set on
    // each connection, not the pool: the pool's own timeout also bounds the wait for a free connection,
    // and a burst of payments (more requests than connections) would then be refused, not queued.
    Client: ConnectTimeoutClient,
  });
  // An idle pooled connection can be cut by the server (restart, admin command). pg reports that as
  // an 'error' event, which would crash the process if nobody listened; the pool replaces the
  // connection on next use, and queries in flight fail with their own error.
  pool.on('error', (err) => {
    if (process.env.CANBAO_DEBUG) process.stderr.write(`数据库空闲连接断开：${err.message}\n`);
  });
  // The pool listens only while a connection is idle. One checked out — by a transaction between its
  // statements, or by Kysely — that the server cuts (pg_ctl restart: FATAL 57P01) emits 'error' with
  // nobody listening, and Node ends the process (found by src/reliability/pg-restart.test.ts). Listen
  // for the connection's whole life: the client is marked unusable, its next query fails (answered as
  // 503 DATABASE_UNAVAILABLE), and the pool drops it on release and opens a new one.
  pool.on('connect', (client) => {
    client.on('error', (err) => {
      if (process.env.CANBAO_DEBUG) process.stderr.write(`数据库连接断开：${err.message}\n`);
    });
    preparePerConnection(client);
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool, cursor: Cursor }) });
  return {
    db,
    kind: 'server',
    url,
    async copyFrom(table, columns, csv) {
      const client = await pool.connect();
      try {
        // A COPY is one statement: atomic on its own.
        return await copyOnClient(client, table, columns, csv);
      } finally {
        client.release();
      }
    },
    async transaction(fn) {
      const client = await pool.connect();
      const txDb = new Kysely<Database>({
        dialect: new PostgresDialect({ pool: singleClientPool(client), cursor: Cursor }),
      });
      let broken = false;
      try {
        await client.query('BEGIN');
        try {
          const result = await fn({
            db: txDb,
            kind: 'server',
            copyFrom: (table, columns, csv) => copyOnClient(client, table, columns, csv),
          });
          await client.query('COMMIT');
          return result;
        } catch (e) {
          await client.query('ROLLBACK').catch(() => {
            broken = true;
          });
          throw e;
        }
      } finally {
        client.release(broken);
      }
    },
    async close() {
      await db.destroy();
    },
  };
}
