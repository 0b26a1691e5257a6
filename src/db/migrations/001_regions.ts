// Regions (province → village) and the statistics bureau population base per region and year.
// county_code is carried on every regional table so large tables can be partitioned by county.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE regions (
      code varchar(12) PRIMARY KEY CHECK (code ~ '^[0-9]{6}([0-9]{3}([0-9]{3})?)?$'),
      name text NOT NULL CHECK (name <> ''),
      level smallint NOT NULL CHECK (level BETWEEN 1 AND 5),
      parent_code varchar(12) REFERENCES regions (code) DEFERRABLE INITIALLY DEFERRED,
      county_code char(6),
      urban_rural_code char(3),
      updated_at timestamptz NOT NULL DEFAULT now()
    )
  `.execute(db);
  await sql`CREATE INDEX regions_parent_idx ON regions (parent_code, code)`.execute(db);
  await sql`CREATE INDEX regions_county_idx ON regions (county_code, level)`.execute(db);
  await sql`
    CREATE TABLE population_base (
      region_code varchar(12) NOT NULL,
      county_code char(6),
      year smallint NOT NULL CHECK (year BETWEEN 2000 AND 2100),
      population integer NOT NULL CHECK (population >= 0),
      source text NOT NULL DEFAULT '',
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (region_code, year)
    )
  `.execute(db);
  await sql`CREATE INDEX population_base_county_idx ON population_base (county_code, year)`.execute(db);
}
