// SQL of the reconciliation: the file's rows stored by COPY (straight into tax_payments for the
// first file of a region-year, else staged, checked and stored set-based), then one classification
// of every tax row, assessment and local payment of the region-year into a temp table, and the merge
// of its findings into the differences that earlier runs left open.
import { type Kysely, sql } from 'kysely';
import { analyseIfStale } from '../db/analyse.js';
import type { DbSession } from '../db/connection.js';
import { regionPrefix } from '../policy/pack-loader.js';

// biome-ignore lint/suspicious/noExplicitAny: the reconciliation tables are not in the shared schema type
type Db = Kysely<any>;

export const CLASSES = [
  'matched',
  'paid_not_registered',
  'paid_not_assessed',
  'amount_over',
  'amount_under',
  'duplicate',
  'other_region',
  'unpaid',
  'local_only',
] as const;
export type ReconClass = (typeof CLASSES)[number];
export type DifferenceClass = Exclude<ReconClass, 'matched'>;

export const CLASS_NAMES: Record<ReconClass, string> = {
  matched: '一致',
  paid_not_registered: '已缴费未登记',
  paid_not_assessed: '已缴费未核定',
  amount_over: '多缴（应退费）',
  amount_under: '少缴（应补缴）',
  duplicate: '重复缴费（应退费）',
  other_region: '异地缴费',
  unpaid: '已核定未缴费',
  local_only: '本地有记录税务无记录',
};

export const stageTable = (importRunId: number): string => `tax_stage_${importRunId}`;
/** The columns a checked row is copied into, in tax_payments and in the stage alike. */
export const TAX_ROW_COLUMNS = [
  'import_run_id',
  'row_no',
  'receipt_no',
  'doc_no',
  'name',
  'year',
  'amount_fen',
  'paid_on',
  'channel_text',
  'channel',
  'region_text',
  'county_code',
] as const;

export interface Scope {
  region: string;
  /** County-code prefix of the region ("1406" for 朔州市). */
  prefix: string;
  year: number;
}

export async function findRunByFile(
  db: Db,
  scope: Scope,
  sha256: string,
): Promise<{ id: number; started_at: Date } | undefined> {
  const r = await sql<{ id: number; started_at: Date }>`
    SELECT id, started_at FROM reconciliation_runs
    WHERE region = ${scope.region} AND year = ${scope.year} AND file_sha256 = ${sha256}
    ORDER BY id LIMIT 1`.execute(db);
  return r.rows[0];
}

export async function createReconRun(
  db: Db,
  scope: Scope,
  o: { asOf: string; importRunId: number; fileName: string; sha256: string; startedBy: string },
): Promise<number> {
  const r = await sql<{ id: number }>`
    INSERT INTO reconciliation_runs (region, year, as_of, import_run_id, file_name, file_sha256, started_by)
    VALUES (${scope.region}, ${scope.year}, ${o.asOf}, ${o.importRunId}, ${o.fileName}, ${o.sha256}, ${o.startedBy})
    RETURNING id`.execute(db);
  return Number(r.rows[0]!.id);
}

/** Settings of the reconciliation's transaction. */
export async function reconcileSettings(db: Db): Promise<void> {
  // Memory for the sorts and hashes over the whole file (the checks, the person lookup, the
  // classification): with the default 4 MB they spill to disk, for this transaction only.
  await sql`SET LOCAL work_mem = '256MB'`.execute(db);
  // No JIT: the stage checks' estimates cross its threshold and compiling took ~120 ms, longer than
  // running them (the import transactions turn it off for the same reason).
  await sql`SET LOCAL jit = off`.execute(db);
  // The planner's default price for handing a row from a parallel worker to the leader (0.1) kept
  // the classification's join of tax rows, persons and assessments and the stage checks' join on one
  // core; at 0.01 they take both (bench/README.md, twelfth pass).
  await sql`SET LOCAL parallel_tuple_cost = 0.01`.execute(db);
}

/** County names that name one county only, with its code: how a file's region by name is read. */
export async function countyNames(db: Db): Promise<Map<string, string>> {
  const r = await sql<{ name: string; code: string }>`
    SELECT name, min(code) AS code FROM regions WHERE level = 3 GROUP BY name HAVING count(*) = 1`.execute(
    db,
  );
  return new Map(r.rows.map((x) => [x.name, x.code]));
}

/**
 * Whether tax rows of this file may already be stored: an earlier run of the year for this region,
 * a region within it or one containing it. When none, the file is copied straight into tax_payments.
 */
