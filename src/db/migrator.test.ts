import { type Kysely, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../test-support/db.js';
import { migrations } from './migrations/index.js';
import type { Migration } from './migrator.js';
import { migrationStatus, orderedMigrations, runMigrations } from './migrator.js';

describe('orderedMigrations', () => {
  it('accepts the real list', () => {
    expect(orderedMigrations(migrations)[0]).toMatchObject({ version: 1, name: 'regions' });
  });
  it('rejects out-of-order and malformed ids', () => {
    const up = async () => {};
    expect(() =>
      orderedMigrations([
        { id: '002_b', up },
        { id: '001_a', up },
      ]),
    ).toThrow(/顺序错误/);
    expect(() => orderedMigrations([{ id: '2_b', up }])).toThrow(/编号不合法/);
  });
});

describeEachDatabase(
  'migrator',
  (getDb) => {
    const extra: Migration[] = [
      ...migrations,
      {
        id: '900_widgets',
        up: async (db: Kysely<unknown>) => {
          await sql`CREATE TABLE widgets (id int PRIMARY KEY)`.execute(db);
        },
      },
    ];

    it('starts with everything pending, applies in order, then nothing is pending', async () => {
      const { db } = getDb();
      const before = await migrationStatus(db, extra);
      expect(before.every((m) => m.appliedAt === null)).toBe(true);
      const applied = await runMigrations(db, extra);
      expect(applied).toEqual([...migrations.map((m) => m.id), '900_widgets']);
      expect(await runMigrations(db, extra)).toEqual([]);
      const after = await migrationStatus(db, extra);
      expect(after.map((m) => m.version)).toEqual([
        ...orderedMigrations(migrations).map((m) => m.version),
        900,
      ]);
      expect(after.every((m) => m.appliedAt !== null)).toBe(true);
      await sql`INSERT INTO widgets VALUES (1)`.execute(db);
    });

    it('rolls back a failing migration and does not record it', async () => {
      const { db } = getDb();
      const failing: Migration[] = [
        ...extra,
        {
          id: '901_broken',
          up: async (d: Kysely<unknown>) => {
            await sql`CREATE TABLE half_done (id int)`.execute(d);
            await sql`SELECT * FROM no_such_table`.execute(d);
          },
        },
      ];
      await expect(runMigrations(db, failing)).rejects.toThrow(/迁移 901_broken 失败/);
      const status = await migrationStatus(db, failing);
      expect(status.find((m) => m.version === 901)?.appliedAt).toBeNull();
      const table = await sql<{
        n: number;
      }>`SELECT count(*) AS n FROM pg_tables WHERE tablename = 'half_done'`.execute(db);
      expect(table.rows[0]?.n).toBe(0);
    });

    it('runs concurrent migrators exactly once each', async () => {
      const { db } = getDb();
      const more: Migration[] = [
        ...extra,
        {
          id: '902_counter',
          up: async (d: Kysely<unknown>) => {
            await sql`CREATE TABLE counter (id int)`.execute(d);
          },
        },
      ];
      const results = await Promise.all([runMigrations(db, more), runMigrations(db, more)]);
      expect(results.flat()).toEqual(['902_counter']);
    });
  },
  { migrate: false },
);
