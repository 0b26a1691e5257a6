// Reports (issue 7): township phase targets (阶段性目标: a coverage rate each township must reach by
// a date, set by the county's leading group) and the follow-up marks village workers put on
// worklist entries. Both are small tables keyed by region/person so they partition with the rest.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE township_targets (
      region_code varchar(12) NOT NULL,
      county_code char(6) NOT NULL,
      year smallint NOT NULL CHECK (year BETWEEN 2000 AND 2100),
      due_on date NOT NULL,
      -- Percent with up to two decimals (95.00); a rate, not a count, so it survives base changes.
      rate_percent numeric(5, 2) NOT NULL CHECK (rate_percent > 0 AND rate_percent <= 100),
      set_by text,
      set_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (region_code, year, due_on)
    )
  `.execute(db);
  await sql`CREATE INDEX township_targets_county_idx ON township_targets (county_code, year)`.execute(db);
  // One row per follow-up; the latest per (person, year, kind) is what the worklist shows.
  await sql`
    CREATE TABLE worklist_followups (
      id bigserial PRIMARY KEY,
      county_code char(6) NOT NULL,
      person_id bigint NOT NULL,
      year smallint NOT NULL,
      kind text NOT NULL,
      note text NOT NULL DEFAULT '',
      by text NOT NULL,
      at timestamptz NOT NULL DEFAULT now()
    )
  `.execute(db);
  await sql`CREATE INDEX worklist_followups_person_idx ON worklist_followups (person_id, year, kind, at)`.execute(
    db,
  );
}
