// Fewer indexes on tax_payments: a reconciliation stores every row of a million-row tax file, and
// each index is written once per row (the person index alone doubled the cost of storing a file:
// person ids arrive in no order, so every row lands on a random index page). Nothing looks tax
// rows up by person or by (year, county): the classification scans the year's rows and hash-joins
// them, differences point at their tax row by id. Rows are looked up by ID number only while they
// have no person (people registered after an earlier file), so that index keeps only those rows.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX tax_payments_scope_idx`.execute(db);
  await sql`DROP INDEX tax_payments_person_idx`.execute(db);
  await sql`DROP INDEX tax_payments_doc_idx`.execute(db);
  await sql`CREATE INDEX tax_payments_unmatched_doc_idx ON tax_payments (doc_no, year) WHERE person_id IS NULL`.execute(
    db,
  );
}
