// Population import (花名册 → 一人一档): stream the file, check every row in a tight loop, COPY the
// good rows into a staging table, check villages and duplicates set-based, then merge into
// households and persons in the same transaction. A county's first roster, whose persons and
// households are all new, is copied straight into persons and households instead (see
// import-straight.ts); anything that rules that out undoes it and the file takes the staged way.
// Either the run is applied completely (with the rejected rows reported), or — with allOrNothing
// and any rejection — nothing is applied.

import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { sql } from 'kysely';
import { audit } from '../audit/audit-log.js';
import type { DatabaseHandle, DbSession } from '../db/connection.js';
import { csvField } from '../db/csv-chunks.js';
import { tracer } from '../db/trace.js';
import { sha256File } from '../files/file-hash.js';
import { readTable, type TableRow } from '../files/table-reader.js';
import { todayInChina } from '../policy/dates.js';
import { type CheckedRow, copyCheckedRows, progressPast } from './checked-copy.js';
import {
  analyseAfterMerge,
  checkStage,
  countRejectedRows,
  createRun,
  createStage,
  dropStage,
  finishRun,
  mergeHouseholds,
  mergePersons,
  REJECTION_COLUMNS,
  type RunCounts,
  STAGE_COLUMNS,
  stageTable,
  tuneSession,
} from './import.repository.js';
import {
  type ColumnMapping,
  FIELD_LABELS,
  knownPersonHeaders,
  type PersonField,
  type ResolvedColumns,
  resolveColumns,
} from './import-columns.js';
import { writeImportReports } from './import-report.js';
import { type StagedPerson, validateRow } from './import-row.js';
import {
  isKeyTaken,
  mayGoStraight,
  NotStraight,
  STRAIGHT_HOUSEHOLD_COLUMNS,
  STRAIGHT_MAX_BYTES,
  STRAIGHT_PERSON_COLUMNS,
  StraightRows,
} from './import-straight.js';

export interface ImportPersonsOptions {
  /** Apply nothing when any row is rejected. */
  allOrNothing?: boolean;
  mapping?: ColumnMapping;
  /** Where the report files go (default: beside the imported file). */
  reportDir?: string;
  /** Bounds birth dates; defaults to today in China. */
  today?: string;
  /** Write report files when there are issues (default true). */
  writeReports?: boolean;
  /** Who imports, for the audit log. */
  actor?: string;
  /** Called every 10,000 rows read, for a job's progress. */
  onProgress?: (rowsRead: number) => void;
  /** Let a county's first roster go straight into persons (default true); false always stages it. */
  straight?: boolean;
}

export interface ImportPersonsResult {
  runId: number;
  status: 'applied' | 'rejected';
  file: string;
  rowsRead: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  warnings: number;
  householdsInserted: number;
  householdsUpdated: number;
  ignoredColumns: string[];
  reportFiles: string[];
  /** How the rows went in: straight into persons (a county's first roster), or staged and merged. */
  loaded: 'straight' | 'staged';
}

const bool = (b: boolean | null): string => (b === null ? '' : b ? 't' : 'f');

function stageLine(p: StagedPerson): string {
  return `${p.rowNumber},${p.docType},${p.docNo},${csvField(p.name)},${p.sex ?? ''},${p.birthDate ?? ''},${csvField(
    p.householdNo,
  )},${csvField(p.relation)},${p.hukouRegion ?? ''},${p.villageCode ?? ''},${csvField(p.villageName)},${csvField(
    p.townshipName,
  )},${csvField(p.phone)},${p.status},${bool(p.employeeInsurance)},${bool(p.student)},${csvField(p.school)},${p.villageCode === null ? '' : p.villageCode.slice(0, 6)}\n`;
}

/** The first rows of the file that can be loaded, checked as the import checks them. */
async function firstPersons(
  file: string,
  columns: ResolvedColumns,
  today: string,
  mapping: ColumnMapping | undefined,
): Promise<StagedPerson[]> {
  const table = await readTable(file, { knownHeaders: knownPersonHeaders(mapping) });
  for await (const batch of table.batches(500)) {
    const persons: StagedPerson[] = [];
    for (const row of batch) {
      const r = validateRow(row.rowNumber, row.values, columns, today);
      if (r.person) persons.push(r.person);
    }
    return persons;
  }
  return [];
}

