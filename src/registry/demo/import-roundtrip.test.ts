// The demo files are meant to be imported: the population importer takes them row for row.
// (Large XLSX reading, once broken by exceljs splitting Chinese characters across zip chunks, is
// covered in src/files/files.test.ts.)
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../db/connection.js';
import { createPgliteTestDatabase } from '../../test-support/db.js';
import { importPersons } from '../import.service.js';
import { seedRegions } from '../regions.service.js';
import { writeDemoFiles } from './files.js';
import { generatePopulation } from './population.js';

let db: DatabaseHandle;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'canbao-demo-import-'));
  db = await createPgliteTestDatabase();
  await seedRegions(db.db);
});
afterAll(async () => {
  await db?.close();
  await rm(dir, { recursive: true, force: true });
});

it('imports the UTF-8 and the GB18030 花名册 without a rejected row', async () => {
  const options = { persons: 3000, seed: 'roundtrip', counties: ['130628', '430502'] };
  await writeDemoFiles({ ...options, out: join(dir, 'utf8'), formats: ['csv'] });
  await writeDemoFiles({ ...options, out: join(dir, 'gbk'), formats: ['csv'], encoding: 'gbk' });

  const first = await importPersons(db, join(dir, 'utf8', '130628高阳县_参保人员花名册.csv'), {
    today: '2024-11-30',
  });
  const expected = [...generatePopulation(options)].filter((p) => p.countyCode === '130628');
  expect(first).toMatchObject({ status: 'applied', rejected: 0, inserted: expected.length });

  // The same people in GB18030: nothing new, nothing changed.
  const again = await importPersons(db, join(dir, 'gbk', '130628高阳县_参保人员花名册.csv'), {
    today: '2024-11-30',
  });
  expect(again).toMatchObject({ status: 'applied', rejected: 0, inserted: 0, unchanged: expected.length });

  const sample = expected[17]!;
  const { rows } = await sql<{ name: string; residence_village: string; birth_date: string }>`
    SELECT name, residence_village, birth_date FROM persons WHERE doc_no = ${sample.idNumber}`.execute(db.db);
  expect(rows).toEqual([
    { name: sample.name, residence_village: sample.villageCode, birth_date: sample.birthDate },
  ]);
});
