// The first return file of a region-year is copied straight into tax_payments. When one of its
// receipts is stored already (by another region's file) or comes twice in it, the unique key refuses
// that COPY: it is undone and the file is staged and checked like any later file, with the same answer
// as if it had been staged from the start.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { assessRegion } from '../assessment/assess-region.service.js';
import { writeCsv } from '../files/table-writer.js';
import { shippedPacks } from '../policy/pack-loader.js';
import { loadDemoPopulation } from '../registry/demo/load.js';
import { checkDigit } from '../registry/id-document.js';
import { seedRegions } from '../registry/regions.service.js';
import { describeEachDatabase } from '../test-support/db.js';
import { taxFileRow } from '../test-support/tax-file.js';
import { reconcile } from './reconcile.service.js';
import { TAXFILE_HEADERS } from './taxfile.js';

const A = '140602';
const B = '140681';
const C = '140621';
const YEAR = 2025;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'canbao-first-file-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

type Person = { doc_no: string; name: string; payable_fen: number; county_code: string };

describeEachDatabase('the first return file of a region-year', (getDb, kind) => {
  it('is stored straight, or staged when a receipt is taken, with the same checks', async () => {
    const h = getDb();
    await seedRegions(h.db);
    await loadDemoPopulation(h, { persons: 200, seed: 'first-file', counties: [A, B] });
    for (const region of [A, B])
      await assessRegion(h, shippedPacks(), { region, year: YEAR, asOf: '2024-11-30' });
    const people = await sql<Person>`
      SELECT p.doc_no, p.name, a.payable_fen, a.county_code FROM persons p
      JOIN assessments a ON a.person_id = p.id AND a.year = ${YEAR}
      WHERE a.status = 'assessed' AND a.payable_fen > 0 ORDER BY a.county_code, p.id`.execute(h.db);
    const [a1, a2, a3] = people.rows.filter((p) => p.county_code === A) as [Person, Person, Person];
    const [b1, b2] = people.rows.filter((p) => p.county_code === B) as [Person, Person];
    const countyName = await sql<{ name: string }>`SELECT name FROM regions WHERE code = ${A}`.execute(h.db);
    const row = (p: Person, receipt: string, region: string) => taxFileRow(p, YEAR, receipt, region);

    // A's first file: a region by its county's name, and one it cannot tell (a warning; the row is kept).
    const fileA = join(dir, `a-${kind}.csv`);
    await writeCsv(fileA, TAXFILE_HEADERS, [
      row(a1, 'F-1', A),
      row(a2, 'F-2', countyName.rows[0]!.name),
      row(a3, 'F-3', '火星'),
    ]);
    const ra = await reconcile(h, fileA, { region: A, year: YEAR, asOf: '2025-01-15', actor: 'test' });
    expect(ra).toMatchObject({ status: 'reconciled', rowsRead: 3, rejected: 0, warnings: 1, newRows: 3 });
    expect(ra.matched).toBe(3);
    const storedA = await sql<{ receipt_no: string; county_code: string | null }>`
      SELECT receipt_no, county_code FROM tax_payments ORDER BY receipt_no`.execute(h.db);
    expect(storedA.rows).toEqual([
      { receipt_no: 'F-1', county_code: A },
      { receipt_no: 'F-2', county_code: A },
      { receipt_no: 'F-3', county_code: null },
    ]);
    const warned = await sql<{ row_number: number; code: string; severity: string }>`
      SELECT row_number, code, severity FROM import_rejections WHERE run_id = ${ra.importRunId}`.execute(
      h.db,
    );
    expect(warned.rows).toEqual([{ row_number: 4, code: 'unknown_region', severity: 'warning' }]);

    // B's first file (no earlier run of B): A's receipt F-1 as it was (known, not stored again) and
    // with another amount, then a receipt given twice in the file.
    const fileB = join(dir, `b-${kind}.csv`);
    const changed = row(a1, 'F-2', A);
    changed[3] = '1.00';
    await writeCsv(fileB, TAXFILE_HEADERS, [
      row(b1, 'G-1', B),
      row(a1, 'F-1', A),
      changed,
      row(b2, 'G-2', B),
      row(b2, 'G-2', B),
    ]);
    const rb = await reconcile(h, fileB, { region: B, year: YEAR, asOf: '2025-01-15', actor: 'test' });
    expect(rb).toMatchObject({ status: 'reconciled', rowsRead: 5, rejected: 2, knownRows: 1, newRows: 2 });
    const rejected = await sql<{ row_number: number; code: string }>`
      SELECT row_number, code FROM import_rejections WHERE run_id = ${rb.importRunId} ORDER BY row_number`.execute(
      h.db,
    );
    expect(rejected.rows).toEqual([
      { row_number: 4, code: 'receipt_conflict' },
      { row_number: 6, code: 'duplicate_in_file' },
    ]);
    const storedB = await sql<{ receipt_no: string; amount_fen: number }>`
      SELECT receipt_no, amount_fen FROM tax_payments WHERE import_run_id = ${rb.importRunId} ORDER BY receipt_no`.execute(
      h.db,
    );
    expect(storedB.rows).toEqual([
      { receipt_no: 'G-1', amount_fen: b1.payable_fen },
      { receipt_no: 'G-2', amount_fen: b2.payable_fen },
    ]);
  });

  it('reports progress once per 10,000 rows, also when it reads the file again', async () => {
    const h = getDb();
    await seedRegions(h.db);
    // 25,000 people nobody registered, and the last receipt repeats the first: the straight COPY is
    // refused at the end, after two progress reports, and the file is read again through the stage.
    // A county no run has reconciled yet (the test above reconciled A and B).
    const rows = Array.from({ length: 25_000 }, (_, i) => {
      const first17 = `1406021990${String(101 + (i % 28)).padStart(4, '0')}${String(i % 1000).padStart(3, '0')}`;
      return [
        first17 + checkDigit(first17),
        `某${i}`,
        String(YEAR),
        '400.00',
        '2024-12-20',
        '微信',
        `P-${i}`,
        A,
      ];
    });
    rows.push([...rows[0]!]);
    const file = join(dir, `progress-${kind}.csv`);
    await writeCsv(file, TAXFILE_HEADERS, rows);
    const progress: number[] = [];
    const r = await reconcile(h, file, {
      region: C,
      year: YEAR,
      asOf: '2025-01-15',
      actor: 'test',
      onProgress: (n) => progress.push(n),
    });
    expect(r).toMatchObject({ rowsRead: 25_001, rejected: 1, newRows: 25_000 });
    expect(progress).toEqual([10_000, 20_000]);
  });
});
