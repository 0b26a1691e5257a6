import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../../test-support/db.js';
import { countsByCounty, tableExists } from './demo.repository.js';
import { loadDemoPopulation } from './load.js';
import { generateHouseholds } from './population.js';
import { readRegionRows } from './regions.js';

const regions = readRegionRows(fileURLToPath(new URL('./fixtures/regions-fixture.csv', import.meta.url)));
const options = { persons: 3000, seed: 'load', regions, counties: ['512022', '1406'] };

describeEachDatabase('loadDemoPopulation', (getDb) => {
  it('copies households, persons and identities that point at each other', async () => {
    const db = getDb();
    const result = await loadDemoPopulation(db, options);
    expect(result.persons).toBe(3000);
    const households = [...generateHouseholds(options)];
    expect(result.households).toBe(households.length);

    const counts = await countsByCounty(db.db);
    expect(counts.reduce((s, c) => s + c.persons, 0)).toBe(3000);
    expect(counts.map((c) => c.county_code).sort()).toEqual(
      ['140602', '140603', '140621', '140622', '140623', '140681', '512022'].sort(),
    );

    // Every person's household exists and its head is that household's first member.
    const { rows: orphans } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM persons p LEFT JOIN households h ON h.id = p.household_id
      WHERE h.id IS NULL`.execute(db.db);
    expect(orphans[0]!.n).toBe(0);
    const { rows: heads } = await sql<{ relation: string; n: number }>`
      SELECT p.relation, count(*)::int AS n FROM households h JOIN persons p ON p.id = h.head_person_id
      GROUP BY p.relation`.execute(db.db);
    expect(heads).toEqual([{ relation: '户主', n: households.length }]);

    // The stored person is the generated one.
    const first = households[0]!.members[0]!;
    const { rows } = await sql<{ name: string; birth_date: string; residence_village: string }>`
      SELECT name, birth_date, residence_village FROM persons WHERE doc_no = ${first.idNumber}`.execute(
      db.db,
    );
    expect(rows).toEqual([
      { name: first.name, birth_date: first.birthDate, residence_village: first.villageCode },
    ]);

    if (await tableExists(db.db, 'person_identities')) {
      const expected = households.flatMap((h) => h.identities);
      expect(result.identities).toBe(expected.length);
      const { rows: wrong } = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM person_identities i JOIN persons p ON p.id = i.person_id
        WHERE p.county_code <> i.county_code`.execute(db.db);
      expect(wrong[0]!.n).toBe(0);
      const sample = expected.find((i) => i.category === 'disability')!;
      const { rows: found } = await sql<{ grade: number }>`
        SELECT i.grade FROM person_identities i JOIN persons p ON p.id = i.person_id
        WHERE p.doc_no = ${sample.idNumber} AND i.category = 'disability'`.execute(db.db);
      expect(found).toEqual([{ grade: sample.attributes.grade }]);
    }
  });

  it('refuses to load a second time into the same counties, and new rows get fresh ids', async () => {
    const db = getDb();
    await expect(loadDemoPopulation(db, options)).rejects.toThrow(/演示人口只导入空库/);
    const other = await loadDemoPopulation(db, { ...options, counties: ['130628'], persons: 500 });
    expect(other.persons).toBe(500);
    const { rows } = await sql<{ id: number }>`
      INSERT INTO households (county_code, household_no) VALUES ('130628', 'x-1') RETURNING id`.execute(
      db.db,
    );
    const { rows: max } = await sql<{ n: number }>`SELECT max(id)::int AS n FROM households`.execute(db.db);
    expect(rows[0]!.id).toBe(max[0]!.n);
  });
});
