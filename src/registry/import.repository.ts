// SQL of the population import: a staging table filled by COPY, set-based checks on it, and the
// merge into households and persons. Every statement works on the whole file at once.
import { type Kysely, sql } from 'kysely';
import type { DatabaseKind } from '../db/connection.js';
import { csvField } from '../db/csv-chunks.js';
import type { PersonField } from './import-columns.js';
import type { RowIssue } from './import-row.js';

// biome-ignore lint/suspicious/noExplicitAny: the registry tables are not in the shared schema type
type Db = Kysely<any>;
/** Called after each statement with its name (CANBAO_TRACE=1 prints the time since the last call). */
export type Trace = (step: string) => void;

/** The run's staging table: UNLOGGED (no WAL, shared buffers), private by name, dropped at commit. */
export const stageTable = (runId: number): string => `import_stage_${runId}`;
/**
 * The run's households: one row per household the file names, with the id it has or is given. The
 * persons merge joins the stage to it by hash instead of probing households once per person (a
 * third of that statement's reading, bench/README.md, thirteenth pass). Dropped with the stage.
 */
export const householdTable = (runId: number): string => `import_households_${runId}`;
export const STAGE_COLUMNS = [
  'row_no',
  'doc_type',
  'doc_no',
  'name',
  'sex',
  'birth_date',
  'household_no',
  'relation',
  'hukou_region',
  'village_code',
  'village_name',
  'township_name',
  'phone',
  'status',
  'employee_insurance',
  'student',
  'school',
  'county_code',
] as const;

export const REJECTION_COLUMNS = [
  'run_id',
  'row_number',
  'column_name',
  'value',
  'reason',
  'code',
  'severity',
] as const;

/** One rejected or warned-of row as a CSV line in REJECTION_COLUMNS' order, for a COPY. */
export function rejectionLine(runId: number, i: RowIssue): string {
  return `${runId},${i.rowNumber},${csvField(i.column)},${csvField(i.value)},${csvField(i.reason)},${i.code},${i.severity}\n`;
}

export async function createRun(
  db: Db,
  kind: string,
  fileName: string,
  sha256: string,
  options: object,
): Promise<number> {
  const r = await sql<{ id: number }>`
    INSERT INTO import_runs (kind, file_name, file_sha256, options)
    VALUES (${kind}, ${fileName}, ${sha256}, ${JSON.stringify(options)}::jsonb) RETURNING id
  `.execute(db);
  return Number(r.rows[0]!.id);
}

/**
 * Memory for this transaction's sorts and hashes. On the server 256 MB: the household DISTINCT ON,
 * the duplicate check and the merge over a million rows spill to disk with the default 4 MB. On
 * PGlite the database lives in this process and its memory, once grown, is never given back, so
 * it gets 16 MB and larger sorts spill instead: a 500 MiB roster (3.4 million rows) peaked at 466 MiB
 * RSS with 64 MB (the duplicate check and households each grew the WebAssembly memory by its size) and
 * at 355 MiB with 16 MB, in 267 s and 293 s (bench/README.md, fourth pass). No JIT: the merge
 * statements' cost estimates cross the JIT threshold, and compiling them took longer (~50 ms each)
 * than running them for a county's file.
 */
export async function tuneSession(db: Db, kind: DatabaseKind): Promise<void> {
  const workMem = kind === 'pglite' ? '16MB' : '256MB';
  await sql`SELECT set_config('work_mem', ${workMem}, true)`.execute(db);
  await sql`SET LOCAL jit = off`.execute(db);
}

export async function createStage(db: Db, runId: number): Promise<void> {
  await sql`
    CREATE UNLOGGED TABLE ${sql.table(stageTable(runId))} (
      row_no integer NOT NULL,
      doc_type text NOT NULL,
      doc_no text NOT NULL,
      name text NOT NULL,
      sex text,
      birth_date date,
      household_no text,
      relation text,
      hukou_region text,
      village_code text,
      village_name text,
      township_name text,
      phone text,
      status text NOT NULL,
      employee_insurance boolean,
      student boolean,
      school text,
      county_code char(6), -- as in households and persons, so their indexes serve the probes
      -- An id drawn now for the row in case it is a new person, so its household can point at
      -- it as head in the same statement that creates the household (no second pass).
      person_id bigint NOT NULL DEFAULT nextval('persons_id_seq')
    )
  `.execute(db);
}

