// Reconciliation of a tax payment return file with the region-year's assessments and local
// payments (issue 6): stream the file, check every row, COPY the good rows (straight into
// tax_payments for a region-year's first file, else into a staging table whose new rows are then
// stored), classify everything set-based, and merge the findings into the differences left by
// earlier runs — all in one transaction. The same file again changes nothing.

import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { sql } from 'kysely';
import { audit } from '../audit/audit-log.js';
import type { DatabaseHandle } from '../db/connection.js';
import { csvField } from '../db/csv-chunks.js';
import { tracer } from '../db/trace.js';
import { sha256File } from '../files/file-hash.js';
import { readTable, type Table } from '../files/table-reader.js';
import { todayInChina } from '../policy/dates.js';
import { OutcomeError } from '../policy/outcome.js';
import { regionPrefix } from '../policy/pack-loader.js';
import { copyCheckedRows, progressPast } from '../registry/checked-copy.js';
import { countRejectedRows, createRun, finishRun, REJECTION_COLUMNS } from '../registry/import.repository.js';
import {
  analyseTaxRows,
  checkStage,
  classify,
  countyNames,
  createReconRun,
  createStage,
  dropStage,
  findRunByFile,
  finishReconRun,
  mayHoldStoredReceipts,
  mergeDifferences,
  reconcileSettings,
  runTotals,
  type Scope,
  stageTable,
  storeTaxRows,
  TAX_ROW_COLUMNS,
} from './reconcile.repository.js';
import { RepeatedReceipts } from './repeated-receipts.js';
import { getRun } from './runs.repository.js';
import { knownTaxHeaders, resolveTaxColumns, TAX_FIELD_LABELS } from './tax-columns.js';
import { type StagedTaxRow, validateTaxRow } from './tax-row.js';

export interface ReconcileOptions {
  region: string;
  year: number;
  /** The day of the reconciliation (default today in China). */
  asOf?: string;
  actor: string;
  /** Called every 10,000 rows read, for a job's progress. */
  onProgress?: (rowsRead: number) => void;
}

export interface ReconcileResult {
  /** 'unchanged': this file was reconciled before (runId is that run); nothing was written. */
  status: 'reconciled' | 'unchanged';
  runId: number;
  importRunId: number | null;
  rowsRead: number;
  rejected: number;
  warnings: number;
  newRows: number;
  knownRows: number;
  matched: number;
  differences: { new: number; carried: number; settled: number };
  taxFen: number;
  refundDueFen: number;
  owedFen: number;
  ignoredColumns: string[];
}

function rowLine(importRunId: number, r: StagedTaxRow): string {
  return `${importRunId},${r.rowNumber},${csvField(r.receiptNo)},${r.docNo},${csvField(r.name)},${r.year},${r.amountFen},${r.paidOn},${csvField(
    r.channelText,
  )},${r.channel},${csvField(r.regionText)},${r.countyCode ?? ''}\n`;
}

export function reconcileScope(region: string, year: number): Scope {
  if (!/^\d{6}$/.test(region))
    throw new OutcomeError([
      {
        severity: 'error',
        code: 'bad-region',
        expression: '--region',
        message: `地区代码应为 6 位数字，收到 "${region}"`,
      },
    ]);
  if (!Number.isInteger(year) || year < 2000 || year > 2100)
    throw new OutcomeError([
      {
        severity: 'error',
        code: 'bad-year',
        expression: '--year',
        message: `年度应为四位数字，收到 "${year}"`,
      },
    ]);
  return { region, prefix: regionPrefix(region), year };
}