export async function mayHoldStoredReceipts(db: Db, scope: Scope, runId: number): Promise<boolean> {
  const r = await sql<{ region: string }>`
    SELECT DISTINCT region FROM reconciliation_runs WHERE year = ${scope.year} AND id <> ${runId}`.execute(
    db,
  );
  return r.rows.some(({ region }) => {
    const prefix = regionPrefix(region);
    return prefix.startsWith(scope.prefix) || scope.prefix.startsWith(prefix);
  });
}

export async function createStage(db: Db, importRunId: number): Promise<void> {
  await sql`
    CREATE UNLOGGED TABLE ${sql.table(stageTable(importRunId))} (
      import_run_id bigint NOT NULL,
      row_no integer NOT NULL,
      receipt_no text NOT NULL,
      doc_no text NOT NULL,
      name text NOT NULL,
      year smallint NOT NULL,
      amount_fen integer NOT NULL,
      paid_on date NOT NULL,
      channel_text text,
      channel text NOT NULL,
      region_text text,
      county_code text
    )`.execute(db);
}

export async function dropStage(db: Db, importRunId: number): Promise<void> {
  await sql`DROP TABLE ${sql.table(stageTable(importRunId))}`.execute(db);
}

/**
 * Set-based checks of the staged rows: a receipt number repeated within the file (the rows after
 * the first are rejected); receipt numbers already stored: the same payment again is known (not
 * new), another payment under a stored number is rejected. Every staged row but the known ones is
 * kept in the temp table recon_checked: the rejections are written from it, and storeTaxRows stores
 * the new rows it holds without looking up the stored receipts again (hashing 450,000 of them took
 * 0.19 s of a return file with 886 new rows). A CREATE TABLE AS, so that PostgreSQL may join the
 * stage to the stored receipts on both cores, as it never does for a statement that writes in a CTE.
 * Nothing leaves the stage: deleting the known rows took longer than the checks when a file repeats
 * the earlier one, as a return file does. `repeated` holds every receipt number that occurs more
 * than once in the file, and perhaps a few that do not (RepeatedReceipts): only those are grouped.
 * Returns how many of the `staged` rows were already known.
 */
export async function checkStage(
  db: Db,
  importRunId: number,
  receiptColumn: string,
  repeated: string[],
  staged: number,
): Promise<{ known: number }> {
  const stage = sql.table(stageTable(importRunId));
  await sql`ANALYZE ${stage} (receipt_no)`.execute(db);
  await sql`DROP TABLE IF EXISTS recon_checked`.execute(db);
  await sql`
    CREATE TEMP TABLE recon_checked ON COMMIT DROP AS
    WITH repeats AS (
      SELECT receipt_no, min(row_no) AS first_row FROM ${stage}
      WHERE receipt_no = ANY (${repeated}::text[]) GROUP BY receipt_no HAVING count(*) > 1
    ), checked AS (
      SELECT s.row_no, s.receipt_no, coalesce(d.first_row, s.row_no) AS first_row, t.name AS stored_name,
        t.amount_fen AS stored_fen, t.id IS NOT NULL AS stored,
        t.id IS NOT NULL AND (t.doc_no, t.amount_fen, t.year) IS DISTINCT FROM (s.doc_no, s.amount_fen, s.year) AS conflict
      FROM ${stage} s
      LEFT JOIN repeats d ON d.receipt_no = s.receipt_no
      LEFT JOIN tax_payments t ON t.receipt_no = s.receipt_no
    )
    SELECT * FROM checked WHERE NOT (stored AND NOT conflict AND row_no = first_row)`.execute(db);
  await sql`
    INSERT INTO import_rejections (run_id, row_number, column_name, value, reason, code)
    SELECT ${importRunId}::bigint, row_no, ${receiptColumn}::text, receipt_no,
      '文件内税票号重复（与第 ' || first_row || ' 行相同）', 'duplicate_in_file'
    FROM recon_checked WHERE row_no <> first_row
    UNION ALL
    SELECT ${importRunId}::bigint, row_no, ${receiptColumn}::text, receipt_no,
      '此税票号已在此前的对账中用于另一笔缴费（' || stored_name || '，' || (stored_fen / 100.0)::numeric(12, 2) || '元），请向税务部门核实',
      'receipt_conflict'
    FROM recon_checked WHERE conflict`.execute(db);
  const kept = await sql<{ n: number }>`SELECT count(*)::int AS n FROM recon_checked`.execute(db);
  return { known: staged - kept.rows[0]!.n };
}

