// Long operations started over HTTP (a region's assessment, later imports and reconciliations) run as
// jobs: the request answers at once with the job, which records its state, progress and result.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE jobs (
      id bigserial PRIMARY KEY,
      kind text NOT NULL,
      params jsonb NOT NULL,
      status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
      progress text,
      result jsonb,
      error jsonb,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      started_at timestamptz,
      finished_at timestamptz
    )
  `.execute(db);
  await sql`CREATE INDEX jobs_created_idx ON jobs (created_at DESC)`.execute(db);
}
