import { basename } from 'node:path';
import { sql } from 'kysely';
import { auditInsert } from '../audit/audit-log.js';
import type { DatabaseHandle, DbSession } from '../db/connection.js';
import { tracer } from '../db/trace.js';
import { sha256File } from '../files/file-hash.js';
import { readTable } from '../files/index.js';
import { addDays, todayInChina } from '../policy/dates.js';
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
  const today = todayInChina();
  for await (const batch of table.batches(5000)) {
    for (const r of batch) {
      if (++rowsRead % 10_000 === 0) opts.onProgress?.(rowsRead);
      const extra = extraFieldsIssue(r.rowNumber, r.values, table.headers.length);
      if (extra) {
        issues.push(extra);
        continue;
      }
      const parsed = parseListRow(r.rowNumber, r.cells, columns, opts.department, today);
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
      // No JIT: compiling the import's statement took longer than running it for a county's list.
      // Custom plans: the row counts of the list's arrays are known only at each call.
      await sql`SELECT pg_advisory_xact_lock(${LIST_LOCK_CLASS}, hashtext(${`${opts.county}:${opts.department}`})),
        set_config('jit', 'off', true), set_config('plan_cache_mode', 'force_custom_plan', true)`.execute(
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

/**
 * Applies the checked rows in one statement: the list row and its audit row, each row's person
 * looked up once, the rejections, the ends of identities no longer listed, the new periods, the
 * counts and the change report. A county's list used to take some fifteen statements, and their
 * cost per file, not per row, was most of the import.
 *
 * All of it reads the identities as they were before the statement. The identities a row of the
 * list would find open after the ends are worked out from that: an open identity of another
 * county stays open, one of this county is ended when its attributes differ or a removal names it.
 * No join between two of the statement's own row sets: their row counts are guesses to the
 * planner, and a nested loop over two of them is quadratic. Lookups are index probes (LATERAL),
 * and rows are brought together by GROUP BY or a window instead.
 */
async function applyList(
  tx: DbSession,
  opts: ListImportOptions,
  p: Prepared,
  trace: (step: string) => void,
): Promise<ListImportResult> {
  const { db } = tx;
  const county = opts.county;
  const department = opts.department;
  const dayBefore = addDays(p.asOf, -1);
  const categories = CERTIFIES[department];
  const col = <T>(f: (r: ListRow) => T) => p.good.map(f);
  // Without removals in the list, no row's period depends on another row of the same person.
  const anyRemovals = p.good.some((r) => r.change === 'remove');
  const sameAttrs = sql`o.grade IS NOT DISTINCT FROM f.grade AND o.kind IS NOT DISTINCT FROM f.kind
    AND o.formerly_poor IS NOT DISTINCT FROM f.formerly_poor AND o.risk_eliminated IS NOT DISTINCT FROM f.risk_eliminated`;
  // For a snapshot: every open identity of the department's categories in this county that the
  // list does not name (grouped with the listed keys rather than anti-joined to them).
  const absent =
    p.kind === 'snapshot'
      ? sql`
      UNION ALL
      SELECT unnest(ids), person_id, category, 'removed', false, NULL, NULL FROM (
        SELECT person_id, category, array_agg(id) FILTER (WHERE id IS NOT NULL) AS ids, bool_or(id IS NULL) AS listed
        FROM (
          SELECT o.id, o.person_id, o.category FROM person_identities o
          WHERE o.county_code = ${county} AND o.department = ${department} AND o.valid_to IS NULL
            AND o.category IN (${sql.join(categories.map((c) => sql`${c}`))})
          UNION ALL
          SELECT NULL, person_id, category FROM m
        ) k GROUP BY person_id, category
      ) g WHERE NOT listed AND ids IS NOT NULL
        -- Nothing to group when the county has none open (a first list).
        AND EXISTS (SELECT 1 FROM person_identities o WHERE o.county_code = ${county} AND o.department = ${department}
          AND o.valid_to IS NULL)`
      : sql``;

  const q = sql<ApplyRow>`
    WITH lid AS MATERIALIZED (
      SELECT nextval(pg_get_serial_sequence('department_lists', 'id')) AS id
    ),
    src AS (
      SELECT * FROM unnest(${col((r) => r.rowNumber)}::int[], ${col((r) => r.docNo)}::text[],
        ${col((r) => r.name)}::text[], ${col((r) => r.category)}::text[], ${col((r) => r.grade)}::smallint[],
        ${col((r) => r.kind)}::text[], ${col((r) => r.formerlyPoor)}::boolean[],
        ${col((r) => r.riskEliminated)}::boolean[], ${col((r) => r.validFrom)}::date[],
        ${col((r) => r.validTo)}::date[], ${col((r) => r.change)}::text[])
        AS s (row_number, doc_no, name, category, grade, kind, formerly_poor, risk_eliminated, valid_from, valid_to, change)
    ),
    -- One index probe per row: a join would read all of persons for every county's list.
    found AS MATERIALIZED (
      SELECT s.*, p.id AS person_id, p.name AS person_name
      FROM src s LEFT JOIN LATERAL (
        SELECT id, name FROM persons p WHERE p.doc_no = s.doc_no AND p.county_code = ${county} LIMIT 1
      ) p ON true
    ),
    -- The rows whose person is in this county's registry under that name, each with the open
    -- identities of its person and category from this department.
    m AS MATERIALIZED (
      SELECT f.*, o.county_ids, o.differing_ids, o.same_n, o.elsewhere_n
      FROM found f CROSS JOIN LATERAL (
        SELECT array_agg(o.id) FILTER (WHERE o.county_code = ${county}) AS county_ids,
          array_agg(o.id) FILTER (WHERE o.county_code = ${county} AND NOT (${sameAttrs})) AS differing_ids,
          count(*) FILTER (WHERE o.county_code = ${county} AND ${sameAttrs})::int AS same_n,
          count(*) FILTER (WHERE o.county_code <> ${county})::int AS elsewhere_n
        FROM person_identities o
        WHERE o.person_id = f.person_id AND o.category = f.category AND o.department = ${department}
          AND o.valid_to IS NULL
      ) o
      WHERE f.person_id IS NOT NULL AND f.person_name = f.name
    ),
    -- Not in this county's registry, the name does not match it, or a removal of an identity the
    -- person does not have here.
    person_issues AS (
      SELECT row_number,
        CASE WHEN person_id IS NULL THEN ${FIELD_NAMES.docNo} ELSE ${FIELD_NAMES.name} END AS column_name,
        CASE WHEN person_id IS NULL THEN doc_no ELSE name END AS value,
        CASE WHEN person_id IS NULL THEN ${`该人员不在本地区（${county}）一人一档中`}
          ELSE ${'姓名与一人一档不一致（档案姓名：'} || person_name || ${'）'} END AS reason,
        CASE WHEN person_id IS NULL THEN 'unknown_person' ELSE 'name_mismatch' END AS code
      FROM found WHERE person_id IS NULL OR person_name <> name
      UNION ALL
      SELECT row_number, ${FIELD_NAMES.change}, '减少', '该人员目前没有此身份，无法减少', 'nothing_to_remove'
      FROM m WHERE change = 'remove' AND county_ids IS NULL
    ),
    rejected AS (
      INSERT INTO department_list_rejections (list_id, row_number, column_name, value, reason, code)
      SELECT (SELECT id FROM lid), * FROM (
        SELECT * FROM unnest(${p.issues.map((i) => i.rowNumber)}::int[], ${p.issues.map((i) => i.column)}::text[],
          ${p.issues.map((i) => i.value)}::text[], ${p.issues.map((i) => i.reason)}::text[],
          ${p.issues.map((i) => i.code)}::text[]) AS j (row_number, column_name, value, reason, code)
        UNION ALL
        SELECT * FROM person_issues
      ) i
      RETURNING row_number
    ),
    -- Per row: whether it adds a period (unless an open identity stays: another county's, or this
    -- county's with the same attributes when no removal of the same list ends it), and whether a
    -- period is added for its person and category at all.
    staged AS MATERIALIZED (
      SELECT s.*, ${anyRemovals ? sql`bool_or(inserts) OVER (PARTITION BY person_id, category)` : sql`inserts`} AS key_inserted
      FROM (
        SELECT s.*, change = 'add' AND elsewhere_n = 0 AND (same_n = 0 OR removed_too) AS inserts
        FROM (
          SELECT m.*, ${anyRemovals ? sql`bool_or(change = 'remove' AND county_ids IS NOT NULL) OVER (PARTITION BY person_id, category)` : sql`false`} AS removed_too
          FROM m
        ) s
      ) s
    ),
    -- End: changed attributes (a new period follows), removals, and for a snapshot everyone absent.
    targets AS (
      SELECT unnest(differing_ids) AS id, person_id, category, 'changed' AS reason, key_inserted, doc_no, name
      FROM staged WHERE change = 'add'
      UNION ALL
      SELECT unnest(county_ids), person_id, category, 'removed', key_inserted, doc_no, name
      FROM staged WHERE change = 'remove'
      ${absent}
    ),
    ended AS (
      UPDATE person_identities pi
      SET valid_to = GREATEST(${dayBefore}::date, pi.valid_from - 1), ended_by_list_id = (SELECT id FROM lid)
      FROM targets t WHERE pi.id = t.id
      RETURNING t.person_id, t.category, t.reason, t.key_inserted, t.doc_no, t.name
    ),
    -- A period added after one ended for the same person and category is a change.
    added AS MATERIALIZED (
      SELECT *, CASE WHEN differing_ids IS NOT NULL OR removed_too THEN 'changed' ELSE 'added' END AS report
      FROM staged WHERE inserts
    ),
    inserted AS (
      INSERT INTO person_identities (county_code, person_id, category, grade, kind, formerly_poor, risk_eliminated,
        department, valid_from, valid_to, list_id)
      SELECT ${county}, s.person_id, s.category, s.grade, s.kind, s.formerly_poor, s.risk_eliminated,
        ${department}, COALESCE(s.valid_from, ${p.asOf}::date), s.valid_to, (SELECT id FROM lid)
      FROM added s
    ),
    counts AS (
      SELECT
        (SELECT count(*) FROM added WHERE differing_ids IS NULL)::int AS added,
        (SELECT count(*) FROM (SELECT DISTINCT person_id, category FROM ended WHERE reason = 'changed') e)::int AS changed,
        (SELECT count(*) FROM ended WHERE reason = 'removed')::int AS removed,
        (SELECT COALESCE(sum(same_n), 0) FROM m WHERE change = 'add')::int AS unchanged,
        (SELECT count(DISTINCT row_number) FROM rejected)::int AS rejected,
        ((SELECT count(*) FROM added) + (SELECT count(*) FROM ended))::int AS touched
    ),
    list AS (
      INSERT INTO department_lists (id, county_code, department, list_kind, as_of, file_name, file_sha256,
        imported_by, rows_read, added, changed, removed, unchanged, rejected)
      SELECT lid.id, ${county}, ${department}, ${p.kind}, ${p.asOf}, ${basename(opts.file)}, ${p.sha},
        ${opts.importedBy ?? null}, ${p.rowsRead}, c.added, c.changed, c.removed, c.unchanged, c.rejected
      FROM lid, counts c
    ),
    audited AS (
      ${auditInsert(
        {
          actor: opts.importedBy ?? 'system',
          action: 'identities.import',
          entity: 'department_list',
          entityId: sql`lid.id`,
          countyCode: county,
          after: {
            department,
            kind: p.kind,
            asOf: p.asOf,
            file: basename(opts.file),
            sha256: p.sha,
          },
        },
        sql`lid`,
      )}
    )
    SELECT (SELECT id FROM lid) AS list_id, c.*,
      (SELECT reltuples::float8 FROM pg_class WHERE oid = 'person_identities'::regclass) AS reltuples,
      (SELECT COALESCE(json_agg(i ORDER BY i.row_number), '[]') FROM person_issues i) AS person_issues,
      (SELECT COALESCE(json_agg(r ORDER BY r.change, r."docNo"), '[]') FROM (
        SELECT doc_no AS "docNo", name, category, report AS change FROM added
        UNION ALL
        -- Who: from the list's own rows, from persons for those a snapshot left out.
        SELECT COALESCE(e.doc_no, (SELECT doc_no FROM persons WHERE id = e.person_id)),
          COALESCE(e.name, (SELECT name FROM persons WHERE id = e.person_id)), e.category, 'removed'
        FROM ended e WHERE NOT e.key_inserted
        ORDER BY 4, 1 LIMIT 1000
      ) r) AS changes
    FROM counts c`;
  const { rows } = await q.execute(db);
  const r = rows[0]!;
  trace('applied');

  // Statistics once the identities have grown or changed by a fifth: the next county's list
  // looks them up, and PGlite has no autovacuum to notice.
  const reltuples = Number(r.reltuples ?? -1);
  if (r.touched > 0 && (reltuples < 0 || r.touched > reltuples * 0.2 + 1000)) {
    await sql`ANALYZE person_identities (person_id, category, county_code, department, valid_to)`.execute(db);
    trace('statistics');
  }

  const personIssues: RowIssue[] = r.person_issues.map((i) => ({
    rowNumber: i.row_number,
    column: i.column_name,
    value: i.value,
    reason: i.reason,
    severity: 'error',
    code: i.code,
  }));
  const rejections = [...p.issues, ...personIssues].sort((a, b) => a.rowNumber - b.rowNumber);
  return {
    listId: Number(r.list_id),
    kind: p.kind,
    kindDetected: p.kindDetected,
    alreadyImported: false,
    applied: true,
    rowsRead: p.rowsRead,
    added: r.added,
    changed: r.changed,
    removed: r.removed,
    unchanged: r.unchanged,
    // Counted in rows: one row may carry several problems.
    rejected: r.rejected,
    rejections,
    changes: r.changes,
  };
}

interface ApplyRow {
  list_id: number;
  added: number;
  changed: number;
  removed: number;
  unchanged: number;
  rejected: number;
  touched: number;
  reltuples: number | null;
  person_issues: { row_number: number; column_name: string; value: string; reason: string; code: string }[];
  changes: IdentityChange[];
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
