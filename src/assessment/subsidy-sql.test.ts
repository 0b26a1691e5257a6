import { PGlite } from '@electric-sql/pglite';
import fc from 'fast-check';
import { Kysely, sql } from 'kysely';
import { KyselyPGlite } from 'kysely-pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assess } from '../policy/assess.js';
import { shippedPacks } from '../policy/pack-loader.js';
import { isError } from '../policy/result.js';
import { identityArb } from '../test-support/arbitraries.js';
import { compileRules } from './rule-rows.js';
import { subsidyQuery } from './subsidy-sql.js';

// One source of truth: the set-based statement must give every person exactly what the one-person
// engine gives, over thousands of generated persons with random identity sets, for every seed pack.

let db: Kysely<unknown>;
beforeAll(async () => {
  const pg = new PGlite();
  db = new Kysely({ dialect: new KyselyPGlite(pg).dialect });
  await sql`CREATE TABLE t_people (person_id int PRIMARY KEY)`.execute(db);
  await sql`CREATE TABLE t_ids (identity_id serial PRIMARY KEY, person_id int, category text, grade smallint, kind text, formerly_poor boolean, risk_eliminated boolean)`.execute(
    db,
  );
});
afterAll(async () => db?.destroy());

describe('set-based subsidy statement agrees with the one-person engine', () => {
  const packIds = ['130802-2025', '430502-2025', '512022-2025', '140600-2025', '130628-2024'];
  const people = fc.sample(fc.array(identityArb, { maxLength: 4 }), { numRuns: 3000, seed: 20250101 });

  beforeAll(async () => {
    for (let start = 0; start < people.length; start += 500) {
      const chunk = people.slice(start, start + 500);
      await sql`INSERT INTO t_people (person_id) VALUES ${sql.join(chunk.map((_, i) => sql`(${start + i})`))}`.execute(
        db,
      );
      const rows = chunk.flatMap((ids, i) =>
        ids.map(
          (id) =>
            sql`(${start + i}, ${id.category}, ${id.grade ?? null}, ${id.kind ?? null}, ${id.formerlyPoor ?? null}, ${id.riskEliminated ?? null})`,
        ),
      );
      if (rows.length) {
        await sql`INSERT INTO t_ids (person_id, category, grade, kind, formerly_poor, risk_eliminated) VALUES ${sql.join(rows)}`.execute(
          db,
        );
      }
    }
  });

  for (const packId of packIds) {
    it(`${packId}: ${people.length} persons`, async () => {
      const resolved = shippedPacks().get(packId)!;
      const query = subsidyQuery(
        compileRules(resolved),
        sql`SELECT person_id, identity_id, category, grade, kind, formerly_poor, risk_eliminated FROM t_ids`,
        sql`SELECT person_id FROM t_people`,
      );
      const { rows } = await sql<Record<string, unknown>>`${query} ORDER BY person_id`.execute(db);
      expect(rows).toHaveLength(people.length);
      let subsidized = 0;
      for (const row of rows) {
        const identities = people[row.person_id as number]!;
        const one = assess(
          { region: resolved.pack.region, year: resolved.pack.year, identities },
          shippedPacks(),
        );
        // A subsidy granted without an amount: the engine refuses, the statement flags the same person.
        expect(row.undetermined, JSON.stringify(identities)).toBe(isError(one));
        if (isError(one)) {
          expect(one.error.code, JSON.stringify(one.error)).toBe('NOT_COVERED');
          continue;
        }
        const bulk = {
          tier: row.tier,
          standardFen: row.standard_fen,
          subsidyFen: row.subsidy_fen,
          payableFen: row.payable_fen,
          category: row.category,
          subsidyRule: row.subsidy_rule,
          fundingSource: row.funding_source,
        };
        expect(bulk, JSON.stringify(identities)).toEqual({
          tier: one.tier,
          standardFen: one.standardFen,
          subsidyFen: one.subsidyFen,
          payableFen: one.payableFen,
          category: one.category,
          subsidyRule: one.subsidyRule,
          fundingSource: one.fundingSource,
        });
        if (one.subsidyFen > 0) subsidized++;
      }
      expect(subsidized).toBeGreaterThan(people.length / 10); // the sample really exercises the rules
    });
  }
});
