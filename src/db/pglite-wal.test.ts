import { PGlite } from '@electric-sql/pglite';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, type DbSession, openDatabase } from './connection.js';
import { PgliteWalKeeper } from './pglite-wal.js';

const MB = 1024 * 1024;
/** About 3 MB of WAL: 20,000 rows of 100 bytes with their primary key. */
const WRITE = `INSERT INTO t (v) SELECT repeat('x', 100) FROM generate_series(1, 20000)`;

describe('PgliteWalKeeper', () => {
  let client: PGlite;
  beforeAll(async () => {
    client = await PGlite.create();
    await client.query('CREATE TABLE t (id bigserial PRIMARY KEY, v text)');
  });
  afterAll(async () => {
    await client.close();
  });

  it('PGlite itself never checkpoints for WAL volume (why the keeper exists)', async () => {
    const keeper = new PgliteWalKeeper(client, MB, 0);
    const before = await keeper.walSinceCheckpoint();
    await client.query(WRITE);
    await client.query(WRITE);
    expect(await keeper.walSinceCheckpoint()).toBeGreaterThan(before + 4 * MB);
  });

  it('checkpoints once the WAL since the last checkpoint passes the limit, and not before', async () => {
    const keeper = new PgliteWalKeeper(client, 2 * MB, 0);
    await client.query('CHECKPOINT');
    await client.query(`INSERT INTO t (v) VALUES ('small')`);
    expect(await keeper.checkpointIfDue()).toBe(false);
    await client.query(WRITE);
    expect(await keeper.checkpointIfDue()).toBe(true);
    expect(keeper.checkpoints).toBe(1);
    expect(await keeper.walSinceCheckpoint()).toBeLessThan(64 * 1024);
  });

  it('checks at most once per interval', async () => {
    const keeper = new PgliteWalKeeper(client, MB, 60_000);
    await client.query('CHECKPOINT');
    expect(await keeper.checkpointIfDue()).toBe(false);
    await client.query(WRITE);
    expect(await keeper.checkpointIfDue()).toBe(false);
    expect(await keeper.walSinceCheckpoint()).toBeGreaterThan(2 * MB);
  });
});

describe('the PGlite handle keeps its WAL', () => {
  /** A fresh in-memory handle with a 2 MB limit, closed after `fn`. */
  async function withHandle(fn: (handle: DatabaseHandle) => Promise<void>): Promise<void> {
    const handle = await openDatabase({ dataDir: 'memory://', migrate: false, walLimitBytes: 2 * MB });
    try {
      await fn(handle);
    } finally {
      await handle.close();
    }
  }
  /** A checkpoint has just run: almost no WAL since its redo point. */
  async function expectJustCheckpointed(db: DbSession['db']): Promise<void> {
    const { rows } = await sql<{ since: number }>`
      SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), redo_lsn)::float8 AS since FROM pg_control_checkpoint()`.execute(
      db,
    );
    expect(rows[0]!.since).toBeLessThan(64 * 1024);
  }

  it('checkpoints after a commit that took the WAL past the limit', () =>
    withHandle(async (handle) => {
      // The first use of the handle: its check after the commit is not held back by an earlier one.
      await handle.transaction(async (tx) => {
        await sql`CREATE TABLE t (id bigserial PRIMARY KEY, v text)`.execute(tx.db);
        await sql.raw(WRITE).execute(tx.db);
      });
      await expectJustCheckpointed(handle.db);
    }));

  it('checkpoints after a statement outside a transaction that took the WAL past the limit', () =>
    withHandle(async (handle) => {
      // One statement, the handle's first use (as above).
      await sql`CREATE TABLE t AS SELECT g AS id, repeat('x', 100) AS v FROM generate_series(1, 20000) g`.execute(
        handle.db,
      );
      await expectJustCheckpointed(handle.db);
    }));

  it('checkpoints inside a transaction when asked, and a rollback still undoes the transaction', () =>
    withHandle(async (handle) => {
      await expect(
        handle.transaction(async (tx) => {
          await sql`CREATE TABLE t (id bigserial PRIMARY KEY, v text)`.execute(tx.db);
          await sql.raw(WRITE).execute(tx.db);
          await tx.checkpointIfDue!();
          await expectJustCheckpointed(tx.db);
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      const { rows } = await sql<{ t: string | null }>`SELECT to_regclass('t')::text AS t`.execute(handle.db);
      expect(rows[0]!.t).toBeNull();
    }));
});
