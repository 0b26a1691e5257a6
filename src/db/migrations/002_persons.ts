// Persons and households (一人一档), and the record of every population import: its runs, the
// rows it rejected, and per-person change history. county_code is on every large table so it
// can be partitioned or distributed by county.
//
// No foreign keys from persons to households/regions: a county file is a million rows and row-by-
// row FK triggers would double the load time; the importer checks villages set-based and
// `canbao registry check` reports anything dangling.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE import_runs (
      id bigserial PRIMARY KEY,
      kind text NOT NULL,
      file_name text NOT NULL,
      file_sha256 char(64) NOT NULL,
      options jsonb NOT NULL DEFAULT '{}',
      status text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'applied', 'rejected')),
      started_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz,
      rows_read integer NOT NULL DEFAULT 0,
      inserted integer NOT NULL DEFAULT 0,
      updated integer NOT NULL DEFAULT 0,
      unchanged integer NOT NULL DEFAULT 0,
      rejected integer NOT NULL DEFAULT 0,
      warnings integer NOT NULL DEFAULT 0,
      households_inserted integer NOT NULL DEFAULT 0,
      households_updated integer NOT NULL DEFAULT 0
    )
  `.execute(db);
  await sql`CREATE INDEX import_runs_sha_idx ON import_runs (file_sha256)`.execute(db);
  await sql`
    CREATE TABLE import_rejections (
      run_id bigint NOT NULL REFERENCES import_runs (id),
      row_number integer NOT NULL,
      column_name text NOT NULL,
      value text NOT NULL DEFAULT '',
      reason text NOT NULL,
      code text NOT NULL,
      severity text NOT NULL DEFAULT 'error' CHECK (severity IN ('error', 'warning'))
    )
  `.execute(db);
  await sql`CREATE INDEX import_rejections_run_idx ON import_rejections (run_id, row_number)`.execute(db);
  await sql`
    CREATE TABLE households (
      id bigserial PRIMARY KEY,
      county_code char(6) NOT NULL,
      household_no varchar(40) NOT NULL,
      village_code varchar(12),
      head_person_id bigint,
      created_run_id bigint,
      updated_run_id bigint,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (county_code, household_no)
    )
  `.execute(db);
  await sql`CREATE INDEX households_village_idx ON households (village_code)`.execute(db);
  await sql`
    CREATE TABLE persons (
      id bigserial PRIMARY KEY,
      county_code char(6) NOT NULL,
      doc_type text NOT NULL
        CHECK (doc_type IN ('resident_id', 'hmt_permit', 'foreigner_permanent', 'passport', 'birth_certificate')),
      doc_no varchar(20) NOT NULL,
      name text NOT NULL CHECK (name <> ''),
      sex text CHECK (sex IN ('male', 'female')),
      birth_date date,
      household_id bigint,
      relation text,
      hukou_region varchar(12),
      residence_village varchar(12) NOT NULL,
      phone text,
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'deceased', 'moved_out')),
      employee_insurance boolean NOT NULL DEFAULT false,
      student boolean NOT NULL DEFAULT false,
      school text,
      created_run_id bigint,
      updated_run_id bigint,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )
  `.execute(db);
  // doc_no first: the same index serves "look up this number" without knowing its type.
  await sql`CREATE UNIQUE INDEX persons_doc_idx ON persons (doc_no, doc_type)`.execute(db);
  await sql`CREATE INDEX persons_village_idx ON persons (residence_village)`.execute(db);
  await sql`CREATE INDEX persons_household_idx ON persons (household_id)`.execute(db);
  await sql`
    CREATE TABLE person_history (
      id bigserial PRIMARY KEY,
      person_id bigint NOT NULL,
      county_code char(6) NOT NULL,
      run_id bigint REFERENCES import_runs (id),
      changed_at timestamptz NOT NULL DEFAULT now(),
      changed_by text,
      -- { "field": [before, after], ... }
      changes jsonb NOT NULL
    )
  `.execute(db);
  await sql`CREATE INDEX person_history_person_idx ON person_history (person_id, id)`.execute(db);
}
