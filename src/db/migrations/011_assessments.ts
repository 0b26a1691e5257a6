// Assessments (核定) of a region-year: one row per person with the pack version that produced it,
// every run recorded with its totals, and every change of an existing row kept as history so a
// re-assessment can say whose amount changed and by how much.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Where else the person is insured (region code), from reconciliation or transfer records.
  await sql`ALTER TABLE persons ADD COLUMN insured_elsewhere varchar(12)`.execute(db);
  await sql`
    CREATE TABLE assessment_runs (
      id bigserial PRIMARY KEY,
      region varchar(12) NOT NULL,
      year smallint NOT NULL,
      pack_id text NOT NULL,
      pack_hash text NOT NULL,
      as_of date NOT NULL,
      started_by text,
      started_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz,
      persons integer NOT NULL DEFAULT 0,
      assessed integer NOT NULL DEFAULT 0,
      excluded integer NOT NULL DEFAULT 0,
      inserted integer NOT NULL DEFAULT 0,
      changed integer NOT NULL DEFAULT 0,
      standard_total bigint NOT NULL DEFAULT 0,
      subsidy_total bigint NOT NULL DEFAULT 0,
      payable_total bigint NOT NULL DEFAULT 0
    )
  `.execute(db);
  await sql`
    CREATE TABLE assessments (
      county_code char(6) NOT NULL,
      year smallint NOT NULL,
      person_id bigint NOT NULL,
      run_id bigint NOT NULL,
      pack_id text NOT NULL,
      pack_hash text NOT NULL,
      status text NOT NULL CHECK (status IN ('assessed', 'excluded')),
      exclusion_reason text,
      tier text,
      standard_fen integer NOT NULL DEFAULT 0 CHECK (standard_fen >= 0),
      subsidy_fen integer NOT NULL DEFAULT 0 CHECK (subsidy_fen >= 0 AND subsidy_fen <= standard_fen),
      payable_fen integer NOT NULL DEFAULT 0 CHECK (payable_fen = standard_fen - subsidy_fen),
      category text,
      subsidy_rule text,
      funding_source text,
      computed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (county_code, year, person_id)
    )
  `.execute(db);
  await sql`CREATE INDEX assessments_person_idx ON assessments (person_id, year)`.execute(db);
  await sql`
    CREATE TABLE assessment_changes (
      run_id bigint NOT NULL,
      county_code char(6) NOT NULL,
      year smallint NOT NULL,
      person_id bigint NOT NULL,
      old_status text NOT NULL,
      new_status text NOT NULL,
      old_payable_fen integer NOT NULL,
      new_payable_fen integer NOT NULL,
      old_category text,
      new_category text,
      old_funding_source text,
      new_funding_source text
    )
  `.execute(db);
  await sql`CREATE INDEX assessment_changes_run_idx ON assessment_changes (run_id)`.execute(db);
}
