import { basename } from 'node:path';
import { sql } from 'kysely';
import { audit } from '../audit/audit-log.js';
import type { DatabaseHandle, DbSession } from '../db/connection.js';
import { sha256File } from '../files/file-hash.js';
import { readTable } from '../files/index.js';
import { OutcomeError } from '../policy/outcome.js';
import { parseIdDocument } from '../registry/id-document.js';
import { extraFieldsIssue, type RowIssue, rowFields } from '../registry/import-row.js';

type Field = 'docNo' | 'name' | 'year' | 'status' | 'reimbursed';

/** Header names (normalised) accepted for each field; the first is what `canbao demo` writes. */
export const HISTORY_HEADERS: Record<Field, string[]> = {
  docNo: ['证件号码', '公民身份号码', '身份证号码', '身份证号', '证件号'],
  name: ['姓名'],
  year: ['年度', '参保年度', '缴费年度'],
  status: ['参保状态', '是否参保'],
  reimbursed: ['是否发生报销', '是否报销', '当年是否报销'],
};
const FIELD_NAMES: Record<Field, string> = {
  docNo: '证件号码',
  name: '姓名',
  year: '年度',
  status: '参保状态',
  reimbursed: '是否发生报销',
};
export const HISTORY_FILE_HEADERS = ['证件号码', '姓名', '年度', '参保状态', '是否发生报销'] as const;

const ENROLLED = new Set(['已参保', '参保', '是', '正常参保', '已缴费']);
const NOT_ENROLLED = new Set(['未参保', '否', '断保', '未缴费']);
const YES = new Set(['是', 'Y', 'y', '1', '有']);
const NO = new Set(['否', 'N', 'n', '0', '无']);

export interface HistoryImportOptions {
  file: string;
  county: string;
  actor: string;
  /** Apply nothing when any row is rejected. */
  allOrNothing?: boolean;
  /** Called every 10,000 rows read, for a job's progress. */
  onProgress?: (rowsRead: number) => void;
}

export interface HistoryImportResult {
  applied: boolean;
  rowsRead: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  rejections: RowIssue[];
  years: number[];
}

interface HistoryRow {
  rowNumber: number;
  docNo: string;
  name: string;
  year: number;
  enrolled: boolean;
  reimbursed: boolean | null;
}

class RollbackForAllOrNothing extends Error {
  constructor(readonly result: HistoryImportResult) {
    super('all-or-nothing');
  }
}

export async function importEnrollmentHistory(
  handle: DatabaseHandle,
  opts: HistoryImportOptions,
): Promise<HistoryImportResult> {
  if (!/^\d{6}$/.test(opts.county))
    throw new OutcomeError([
      {
        severity: 'error',
        code: 'bad-region',
        expression: `--county ${opts.county}`,
        message: '区县代码应为 6 位数字',
      },
    ]);
  const table = await readTable(opts.file, { knownHeaders: Object.values(HISTORY_HEADERS).flat() });
  const columns = new Map<Field, string>();
  for (const [field, names] of Object.entries(HISTORY_HEADERS) as [Field, string[]][]) {
    const found = table.headers.find((h) => names.includes(h));
    if (found) columns.set(field, found);
  }
  const missing = (['docNo', 'name', 'year', 'status'] as const).filter((f) => !columns.has(f));
  if (missing.length > 0)
    throw new OutcomeError(
      missing.map((f) => ({
        severity: 'error',
        code: 'missing-column',
        expression: `${basename(opts.file)}: 第 ${table.headerRowNumber} 行（表头）`,
        message: `缺少"${FIELD_NAMES[f]}"列（可用列名：${HISTORY_HEADERS[f].join('、')}）`,
      })),
    );

  const issues: RowIssue[] = [];
  const good: HistoryRow[] = [];
  const seen = new Map<string, number>();
  let rowsRead = 0;
  for await (const batch of table.batches(5000)) {
    for (const r of batch) {
      if (++rowsRead % 10_000 === 0) opts.onProgress?.(rowsRead);
      const extra = extraFieldsIssue(r.rowNumber, r.values, table.headers.length);
      if (extra) {
        issues.push(extra);
        continue;
      }
      const parsed = parseRow(r.rowNumber, r.cells, columns);
      if ('issues' in parsed) {
        issues.push(...parsed.issues);
        continue;
      }
      const key = `${parsed.row.docNo}|${parsed.row.year}`;
      const first = seen.get(key);
      if (first !== undefined) {
        issues.push({
          rowNumber: r.rowNumber,
          column: columns.get('year')!,
          value: String(parsed.row.year),
          reason: `与第 ${first} 行重复（同一人同一年度）`,
          severity: 'error',
          code: 'duplicate_in_file',
        });
        continue;
      }
      seen.set(key, r.rowNumber);
      good.push(parsed.row);
    }
  }
  const sha = await sha256File(opts.file);

  try {
    return await handle.transaction(async (tx) => {
      const result = await apply(tx, opts, { rowsRead, good, issues, sha });
      if (opts.allOrNothing && result.rejected > 0) throw new RollbackForAllOrNothing(result);
      return result;
    });
  } catch (e) {
    if (!(e instanceof RollbackForAllOrNothing)) throw e;
    return { ...e.result, applied: false, inserted: 0, updated: 0, unchanged: 0 };
  }
}