export async function dropStage(db: Db, runId: number): Promise<void> {
  await sql`DROP TABLE IF EXISTS ${sql.table(householdTable(runId))}, ${sql.table(stageTable(runId))}`.execute(
    db,
  );
}

/**
 * Set-based checks after loading: village names resolved to codes, villages that are not in
 * `regions`, and numbers repeated within the file (the first occurrence stays). Rejected rows are
 * written to import_rejections and removed from the stage. Returns the number of rows rejected.
 */
export async function checkStage(
  db: Db,
  runId: number,
  villageColumn: string,
  docColumn: string,
  trace: Trace = () => undefined,
): Promise<number> {
  const stage = sql.table(stageTable(runId));
  // A name is resolved when exactly one village has it (within the township, when given).
  const named = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM ${stage} WHERE village_code IS NULL
  `.execute(db);
  if ((named.rows[0]?.n ?? 0) > 0)
    await sql`
    WITH m AS (
      SELECT s.row_no, min(v.code) AS code, count(*) AS n
      FROM ${stage} s
      JOIN regions v ON v.level = 5 AND v.name = s.village_name
      LEFT JOIN regions t ON t.code = v.parent_code
      WHERE s.village_code IS NULL AND (s.township_name IS NULL OR t.name = s.township_name)
      GROUP BY s.row_no
    )
    UPDATE ${stage} s SET village_code = m.code, county_code = left(m.code, 6)
    FROM m WHERE m.row_no = s.row_no AND m.n = 1
  `.execute(db);
  trace('  village names');
  await sql`
    INSERT INTO import_rejections (run_id, row_number, column_name, value, reason, code)
    SELECT ${runId}, s.row_no, ${villageColumn}, coalesce(s.village_code, s.village_name, ''),
      CASE
        WHEN s.village_code IS NOT NULL THEN
          '村（社区）代码不在区划表中，请核对代码或先导入区划（canbao regions import）'
        WHEN EXISTS (SELECT 1 FROM regions v WHERE v.level = 5 AND v.name = s.village_name) THEN
          '村名在多个乡镇重名或与所填乡镇不符，请填写“乡镇（街道）”列或12位村（社区）代码'
        ELSE '区划表中没有这个村（社区），请核对村名或填写12位代码'
      END,
      CASE WHEN s.village_code IS NOT NULL THEN 'unknown_village_code' ELSE 'unknown_village' END
    FROM ${stage} s
    WHERE s.village_code IS NULL
       OR NOT EXISTS (SELECT 1 FROM regions v WHERE v.code = s.village_code AND v.level = 5)
  `.execute(db);
  trace('  unknown villages');
  await sql`
    INSERT INTO import_rejections (run_id, row_number, column_name, value, reason, code)
    SELECT ${runId}, s.row_no, ${docColumn}, s.doc_no, '文件内证件号码重复（与第 ' || d.first_row || ' 行相同）', 'duplicate_in_file'
    FROM (
      SELECT doc_type, doc_no, min(row_no) AS first_row FROM ${stage}
      GROUP BY doc_type, doc_no HAVING count(*) > 1
    ) d
    JOIN ${stage} s ON s.doc_type = d.doc_type AND s.doc_no = d.doc_no
    WHERE s.row_no <> d.first_row
  `.execute(db);
  trace('  duplicates');
  // Rows rejected while streaming never reached the stage; only the ones found here leave it.
  const deleted = await sql`
    DELETE FROM ${stage} s
    USING import_rejections r
    WHERE r.run_id = ${runId} AND r.row_number = s.row_no AND r.severity = 'error'
      AND r.code IN ('unknown_village', 'unknown_village_code', 'duplicate_in_file')
  `.execute(db);
  trace('  delete rejected');
  return Number(deleted.numAffectedRows ?? 0n);
}

/** Rows with at least one error (each row counted once). */
export async function countRejectedRows(
  db: Db,
  runId: number,
): Promise<{ rejected: number; warnings: number }> {
  const r = await sql<{ rejected: number; warnings: number }>`
    SELECT count(DISTINCT row_number) FILTER (WHERE severity = 'error')::int AS rejected,
           count(*) FILTER (WHERE severity = 'warning')::int AS warnings
    FROM import_rejections WHERE run_id = ${runId}
  `.execute(db);
  return r.rows[0]!;
}

export async function mergeHouseholds(
  db: Db,
  runId: number,
  trace: Trace = () => undefined,
): Promise<{ inserted: number; updated: number }> {
  const stage = sql.table(stageTable(runId));
  const map = sql.table(householdTable(runId));
  // The household's village is the head's (or else the first member's); its head is the 户主
  // row's person, existing or about to be inserted with the id drawn in the stage. A file
  // without a 户主 for a household leaves its recorded head alone. A new household's id is drawn
  // here, so the map holds every household's final id before anything is written.
  await sql`
    CREATE UNLOGGED TABLE ${map} AS
    SELECT f.county_code, f.household_no, f.village_code, f.head_person_id,
      coalesce(h.id, nextval('households_id_seq')) AS id, h.id IS NULL AS is_new,
      h.village_code AS old_village, h.head_person_id AS old_head
    FROM (
      SELECT DISTINCT ON (s.county_code, s.household_no) s.county_code, s.household_no, s.village_code,
        -- One index probe per 户主 row rather than a join that would read all of persons for
        -- every county's file.
        CASE WHEN s.relation = '户主' THEN coalesce(
          (SELECT p.id FROM persons p WHERE p.doc_no = s.doc_no AND p.doc_type = s.doc_type), s.person_id)
        END AS head_person_id
      FROM ${stage} s
      WHERE s.household_no IS NOT NULL
      ORDER BY s.county_code, s.household_no, (s.relation = '户主') DESC NULLS LAST, s.row_no
    ) f
    LEFT JOIN LATERAL (
      SELECT * FROM households h WHERE h.county_code = f.county_code AND h.household_no = f.household_no OFFSET 0
    ) h ON true
  `.execute(db);
  trace('  household map');
  // Update-then-insert rather than ON CONFLICT: speculative insertion is markedly slower for
  // hundreds of thousands of rows.
  const r = await sql<{ inserted: number; updated: number }>`
    WITH upd AS (
      UPDATE households h
      SET village_code = x.village_code, head_person_id = coalesce(x.head_person_id, h.head_person_id),
          updated_run_id = ${runId}, updated_at = now()
      FROM ${map} x
      WHERE NOT x.is_new AND h.id = x.id
        AND (x.old_village, x.old_head) IS DISTINCT FROM (x.village_code, coalesce(x.head_person_id, x.old_head))
      RETURNING 1
    ),
    ins AS (
      INSERT INTO households (id, county_code, household_no, village_code, head_person_id, created_run_id, updated_run_id)
      SELECT x.id, x.county_code, x.household_no, x.village_code, x.head_person_id, ${runId}, ${runId}
      FROM ${map} x WHERE x.is_new
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM ins)::int AS inserted, (SELECT count(*) FROM upd)::int AS updated
  `.execute(db);
  trace('  households');
  return r.rows[0]!;
}

/** A person column, the stage expression that gives its new value, and whether to keep the old value when the file gives none. */
interface MergedColumn {
  column: string;
  expr: string;
  /** The file's field whose presence decides whether this column is touched at all. */
  field?: PersonField;
  keepWhenNull?: boolean;
  /** Expression of the value shown in history (defaults to the column). */
  historyBefore?: string;
  historyAfter?: string;
  historyKey?: string;
}

// Expressions over the joined row: `s` is the stage row with `hid`, the id of its household in
// the run's household map; `p` the stored person.
const MERGED: readonly MergedColumn[] = [
  { column: 'name', expr: 's.name' },
  { column: 'county_code', expr: 's.county_code' },
  { column: 'residence_village', expr: 's.village_code' },
  { column: 'sex', expr: 's.sex', keepWhenNull: true },
  { column: 'birth_date', expr: 's.birth_date', keepWhenNull: true },
  {
    column: 'household_id',
    expr: 's.hid',
    field: 'householdNo',
    historyKey: 'household_no',
    // Looked up only for the rows whose household changed.
    historyBefore: '(SELECT oh.household_no FROM households oh WHERE oh.id = p.household_id)',
    historyAfter: 's.household_no',
  },
  { column: 'relation', expr: 's.relation', field: 'relation' },
  { column: 'hukou_region', expr: 's.hukou_region', field: 'hukouRegion' },
  { column: 'phone', expr: 's.phone', field: 'phone' },
  { column: 'status', expr: 's.status', field: 'status' },
  { column: 'employee_insurance', expr: 'coalesce(s.employee_insurance, false)', field: 'employeeInsurance' },
  { column: 'student', expr: 'coalesce(s.student, false)', field: 'student' },
  { column: 'school', expr: 's.school', field: 'school' },
];

/**
 * Merge the stage into persons in one statement: each staged row is joined to its household and
 * to the stored person once; the rows whose fields differ get a history row (the changed fields,
 * before and after) and their update, the rows without a stored person are inserted, and equal
 * rows are left untouched. Fields whose column the file does not have are left alone. Returns
 * inserted and updated counts.
 */
export async function mergePersons(
  db: Db,
  runId: number,
  present: ReadonlySet<PersonField>,
  trace: Trace = () => undefined,
): Promise<{ inserted: number; updated: number }> {
  const stage = sql.table(stageTable(runId));
  const cols = MERGED.filter((c) => c.field === undefined || present.has(c.field));
  const newValue = (c: MergedColumn): string =>
    c.keepWhenNull ? `coalesce(${c.expr}, p.${c.column})` : c.expr;
  const changed = cols.map((c) => `p.${c.column} IS DISTINCT FROM ${newValue(c)}`).join(' OR ');
  const diff = cols
    .map((c) => {
      const before = c.historyBefore ?? `p.${c.column}`;
      const after = c.historyAfter ?? newValue(c);
      return `'${c.historyKey ?? c.column}', CASE WHEN p.${c.column} IS DISTINCT FROM ${newValue(c)}
        THEN jsonb_build_array(to_jsonb(${before}), to_jsonb(${after})) END`;
    })
    .join(',\n');
  const sets = cols.map((c) => `${c.column} = ${newValue(c)}`).join(', ');
  const insertCols = cols.map((c) => c.column).join(', ');
  const insertExprs = cols.map((c) => c.expr).join(', ');
  const r = await sql<{ inserted: number; updated: number }>`
    WITH j AS MATERIALIZED (
      SELECT s.*, p.id AS pid,
        CASE WHEN p.id IS NOT NULL AND (${sql.raw(changed)})
          THEN jsonb_strip_nulls(jsonb_build_object(${sql.raw(diff)})) END AS changes
      FROM (
        SELECT st.*, h.id AS hid FROM ${stage} st
        LEFT JOIN ${sql.table(householdTable(runId))} h
          ON h.county_code = st.county_code AND h.household_no = st.household_no
      ) s
      -- An index probe per row (OFFSET 0 keeps the planner from turning it into a join that reads
      -- all of persons for every county's file).
      LEFT JOIN LATERAL (
        SELECT * FROM persons p WHERE p.doc_no = s.doc_no AND p.doc_type = s.doc_type OFFSET 0
      ) p ON true
    ),
    hist AS (
      INSERT INTO person_history (person_id, county_code, run_id, changed_by, changes)
      SELECT pid, county_code, ${runId}, 'import', changes FROM j WHERE changes IS NOT NULL
    ),
    upd AS (
      UPDATE persons p SET ${sql.raw(sets)}, updated_run_id = ${runId}, updated_at = now()
      FROM j s WHERE s.changes IS NOT NULL AND p.id = s.pid
      RETURNING 1
    ),
    ins AS (
      INSERT INTO persons (id, doc_type, doc_no, ${sql.raw(insertCols)}, created_run_id, updated_run_id)
      SELECT s.person_id, s.doc_type, s.doc_no, ${sql.raw(insertExprs)}, ${runId}, ${runId}
      FROM j s WHERE s.pid IS NULL
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM ins)::int AS inserted, (SELECT count(*) FROM upd)::int AS updated
  `.execute(db);
  trace('  persons');
  return r.rows[0]!;
}

/**
 * Planner statistics for persons and households once an import has grown or changed them by more
 * than a fifth (or they have none): every later statement that looks people up — the next county's
 * import, a department list, an assessment — plans from them, and PGlite has no autovacuum to do
 * it. Only the looked-up columns are sampled, which skips the wide text and expression indexes.
 */
export async function analyseAfterMerge(
  db: Db,
  changedPersons: number,
  changedHouseholds: number,
): Promise<void> {
  const r = await sql<{ persons: number; households: number }>`
    SELECT (SELECT reltuples FROM pg_class WHERE oid = 'persons'::regclass)::float8 AS persons,
           (SELECT reltuples FROM pg_class WHERE oid = 'households'::regclass)::float8 AS households`.execute(
    db,
  );
  const stale = (reltuples: number, changed: number) =>
    changed > 0 && (reltuples < 0 || changed > reltuples * 0.2 + 1000);
  const { persons, households } = r.rows[0]!;
  if (stale(Number(persons), changedPersons))
    await sql`ANALYZE persons (doc_no, doc_type, county_code, residence_village, household_id)`.execute(db);
  if (stale(Number(households), changedHouseholds))
    await sql`ANALYZE households (county_code, household_no, village_code)`.execute(db);
}

/** What a run records of its rows. */
export type RunCounts = Record<
  | 'rows_read'
  | 'inserted'
  | 'updated'
  | 'unchanged'
  | 'rejected'
  | 'warnings'
  | 'households_inserted'
  | 'households_updated',
  number
>;

export async function finishRun(
  db: Db,
  runId: number,
  status: 'applied' | 'rejected',
  counts: RunCounts,
): Promise<void> {
  await sql`
    UPDATE import_runs SET status = ${status}, finished_at = now(),
      rows_read = ${counts.rows_read}, inserted = ${counts.inserted}, updated = ${counts.updated},
      unchanged = ${counts.unchanged}, rejected = ${counts.rejected}, warnings = ${counts.warnings},
      households_inserted = ${counts.households_inserted}, households_updated = ${counts.households_updated}
    WHERE id = ${runId}
  `.execute(db);
}

export interface RejectionRow {
  row_number: number;
  column_name: string;
  value: string;
  reason: string;
  severity: 'error' | 'warning';
}

/** The run's issues in row order, read in keyset pages (never OFFSET, never all at once). */
export async function* rejectionPages(
  db: Db,
  runId: number,
  pageSize = 5000,
): AsyncGenerator<RejectionRow[]> {
  let after = -1;
  for (;;) {
    // A row can have several issues: page on whole rows so none is split.
    const r = await sql<RejectionRow>`
      SELECT row_number, column_name, value, reason, severity FROM import_rejections
      WHERE run_id = ${runId} AND row_number IN (
        SELECT DISTINCT row_number FROM import_rejections
        WHERE run_id = ${runId} AND row_number > ${after} ORDER BY row_number LIMIT ${pageSize}
      )
      ORDER BY row_number, severity, column_name
    `.execute(db);
    if (r.rows.length === 0) return;
    yield r.rows;
    after = r.rows.at(-1)!.row_number;
  }
}
