// Identities certified by departments, with their history: each row is one period of one
// identity of one person (valid_from..valid_to inclusive; valid_to NULL while it lasts), and
// which department list started and ended it. Nothing is deleted: a removal ends the period.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE department_lists (
      id bigserial PRIMARY KEY,
      county_code char(6) NOT NULL,
      department text NOT NULL,
      list_kind text NOT NULL CHECK (list_kind IN ('snapshot', 'changes')),
      as_of date NOT NULL,
      file_name text NOT NULL,
      file_sha256 char(64) NOT NULL,
      imported_by text,
      imported_at timestamptz NOT NULL DEFAULT now(),
      rows_read integer NOT NULL DEFAULT 0,
      added integer NOT NULL DEFAULT 0,
      changed integer NOT NULL DEFAULT 0,
      removed integer NOT NULL DEFAULT 0,
      unchanged integer NOT NULL DEFAULT 0,
      rejected integer NOT NULL DEFAULT 0,
      UNIQUE (county_code, department, file_sha256)
    )
  `.execute(db);
  await sql`
    CREATE TABLE department_list_rejections (
      list_id bigint NOT NULL REFERENCES department_lists (id),
      row_number integer NOT NULL,
      column_name text NOT NULL,
      value text NOT NULL,
      reason text NOT NULL,
      code text NOT NULL
    )
  `.execute(db);
  await sql`CREATE INDEX department_list_rejections_list_idx ON department_list_rejections (list_id, row_number)`.execute(
    db,
  );
  await sql`
    CREATE TABLE person_identities (
      id bigserial PRIMARY KEY,
      county_code char(6) NOT NULL,
      person_id bigint NOT NULL,
      category text NOT NULL,
      grade smallint CHECK (grade BETWEEN 1 AND 4),
      kind text,
      formerly_poor boolean,
      risk_eliminated boolean,
      department text NOT NULL,
      valid_from date NOT NULL,
      valid_to date,
      list_id bigint REFERENCES department_lists (id),
      ended_by_list_id bigint REFERENCES department_lists (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (valid_to IS NULL OR valid_to >= valid_from - 1)
    )
  `.execute(db);
  await sql`CREATE INDEX person_identities_person_idx ON person_identities (person_id, category)`.execute(db);
  await sql`CREATE INDEX person_identities_open_idx ON person_identities (county_code, department, category) WHERE valid_to IS NULL`.execute(
    db,
  );
}