function parseRow(
  rowNumber: number,
  cells: Record<string, string>,
  columns: Map<Field, string>,
): { row: HistoryRow } | { issues: RowIssue[] } {
  const { issues, get, bad } = rowFields(rowNumber, cells, columns, FIELD_NAMES);

  const rawId = get('docNo');
  const id = parseIdDocument(rawId);
  if (!id.ok) bad('docNo', rawId, id.reason, `id_${id.code}`);
  const name = get('name');
  if (name === '') bad('name', name, '姓名为空', 'missing_name');
  const rawYear = get('year').replace(/年度?$/, '');
  const year = /^\d{4}$/.test(rawYear) ? Number(rawYear) : Number.NaN;
  if (!(year >= 2000 && year <= 2100)) bad('year', get('year'), '年度应为四位数字，如 2023', 'bad_year');
  const rawStatus = get('status');
  const enrolled = ENROLLED.has(rawStatus) ? true : NOT_ENROLLED.has(rawStatus) ? false : undefined;
  if (enrolled === undefined) bad('status', rawStatus, '参保状态应为"已参保"或"未参保"', 'bad_status');
  const rawReimbursed = get('reimbursed');
  const reimbursed =
    rawReimbursed === '' ? null : YES.has(rawReimbursed) ? true : NO.has(rawReimbursed) ? false : undefined;
  if (reimbursed === undefined)
    bad('reimbursed', rawReimbursed, '是否发生报销应为"是"或"否"（可留空）', 'bad_reimbursed');
  else if (enrolled === false && reimbursed === true)
    bad(
      'reimbursed',
      rawReimbursed,
      '未参保的年度不会发生医保报销，请核对参保状态',
      'reimbursed_not_enrolled',
    );
  if (issues.length > 0 || !id.ok || enrolled === undefined || reimbursed === undefined) return { issues };
  return { row: { rowNumber, docNo: id.doc.docNo, name, year, enrolled, reimbursed } };
}

interface Prepared {
  rowsRead: number;
  good: HistoryRow[];
  issues: RowIssue[];
  sha: string;
}