/** The staged rows checkStage found new, into tax_payments; returns how many. */
export async function storeTaxRows(db: Db, importRunId: number): Promise<number> {
  const stage = sql.table(stageTable(importRunId));
  const columns = sql.join(TAX_ROW_COLUMNS.map((c) => sql.ref(c)));
  const stagedColumns = sql.join(TAX_ROW_COLUMNS.map((c) => sql.ref(`s.${c}`)));
  await sql`ANALYZE recon_checked`.execute(db);
  // In receipt order (the stage's), so the rows reach the receipt's unique index in order.
  const ins = await sql`
    INSERT INTO tax_payments (${columns})
    SELECT ${stagedColumns} FROM ${stage} s
    JOIN recon_checked n ON n.row_no = s.row_no AND NOT n.stored AND n.row_no = n.first_row
    ORDER BY s.row_no`.execute(db);
  return Number(ins.numAffectedRows ?? 0n);
}

/** Planner statistics of the tax rows the classification joins on, when they are stale. */
export async function analyseTaxRows(db: Db): Promise<void> {
  await analyseIfStale(db, [
    { table: 'tax_payments', columns: ['year', 'doc_no', 'county_code', 'import_run_id', 'payment_id'] },
  ]);
}

/**
 * Classify the region-year in one statement: every tax row (matched or a difference), every
 * assessed person who paid nothing, every local payment the tax data lacks. The temp table
 * recon_found gets each difference (for the merge) and, per township, the count and sums of the
 * matched rows, which are never written row by row; the run's totals per class and township are
 * summed from it.
 *
 * Each tax row's person is found by ID number here, not when the row is stored: a person registered
 * since an earlier file is matched by the next, and of two persons sharing a number under two
 * document types the row goes to the first. The tax rows considered: the year's rows collected for a
 * county of the region, or paid by a person of the region, or brought in by an earlier
 * reconciliation of this region. A person's expected amount is the accepted local payment when there
 * is one (the engine checked it on the day it was paid, late-enrolment surcharges included), else the
 * stored assessment's payable.
 */
