// Reading stored reconciliation runs, their totals and their differences (keyset pages, never OFFSET).
import { sql } from 'kysely';
import type { DatabaseHandle } from '../db/connection.js';
import { OutcomeError } from '../policy/outcome.js';
import type { DifferenceClass, ReconClass } from './reconcile.repository.js';

export interface RunRecord {
  id: number;
  region: string;
  year: number;
  asOf: string;
  importRunId: number | null;
  fileName: string;
  startedBy: string | null;
  startedAt: string;
  rowsRead: number;
  rejected: number;
  newRows: number;
  knownRows: number;
  matched: number;
  differencesNew: number;
  differencesCarried: number;
  differencesSettled: number;
  taxFen: number;
  refundDueFen: number;
  owedFen: number;
}

const RUN_COLUMNS = sql`id, region, year, as_of AS "asOf", import_run_id AS "importRunId", file_name AS "fileName",
  started_by AS "startedBy", to_char(started_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') AS "startedAt",
  rows_read AS "rowsRead", rejected, new_rows AS "newRows", known_rows AS "knownRows", matched,
  differences_new AS "differencesNew", differences_carried AS "differencesCarried",
  differences_settled AS "differencesSettled", tax_total_fen::float8 AS "taxFen",
  refund_due_fen::float8 AS "refundDueFen", owed_fen::float8 AS "owedFen"`;

export async function getRun(handle: Pick<DatabaseHandle, 'db'>, runId: number): Promise<RunRecord> {
  const r = await sql<RunRecord>`SELECT ${RUN_COLUMNS} FROM reconciliation_runs WHERE id = ${runId}`.execute(
    handle.db,
  );
  const run = r.rows[0];
  if (!run)
    throw new OutcomeError([
      { severity: 'error', code: 'no-run', expression: `对账批次 ${runId}`, message: '没有这个对账批次' },
    ]);
  return run;
}

export async function listRuns(
  handle: Pick<DatabaseHandle, 'db'>,
  filter: { region?: string; year?: number; limit?: number } = {},
): Promise<RunRecord[]> {
  const r = await sql<RunRecord>`
    SELECT ${RUN_COLUMNS} FROM reconciliation_runs
    WHERE (${filter.region ?? null}::text IS NULL OR region = ${filter.region ?? null})
      AND (${filter.year ?? null}::int IS NULL OR year = ${filter.year ?? null})
    ORDER BY id DESC LIMIT ${filter.limit ?? 50}`.execute(handle.db);
  return r.rows;
}

export interface TotalRow {
  class: ReconClass;
  townshipCode: string;
  townshipName: string;
  count: number;
  taxFen: number;
  localFen: number;
  payableFen: number;
  amountFen: number;
}

export async function runTotals(handle: Pick<DatabaseHandle, 'db'>, runId: number): Promise<TotalRow[]> {
  const r = await sql<TotalRow>`
    SELECT t.class, t.township_code AS "townshipCode", coalesce(g.name, '（未知乡镇）') AS "townshipName",
      t.count, t.tax_fen::float8 AS "taxFen", t.local_fen::float8 AS "localFen",
      t.payable_fen::float8 AS "payableFen", t.amount_fen::float8 AS "amountFen"
    FROM reconciliation_totals t LEFT JOIN regions g ON g.code = t.township_code
    WHERE t.run_id = ${runId} ORDER BY t.township_code, t.class`.execute(handle.db);
  return r.rows;
}

export interface DifferenceRow {
  id: number;
  class: DifferenceClass;
  /** In this run: new, carried (seen before), resolved (seen again after a resolution) or settled. */
  runStatus: 'new' | 'carried' | 'resolved' | 'settled';
  state: 'open' | 'carried' | 'resolved' | 'settled';
  countyCode: string | null;
  villageCode: string | null;
  townshipName: string | null;
  villageName: string | null;
  personId: number | null;
  docNo: string;
  name: string;
  receiptNo: string | null;
  paidOn: string | null;
  channel: string | null;
  payableFen: number | null;
  taxFen: number | null;
  localFen: number | null;
  amountFen: number;
  firstRunId: number;
  resolvedReason: string | null;
  resolvedBy: string | null;
  resolvedAt: string | null;
}

/** The run's differences of a class (or all), in pages of `pageSize` ordered by id. */
export async function* differencePages(
  handle: Pick<DatabaseHandle, 'db'>,
  runId: number,
  filter: { class?: DifferenceClass; statuses?: readonly string[] } = {},
  pageSize = 5000,
  startAfter = 0,
): AsyncGenerator<DifferenceRow[]> {
  let after = startAfter;
  const statuses = filter.statuses ?? ['new', 'carried', 'resolved', 'settled'];
  for (;;) {
    const page = await sql<DifferenceRow>`
      SELECT d.id, d.class, rd.status AS "runStatus", d.state, d.county_code AS "countyCode",
        d.village_code AS "villageCode", tw.name AS "townshipName", vg.name AS "villageName",
        d.person_id AS "personId", d.doc_no AS "docNo", d.name, d.receipt_no AS "receiptNo",
        to_char(t.paid_on, 'YYYY-MM-DD') AS "paidOn", t.channel_text AS channel,
        d.payable_fen AS "payableFen", d.tax_fen AS "taxFen", d.local_fen AS "localFen",
        d.amount_fen AS "amountFen", d.first_run_id AS "firstRunId", d.resolved_reason AS "resolvedReason",
        d.resolved_by AS "resolvedBy",
        to_char(d.resolved_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') AS "resolvedAt"
      FROM reconciliation_run_differences rd
      JOIN reconciliation_differences d ON d.id = rd.difference_id
      LEFT JOIN tax_payments t ON t.id = d.tax_payment_id
      LEFT JOIN regions vg ON vg.code = d.village_code
      LEFT JOIN regions tw ON tw.code = left(d.village_code, 9)
      WHERE rd.run_id = ${runId} AND rd.difference_id > ${after}
        AND (${filter.class ?? null}::text IS NULL OR d.class = ${filter.class ?? null})
        AND rd.status IN (${sql.join(statuses)})
      ORDER BY rd.difference_id LIMIT ${pageSize}`.execute(handle.db);
    if (page.rows.length === 0) return;
    yield page.rows;
    after = page.rows.at(-1)!.id;
    if (page.rows.length < pageSize) return;
  }
}