export async function reconcile(
  handle: DatabaseHandle,
  file: string,
  options: ReconcileOptions,
): Promise<ReconcileResult> {
  const scope = reconcileScope(options.region, options.year);
  const trace = tracer('reconcile');
  const asOf = options.asOf ?? todayInChina();
  const fileName = basename(file);
  const digest = await sha256File(file);
  const earlier = await findRunByFile(handle.db, scope, digest);
  if (earlier) return unchanged(handle, earlier.id);
  trace('hash the file, look for an earlier run');

  const table = await readTable(file, { knownHeaders: knownTaxHeaders() });
  const columns = resolveTaxColumns(table.headers, fileName);
  const tmp = await mkdtemp(join(tmpdir(), 'canbao-reconcile-'));
  try {
    return await handle.transaction(async (tx) => {
      // One reconciliation of a region's year at a time: the same file twice at once stored its
      // tax rows twice (or failed on their key), and two files would merge differences side by
      // side. The second waits here, then finds the first's run of the same file.
      await sql`SELECT pg_advisory_xact_lock(${RECONCILE_LOCK_CLASS}, hashtext(${`${scope.region}:${scope.year}`}))`.execute(
        tx.db,
      );
      const raced = await findRunByFile(tx.db, scope, digest);
      if (raced) return unchanged(tx, raced.id);
      const importRunId = await createRun(tx.db, 'tax_payments', fileName, digest, {
        region: scope.region,
        year: scope.year,
      });
      const runId = await createReconRun(tx.db, scope, {
        asOf,
        importRunId,
        fileName,
        sha256: digest,
        startedBy: options.actor,
      });
      await reconcileSettings(tx.db);
      const countyByName = await countyNames(tx.db);
      trace('open the file, create runs');
      const progress = progressPast(options.onProgress);
      const issues = { path: join(tmp, 'issues.csv'), runId: importRunId };
      /** Reads the file, checks every row and COPYs the good ones into `target`; problems go to the issues file. */
      const copyRows = (source: Table, target: string, receipts?: RepeatedReceipts) =>
        copyCheckedRows(
          tx,
          source,
          { table: target, columns: TAX_ROW_COLUMNS },
          (row) => {
            const r = validateTaxRow(row.rowNumber, row.values, columns, scope.year, asOf, countyByName);
            if (!r.row) return { issues: r.issues };
            receipts?.add(r.row.receiptNo);
            return { line: rowLine(importRunId, r.row), issues: r.issues };
          },
          issues,
          progress,
        );
      const receiptColumn = columns.header.receiptNo ?? TAX_FIELD_LABELS.receiptNo;
      // The first file of a region-year goes straight into tax_payments, as a COPY would by hand. Should
      // one of its receipts be stored already (another region's file, or twice in this one), the unique
      // key refuses the COPY: it is undone and the file staged and checked like any later file.
      let stored: { rowsRead: number; issueCount: number; known: number; newRows: number } | undefined;
      let source = table;
      if (!(await mayHoldStoredReceipts(tx.db, scope, runId))) {
        await sql`SAVEPOINT tax_rows_straight`.execute(tx.db);
        try {
          const r = await copyRows(source, 'tax_payments');
          stored = { ...r, known: 0, newRows: r.copied };
          trace('read, check and COPY into tax_payments');
        } catch (e) {
          if (!isReceiptTaken(e)) throw e;
          await sql`ROLLBACK TO SAVEPOINT tax_rows_straight`.execute(tx.db);
          trace('read, check and COPY into tax_payments: a receipt is stored already');
          source = await readTable(file, { knownHeaders: knownTaxHeaders() });
        }
      }
      if (stored === undefined) {
        await createStage(tx.db, importRunId);
        const receipts = new RepeatedReceipts();
        const r = await copyRows(source, stageTable(importRunId), receipts);
        trace('read, check and COPY into staging');
        const { known } = await checkStage(
          tx.db,
          importRunId,
          receiptColumn,
          receipts.candidates(),
          r.copied,
        );
        trace('stage checks');
        const newRows = await storeTaxRows(tx.db, importRunId);
        trace('store tax rows');
        await dropStage(tx.db, importRunId);
        stored = { ...r, known, newRows };
      }
      const { rowsRead, known, newRows } = stored;
      if (stored.issueCount > 0)
        await tx.copyFrom('import_rejections', REJECTION_COLUMNS, createReadStream(issues.path));
      await analyseTaxRows(tx.db);
      const { rejected, warnings } = await countRejectedRows(tx.db, importRunId);
      await finishRun(tx.db, importRunId, 'applied', {
        rows_read: rowsRead,
        inserted: newRows,
        updated: 0,
        unchanged: known,
        rejected,
        warnings,
        households_inserted: 0,
        households_updated: 0,
      });

      await classify(tx, scope, runId, trace);
      const merge = await mergeDifferences(tx.db, scope, runId);
      trace('merge differences');
      const totals = await runTotals(tx.db, runId);
      trace('totals');
      const counts = { rowsRead, rejected, newRows, knownRows: known, merge, ...totals };
      await finishReconRun(tx.db, runId, counts);
      await audit(tx, {
        actor: options.actor,
        action: 'reconciliation.run',
        entity: 'reconciliation_run',
        entityId: runId,
        countyCode: scope.region,
        after: { file: fileName, sha256: digest, year: scope.year, asOf, ...counts },
      });
      return {
        status: 'reconciled' as const,
        runId,
        importRunId,
        rowsRead,
        rejected,
        warnings,
        newRows,
        knownRows: known,
        matched: totals.matched,
        differences: merge,
        taxFen: totals.taxFen,
        refundDueFen: totals.refundDueFen,
        owedFen: totals.owedFen,
        ignoredColumns: columns.ignored,
      };
    });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Advisory lock class of reconciliations (the two-key form; a person's lock uses the one-key form). */
const RECONCILE_LOCK_CLASS = 7303;

/** The COPY into tax_payments refused a receipt number that is stored already. */
function isReceiptTaken(e: unknown): boolean {
  const err = e as { code?: string; constraint?: string };
  return err?.code === '23505' && err.constraint === 'tax_payments_receipt_no_key';
}

async function unchanged(handle: Pick<DatabaseHandle, 'db'>, runId: number): Promise<ReconcileResult> {
  const run = await getRun(handle, runId);
  return {
    status: 'unchanged',
    runId,
    importRunId: run.importRunId,
    rowsRead: run.rowsRead,
    rejected: run.rejected,
    warnings: 0,
    newRows: 0,
    knownRows: run.rowsRead - run.rejected,
    matched: run.matched,
    differences: { new: 0, carried: 0, settled: 0 },
    taxFen: run.taxFen,
    refundDueFen: run.refundDueFen,
    owedFen: run.owedFen,
    ignoredColumns: [],
  };
}