async function apply(tx: DbSession, opts: HistoryImportOptions, p: Prepared): Promise<HistoryImportResult> {
  const { db } = tx;
  await sql`
    CREATE TEMP TABLE enrollment_history_stage (
      row_number integer, doc_no text, name text, year smallint, enrolled boolean, reimbursed boolean,
      person_id bigint, person_name text
    ) ON COMMIT DROP`.execute(db);
  await tx.copyFrom(
    'enrollment_history_stage',
    ['row_number', 'doc_no', 'name', 'year', 'enrolled', 'reimbursed'],
    stageCsv(p.good),
  );
  // Temp tables get no statistics by themselves; the joins below need them.
  await sql`ANALYZE enrollment_history_stage`.execute(db);
  await sql`
    UPDATE enrollment_history_stage s SET person_id = p.id, person_name = p.name
    FROM persons p WHERE p.doc_no = s.doc_no AND p.county_code = ${opts.county}`.execute(db);

  const rowIssues: RowIssue[] = [];
  const unknown = await sql<{ row_number: number; doc_no: string; name: string; person_name: string | null }>`
    DELETE FROM enrollment_history_stage WHERE person_id IS NULL OR person_name <> name
    RETURNING row_number, doc_no, name, person_name`.execute(db);
  for (const r of unknown.rows)
    rowIssues.push(
      r.person_name === null
        ? {
            rowNumber: r.row_number,
            column: FIELD_NAMES.docNo,
            value: r.doc_no,
            reason: `该人员不在本地区（${opts.county}）一人一档中，请先导入花名册`,
            severity: 'error',
            code: 'unknown_person',
          }
        : {
            rowNumber: r.row_number,
            column: FIELD_NAMES.name,
            value: r.name,
            reason: `姓名与一人一档不一致（档案姓名：${r.person_name}）`,
            severity: 'error',
            code: 'name_mismatch',
          },
    );

  // History is for the years before this system ran the campaign: a year with a campaign here is
  // recorded by registrations and payments, never overwritten from an old system's export.
  const campaignYears = await sql<{ row_number: number; year: number }>`
    DELETE FROM enrollment_history_stage s USING campaigns c
    WHERE c.county_code = ${opts.county} AND c.year = s.year
    RETURNING s.row_number, s.year::int AS year`.execute(db);
  for (const r of campaignYears.rows)
    rowIssues.push({
      rowNumber: r.row_number,
      column: FIELD_NAMES.year,
      value: String(r.year),
      reason: `${r.year} 年度已在本系统开办征缴，历史数据只能导入以前年度`,
      severity: 'error',
      code: 'campaign_year',
    });

  const own = await sql<{ row_number: number; year: number; source: string }>`
    DELETE FROM enrollment_history_stage s USING enrollments e
    WHERE e.person_id = s.person_id AND e.year = s.year AND e.source <> 'history'
    RETURNING s.row_number, s.year::int AS year, e.source`.execute(db);
  for (const r of own.rows)
    rowIssues.push({
      rowNumber: r.row_number,
      column: FIELD_NAMES.year,
      value: String(r.year),
      reason: `该人 ${r.year} 年度已有本系统的参保记录（${SOURCE_NAMES[r.source] ?? r.source}），不用历史数据覆盖`,
      severity: 'error',
      code: 'own_record',
    });

  const written = await sql<{ inserted: boolean }>`
    INSERT INTO enrollments (county_code, year, person_id, status, source, registered_on, reimbursed)
    SELECT ${opts.county}, s.year, s.person_id, CASE WHEN s.enrolled THEN 'enrolled' ELSE 'registered' END,
      'history', make_date(s.year, 1, 1), s.reimbursed
    FROM enrollment_history_stage s
    ON CONFLICT (person_id, year) DO UPDATE SET status = excluded.status, reimbursed = excluded.reimbursed,
      county_code = excluded.county_code, updated_at = now()
    WHERE enrollments.source = 'history' AND (enrollments.status, enrollments.reimbursed, enrollments.county_code)
      IS DISTINCT FROM (excluded.status, excluded.reimbursed, excluded.county_code)
    RETURNING (xmax = 0) AS inserted`.execute(db);
  const inserted = written.rows.filter((r) => r.inserted).length;
  const updated = written.rows.length - inserted;
  const staged = await sql<{ n: number; years: number[] | null }>`
    SELECT count(*)::int AS n, array_agg(DISTINCT year::int ORDER BY year::int) AS years FROM enrollment_history_stage`.execute(
    db,
  );
  const stagedCount = staged.rows[0]?.n ?? 0;

  const rejections = [...p.issues, ...rowIssues].sort((a, b) => a.rowNumber - b.rowNumber);
  const rejected = new Set(rejections.map((r) => r.rowNumber)).size;
  const result: HistoryImportResult = {
    applied: true,
    rowsRead: p.rowsRead,
    inserted,
    updated,
    unchanged: stagedCount - inserted - updated,
    rejected,
    rejections,
    years: staged.rows[0]?.years ?? [],
  };
  if (inserted + updated > 0)
    await audit(tx, {
      actor: opts.actor,
      action: 'enrollment.history_import',
      entity: 'enrollment_history_file',
      entityId: p.sha,
      countyCode: opts.county,
      after: {
        file: basename(opts.file),
        rowsRead: p.rowsRead,
        inserted,
        updated,
        unchanged: result.unchanged,
        rejected,
        years: result.years,
      },
    });
  return result;
}

export const SOURCE_NAMES: Record<string, string> = {
  registration: '参保登记',
  payment: '缴费',
  subsidy: '全额资助',
  history: '历史数据导入',
  repair: '补缴',
};

function csvField(v: string | number | boolean | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function* stageCsv(rows: HistoryRow[]): Generator<string> {
  for (const r of rows)
    yield `${[r.rowNumber, r.docNo, r.name, r.year, r.enrolled, r.reimbursed].map(csvField).join(',')}\n`;
}