export async function classify(
  tx: DbSession,
  scope: Scope,
  runId: number,
  trace: (step: string) => void = () => undefined,
): Promise<void> {
  const { db } = tx;
  const like = `${scope.prefix}%`;
  // Assessments and payments are often just bulk-written (assess-region, COPY) with no planner
  // statistics yet; without them PostgreSQL picks nested loops for the anti-joins below (a 10,000-
  // person region took 21 s instead of a fraction of one).
  await analyseIfStale(db, ['persons', 'assessments', 'payments']);
  await sql`DROP TABLE IF EXISTS recon_local`.execute(db);
  await sql`DROP TABLE IF EXISTS recon_found`.execute(db);
  // Local payments, one per person-year (the first): those made from tax rows by `reconcile
  // refunds` are the tax data itself and do not count as local.
  await sql`
    CREATE TEMP TABLE recon_local ON COMMIT DROP AS
    SELECT DISTINCT ON (pay.person_id) pay.person_id, pay.id AS payment_id, pay.amount_fen
    FROM payments pay
    LEFT JOIN tax_payments tp ON tp.payment_id = pay.id
    WHERE pay.year = ${scope.year} AND pay.county_code LIKE ${like} AND pay.status = 'accepted'
      AND pay.kind = 'contribution' AND tp.id IS NULL
    ORDER BY pay.person_id, pay.id`.execute(db);
  await sql`ANALYZE recon_local`.execute(db);
  trace('local payments');
  // Measured at 1,000,000 persons (449,541 tax rows; bench/README.md, seventh, eleventh and twelfth
  // passes):
  // - one CREATE TABLE AS, so that PostgreSQL may join tax rows, persons and assessments on both
  //   cores (a statement that writes in a CTE is never run in parallel: 0.3 s more). It keeps the
  //   differences row by row and the matched rows, the bulk, only as counts and sums per township
  //   (`n` rows), and with reconcileSettings' parallel_tuple_cost;
  // - persons are joined once by ID number, leaving out those who share their number with a person
  //   of a smaller id (laterHolders), so that such a row goes to the first without sorting every
  //   joined row by tax row (0.28 s). They are looked up first, from the few persons with another
  //   document type (persons_other_doc_idx), as no two persons share a number under one type, and
  //   passed as a list: a subquery there would keep the scan of persons out of the workers;
  // - the tax rows carry only what classifying needs (the ID number and name of the few differences
  //   are read by id at the end); duplicates are ranked only among the people with more than one
  //   row, not by a window sorting every row; and the unpaid, whom the planner guesses by the hundred
  //   thousand when they are a few hundred, find their person by primary key instead of hashing all
  //   of persons.
  const later = await sql<{ ids: string[] }>`
    SELECT coalesce(array_agg(later.id), '{}') AS ids
    FROM persons other JOIN persons later ON later.doc_no = other.doc_no
    WHERE other.doc_type <> 'resident_id'
      AND EXISTS (SELECT 1 FROM persons q WHERE q.doc_no = later.doc_no AND q.id < later.id)`.execute(db);
  const laterHolders = later.rows[0]!.ids;
  // No sorts where a hash will do, for this statement only: the planner guesses a few hundred matched
  // rows (a CTE's filters) where there are 450,000, and sorted them by township for the counts
  // (0.45 s) and the tax rows by person for the unpaid anti-join, where a hash takes 0.13 s.
  await sql`SET LOCAL enable_sort = off`.execute(db);
  await sql`
    CREATE TEMP TABLE recon_found ON COMMIT DROP AS
    WITH tax AS (
      SELECT t.id AS tax_id, t.receipt_no, t.amount_fen, coalesce(t.person_county, t.county_code) AS county_code,
        t.person_id, t.residence_village, a.payable_fen, l.payment_id AS local_id, l.amount_fen AS local_fen,
        coalesce(l.amount_fen, a.payable_fen) AS expected_fen,
        CASE WHEN t.county_code IS NOT NULL AND t.county_code NOT LIKE ${like} THEN 'other_region'
             WHEN t.person_id IS NULL THEN 'paid_not_registered'
             WHEN t.person_county NOT LIKE ${like} OR t.person_county <> coalesce(t.county_code, t.person_county) THEN 'other_region'
             WHEN a.status IS DISTINCT FROM 'assessed' THEN 'paid_not_assessed'
        END AS pre_class
      FROM (
        SELECT t.id, t.receipt_no, t.amount_fen, t.county_code, t.import_run_id, p.id AS person_id,
          p.county_code AS person_county, p.residence_village
        FROM tax_payments t LEFT JOIN persons p ON p.doc_no = t.doc_no AND p.id <> ALL (${laterHolders}::bigint[])
        WHERE t.year = ${scope.year}
      ) t
      LEFT JOIN assessments a ON a.person_id = t.person_id AND a.year = ${scope.year} AND a.county_code = t.person_county
      LEFT JOIN recon_local l ON l.person_id = t.person_id
      WHERE (t.county_code LIKE ${like} OR t.person_county LIKE ${like}
          OR t.import_run_id IN (SELECT import_run_id FROM reconciliation_runs WHERE region = ${scope.region} AND year = ${scope.year}))
    ), several AS MATERIALIZED (
      SELECT person_id FROM tax WHERE pre_class IS NULL GROUP BY person_id HAVING count(*) > 1
    ), duplicates AS MATERIALIZED (
      -- Of several rows for one person-year, the one that matches is the payment; the rest are duplicates.
      SELECT tax_id FROM (
        SELECT t.tax_id, row_number() OVER (
            PARTITION BY t.person_id ORDER BY (t.amount_fen = t.expected_fen) DESC, t.receipt_no) AS rn
        FROM tax t JOIN several s ON s.person_id = t.person_id WHERE t.pre_class IS NULL
      ) r WHERE rn > 1
    ), classed AS (
      SELECT tax.*, CASE
          WHEN pre_class IS NOT NULL THEN pre_class
          WHEN d.tax_id IS NOT NULL THEN 'duplicate'
          WHEN amount_fen > expected_fen THEN 'amount_over'
          WHEN amount_fen < expected_fen THEN 'amount_under'
          ELSE 'matched' END AS class
      FROM tax LEFT JOIN duplicates d ON d.tax_id = tax.tax_id
    ), found AS (
      -- diff_key is what makes a later run's finding the same difference: the receipt (or person, or
      -- local payment) and the amount, so a corrected amount is a new difference and the old one settles.
      SELECT class, county_code, residence_village AS village_code, person_id, NULL::text AS doc_no,
        NULL::text AS name, tax_id AS tax_payment_id, local_id AS payment_id, receipt_no,
        payable_fen, amount_fen AS tax_fen, local_fen,
        CASE class WHEN 'amount_over' THEN amount_fen - expected_fen WHEN 'amount_under' THEN expected_fen - amount_fen
          ELSE amount_fen END AS amount_fen,
        class || ':r' || receipt_no || ':' || CASE class
          WHEN 'amount_over' THEN amount_fen - expected_fen WHEN 'amount_under' THEN expected_fen - amount_fen
          ELSE amount_fen END AS diff_key
      FROM classed WHERE class <> 'matched'
      UNION ALL
      SELECT 'unpaid', a.county_code, p.residence_village, a.person_id, p.doc_no, p.name, NULL, NULL, NULL,
        a.payable_fen, NULL, NULL, a.payable_fen, 'unpaid:p' || a.person_id || ':' || a.payable_fen
      FROM assessments a
      CROSS JOIN LATERAL (
        -- OFFSET 0 keeps this a lookup by primary key per unpaid person.
        SELECT p.residence_village, p.doc_no, p.name FROM persons p WHERE p.id = a.person_id OFFSET 0) p
      WHERE a.county_code LIKE ${like} AND a.year = ${scope.year} AND a.status = 'assessed' AND a.payable_fen > 0
        AND NOT EXISTS (SELECT 1 FROM tax w WHERE w.person_id = a.person_id)
        AND NOT EXISTS (SELECT 1 FROM recon_local l WHERE l.person_id = a.person_id)
      UNION ALL
      SELECT 'local_only', p.county_code, p.residence_village, l.person_id, p.doc_no, p.name, NULL, l.payment_id, NULL,
        a.payable_fen, NULL, l.amount_fen, l.amount_fen, 'local_only:l' || l.payment_id || ':' || l.amount_fen
      FROM recon_local l JOIN persons p ON p.id = l.person_id
      LEFT JOIN assessments a ON a.person_id = l.person_id AND a.year = ${scope.year} AND a.county_code = p.county_code
      -- A tax row of a person with a local payment carries it (local_id): anti-joining those few rows
      -- instead of every tax row saves hashing all of them for a few thousand local payments.
      WHERE NOT EXISTS (SELECT 1 FROM tax w WHERE w.local_id IS NOT NULL AND w.person_id = l.person_id)
    )
    SELECT f.class, f.county_code, f.village_code, f.person_id, coalesce(f.doc_no, t.doc_no) AS doc_no,
      coalesce(f.name, t.name) AS name, f.tax_payment_id, f.payment_id, f.receipt_no,
      f.payable_fen::bigint, f.tax_fen::bigint, f.local_fen::bigint, f.amount_fen::bigint, f.diff_key, 1 AS n
    FROM found f
    LEFT JOIN LATERAL (SELECT t.doc_no, t.name FROM tax_payments t WHERE t.id = f.tax_payment_id OFFSET 0) t ON true
    UNION ALL
    -- The matched rows, counted per township straight from the tax rows: the bulk is never kept whole.
    SELECT 'matched', NULL, left(residence_village, 9), NULL, NULL, NULL, NULL, NULL, NULL,
      sum(payable_fen), sum(amount_fen), sum(local_fen), 0, NULL, count(*)::int
    FROM tax
    -- NOT IN, a hashed subplan: as an anti-join PGlite's planner, guessing a few matched rows, chose
    -- a nested loop over the duplicates for each (15 s of a 16 s classification at 300,000 persons).
    WHERE pre_class IS NULL AND coalesce(amount_fen = expected_fen, true)
      AND tax_id NOT IN (SELECT tax_id FROM duplicates)
    GROUP BY left(residence_village, 9)`.execute(db);
  await sql`SET LOCAL enable_sort = on`.execute(db);
  await sql`
    INSERT INTO reconciliation_totals (run_id, class, township_code, count, tax_fen, local_fen, payable_fen, amount_fen)
    SELECT ${runId}, class, coalesce(left(village_code, 9), ''), sum(n)::int, coalesce(sum(tax_fen), 0),
      coalesce(sum(local_fen), 0), coalesce(sum(payable_fen), 0), coalesce(sum(amount_fen), 0)
    FROM recon_found GROUP BY class, coalesce(left(village_code, 9), '')`.execute(db);
  trace('classify, count per class and township');
  await sql`ANALYZE recon_found`.execute(db);
}