/** Advisory lock class of roster imports (the two-key form; a person's lock uses the one-key form). */
const ROSTER_LOCK_CLASS = 7304;

export async function importPersons(
  handle: DatabaseHandle,
  file: string,
  options: ImportPersonsOptions = {},
): Promise<ImportPersonsResult> {
  const trace = tracer('import');
  const today = options.today ?? todayInChina();
  const fileName = basename(file);
  const digest = await sha256File(file);
  trace('file hash');
  const table = await readTable(file, { knownHeaders: knownPersonHeaders(options.mapping) });
  const columns = resolveColumns(table.headers, fileName, options.mapping);
  const present = new Set(Object.keys(columns.index) as PersonField[]);

  /** The run's end once its rows are stored: statistics, the run record and the audit entry. */
  const applied = async (tx: DbSession, runId: number, counts: RunCounts, loaded: 'straight' | 'staged') => {
    await analyseAfterMerge(
      tx.db,
      counts.inserted + counts.updated,
      counts.households_inserted + counts.households_updated,
    );
    trace('statistics');
    await finishRun(tx.db, runId, 'applied', counts);
    await audit(tx, {
      actor: options.actor ?? 'system',
      action: 'registry.import',
      entity: 'import_run',
      entityId: runId,
      after: { file: fileName, sha256: digest, ...counts },
    });
    trace('run record');
    return { runId, status: 'applied' as const, counts, loaded };
  };

  // Issues found while streaming go to a temporary CSV, then into import_rejections by COPY:
  // memory stays bounded even when every row of a large file is wrong.
  const tmp = await mkdtemp(join(tmpdir(), 'canbao-import-'));
  try {
    const result = await handle.transaction(async (tx) => {
      // One roster import at a time: two at once (the same file sent twice, or two files of a county
      // naming the same new household) both insert the same households and persons, and the second
      // failed on their keys. The second waits here and then updates what the first stored.
      await sql`SELECT pg_advisory_xact_lock(${ROSTER_LOCK_CLASS}, 0)`.execute(tx.db);
      const runId = await createRun(tx.db, 'persons', fileName, digest, {
        allOrNothing: options.allOrNothing === true,
        mapping: options.mapping ? Object.fromEntries(options.mapping) : undefined,
      });
      await tuneSession(tx.db, tx.kind);
      trace('run created');
      const progress = progressPast(options.onProgress);
      const issues = { path: join(tmp, 'issues.csv'), runId };
      /** The check of a roster row, its COPY line made by `line`; `stopOnRejection`: a rejected row ends the read. */
      const checkRow =
        (line: (p: StagedPerson) => string, stopOnRejection = false) =>
        (row: TableRow): CheckedRow => {
          const r = validateRow(row.rowNumber, row.values, columns, today);
          if (r.person) return { line: line(r.person), issues: r.issues };
          if (stopOnRejection) throw new NotStraight('a row rejected, all or nothing');
          return { issues: r.issues };
        };

      let source = table;
      let loaded: { rowsRead: number; issueCount: number; inserted: number; households: number } | undefined;
      if (
        options.straight !== false &&
        (await stat(file)).size <= STRAIGHT_MAX_BYTES &&
        (await mayGoStraight(tx.db, await firstPersons(file, columns, today, options.mapping)))
      ) {
        await sql`SAVEPOINT roster_straight`.execute(tx.db);
        try {
          const straight = await StraightRows.start(tx.db, runId);
          const r = await copyCheckedRows(
            tx,
            source,
            { table: 'persons', columns: STRAIGHT_PERSON_COLUMNS },
            checkRow((p) => straight.line(p), options.allOrNothing),
            issues,
            progress,
          );
          trace('read, check and COPY into persons');
          if ((await straight.unknownVillages(tx.db)) > 0) throw new NotStraight('a village not in regions');
          await tx.copyFrom('households', STRAIGHT_HOUSEHOLD_COLUMNS, straight.householdLines());
          await straight.advanceSequences(tx.db);
          trace('COPY into households');
          loaded = { ...r, inserted: straight.copied, households: straight.householdCount };
        } catch (e) {
          if (!(e instanceof NotStraight || isKeyTaken(e))) throw e;
          await sql`ROLLBACK TO SAVEPOINT roster_straight`.execute(tx.db);
          trace(`straight COPY undone (${e instanceof NotStraight ? e.message : 'a key is taken'})`);
          source = await readTable(file, { knownHeaders: knownPersonHeaders(options.mapping) });
        }
      }
      if (loaded !== undefined) {
        // Straight in: nothing is left to check or merge.
        await tx.checkpointIfDue?.();
        if (loaded.issueCount > 0)
          await tx.copyFrom('import_rejections', REJECTION_COLUMNS, createReadStream(issues.path));
        const { rejected, warnings } = await countRejectedRows(tx.db, runId);
        const counts = {
          rows_read: loaded.rowsRead,
          inserted: loaded.inserted,
          updated: 0,
          unchanged: loaded.rowsRead - rejected - loaded.inserted,
          rejected,
          warnings,
          households_inserted: loaded.households,
          households_updated: 0,
        };
        return applied(tx, runId, counts, 'straight');
      }

      await createStage(tx.db, runId);
      trace('stage created');
      const { rowsRead, issueCount } = await copyCheckedRows(
        tx,
        source,
        { table: stageTable(runId), columns: STAGE_COLUMNS },
        checkRow(stageLine),
        issues,
        progress,
      );
      trace('read, check and COPY into staging');
      if (issueCount > 0)
        await tx.copyFrom('import_rejections', REJECTION_COLUMNS, createReadStream(issues.path));
      await checkStage(
        tx.db,
        runId,
        columns.header.villageCode ??
          columns.header.village ??
          columns.header.residenceRegion ??
          FIELD_LABELS.village,
        columns.header.docNo ?? FIELD_LABELS.docNo,
        trace,
      );
      trace('village and duplicate checks');
      const { rejected, warnings } = await countRejectedRows(tx.db, runId);
      const counts = {
        rows_read: rowsRead,
        inserted: 0,
        updated: 0,
        unchanged: 0,
        rejected,
        warnings,
        households_inserted: 0,
        households_updated: 0,
      };
      if (options.allOrNothing && rejected > 0) {
        await dropStage(tx.db, runId);
        await finishRun(tx.db, runId, 'rejected', counts);
        return { runId, status: 'rejected' as const, counts, loaded: 'staged' as const };
      }
      const households = await mergeHouseholds(tx.db, runId, trace);
      trace('merge households');
      // On PGlite nothing else checkpoints: without these the WAL of the households and of the persons
      // would stay on disk together until the end (a 5 GiB roster: tens of GB).
      await tx.checkpointIfDue?.();
      trace('checkpoint if due');
      const persons = await mergePersons(tx.db, runId, present, trace);
      trace('merge persons');
      await tx.checkpointIfDue?.();
      trace('checkpoint if due');
      counts.inserted = persons.inserted;
      counts.updated = persons.updated;
      counts.unchanged = rowsRead - rejected - persons.inserted - persons.updated;
      counts.households_inserted = households.inserted;
      counts.households_updated = households.updated;
      await dropStage(tx.db, runId);
      return applied(tx, runId, counts, 'staged');
    });

    const { counts } = result;
    const reportFiles =
      options.writeReports !== false && counts.rejected + counts.warnings > 0
        ? await writeImportReports(handle.db, result.runId, file, options.reportDir)
        : [];
    return {
      runId: result.runId,
      status: result.status,
      file,
      rowsRead: counts.rows_read,
      inserted: counts.inserted,
      updated: counts.updated,
      unchanged: counts.unchanged,
      rejected: counts.rejected,
      warnings: counts.warnings,
      householdsInserted: counts.households_inserted,
      householdsUpdated: counts.households_updated,
      ignoredColumns: columns.ignored,
      reportFiles,
      loaded: result.loaded,
    };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
