// Two reconciliations of the same tax file at once, on both databases: one reconciles, the other
// finds it reconciled — the tax rows and the differences are stored once, and neither fails.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { assessRegion } from '../assessment/assess-region.service.js';
import { shippedPacks } from '../policy/pack-loader.js';
import { reconcile } from '../reconciliation/reconcile.service.js';
import { generateTaxfile } from '../reconciliation/taxfile.js';
import { loadDemoPopulation } from '../registry/demo/load.js';
import { seedRegions } from '../registry/regions.service.js';
import { describeEachDatabase } from '../test-support/db.js';

const REGION = '512022';
const YEAR = 2025;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'canbao-recon-race-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describeEachDatabase('the same tax file reconciled twice at once', (getDb, kind) => {
  let file: string;
  beforeAll(async () => {
    const h = getDb();
    await seedRegions(h.db);
    await loadDemoPopulation(h, { persons: 400, seed: 'race', counties: [REGION] });
    await assessRegion(h, shippedPacks(), { region: REGION, year: YEAR, asOf: '2024-11-30' });
    file = join(dir, `tax-${kind}.csv`);
    await generateTaxfile(h, { region: REGION, year: YEAR, out: file, perClass: 2 });
  }, 120_000);

  it('stores the tax rows and the differences once', async () => {
    const options = { region: REGION, year: YEAR, asOf: '2024-12-31', actor: 'test' };
    const results = await Promise.allSettled([
      reconcile(getDb(), file, options),
      reconcile(getDb(), file, options),
    ]);
    expect(
      results.map((r) => r.status),
      results.map((r) => (r.status === 'rejected' ? String(r.reason) : '')).join(' '),
    ).toEqual(['fulfilled', 'fulfilled']);
    const statuses = results.map((r) => (r as PromiseFulfilledResult<{ status: string }>).value.status);
    expect(statuses.sort()).toEqual(['reconciled', 'unchanged']);
    const stored = await sql<{ runs: number; tax: number; taxDistinct: number; live: number }>`
      SELECT (SELECT count(*)::int FROM reconciliation_runs) AS runs,
        (SELECT count(*)::int FROM tax_payments) AS tax,
        (SELECT count(DISTINCT receipt_no)::int FROM tax_payments) AS "taxDistinct",
        (SELECT count(*)::int FROM reconciliation_differences) AS live`.execute(getDb().db);
    const row = stored.rows[0]!;
    expect(row.runs).toBe(1);
    expect(row.tax).toBe(row.taxDistinct);
    expect(row.live).toBeGreaterThan(0);
  }, 120_000);
});
