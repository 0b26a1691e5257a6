// A person whose subsidy the document grants without an amount is held for review, neither
// assessed nor excluded (policy packs' undeterminedSubsidies).
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE assessments DROP CONSTRAINT assessments_status_check`.execute(db);
  await sql`ALTER TABLE assessments ADD CONSTRAINT assessments_status_check CHECK (status IN ('assessed', 'excluded', 'review'))`.execute(
    db,
  );
}
