import { basename } from 'node:path';
import { sql } from 'kysely';
import { audit } from '../audit/audit-log.js';
import type { DatabaseHandle, DbSession } from '../db/connection.js';
import { tracer } from '../db/trace.js';
import { sha256File } from '../files/file-hash.js';
import { readTable } from '../files/index.js';
import { addDays } from '../policy/dates.js';
import { OutcomeError } from '../policy/outcome.js';
import { extraFieldsIssue, type RowIssue } from '../registry/import-row.js';
import { CERTIFIES, type Department } from './departments.js';
import { FIELD_NAMES, LIST_HEADERS, type ListRow, parseListRow, resolveListColumns } from './list-row.js';

export interface ListImportOptions {
  file: string;
  department: Department;
  county: string;
  /** Snapshot or change list; detected from a 变更类型 column when absent. */
  kind?: 'snapshot' | 'changes';
  /** The date the list speaks for; defaults to today. */
  asOf?: string;
  importedBy?: string;
  /** Apply nothing when any row is rejected. */
  allOrNothing?: boolean;
  /** Called every 10,000 rows read, for a job's progress. */
  onProgress?: (rowsRead: number) => void;
}

export interface IdentityChange {
  docNo: string;
  name: string;
  category: string;
  change: 'added' | 'changed' | 'removed';
}

export interface ListImportResult {
  listId: number | null;
  kind: 'snapshot' | 'changes';
  kindDetected: boolean;
  alreadyImported: boolean;
  applied: boolean;
  rowsRead: number;
  added: number;
  changed: number;
  removed: number;
  unchanged: number;
  rejected: number;
  rejections: RowIssue[];
  changes: IdentityChange[];
}

const STAGE_COLUMNS = [
  'row_number',
  'doc_no',
  'name',
  'category',
  'grade',
  'kind',
  'formerly_poor',
  'risk_eliminated',
  'valid_from',
  'valid_to',
  'change',
] as const;

/** Thrown inside the transaction to roll it back while keeping the report of what was wrong. */
class RollbackForAllOrNothing extends Error {
  constructor(readonly result: ListImportResult) {
    super('all-or-nothing');
  }
}

export async function importDepartmentList(
  db: DatabaseHandle,
  opts: ListImportOptions,
): Promise<ListImportResult> {
  const trace = tracer('list');
  const asOf = opts.asOf ?? new Date().toISOString().slice(0, 10);
  const sha = await sha256File(opts.file);
  const prior = await priorList(db.db, opts, sha);
  trace('hash and prior list');
  if (prior) return alreadyImported(prior);

  const table = await readTable(opts.file, { knownHeaders: Object.values(LIST_HEADERS).flat() });
  const columns = resolveListColumns(table.headers);
  const missing = (['docNo', 'name', 'category'] as const).filter((f) => !columns.has(f));
  if (missing.length > 0) {
    throw new OutcomeError(
      missing.map((f) => ({
        severity: 'error',
        code: 'missing-column',
        expression: `${basename(opts.file)}: 第 ${table.headerRowNumber} 行（表头）`,
        message: `缺少"${FIELD_NAMES[f]}"列（可用列名：${LIST_HEADERS[f].join('、')}）`,
      })),
    );
  }
  const kindDetected = opts.kind === undefined;
  const kind = opts.kind ?? (columns.has('change') ? 'changes' : 'snapshot');

  const issues: RowIssue[] = [];
  const good: ListRow[] = [];
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
      const parsed = parseListRow(r.rowNumber, r.cells, columns, opts.department);
      if ('issues' in parsed) {
        issues.push(...parsed.issues);
        continue;
      }
      const key = `${parsed.row.docNo}|${parsed.row.category}|${parsed.row.change}`;
      const first = seen.get(key);
      if (first !== undefined) {
        issues.push({
          rowNumber: r.rowNumber,
          column: columns.get('docNo')!,
          value: parsed.row.docNo,
          reason: `与第 ${first} 行重复（同一人同一类别）`,
          severity: 'error',
          code: 'duplicate_in_file',
        });
        continue;
      }
      seen.set(key, r.rowNumber);
      good.push(parsed.row);
    }
  }

  trace('read and check rows');
  try {
    return await db.transaction(async (tx) => {
      // One list per department and county at a time: two imports at once would otherwise both find
      // no open identity and both add it, or both store the same file and the second fail on the
      // unique key. The second waits here, then sees what the first did.
      await sql`SELECT pg_advisory_xact_lock(${LIST_LOCK_CLASS}, hashtext(${`${opts.county}:${opts.department}`}))`.execute(
        tx.db,
      );
      const imported = await priorList(tx.db, opts, sha);
      if (imported) return alreadyImported(imported);
      const result = await applyList(
        tx,
        opts,
        { asOf, sha, kind, kindDetected, rowsRead, good, issues },
        trace,
      );
      if (opts.allOrNothing && result.rejected > 0) throw new RollbackForAllOrNothing(result);
      return result;
    });
  } catch (e) {
    if (!(e instanceof RollbackForAllOrNothing)) throw e;
    const { rejected, rejections } = e.result;
    return {
      ...e.result,
      listId: null,
      applied: false,
      added: 0,
      changed: 0,
      removed: 0,
      unchanged: 0,
      rejected,
      rejections,
      changes: [],
    };
  }
}

