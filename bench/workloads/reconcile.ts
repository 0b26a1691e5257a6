// Reconciliation of a tax payment file for 朔州市 (140600, 2025) on the demo population: the file
// comes from `generateTaxfile` (every class planted), the product runs `reconcile` (read, check,
// COPY, store, classify, merge differences, totals). The baseline does the same two things by hand:
// a raw COPY of the file into a table keyed like tax_payments (id, unique receipt number), then one
// hand-written FULL OUTER JOIN over the stored rows computing the same class counts; the join alone is
// reported too (extra.joinSeconds, extra.joinRatio). The run checks that the counts agree and that
// every planted difference was found in its class. Goal ≤ 1.5×.
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { assessRegion } from '../../src/assessment/assess-region.service.js';
import { shippedPacks } from '../../src/policy/pack-loader.js';
import { reconcileSettings } from '../../src/reconciliation/reconcile.repository.js';
import { reconcile } from '../../src/reconciliation/reconcile.service.js';
import { generateTaxfile, TAXFILE_HEADERS } from '../../src/reconciliation/taxfile.js';
import { csvBody } from '../csv-body.js';
import type { BenchDatabase } from '../database.js';
import { type Measurement, measurement, same, time } from '../harness.js';

/** COPY the file's rows into a logged table of its eight columns with tax_payments' keys. */
async function rawCopy(h: BenchDatabase['handle'], file: string): Promise<number> {
  const cols = Array.from({ length: TAXFILE_HEADERS.length }, (_, i) => `c${i}`);
  await sql`DROP TABLE IF EXISTS bench_tax_raw`.execute(h.db);
  await sql
    .raw(`CREATE TABLE bench_tax_raw (id bigserial PRIMARY KEY, ${cols.map((c) => `${c} text`).join(', ')})`)
    .execute(h.db);
  await sql
    .raw(
      `CREATE UNIQUE INDEX bench_tax_raw_receipt ON bench_tax_raw (c${TAXFILE_HEADERS.indexOf('电子税票号码')})`,
    )
    .execute(h.db);
  const rows = await h.copyFrom('bench_tax_raw', cols, csvBody(file, 'utf-8'));
  await sql`DROP TABLE bench_tax_raw`.execute(h.db);
  return rows;
}

const REGION = '140600';
const LIKE = '1406%';
const YEAR = 2025;

/**
 * The classification by hand: tax rows, matched to persons by ID number, FULL OUTER JOIN
 * (assessments FULL OUTER JOIN local payments). A plain join: it does not keep a number two persons
 * share once, as the product does (the demo has no such number).
 */
function baseline(importRunId: number) {
  return sql<{ class: string; n: number }>`
    WITH local AS (
      SELECT DISTINCT ON (pay.person_id) pay.person_id, pay.amount_fen
      FROM payments pay LEFT JOIN tax_payments tp ON tp.payment_id = pay.id
      WHERE pay.year = ${YEAR} AND pay.county_code LIKE ${LIKE} AND pay.status = 'accepted' AND pay.kind = 'contribution'
        AND tp.id IS NULL
      ORDER BY pay.person_id, pay.id
    ), owed AS (
      SELECT coalesce(a.person_id, l.person_id) AS person_id, a.payable_fen, l.amount_fen AS local_fen
      FROM (SELECT person_id, payable_fen FROM assessments WHERE county_code LIKE ${LIKE} AND year = ${YEAR} AND status = 'assessed') a
      FULL OUTER JOIN local l ON l.person_id = a.person_id
    ), tax AS (
      SELECT t.id, t.receipt_no, t.amount_fen, t.county_code AS row_county, p.id AS pid, p.county_code AS pc,
        a.status AS a_status, a.payable_fen, l.amount_fen AS local_fen
      FROM tax_payments t
      LEFT JOIN persons p ON p.doc_no = t.doc_no
      LEFT JOIN assessments a ON a.person_id = p.id AND a.year = ${YEAR} AND a.county_code = p.county_code
      LEFT JOIN local l ON l.person_id = p.id
      WHERE t.year = ${YEAR} AND (t.county_code LIKE ${LIKE} OR p.county_code LIKE ${LIKE} OR t.import_run_id = ${importRunId})
    ), ranked AS (
      SELECT tax.*, (row_county IS NULL OR row_county LIKE ${LIKE}) AND pid IS NOT NULL AND pc LIKE ${LIKE}
          AND pc = coalesce(row_county, pc) AND a_status = 'assessed' AS eligible,
        row_number() OVER (PARTITION BY pid, (row_county IS NULL OR row_county LIKE ${LIKE}) AND pid IS NOT NULL
          AND pc LIKE ${LIKE} AND pc = coalesce(row_county, pc) AND a_status = 'assessed'
          ORDER BY (amount_fen = coalesce(local_fen, payable_fen)) DESC, receipt_no) AS rn
      FROM tax
    )
    SELECT class, count(*)::int AS n FROM (
      SELECT CASE
          WHEN r.id IS NULL THEN CASE WHEN o.local_fen IS NOT NULL THEN 'local_only' WHEN o.payable_fen > 0 THEN 'unpaid' END
          WHEN r.row_county IS NOT NULL AND r.row_county NOT LIKE ${LIKE} THEN 'other_region'
          WHEN r.pid IS NULL THEN 'paid_not_registered'
          WHEN NOT r.eligible AND r.a_status IS NOT DISTINCT FROM 'assessed' THEN 'other_region'
          WHEN NOT r.eligible AND (r.pc NOT LIKE ${LIKE} OR r.pc <> coalesce(r.row_county, r.pc)) THEN 'other_region'
          WHEN NOT r.eligible THEN 'paid_not_assessed'
          WHEN r.rn > 1 THEN 'duplicate'
          WHEN r.amount_fen > coalesce(r.local_fen, r.payable_fen) THEN 'amount_over'
          WHEN r.amount_fen < coalesce(r.local_fen, r.payable_fen) THEN 'amount_under'
          ELSE 'matched' END AS class
      FROM ranked r FULL OUTER JOIN owed o ON o.person_id = r.pid
    ) c WHERE class IS NOT NULL GROUP BY class`;
}

