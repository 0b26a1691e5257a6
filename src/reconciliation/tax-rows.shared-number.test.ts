// A tax row's ID number shared by two persons under two document types: the row is reconciled once,
// as the number's first person's. A plain join of the tax rows to persons would count it twice.
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
import { taxFileRow } from '../test-support/tax-file.js';
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
  it('reconciles each row once, as the first person of the number', async () => {
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
    const row = (p: Person, receipt: string) => taxFileRow(p, YEAR, receipt, REGION);
    await writeCsv(file, TAXFILE_HEADERS, [row(shared, 'S-0001'), row(alone, 'S-0002')]);
    const r = await reconcile(h, file, { region: REGION, year: YEAR, asOf: '2025-01-15', actor: 'test' });
    expect(r.status).toBe('reconciled');
    expect(r.newRows).toBe(2);
    // The twin has no assessment: the first row is paid_not_assessed for the twin, the second matched
    // (everyone else of the county is unpaid).
    const found = await sql<{ class: string; receipt_no: string; person_id: number }>`
      SELECT d.class, d.receipt_no, d.person_id::int AS person_id FROM reconciliation_differences d
      WHERE d.receipt_no IS NOT NULL`.execute(h.db);
    expect(found.rows).toEqual([{ class: 'paid_not_assessed', receipt_no: 'S-0001', person_id: 0 }]);
    const totals = await sql<{ class: string; n: number }>`
      SELECT class, sum(count)::int AS n FROM reconciliation_totals WHERE run_id = ${r.runId} AND class <> 'unpaid'
      GROUP BY class ORDER BY class`.execute(h.db);
    expect(totals.rows).toEqual([
      { class: 'matched', n: 1 },
      { class: 'paid_not_assessed', n: 1 },
    ]);
  });
});