interface Prepared {
  asOf: string;
  sha: string;
  kind: 'snapshot' | 'changes';
  kindDetected: boolean;
  rowsRead: number;
  good: ListRow[];
  issues: RowIssue[];
}

async function applyList(
  tx: DbSession,
  opts: ListImportOptions,
  p: Prepared,
  trace: (step: string) => void,
): Promise<ListImportResult> {
  const { db } = tx;
  const { id: listId } = await db
    .insertInto('department_lists')
    .values({
      county_code: opts.county,
      department: opts.department,
      list_kind: p.kind,
      as_of: p.asOf,
      file_name: basename(opts.file),
      file_sha256: p.sha,
      imported_by: opts.importedBy ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await audit(tx, {
    actor: opts.importedBy ?? 'system',
    action: 'identities.import',
    entity: 'department_list',
    entityId: listId,
    countyCode: opts.county,
    after: {
      department: opts.department,
      kind: p.kind,
      asOf: p.asOf,
      file: basename(opts.file),
      sha256: p.sha,
    },
  });

  trace('list and audit rows');
  // No JIT: compiling these statements took longer than running them for a county's list.
  await sql`SET LOCAL jit = off`.execute(db);
  await sql`
    CREATE TEMP TABLE list_stage (
      row_number integer, doc_no text, name text, category text, grade smallint, kind text,
      formerly_poor boolean, risk_eliminated boolean, valid_from date, valid_to date, change text,
      person_id bigint, person_name text
    ) ON COMMIT DROP`.execute(db);
  await tx.copyFrom('list_stage', STAGE_COLUMNS, stageCsv(p.good));
  // Temp tables get no statistics by themselves; the joins below need them to avoid nested loops.
  trace('stage and COPY');
  await sql`ANALYZE list_stage`.execute(db);
  trace('analyze');
  // One index probe per row: a join would read all of persons for every county's list.
  await sql`
    UPDATE list_stage s SET (person_id, person_name) = (
      SELECT p.id, p.name FROM persons p WHERE p.doc_no = s.doc_no AND p.county_code = ${opts.county} LIMIT 1
    )`.execute(db);
  trace('persons found');

  // Person-level rejections: not in this county's registry, or the name does not match it.
  const unknown = await sql<{ row_number: number; doc_no: string; name: string; person_name: string | null }>`
    DELETE FROM list_stage WHERE person_id IS NULL OR person_name <> name
    RETURNING row_number, doc_no, name, person_name`.execute(db);
  trace('unknown persons');
  const personIssues: RowIssue[] = unknown.rows.map((r) =>
    r.person_name === null
      ? {
          rowNumber: r.row_number,
          column: FIELD_NAMES.docNo,
          value: r.doc_no,
          reason: `该人员不在本地区（${opts.county}）一人一档中`,
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

  const dayBefore = addDays(p.asOf, -1);
  const categories = CERTIFIES[opts.department];
  const open = sql`
    SELECT * FROM person_identities
    WHERE county_code = ${opts.county} AND department = ${opts.department} AND valid_to IS NULL`;
  const sameAttrs = sql`o.grade IS NOT DISTINCT FROM s.grade AND o.kind IS NOT DISTINCT FROM s.kind
    AND o.formerly_poor IS NOT DISTINCT FROM s.formerly_poor AND o.risk_eliminated IS NOT DISTINCT FROM s.risk_eliminated`;

  // Removals named in a change list that match no open identity are rejected, not ignored.
  const orphanRemovals = await sql<{ row_number: number; doc_no: string }>`
    DELETE FROM list_stage s WHERE s.change = 'remove'
      AND NOT EXISTS (SELECT 1 FROM (${open}) o WHERE o.person_id = s.person_id AND o.category = s.category)
    RETURNING row_number, doc_no`.execute(db);
  trace('orphan removals');
  for (const r of orphanRemovals.rows) {
    personIssues.push({
      rowNumber: r.row_number,
      column: FIELD_NAMES.change,
      value: '减少',
      reason: '该人员目前没有此身份，无法减少',
      severity: 'error',
      code: 'nothing_to_remove',
    });
  }

  const unchanged = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM list_stage s JOIN (${open}) o ON o.person_id = s.person_id AND o.category = s.category
    WHERE s.change = 'add' AND ${sameAttrs}`.execute(db);
  trace('unchanged');

  // End: changed attributes (a new period follows), removals, and for a snapshot everyone absent.
  const ended = await sql<{ person_id: number; category: string; reason: string }>`
    WITH targets AS (
      SELECT o.id, o.person_id, o.category, 'changed' AS reason FROM (${open}) o
        JOIN list_stage s ON s.person_id = o.person_id AND s.category = o.category AND s.change = 'add'
        WHERE NOT (${sameAttrs})
      UNION ALL
      SELECT o.id, o.person_id, o.category, 'removed' FROM (${open}) o
        JOIN list_stage s ON s.person_id = o.person_id AND s.category = o.category AND s.change = 'remove'
      UNION ALL
      SELECT o.id, o.person_id, o.category, 'removed' FROM (${open}) o
        WHERE ${p.kind === 'snapshot'} AND o.category IN (${sql.join(categories.map((c) => sql`${c}`))})
          AND NOT EXISTS (SELECT 1 FROM list_stage s WHERE s.person_id = o.person_id AND s.category = o.category)
    )
    UPDATE person_identities pi SET valid_to = GREATEST(${dayBefore}::date, pi.valid_from - 1), ended_by_list_id = ${listId}
    FROM targets t WHERE pi.id = t.id
    RETURNING t.person_id, t.category, t.reason`.execute(db);
  trace('ended');

  const inserted = await sql<{ person_id: number; category: string }>`
    INSERT INTO person_identities (county_code, person_id, category, grade, kind, formerly_poor, risk_eliminated,
      department, valid_from, valid_to, list_id)
    SELECT ${opts.county}, s.person_id, s.category, s.grade, s.kind, s.formerly_poor, s.risk_eliminated,
      ${opts.department}, COALESCE(s.valid_from, ${p.asOf}::date), s.valid_to, ${listId}
    FROM list_stage s
    WHERE s.change = 'add'
      AND NOT EXISTS (SELECT 1 FROM person_identities o WHERE o.person_id = s.person_id AND o.category = s.category
        AND o.department = ${opts.department} AND o.valid_to IS NULL)
    RETURNING person_id, category`.execute(db);
  trace('inserted');

  const changedKeys = new Set(
    ended.rows.filter((r) => r.reason === 'changed').map((r) => `${r.person_id}|${r.category}`),
  );
  const added = inserted.rows.filter((r) => !changedKeys.has(`${r.person_id}|${r.category}`)).length;
  const removed = ended.rows.filter((r) => r.reason === 'removed').length;
  const rejections = [...p.issues, ...personIssues].sort((a, b) => a.rowNumber - b.rowNumber);
  // Counted in rows: one row may carry several problems.
  const rejectedRows = new Set(rejections.map((r) => r.rowNumber)).size;

  if (rejections.length > 0) {
    const rows = rejections.map(
      (r) => sql`(${listId}, ${r.rowNumber}, ${r.column}, ${r.value}, ${r.reason}, ${r.code})`,
    );
    for (let i = 0; i < rows.length; i += 5000) {
      await sql`INSERT INTO department_list_rejections (list_id, row_number, column_name, value, reason, code)
        VALUES ${sql.join(rows.slice(i, i + 5000))}`.execute(db);
    }
  }
  const counts = {
    rows_read: p.rowsRead,
    added,
    changed: changedKeys.size,
    removed,
    unchanged: unchanged.rows[0]!.n,
    rejected: rejectedRows,
  };
  await db.updateTable('department_lists').set(counts).where('id', '=', listId).execute();
  // Statistics once the identities have grown or changed by a fifth: the next county's list
  // looks them up, and PGlite has no autovacuum to notice.
  const touchedRows = inserted.rows.length + ended.rows.length;
  const est = await sql<{ n: number }>`
    SELECT reltuples::float8 AS n FROM pg_class WHERE oid = 'person_identities'::regclass`.execute(db);
  const reltuples = Number(est.rows[0]?.n ?? -1);
  if (touchedRows > 0 && (reltuples < 0 || touchedRows > reltuples * 0.2 + 1000))
    await sql`ANALYZE person_identities (person_id, category, county_code, department, valid_to)`.execute(db);
  trace('rejections and counts');

  // What this list did, from the rows it ended and inserted: both → changed, only inserted →
  // added, only ended → removed (reading them back would scan every county's identities).
  const endedKeys = new Set(ended.rows.map((r) => `${r.person_id}|${r.category}`));
  const insertedKeys = new Set(inserted.rows.map((r) => `${r.person_id}|${r.category}`));
  const touched = [
    ...inserted.rows.map((r) => ({
      ...r,
      change: endedKeys.has(`${r.person_id}|${r.category}`) ? 'changed' : 'added',
    })),
    ...ended.rows
      .filter((r) => !insertedKeys.has(`${r.person_id}|${r.category}`))
      .map((r) => ({ person_id: r.person_id, category: r.category, change: 'removed' })),
  ];
  const changes =
    touched.length === 0
      ? { rows: [] as IdentityChange[] }
      : await sql<IdentityChange>`
    SELECT p.doc_no AS "docNo", p.name, c.category, c.change
    FROM unnest(${touched.map((t) => t.person_id)}::bigint[], ${touched.map((t) => t.category)}::text[],
      ${touched.map((t) => t.change)}::text[]) AS c (person_id, category, change)
    JOIN persons p ON p.id = c.person_id
    ORDER BY c.change, p.doc_no LIMIT 1000`.execute(db);
  trace('changes for the report');

  return {
    listId,
    kind: p.kind,
    kindDetected: p.kindDetected,
    alreadyImported: false,
    applied: true,
    rowsRead: p.rowsRead,
    added,
    changed: counts.changed,
    removed,
    unchanged: counts.unchanged,
    rejected: rejectedRows,
    rejections,
    changes: changes.rows,
  };
}

function csvField(v: string | number | boolean | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The rows as CSV for COPY, in pieces of 1,000 rows (one write per row would be one message each). */
function* stageCsv(rows: ListRow[]): Generator<string> {
  let chunk = '';
  for (const [i, r] of rows.entries()) {
    chunk += `${[
      r.rowNumber,
      r.docNo,
      r.name,
      r.category,
      r.grade,
      r.kind,
      r.formerlyPoor,
      r.riskEliminated,
      r.validFrom,
      r.validTo,
      r.change,
    ]
      .map(csvField)
      .join(',')}\n`;
    if (i % 1000 === 999) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}

/** Advisory lock class of department list imports (the two-key form; a person's lock uses the one-key form). */
const LIST_LOCK_CLASS = 7301;

/** This department's list for this county with the same content, when it was imported before. */
function priorList(db: DbSession['db'], opts: Pick<ListImportOptions, 'county' | 'department'>, sha: string) {
  return db
    .selectFrom('department_lists')
    .selectAll()
    .where('county_code', '=', opts.county)
    .where('department', '=', opts.department)
    .where('file_sha256', '=', sha)
    .executeTakeFirst();
}

function alreadyImported(prior: NonNullable<Awaited<ReturnType<typeof priorList>>>): ListImportResult {
  return {
    listId: prior.id,
    kind: prior.list_kind,
    kindDetected: false,
    alreadyImported: true,
    applied: false,
    rowsRead: prior.rows_read,
    added: 0,
    changed: 0,
    removed: 0,
    unchanged: prior.rows_read - prior.rejected,
    rejected: prior.rejected,
    rejections: [],
    changes: [],
  };
}