export interface MergeCounts {
  new: number;
  carried: number;
  settled: number;
}

/** Merge recon_found into the stored differences: seen again → carried, gone → settled, else new. */
export async function mergeDifferences(db: Db, scope: Scope, runId: number): Promise<MergeCounts> {
  await sql`
    UPDATE reconciliation_differences d
    SET state = CASE WHEN d.state = 'open' THEN 'carried' ELSE d.state END, last_run_id = ${runId}
    FROM recon_found f
    WHERE d.region = ${scope.region} AND d.year = ${scope.year} AND d.state <> 'settled'
      AND f.diff_key = d.diff_key`.execute(db);
  await sql`
    INSERT INTO reconciliation_run_differences (run_id, difference_id, status)
    SELECT ${runId}, id, CASE WHEN state = 'resolved' THEN 'resolved' ELSE 'carried' END
    FROM reconciliation_differences WHERE region = ${scope.region} AND year = ${scope.year} AND last_run_id = ${runId}`.execute(
    db,
  );
  const settled = await sql`
    WITH s AS (
      UPDATE reconciliation_differences SET state = 'settled', settled_run_id = ${runId}
      WHERE region = ${scope.region} AND year = ${scope.year} AND state IN ('open', 'carried') AND last_run_id <> ${runId}
      RETURNING id
    )
    INSERT INTO reconciliation_run_differences (run_id, difference_id, status)
    SELECT ${runId}, id, 'settled' FROM s`.execute(db);
  const inserted = await sql`
    WITH n AS (
      INSERT INTO reconciliation_differences (region, year, class, diff_key, county_code, village_code, person_id,
        doc_no, name, tax_payment_id, payment_id, receipt_no, payable_fen, tax_fen, local_fen, amount_fen,
        first_run_id, last_run_id)
      SELECT ${scope.region}, ${scope.year}, f.class, f.diff_key, f.county_code, f.village_code, f.person_id,
        f.doc_no, f.name, f.tax_payment_id, f.payment_id, f.receipt_no, f.payable_fen, f.tax_fen, f.local_fen,
        f.amount_fen, ${runId}, ${runId}
      FROM recon_found f
      WHERE f.class <> 'matched' AND NOT EXISTS (
        SELECT 1 FROM reconciliation_differences d
        WHERE d.region = ${scope.region} AND d.year = ${scope.year} AND d.state <> 'settled' AND d.diff_key = f.diff_key)
      RETURNING id
    )
    INSERT INTO reconciliation_run_differences (run_id, difference_id, status)
    SELECT ${runId}, id, 'new' FROM n`.execute(db);
  const carriedCount = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM reconciliation_run_differences WHERE run_id = ${runId} AND status = 'carried'`.execute(
    db,
  );
  return {
    new: Number(inserted.numAffectedRows ?? 0n),
    carried: carriedCount.rows[0]!.n,
    settled: Number(settled.numAffectedRows ?? 0n),
  };
}

/** The run-level sums of the totals classify stored per class and township. */
export async function runTotals(
  db: Db,
  runId: number,
): Promise<{ matched: number; taxFen: number; refundDueFen: number; owedFen: number }> {
  const r = await sql<{ matched: number; tax: string; refund: string; owed: string }>`
    SELECT coalesce(sum(count) FILTER (WHERE class = 'matched'), 0)::int AS matched,
      coalesce(sum(tax_fen), 0)::bigint AS tax,
      coalesce(sum(amount_fen) FILTER (WHERE class IN ('amount_over', 'duplicate')), 0)::bigint AS refund,
      coalesce(sum(amount_fen) FILTER (WHERE class IN ('amount_under', 'unpaid')), 0)::bigint AS owed
    FROM reconciliation_totals WHERE run_id = ${runId}`.execute(db);
  const t = r.rows[0]!;
  return {
    matched: t.matched,
    taxFen: Number(t.tax),
    refundDueFen: Number(t.refund),
    owedFen: Number(t.owed),
  };
}

export async function finishReconRun(
  db: Db,
  runId: number,
  c: {
    rowsRead: number;
    rejected: number;
    newRows: number;
    knownRows: number;
    matched: number;
    merge: MergeCounts;
    taxFen: number;
    refundDueFen: number;
    owedFen: number;
  },
): Promise<void> {
  await sql`
    UPDATE reconciliation_runs SET finished_at = now(), rows_read = ${c.rowsRead}, rejected = ${c.rejected},
      new_rows = ${c.newRows}, known_rows = ${c.knownRows}, matched = ${c.matched},
      differences_new = ${c.merge.new}, differences_carried = ${c.merge.carried},
      differences_settled = ${c.merge.settled}, tax_total_fen = ${c.taxFen},
      refund_due_fen = ${c.refundDueFen}, owed_fen = ${c.owedFen}
    WHERE id = ${runId}`.execute(db);
}
