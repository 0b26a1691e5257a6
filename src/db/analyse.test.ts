import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../test-support/db.js';
import { analyseIfStale } from './analyse.js';

describeEachDatabase('analyseIfStale', (getDb) => {
  it('analyses a table never analysed, then only after it grew', async () => {
    const { db } = getDb();
    await sql`CREATE TABLE analyse_probe (id int, label text)`.execute(db);
    await sql`INSERT INTO analyse_probe SELECT g, 'row ' || g FROM generate_series(1, 5000) g`.execute(db);
    expect(await analyseIfStale(db, ['analyse_probe'])).toEqual(['analyse_probe']);
    const stats = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM pg_stats WHERE tablename = 'analyse_probe'`.execute(db);
    expect(stats.rows[0]!.n).toBe(2);
    expect(await analyseIfStale(db, ['analyse_probe'])).toEqual([]);
    // A bulk load in the same transaction shows in the size on disk at once.
    await getDb().transaction(async (tx) => {
      await sql`INSERT INTO analyse_probe SELECT g, 'row ' || g FROM generate_series(5001, 20000) g`.execute(
        tx.db,
      );
      expect(await analyseIfStale(tx.db, [{ table: 'analyse_probe', columns: ['id'] }])).toEqual([
        'analyse_probe',
      ]);
    });
    const counted = await sql<{ reltuples: number }>`
      SELECT reltuples::int AS reltuples FROM pg_class WHERE relname = 'analyse_probe'`.execute(db);
    expect(counted.rows[0]!.reltuples).toBe(20000);
    expect(await analyseIfStale(db, ['analyse_probe'])).toEqual([]);
  });
});
