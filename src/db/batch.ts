// Natural batching for hot single-row reads (the person page): a request that finds fewer than
// `inFlight` batches running goes to the database at once, alone; requests that arrive while that
// many are running wait for the next free slot and then go together, as one statement. An idle
// server adds no wait; a busy one sends one statement for many requests instead of one each. On this
// kind of load the cost of a lookup is mostly the round trip (a system call and a wake-up on each
// side, the statement's own overhead in PostgreSQL), not the reading of the rows.
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Database } from './database.js';

export interface BatchOptions {
  /** Batches running at once (default 2): more requests than this wait and go in the next batch. */
  inFlight?: number;
  /** Largest batch (default 64). */
  maxBatch?: number;
}

interface Waiting<K, V> {
  key: K;
  resolve: (v: V) => void;
  reject: (e: unknown) => void;
}

/**
 * Wraps `run`, which answers a list of keys with a list of values in the same order and length, as a
 * function of one key. Each key gets its own value; when a batch fails, each of its keys gets the
 * error.
 */
export function batched<K, V>(
  run: (keys: K[]) => Promise<V[]>,
  options: BatchOptions = {},
): (key: K) => Promise<V> {
  const inFlight = options.inFlight ?? 2;
  const maxBatch = options.maxBatch ?? 64;
  const queue: Waiting<K, V>[] = [];
  let running = 0;

  const flush = () => {
    while (running < inFlight && queue.length > 0) {
      const batch = queue.splice(0, maxBatch);
      running++;
      run(batch.map((w) => w.key))
        .then(
          (values) => {
            if (values.length !== batch.length) {
              const e = new Error(`batched: ${batch.length} keys answered with ${values.length} values`);
              for (const w of batch) w.reject(e);
            } else {
              for (let i = 0; i < batch.length; i++) batch[i]!.resolve(values[i]!);
            }
          },
          (e: unknown) => {
            for (const w of batch) w.reject(e);
          },
        )
        .finally(() => {
          running--;
          flush();
        });
    }
  };

  return (key: K) =>
    new Promise<V>((resolve, reject) => {
      queue.push({ key, resolve, reject });
      flush();
    });
}

const rowBatches = new WeakMap<object, (query: RawBuilder<unknown>) => Promise<Settled>>();

type Settled = { ok: true; row: unknown } | { ok: false; error: unknown };

/**
 * The first row of a SELECT, read together with the concurrent calls on the same `db` (not inside a
 * transaction: they share one statement and its snapshot). A batch of several is one statement of
 * `(SELECT to_json(x) FROM (query) x LIMIT 1)` columns, so the row arrives as JSON: use it only for
 * rows whose types read the same either way (text, integers, booleans, dates, json — not numeric or
 * timestamptz, which pg gives as a string and a Date). Batches hold at most 8: each size is its own
 * prepared statement. When a batch's statement fails, each query runs again alone, so a bad one
 * fails only its own caller.
 */
export async function batchedRow<T>(db: Kysely<Database>, query: RawBuilder<T>): Promise<T | undefined> {
  let read = rowBatches.get(db);
  if (!read) {
    const alone = (q: RawBuilder<unknown>): Promise<Settled> =>
      q.execute(db).then(
        (r) => ({ ok: true, row: r.rows[0] }),
        (error: unknown) => ({ ok: false, error }),
      );
    read = batched(
      async (queries: RawBuilder<unknown>[]): Promise<Settled[]> => {
        if (queries.length === 1) return [await alone(queries[0]!)];
        const columns = queries.map(
          (q, i) => sql`(SELECT to_json(x) FROM (${q}) x LIMIT 1) AS ${sql.ref(`r${i}`)}`,
        );
        try {
          const { rows } = await sql<Record<string, unknown>>`SELECT ${sql.join(columns)}`.execute(db);
          return queries.map((_, i) => ({ ok: true, row: rows[0]![`r${i}`] ?? undefined }));
        } catch {
          return Promise.all(queries.map(alone));
        }
      },
      { maxBatch: 8 },
    );
    rowBatches.set(db, read);
  }
  const settled = await read(query);
  if (!settled.ok) throw settled.error;
  return settled.row as T | undefined;
}
