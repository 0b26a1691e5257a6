// A tax row's ID number shared by two persons under two document types: the row is stored once, with
// the number's first person. A plain join of the stage to persons would give such a row twice, and the
// receipt's unique key would refuse the whole file.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { assessRegion } from '../assessment/assess-region.service.js';
import { writeCsv } from '../files/table-writer.js';
import { shippedPacks } from '../policy/pack-loader.js';
import { loadDemoPopulation } from '../registry/demo/load.js';
import { seedRegions } from '../registry/regions.service.js';
import { describeEachDatabase } from '../test-support/db.js';
import { reconcile } from './reconcile.service.js';
import { TAXFILE_HEADERS } from './taxfile.js';

const REGION = '512022';
const YEAR = 2025;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'canbao-shared-number-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describeEachDatabase('tax rows whose ID number two persons share', (getDb, kind) => {
  it('stores each row once, with the first person of the number', async () => {
    const h = getDb();
    await seedRegions(h.db);
    await loadDemoPopulation(h, { persons: 200, seed: 'shared', counties: [REGION] });
    await assessRegion(h, shippedPacks(), { region: REGION, year: YEAR, asOf: '2024-11-30' });
    type Person = { id: number; doc_no: string; name: string; payable_fen: number };
    const people = await sql<Person>`
      SELECT p.id::int AS id, p.doc_no, p.name, a.payable_fen FROM persons p
      JOIN assessments a ON a.person_id = p.id AND a.year = ${YEAR}
      WHERE a.status = 'assessed' AND a.payable_fen > 0 ORDER BY p.id LIMIT 2`.execute(h.db);
    const [shared, alone] = people.rows as [Person, Person];
    // The same number under another document type, with a smaller id: the number's first person.
    await sql`CREATE TEMP TABLE twin AS SELECT * FROM persons WHERE id = ${shared.id}`.execute(h.db);
    await sql`UPDATE twin SET id = 0, doc_type = 'passport'`.execute(h.db);
    await sql`INSERT INTO persons SELECT * FROM twin`.execute(h.db);
    await sql`DROP TABLE twin`.execute(h.db);

    const file = join(dir, `tax-${kind}.csv`);
    const row = (p: Person, receipt: string) => [
      p.doc_no,
      p.name,
      String(YEAR),
      (p.payable_fen / 100).toFixed(2),
      '2024-12-20',
      '微信',
      receipt,
      REGION,
    ];
    await writeCsv(file, TAXFILE_HEADERS, [row(shared, 'S-0001'), row(alone, 'S-0002')]);
    const r = await reconcile(h, file, { region: REGION, year: YEAR, asOf: '2025-01-15', actor: 'test' });
    expect(r.status).toBe('reconciled');
    expect(r.newRows).toBe(2);
    const stored = await sql<{ receipt_no: string; person_id: number }>`
      SELECT receipt_no, person_id::int AS person_id FROM tax_payments ORDER BY receipt_no`.execute(h.db);
    expect(stored.rows).toEqual([
      { receipt_no: 'S-0001', person_id: 0 },
      { receipt_no: 'S-0002', person_id: alone.id },
    ]);
  });
});
