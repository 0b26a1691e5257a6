// Payments as the channels report them: one row per external transaction or receipt number, so the
// same payment posted twice (or twice at the same moment) is stored once.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE payments (
      id bigserial PRIMARY KEY,
      county_code char(6) NOT NULL,
      year smallint NOT NULL,
      person_id bigint NOT NULL,
      amount_fen integer NOT NULL CHECK (amount_fen > 0),
      paid_on date NOT NULL,
      channel text NOT NULL,
      external_no text NOT NULL CHECK (external_no <> ''),
      agent text,
      pack_hash text NOT NULL,
      recorded_by text,
      recorded_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (channel, external_no)
    )
  `.execute(db);
  await sql`CREATE INDEX payments_person_idx ON payments (person_id, year)`.execute(db);
  await sql`CREATE INDEX payments_county_idx ON payments (county_code, year, paid_on)`.execute(db);
}
