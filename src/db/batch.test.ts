import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../test-support/db.js';
import { batched, batchedRow } from './batch.js';

/** A run whose batches resolve when told, recording what each batch held. */
function controlled() {
  const batches: number[][] = [];
  const pending: (() => void)[] = [];
  const run = (keys: number[]) =>
    new Promise<string[]>((resolve) => {
      batches.push(keys);
      pending.push(() => resolve(keys.map((k) => `v${k}`)));
    });
  return { batches, pending, run };
}

describe('batched', () => {
  it('sends the first calls at once, alone, and what arrives meanwhile together in the next batch', async () => {
    const { batches, pending, run } = controlled();
    const get = batched(run, { inFlight: 2 });
    const answers = [1, 2, 3, 4, 5].map((k) => get(k));
    expect(batches).toEqual([[1], [2]]);
    pending.shift()!();
    await answers[0];
    await new Promise((r) => setImmediate(r));
    expect(batches).toEqual([[1], [2], [3, 4, 5]]);
    for (const p of pending.splice(0)) p();
    expect(await Promise.all(answers)).toEqual(['v1', 'v2', 'v3', 'v4', 'v5']);
  });

  it('gives each key of a failed batch the error, and goes on with the next', async () => {
    let calls = 0;
    const get = batched(
      async (keys: number[]) => {
        calls++;
        if (keys.includes(2)) throw new Error('boom');
        return keys.map((k) => k * 10);
      },
      { inFlight: 1 },
    );
    const [a, b, c] = [get(1), get(2), get(3)];
    await expect(a).resolves.toBe(10);
    await expect(b).rejects.toThrow('boom');
    await expect(c).rejects.toThrow('boom');
    await expect(get(4)).resolves.toBe(40);
    expect(calls).toBe(3);
  });

  it('refuses an answer of the wrong length instead of giving values to the wrong keys', async () => {
    const get = batched(async (keys: number[]) => keys.slice(1), { inFlight: 1 });
    await expect(get(1)).rejects.toThrow('batched: 1 keys answered with 0 values');
  });
});

describeEachDatabase('batchedRow', (getDb) => {
  it('answers each concurrent query with its own row, or undefined', async () => {
    const { db } = getDb();
    const queries = Array.from({ length: 20 }, (_, i) =>
      i % 7 === 3
        ? sql<{ n: number; d: string }>`SELECT ${i}::int AS n, '2024-01-01'::date AS d WHERE false`
        : sql<{ n: number; d: string }>`SELECT ${i}::int AS n, ('2024-01-01'::date + ${i}::int) AS d`,
    );
    const rows = await Promise.all(queries.map((q) => batchedRow(db, q)));
    for (const [i, r] of rows.entries()) {
      if (i % 7 === 3) expect(r).toBeUndefined();
      else expect(r).toEqual({ n: i, d: `2024-01-${String(i + 1).padStart(2, '0')}` });
    }
  });
});

describeEachDatabase('batchedRow with a failing query', (getDb) => {
  it('fails only the query that fails, even when it was batched with others', async () => {
    const { db } = getDb();
    const queries = Array.from({ length: 10 }, (_, i) =>
      i === 5
        ? sql<{ n: number }>`SELECT 1 / (${i}::int - 5) AS n`
        : sql<{ n: number }>`SELECT ${i}::int AS n`,
    );
    const settled = await Promise.allSettled(queries.map((q) => batchedRow(db, q)));
    for (const [i, s] of settled.entries()) {
      if (i === 5) expect(s.status).toBe('rejected');
      else expect(s).toEqual({ status: 'fulfilled', value: { n: i } });
    }
  });
});
