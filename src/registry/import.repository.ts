// SQL of the population import: a staging table filled by COPY, set-based checks on it, and the
// merge into households and persons. Every statement works on the whole file at once.
import { type Kysely, sql } from 'kysely';
import type { DbSession } from '../db/connection.js';
import type { PersonField } from './import-columns.js';

// biome-ignore lint/suspicious/noExplicitAny: the registry tables are not in the shared schema type
type Db = Kysely<any>;

/** The run's staging table: UNLOGGED (no WAL, shared buffers), private by name, dropped at commit. */
export const stageTable = (runId: number): string => `import_stage_${runId}`;
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
 * Memory for this transaction's sorts and hashes: the household DISTINCT ON, the duplicate check
 * and the merge joins over a million rows spill to disk with the default 4 MB.
 */
export async function tuneSession(db: Db): Promise<void> {
  await sql`SET LOCAL work_mem = '256MB'`.execute(db);
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
      county_code text,
      -- An id drawn now for the row in case it is a new person, so its household can point at
      -- it as head in the same statement that creates the household (no second pass).
      person_id bigint NOT NULL DEFAULT nextval('persons_id_seq')
    )
  `.execute(db);
}

export async function loadStage(tx: DbSession, runId: number, csv: AsyncIterable<string>): Promise<number> {
  return tx.copyFrom(stageTable(runId), STAGE_COLUMNS, csv);
}

export async function dropStage(db: Db, runId: number): Promise<void> {
  await sql`DROP TABLE ${sql.table(stageTable(runId))}`.execute(db);
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
  // Rows rejected while streaming never reached the stage; only the ones found here leave it.
  const deleted = await sql`
    DELETE FROM ${stage} s
    USING import_rejections r
    WHERE r.run_id = ${runId} AND r.row_number = s.row_no AND r.severity = 'error'
      AND r.code IN ('unknown_village', 'unknown_village_code', 'duplicate_in_file')
  `.execute(db);
  await sql`ANALYZE ${stage}`.execute(db);
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

export async function mergeHouseholds(db: Db, runId: number): Promise<{ inserted: number; updated: number }> {
  const stage = sql.table(stageTable(runId));
  const src = sql.table(`import_households_${runId}`);
  // The household's village is the head's (or else the first member's); its head is the 户主
  // row's person, existing or about to be inserted with the id drawn in the stage. A file
  // without a 户主 for a household leaves its recorded head alone. Update-then-insert rather
  // than ON CONFLICT: speculative insertion is markedly slower for hundreds of thousands of rows.
  await sql`
    CREATE UNLOGGED TABLE ${src} AS
    SELECT DISTINCT ON (s.county_code, s.household_no) s.county_code, s.household_no, s.village_code,
      CASE WHEN s.relation = '户主' THEN coalesce(p.id, s.person_id) END AS head_person_id
    FROM ${stage} s
    LEFT JOIN persons p ON s.relation = '户主' AND p.doc_no = s.doc_no AND p.doc_type = s.doc_type
    WHERE s.household_no IS NOT NULL
    ORDER BY s.county_code, s.household_no, (s.relation = '户主') DESC NULLS LAST, s.row_no
  `.execute(db);
  await sql`ANALYZE ${src}`.execute(db);
  const upd = await sql`
    UPDATE households h
    SET village_code = x.village_code, head_person_id = coalesce(x.head_person_id, h.head_person_id),
        updated_run_id = ${runId}, updated_at = now()
    FROM ${src} x
    WHERE h.county_code = x.county_code AND h.household_no = x.household_no
      AND (h.village_code, h.head_person_id)
        IS DISTINCT FROM (x.village_code, coalesce(x.head_person_id, h.head_person_id))
  `.execute(db);
  const ins = await sql`
    INSERT INTO households (county_code, household_no, village_code, head_person_id, created_run_id, updated_run_id)
    SELECT x.county_code, x.household_no, x.village_code, x.head_person_id, ${runId}, ${runId}
    FROM ${src} x
    WHERE NOT EXISTS (
      SELECT 1 FROM households h WHERE h.county_code = x.county_code AND h.household_no = x.household_no
    )
  `.execute(db);
  await sql`DROP TABLE ${src}`.execute(db);
  return { inserted: Number(ins.numAffectedRows ?? 0n), updated: Number(upd.numAffectedRows ?? 0n) };
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

const MERGED: readonly MergedColumn[] = [
  { column: 'name', expr: 's.name' },
  { column: 'county_code', expr: 's.county_code' },
  { column: 'residence_village', expr: 's.village_code' },
  { column: 'sex', expr: 's.sex', keepWhenNull: true },
  { column: 'birth_date', expr: 's.birth_date', keepWhenNull: true },
  {
    column: 'household_id',
    expr: 'h.id',
    field: 'householdNo',
    historyKey: 'household_no',
    historyBefore: 'oh.household_no',
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

const JOINS = `
  JOIN persons p ON p.doc_no = s.doc_no AND p.doc_type = s.doc_type
  LEFT JOIN households h ON h.county_code = s.county_code AND h.household_no = s.household_no`;

/**
 * Merge the stage into persons: history rows for the fields that change, then the update of
 * exactly those persons, then the new persons. Fields whose column the file does not have are
 * left alone. Returns inserted and updated counts.
 */
export async function mergePersons(
  db: Db,
  runId: number,
  present: ReadonlySet<PersonField>,
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
  await sql`
    INSERT INTO person_history (person_id, county_code, run_id, changed_by, changes)
    SELECT p.id, s.county_code, ${runId}, 'import', jsonb_strip_nulls(jsonb_build_object(${sql.raw(diff)}))
    FROM ${stage} s ${sql.raw(JOINS)}
    LEFT JOIN households oh ON oh.id = p.household_id
    WHERE ${sql.raw(changed)}
  `.execute(db);
  const sets = cols.map((c) => `${c.column} = ${newValue(c)}`).join(', ');
  const upd = await sql`
    UPDATE persons p SET ${sql.raw(sets)}, updated_run_id = ${runId}, updated_at = now()
    FROM ${stage} s
    LEFT JOIN households h ON h.county_code = s.county_code AND h.household_no = s.household_no
    WHERE p.doc_no = s.doc_no AND p.doc_type = s.doc_type AND (${sql.raw(changed)})
  `.execute(db);
  const insertCols = cols.map((c) => c.column).join(', ');
  const insertExprs = cols.map((c) => c.expr).join(', ');
  const ins = await sql`
    INSERT INTO persons (id, doc_type, doc_no, ${sql.raw(insertCols)}, created_run_id, updated_run_id)
    SELECT s.person_id, s.doc_type, s.doc_no, ${sql.raw(insertExprs)}, ${runId}, ${runId}
    FROM ${stage} s
    LEFT JOIN households h ON h.county_code = s.county_code AND h.household_no = s.household_no
    WHERE NOT EXISTS (SELECT 1 FROM persons p WHERE p.doc_no = s.doc_no AND p.doc_type = s.doc_type)
  `.execute(db);
  return { inserted: Number(ins.numAffectedRows ?? 0n), updated: Number(upd.numAffectedRows ?? 0n) };
}

export async function finishRun(
  db: Db,
  runId: number,
  status: 'applied' | 'rejected',
  counts: Record<
    | 'rows_read'
    | 'inserted'
    | 'updated'
    | 'unchanged'
    | 'rejected'
    | 'warnings'
    | 'households_inserted'
    | 'households_updated',
    number
  >,
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
