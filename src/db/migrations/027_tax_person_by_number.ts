// A tax row's person is found by ID number when the region-year is classified, no longer stored with
// the row. Storing it meant a lookup of every row of a file among all persons before the row could be
// written (1.65 s of a 9.5 s reconciliation at 1,000,000 persons), then an update of the rows whose
// person registered later, and a second lookup in the classification anyway. Without the column the
// first file of a region-year is copied straight into tax_payments (bench/README.md, eleventh pass).
// The partial index of rows without a person goes with the column.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE tax_payments DROP COLUMN person_id`.execute(db);
}