export async function benchReconcile(db: BenchDatabase): Promise<Measurement[]> {
  const h = db.handle;
  const assessed = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM assessments WHERE county_code LIKE ${LIKE} AND year = ${YEAR}`.execute(
    h.db,
  );
  if (assessed.rows[0]!.n === 0)
    await assessRegion(h, shippedPacks(), { region: REGION, year: YEAR, asOf: '2024-11-30' });
  // 1% of those who owe paid through a village agent before the tax file came back.
  await sql`
    INSERT INTO payments (county_code, year, person_id, amount_fen, paid_on, channel, external_no, pack_hash)
    SELECT county_code, year, person_id, payable_fen, '2024-10-08', 'agent_village', 'BENCH-' || person_id, pack_hash
    FROM assessments WHERE county_code LIKE ${LIKE} AND year = ${YEAR} AND status = 'assessed' AND payable_fen > 0
      AND person_id % 100 = 7
    ON CONFLICT DO NOTHING`.execute(h.db);
  const dir = mkdtempSync(join(tmpdir(), 'canbao-bench-tax-'));
  try {
    const file = join(dir, '税务缴费明细.csv');
    const gen = await time(() =>
      generateTaxfile(h, { region: REGION, year: YEAR, out: file, seed: 'bench' }),
    );
    const manifest = gen.value;
    const first = await timedWithBaseline(h, file);
    const { ours, copy } = first;
    const runId = ours.value.runId;
    // Every planted difference found in its class, nothing else flagged.
    const found = await sql<{ class: string; key: string }>`
      SELECT d.class, CASE WHEN d.class IN ('unpaid', 'local_only') THEN d.doc_no ELSE d.receipt_no END AS key
      FROM reconciliation_run_differences rd JOIN reconciliation_differences d ON d.id = rd.difference_id
      WHERE rd.run_id = ${runId}`.execute(h.db);
    const got = new Map<string, Set<string>>();
    for (const r of found.rows) {
      if (!got.has(r.class)) got.set(r.class, new Set());
      got.get(r.class)!.add(r.key);
    }
    let exact = found.rows.length === Object.values(manifest.expected).flat().length;
    for (const [c, keys] of Object.entries(manifest.expected))
      for (const k of keys) if (!got.get(c)?.has(k)) exact = false;
    if (ours.value.rejected > 0) exact = false;
    const again = await time(() => reconcile(h, file, { region: REGION, year: YEAR, actor: 'bench' }));
    // The next return file, as the tax bureau sends one: every row of this one again, and a payment by
    // each person the first found unpaid. Their differences settle; the rest are carried.
    const nextFile = join(dir, '税务缴费明细-2.csv');
    const unpaid = manifest.expected.unpaid;
    await nextReturnFile(h, file, nextFile, unpaid);
    const next = await timedWithBaseline(h, nextFile);
    const planted = Object.values(manifest.expected).flat().length;
    return [
      measurement({
        workload: 'demo tax file generation (140600)',
        database: db.kind,
        rows: manifest.rows,
        seconds: gen.seconds,
      }),
      measurement({
        workload: `reconciliation 140600, ${planted} planted differences`,
        database: db.kind,
        rows: manifest.rows,
        seconds: ours.seconds,
        baseline: 'raw COPY of the file, then one hand-written FULL OUTER JOIN',
        baselineSeconds: first.baselineSeconds,
        goal: '≤ 1.5×',
        checks: {
          countsAgree: first.countsAgree,
          plantedFoundExactly:
            exact ||
            `埋设的 ${planted} 处差异未恰好找出（找到 ${found.rows.length} 处，拒收 ${ours.value.rejected} 行）`,
          baselineCopiedEveryRow: same(copy.value, manifest.rows, '基准 COPY 行数'),
        },
        extra: {
          copiedRows: copy.value,
          ...first.join,
          matched: ours.value.matched,
          differences: ours.value.differences.new,
        },
      }),
      measurement({
        workload: 'reconciliation, same file again (unchanged)',
        database: db.kind,
        rows: manifest.rows,
        seconds: again.seconds,
        checks: { recognisedAsUnchanged: same(again.value.status, 'unchanged', '状态') },
      }),
      measurement({
        workload: `reconciliation, the next file (${unpaid.length} new rows)`,
        database: db.kind,
        rows: manifest.rows + unpaid.length,
        seconds: next.ours.seconds,
        baseline: 'raw COPY of the file, then one hand-written FULL OUTER JOIN',
        baselineSeconds: next.baselineSeconds,
        goal: '≤ 1.5×',
        checks: {
          countsAgree: next.countsAgree,
          noRowRejected: same(next.ours.value.rejected, 0, '拒收行'),
          newRowsStored: same(next.ours.value.newRows, unpaid.length, '新增税务记录'),
          earlierRowsKnown: same(next.ours.value.knownRows, manifest.rows, '已有税务记录'),
          unpaidSettled: same(next.ours.value.differences.settled, unpaid.length, '已销差异'),
          baselineCopiedEveryRow: same(next.copy.value, manifest.rows + unpaid.length, '基准 COPY 行数'),
        },
        extra: { ...next.join, carried: next.ours.value.differences.carried },
      }),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The product's reconciliation of a file, then the baseline on the same file, and whether their counts agree. */
async function timedWithBaseline(h: BenchDatabase['handle'], file: string) {
  const ours = await time(() =>
    reconcile(h, file, { region: REGION, year: YEAR, asOf: '2025-01-15', actor: 'bench' }),
  );
  const copy = await time(() => rawCopy(h, file));
  // The same settings as the product's transaction gets: memory for sorts and hashes, no JIT, and the
  // planner's price of parallel workers (with it the baseline's join may take both cores too).
  const base = await time(() =>
    h.transaction(async (tx) => {
      await reconcileSettings(tx.db);
      return baseline(ours.value.importRunId!).execute(tx.db);
    }),
  );
  const oursCounts = await sql<{ class: string; n: number }>`
    SELECT class, sum(count)::int AS n FROM reconciliation_totals WHERE run_id = ${ours.value.runId} GROUP BY class`.execute(
    h.db,
  );
  const asMap = (rows: { class: string; n: number }[]) =>
    JSON.stringify(
      Object.fromEntries([...rows].sort((a, b) => a.class.localeCompare(b.class)).map((r) => [r.class, r.n])),
    );
  const agree = asMap(oursCounts.rows) === asMap(base.value.rows);
  return {
    ours,
    copy,
    baselineSeconds: copy.seconds + base.seconds,
    countsAgree: agree || `各类笔数 ${asMap(oursCounts.rows)}，基准 ${asMap(base.value.rows)}`,
    join: {
      joinSeconds: Number(base.seconds.toFixed(3)),
      joinRatio: Number((ours.seconds / base.seconds).toFixed(2)),
    },
  };
}

/** `file` with, after its rows, a payment of the amount each of these persons is assessed to pay. */
async function nextReturnFile(h: BenchDatabase['handle'], file: string, out: string, docNos: string[]) {
  const owed = await sql<{ doc_no: string; name: string; payable_fen: number; county_code: string }>`
    SELECT p.doc_no, p.name, a.payable_fen, a.county_code FROM persons p
    JOIN assessments a ON a.person_id = p.id AND a.year = ${YEAR} AND a.county_code = p.county_code
    WHERE p.doc_no = ANY (${docNos}::text[]) ORDER BY p.doc_no`.execute(h.db);
  const rows = owed.rows.map((r, i) =>
    [
      r.doc_no,
      r.name,
      YEAR,
      (r.payable_fen / 100).toFixed(2),
      '2025-01-10',
      '微信',
      `NEXT-${i + 1}`,
      r.county_code,
    ].join(','),
  );
  const text = await readFile(file, 'utf8');
  // In the file's own line endings (CRLF, as the generator writes): COPY takes one kind per file.
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  await writeFile(out, `${text.replace(/\r?\n?$/, eol)}${rows.join(eol)}${eol}`);
}
