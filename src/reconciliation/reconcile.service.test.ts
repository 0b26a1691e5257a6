import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { assessRegion } from '../assessment/assess-region.service.js';
import { writeCsv, writeXlsx } from '../files/table-writer.js';
import { buildApp } from '../http/app.js';
import { shippedPacks } from '../policy/pack-loader.js';
import { loadDemoPopulation } from '../registry/demo/load.js';
import { seedRegions } from '../registry/regions.service.js';
import { describeEachDatabase } from '../test-support/db.js';
import { multipartBody, waitForJob } from '../test-support/http.js';
import { requestRefunds, resolveDifference } from './differences.service.js';
import type { DifferenceClass } from './reconcile.repository.js';
import { reconcile } from './reconcile.service.js';
import { writeReconcileReports } from './reconcile-report.js';
import { getRun } from './runs.repository.js';
import { generateTaxfile, TAXFILE_HEADERS, type TaxfileManifest } from './taxfile.js';

// 乐至 (512022) reconciled against a demo tax file with three planted differences of every class;
// 双清区 (430502) supplies people of another region. A few people paid locally (WeChat) first.
const packs = shippedPacks();
const REGION = '512022';
const YEAR = 2025;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'canbao-reconcile-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describeEachDatabase('reconciliation with tax payment records', (getDb, kind) => {
  let manifest: TaxfileManifest;
  let file: string;
  let run1: number;
  let run2: number;

  beforeAll(async () => {
    const h = getDb();
    await seedRegions(h.db);
    await loadDemoPopulation(h, { persons: 1500, seed: 'recon', counties: [REGION, '430502'] });
    await assessRegion(h, packs, { region: REGION, year: YEAR, asOf: '2024-11-30' });
    // Eight people paid through WeChat before the tax file came back.
    await sql`
      INSERT INTO payments (county_code, year, person_id, amount_fen, paid_on, channel, external_no, pack_hash)
      SELECT county_code, year, person_id, payable_fen, '2024-10-08', 'wechat', 'WX' || person_id, pack_hash
      FROM assessments WHERE county_code = ${REGION} AND year = ${YEAR} AND status = 'assessed' AND payable_fen > 0
      ORDER BY person_id LIMIT 8`.execute(h.db);
    file = join(dir, `tax-${kind}.csv`);
    manifest = await generateTaxfile(h, { region: REGION, year: YEAR, out: file, perClass: 3 });
  }, 60_000);

  async function found(runId: number): Promise<Record<string, string[]>> {
    const r = await sql<{ class: DifferenceClass; key: string }>`
      SELECT d.class, CASE WHEN d.class IN ('unpaid', 'local_only') THEN d.doc_no ELSE d.receipt_no END AS key
      FROM reconciliation_run_differences rd JOIN reconciliation_differences d ON d.id = rd.difference_id
      WHERE rd.run_id = ${runId} AND rd.status <> 'settled'`.execute(getDb().db);
    const out: Record<string, string[]> = {};
    for (const k of Object.keys(manifest.expected)) out[k] = [];
    for (const row of r.rows) out[row.class]!.push(row.key);
    for (const k of Object.keys(out)) out[k]!.sort();
    return out;
  }

  it('finds every planted difference in its class and nothing else', async () => {
    for (const [c, keys] of Object.entries(manifest.expected))
      expect(keys.length, c).toBeGreaterThanOrEqual(3);
    const r = await reconcile(getDb(), file, {
      region: REGION,
      year: YEAR,
      asOf: '2024-12-31',
      actor: 'test',
    });
    run1 = r.runId;
    expect(r.status).toBe('reconciled');
    expect(r.rejected).toBe(0);
    expect(r.newRows).toBe(manifest.rows);
    const expected = Object.fromEntries(
      Object.entries(manifest.expected).map(([k, v]) => [k, [...v].sort()]),
    );
    expect(await found(run1)).toEqual(expected);
    expect(r.matched).toBe(manifest.counts.matched);
    expect(r.differences.new).toBe(Object.values(manifest.expected).flat().length);
    // Each difference names its person: from the tax row when there is one, else from the registry.
    const named = await sql<{ class: string; n: number }>`
      SELECT d.class, count(*)::int AS n FROM reconciliation_differences d
      LEFT JOIN tax_payments t ON t.id = d.tax_payment_id
      LEFT JOIN persons p ON p.id = d.person_id
      WHERE d.first_run_id = ${run1} AND d.doc_no IS NOT DISTINCT FROM coalesce(t.doc_no, p.doc_no)
        AND d.name IS NOT DISTINCT FROM coalesce(t.name, p.name) AND d.doc_no IS NOT NULL
      GROUP BY d.class`.execute(getDb().db);
    expect(Object.fromEntries(named.rows.map((x) => [x.class, x.n]))).toEqual(
      Object.fromEntries(Object.entries(manifest.expected).map(([k, v]) => [k, v.length])),
    );
    const audit = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM audit_log WHERE action = 'reconciliation.run' AND entity_id = ${String(run1)}`.execute(
      getDb().db,
    );
    expect(audit.rows[0]!.n).toBe(1);
  });

  it('changes nothing when the same file comes again, and says so', async () => {
    const before = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM reconciliation_differences`.execute(getDb().db);
    const r = await reconcile(getDb(), file, { region: REGION, year: YEAR, actor: 'test' });
    expect(r.status).toBe('unchanged');
    expect(r.runId).toBe(run1);
    const after = await sql<{ n: number }>`SELECT count(*)::int AS n FROM reconciliation_differences`.execute(
      getDb().db,
    );
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
  });

  it('carries open differences to the next run, settles those paid since, and reports bad rows', async () => {
    const db = getDb().db;
    const unpaidDoc = manifest.expected.unpaid[0]!;
    const localDoc = manifest.expected.local_only[0]!;
    const amounts = await sql<{ doc_no: string; name: string; amount: number }>`
      SELECT p.doc_no, p.name, coalesce(pay.amount_fen, a.payable_fen) AS amount
      FROM persons p JOIN assessments a ON a.person_id = p.id AND a.year = ${YEAR}
      LEFT JOIN payments pay ON pay.person_id = p.id AND pay.year = ${YEAR}
      WHERE p.doc_no IN (${unpaidDoc}, ${localDoc})`.execute(db);
    const row = (doc: string, receipt: string): string[] => {
      const a = amounts.rows.find((x) => x.doc_no === doc)!;
      return [a.doc_no, a.name, '2025', (a.amount / 100).toFixed(2), '2024-12-20', '微信', receipt, REGION];
    };
    // The first data row of file 1 again (known receipt), two new payments, three bad rows.
    const first = (await readFile(file, 'utf8'))
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/)[1]!
      .split(',');
    const file2 = join(dir, `tax2-${kind}.xlsx`);
    await writeXlsx(file2, '缴费明细', TAXFILE_HEADERS, [
      first,
      row(unpaidDoc, 'T2-0001'),
      row(localDoc, 'T2-0002'),
      ['123456', '错号', '2025', '400.00', '2024-12-20', '微信', 'T2-0003', REGION],
      [unpaidDoc, '别年', '2024', '380.00', '2024-12-20', '微信', 'T2-0004', REGION],
      row(localDoc, 'T2-0002'),
    ]);
    const r = await reconcile(getDb(), file2, {
      region: REGION,
      year: YEAR,
      asOf: '2025-01-15',
      actor: 'test',
    });
    run2 = r.runId;
    expect(r.rowsRead).toBe(6);
    expect(r.rejected).toBe(3);
    expect(r.knownRows).toBe(1);
    expect(r.newRows).toBe(2);
    const total = Object.values(manifest.expected).flat().length;
    expect(r.differences).toEqual({ new: 0, carried: total - 2, settled: 2 });
    expect(r.matched).toBe(manifest.counts.matched + 2);
    const settled = await sql<{ class: string; doc_no: string; state: string; settled_run_id: number }>`
      SELECT class, doc_no, state, settled_run_id FROM reconciliation_differences WHERE state = 'settled' ORDER BY class`.execute(
      db,
    );
    expect(settled.rows).toEqual([
      { class: 'local_only', doc_no: localDoc, state: 'settled', settled_run_id: run2 },
      { class: 'unpaid', doc_no: unpaidDoc, state: 'settled', settled_run_id: run2 },
    ]);
    const rejections = await sql<{ code: string }>`
      SELECT code FROM import_rejections WHERE run_id = ${r.importRunId} ORDER BY row_number`.execute(db);
    expect(rejections.rows.map((x) => x.code)).toEqual(['id_bad_length', 'other_year', 'duplicate_in_file']);
  });

  it('resolves a difference with the reason, once, with an audit row', async () => {
    const h = getDb();
    const d = await sql<{ id: number }>`
      SELECT id FROM reconciliation_differences WHERE class = 'paid_not_registered' AND state = 'carried' ORDER BY id LIMIT 1`.execute(
      h.db,
    );
    const id = d.rows[0]!.id;
    const r = await resolveDifference(h, id, '已联系本人补办参保登记', 'tester');
    expect(r.state).toBe('resolved');
    await expect(resolveDifference(h, id, '再次', 'tester')).rejects.toThrow(/已处理过/);
    const audit = await sql<{ actor: string }>`
      SELECT actor FROM audit_log WHERE action = 'reconciliation.resolve' AND entity_id = ${String(id)}`.execute(
      h.db,
    );
    expect(audit.rows).toEqual([{ actor: 'tester' }]);
  });

  it('turns the refund list into refund requests once, recording the tax rows as payments', async () => {
    const h = getDb();
    const first = await requestRefunds(h, run2, 'tester');
    expect(first.listed).toBe(manifest.expected.duplicate.length + manifest.expected.amount_over.length);
    expect(first.refundsRequested).toBe(first.listed);
    expect(first.paymentsRecorded).toBe(first.listed);
    const again = await requestRefunds(h, run2, 'tester');
    expect(again).toMatchObject({ paymentsRecorded: 0, refundsRequested: 0, alreadyRequested: first.listed });
    const refunds = await sql<{ reason: string; n: number }>`
      SELECT reason, count(*)::int AS n FROM refunds GROUP BY reason ORDER BY reason`.execute(h.db);
    expect(refunds.rows).toEqual([
      { reason: 'duplicate_payment', n: manifest.expected.duplicate.length },
      { reason: 'overpayment', n: manifest.expected.amount_over.length },
    ]);
    const external = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM payments p JOIN tax_payments t ON t.payment_id = p.id AND t.receipt_no = p.external_no`.execute(
      h.db,
    );
    expect(external.rows[0]!.n).toBe(first.listed);
    const audits = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM audit_log WHERE action IN ('refund.request', 'payment.record_from_tax')`.execute(
      h.db,
    );
    expect(audits.rows[0]!.n).toBe(2 * first.listed);
  });

  it('a later run after the refunds still finds the same differences (carried, nothing new)', async () => {
    const file3 = join(dir, `tax3-${kind}.csv`);
    const first = (await readFile(file, 'utf8'))
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/)[2]!
      .split(',');
    await writeCsv(file3, TAXFILE_HEADERS, [first]);
    const r = await reconcile(getDb(), file3, { region: REGION, year: YEAR, actor: 'test' });
    expect(r.differences.new).toBe(0);
    expect(r.differences.settled).toBe(0);
  });

  it('rejects a stored receipt number with another amount, and a known receipt repeated in the file', async () => {
    const db = getDb().db;
    const lines = (await readFile(file, 'utf8')).replace(/^\uFEFF/, '').split(/\r?\n/);
    const changed = lines[3]!.split(',');
    const storedFen = Math.round(Number(changed[3]) * 100);
    changed[3] = ((storedFen + 1000) / 100).toFixed(2);
    const known = lines[4]!.split(',');
    const file4 = join(dir, `tax4-${kind}.csv`);
    await writeCsv(file4, TAXFILE_HEADERS, [changed, known, known]);
    const r = await reconcile(getDb(), file4, { region: REGION, year: YEAR, actor: 'test' });
    expect(r).toMatchObject({ rowsRead: 3, rejected: 2, knownRows: 1, newRows: 0 });
    const rejections = await sql<{ row_number: number; code: string; reason: string }>`
      SELECT row_number, code, reason FROM import_rejections WHERE run_id = ${r.importRunId} ORDER BY row_number`.execute(
      db,
    );
    expect(rejections.rows.map((x) => [x.row_number, x.code])).toEqual([
      [2, 'receipt_conflict'],
      [4, 'duplicate_in_file'],
    ]);
    expect(rejections.rows[0]!.reason).toContain((storedFen / 100).toFixed(2));
    expect(rejections.rows[1]!.reason).toContain('与第 3 行相同');
    const stored = await sql<{ amount_fen: number; n: number }>`
      SELECT min(amount_fen)::int AS amount_fen, count(*)::int AS n FROM tax_payments WHERE receipt_no = ${changed[6]!}`.execute(
      db,
    );
    expect(stored.rows[0]).toEqual({ amount_fen: storedFen, n: 1 });
  });

  it('writes the detail lists per class and the refund list', async () => {
    const files = await writeReconcileReports(getDb(), run1, join(dir, `out-${kind}`), { formats: ['csv'] });
    const refund = files.find((f) => f.includes('退费清单'))!;
    const lines = (await readFile(refund, 'utf8')).trim().split(/\r?\n/);
    expect(lines).toHaveLength(1 + manifest.expected.duplicate.length + manifest.expected.amount_over.length);
    expect(lines[1]).toMatch(/\*{4}/);
    expect(files.filter((f) => f.includes('对账差异'))).toHaveLength(8);
  });

  it('serves runs, differences and resolution over HTTP, and takes an uploaded file', async () => {
    const app = await buildApp({ packs, db: getDb(), uploads: { dir: join(dir, `uploads-${kind}`) } });
    try {
      const list = await app.inject({ method: 'GET', url: `/api/reconciliations?region=${REGION}` });
      expect(list.statusCode).toBe(200);
      expect(list.json().length).toBeGreaterThanOrEqual(3);
      const one = await app.inject({ method: 'GET', url: `/api/reconciliations/${run1}` });
      expect(one.json().run.id).toBe(run1);
      const dup = await app.inject({
        method: 'GET',
        url: `/api/reconciliations/${run1}/differences?class=duplicate`,
      });
      expect(
        dup
          .json()
          .map((d: { receiptNo: string }) => d.receiptNo)
          .sort(),
      ).toEqual([...manifest.expected.duplicate].sort());
      const bad = await app.inject({
        method: 'GET',
        url: `/api/reconciliations/${run1}/differences?class=nope`,
      });
      expect(bad.statusCode).toBe(400);
      // Uploaded as the raw body or as a form, the file is reconciled by a job: the same run again.
      const upload = await app.inject({
        method: 'POST',
        url: `/api/reconciliations?region=${REGION}&year=${YEAR}&fileName=again.csv`,
        headers: { 'content-type': 'text/csv' },
        payload: await readFile(file),
      });
      expect(upload.statusCode).toBe(202);
      expect(upload.json()).toMatchObject({ kind: 'reconcile', status: 'queued' });
      const job = await waitForJob(app, upload.json().id);
      expect(job).toMatchObject({ status: 'succeeded', result: { status: 'unchanged', runId: run1 } });
      const form = multipartBody(
        { region: REGION, year: String(YEAR) },
        {
          name: 'tax.csv',
          content: await readFile(file),
        },
      );
      const formJob = await app.inject({
        method: 'POST',
        url: '/api/reconciliations',
        headers: { 'content-type': form.contentType },
        payload: form.body,
      });
      expect(formJob.statusCode).toBe(202);
      expect((await waitForJob(app, formJob.json().id)).result).toMatchObject({
        status: 'unchanged',
        runId: run1,
        fileName: 'tax.csv',
      });
      const open = dup.json()[0];
      const resolved = await app.inject({
        method: 'POST',
        url: `/api/differences/${open.id}/resolve`,
        payload: { reason: '已退费' },
      });
      expect(resolved.json()).toMatchObject({ state: 'resolved', reason: '已退费' });
      const missing = await app.inject({ method: 'GET', url: '/api/reconciliations/999999' });
      expect(missing.statusCode).toBe(400);
    } finally {
      await app.close();
    }
    expect((await getRun(getDb(), run1)).id).toBe(run1);
  });

  it('reads the same rows from a GBK file, as the tax bureau exports them: nothing new', async () => {
    const gbk = join(dir, `tax-gbk-${kind}.csv`);
    await writeFile(gbk, iconv.encode((await readFile(file, 'utf8')).replace(/^\uFEFF/, ''), 'gbk'));
    const r = await reconcile(getDb(), gbk, {
      region: REGION,
      year: YEAR,
      asOf: '2024-12-31',
      actor: 'test',
    });
    expect(r.rejected).toBe(0);
    expect(r.newRows).toBe(0);
    expect(r.differences.new).toBe(0);
  });
});
