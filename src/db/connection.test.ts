import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../test-support/db.js';
import { openDatabase, pgliteSharedBuffers } from './connection.js';
import { csvRecordBatches } from './csv-chunks.js';

async function collect(source: AsyncGenerator<Uint8Array>): Promise<string[]> {
  const out: string[] = [];
  for await (const part of source) out.push(new TextDecoder().decode(part));
  return out;
}

describe('csvRecordBatches', () => {
  it('cuts only at record boundaries, never inside a quoted newline', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => `${i},"多行\n文本 ""${i}"""\n`);
    const parts = await collect(csvRecordBatches(rows, 64));
    expect(parts.length).toBeGreaterThan(5);
    expect(parts.join('')).toBe(rows.join(''));
    for (const part of parts) {
      expect(part.endsWith('"\n')).toBe(true);
      expect((part.match(/"/g) ?? []).length % 2).toBe(0);
    }
  });
});

describe('embedded database memory', () => {
  it('opens PGlite with 32MB of shared buffers unless CANBAO_PGLITE_SHARED_BUFFERS says otherwise', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'canbao-buffers-'));
    const before = process.env.CANBAO_PGLITE_SHARED_BUFFERS;
    try {
      delete process.env.CANBAO_PGLITE_SHARED_BUFFERS;
      const handle = await openDatabase({ dataDir: dir, databaseUrl: '' });
      const { rows } = await sql<{ shared_buffers: string }>`SHOW shared_buffers`.execute(handle.db);
      await handle.close();
      expect(rows[0]!.shared_buffers).toBe('32MB');
      process.env.CANBAO_PGLITE_SHARED_BUFFERS = '64MB';
      expect(pgliteSharedBuffers()).toBe('64MB');
      process.env.CANBAO_PGLITE_SHARED_BUFFERS = '很多';
      expect(() => pgliteSharedBuffers()).toThrow(/CANBAO_PGLITE_SHARED_BUFFERS 应为数字加单位/);
    } finally {
      if (before === undefined) delete process.env.CANBAO_PGLITE_SHARED_BUFFERS;
      else process.env.CANBAO_PGLITE_SHARED_BUFFERS = before;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function* csvRows(n: number, offset = 0): Generator<string> {
  // Chunks deliberately split mid-row and mid-character.
  let buffer = '';
  for (let i = offset; i < offset + n; i++) {
    buffer += `${i},"名字 ${i}, 含逗号",${i % 7 === 0 ? '' : `"说明\n第${i}行"`}\n`;
    if (buffer.length > 700) {
      yield buffer.slice(0, 333);
      buffer = buffer.slice(333);
    }
  }
  if (buffer) yield buffer;
}

describeEachDatabase('connection', (getDb, kind) => {
  it('reports its kind', () => {
    expect(getDb().kind).toBe(kind);
  });

  it('returns bigint as number and date as YYYY-MM-DD on both databases', async () => {
    const { db } = getDb();
    const r = await sql<{ n: number; d: string }>`SELECT count(*) AS n, DATE '2025-06-08' AS d`.execute(db);
    expect(r.rows[0]).toEqual({ n: 1, d: '2025-06-08' });
  });

  it('copyFrom loads thousands of rows from chunked CSV, quotes and NULLs intact', async () => {
    const h = getDb();
    await sql`CREATE TABLE copy_test (id int PRIMARY KEY, name text NOT NULL, note text)`.execute(h.db);
    async function* source() {
      yield* csvRows(5000);
    }
    const loaded = await h.copyFrom('copy_test', ['id', 'name', 'note'], source(), { batchBytes: 16 * 1024 });
    expect(loaded).toBe(5000);
    const stats = await sql<{ n: number; nulls: number; s: number }>`
      SELECT count(*) AS n, count(*) FILTER (WHERE note IS NULL) AS nulls, sum(id)::bigint AS s FROM copy_test`.execute(
      h.db,
    );
    expect(stats.rows[0]).toEqual({ n: 5000, nulls: 715, s: (4999 * 5000) / 2 });
    const one = await h.db
      .selectFrom('copy_test' as never)
      .selectAll()
      .where(sql.ref('id'), '=', 4321)
      .executeTakeFirst();
    expect(one).toEqual({ id: 4321, name: '名字 4321, 含逗号', note: '说明\n第4321行' });
  });

  it('copyFrom is all-or-nothing when a later batch fails', async () => {
    const h = getDb();
    await sql`CREATE TABLE copy_atomic (id int PRIMARY KEY, name text NOT NULL, note text)`.execute(h.db);
    const rows = [...csvRows(3000), '1,"duplicate key",\n'];
    await expect(
      h.copyFrom('copy_atomic', ['id', 'name', 'note'], rows, { batchBytes: 8 * 1024 }),
    ).rejects.toThrow();
    const n = await sql<{ n: number }>`SELECT count(*) AS n FROM copy_atomic`.execute(h.db);
    expect(n.rows[0]?.n).toBe(0);
  });

  it('transaction pins one connection: COPY into a temp table, then INSERT … SELECT', async () => {
    const h = getDb();
    await sql`CREATE TABLE tx_target (id int PRIMARY KEY, name text)`.execute(h.db);
    const inserted = await h.transaction(async (tx) => {
      await sql`CREATE TEMP TABLE tx_stage (id int, name text, note text) ON COMMIT DROP`.execute(tx.db);
      await tx.copyFrom('tx_stage', ['id', 'name', 'note'], csvRows(2000), { batchBytes: 4096 });
      const r = await sql`INSERT INTO tx_target SELECT id, name FROM tx_stage WHERE id % 2 = 0`.execute(
        tx.db,
      );
      return Number(r.numAffectedRows);
    });
    expect(inserted).toBe(1000);
    await expect(
      h.transaction(async (tx) => {
        await sql`INSERT INTO tx_target VALUES (-1, 'x')`.execute(tx.db);
        throw new Error('stop');
      }),
    ).rejects.toThrow('stop');
    const n = await sql<{ n: number }>`SELECT count(*) AS n FROM tx_target`.execute(h.db);
    expect(n.rows[0]?.n).toBe(1000);
  });

  it('reports affected rows for updates', async () => {
    const h = getDb();
    await sql`CREATE TABLE upd (id int)`.execute(h.db);
    await sql`INSERT INTO upd SELECT generate_series(1, 10)`.execute(h.db);
    const r = await sql`UPDATE upd SET id = id + 1 WHERE id <= 4`.execute(h.db);
    expect(r.numAffectedRows).toBe(4n);
  });

  it('keeps concurrent queries out of an open Kysely transaction', async () => {
    const h = getDb();
    await sql`CREATE TABLE iso (id int)`.execute(h.db);
    let outside: Promise<unknown> | undefined;
    await expect(
      h.db.transaction().execute(async (trx) => {
        await sql`INSERT INTO iso VALUES (1)`.execute(trx);
        outside = sql`INSERT INTO iso VALUES (2)`.execute(h.db);
        await new Promise((r) => setTimeout(r, 20));
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    await outside;
    const rows = await sql<{ id: number }>`SELECT id FROM iso`.execute(h.db);
    expect(rows.rows).toEqual([{ id: 2 }]);
  });
});

describeEachDatabase('streaming', (getDb) => {
  it('streams a large result in chunks, inside and outside a transaction, and stops early cleanly', async () => {
    const h = getDb();
    await sql`CREATE TABLE stream_test AS SELECT g AS id FROM generate_series(1, 5000) g`.execute(h.db);
    const query = h.db
      .selectFrom('stream_test' as never)
      .select(sql<number>`id`.as('id'))
      .where(sql.ref('id'), '>', 10);
    let count = 0;
    let sum = 0;
    for await (const row of query.stream(500)) {
      count++;
      sum += row.id;
    }
    expect(count).toBe(4990);
    expect(sum).toBe((5000 * 5001) / 2 - 55);

    // Break early: the cursor and its transaction must not leak into later queries.
    for await (const row of query.stream(100)) {
      if (row.id > 50) break;
    }
    const after = await sql<{ n: number }>`SELECT count(*) AS n FROM stream_test`.execute(h.db);
    expect(after.rows[0]?.n).toBe(5000);

    const inTx = await h.db.transaction().execute(async (trx) => {
      await sql`DELETE FROM stream_test WHERE id > 100`.execute(trx);
      let n = 0;
      for await (const _ of trx
        .selectFrom('stream_test' as never)
        .select(sql`id`.as('id'))
        .stream(30))
        n++;
      return n;
    });
    expect(inTx).toBe(100);
  });
});
