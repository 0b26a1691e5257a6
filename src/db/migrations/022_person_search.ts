// Finding people fast on a million-person registry: a name prefix and the last digits of an ID
// number are both prefix searches on a "C"-collated btree (LIKE 'x%' uses such an index in any
// database collation; pg_trgm would serve "contains" too, but is not in every PostgreSQL or in
// PGlite by default). The ID tail is searched as the prefix of the reversed number. A person's
// refunds are read by person for the person page.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX persons_name_c_idx ON persons ((name COLLATE "C"))`.execute(db);
  await sql`CREATE INDEX persons_doc_tail_idx ON persons ((reverse(doc_no::text) COLLATE "C"))`.execute(db);
  await sql`CREATE INDEX refunds_person_idx ON refunds (person_id)`.execute(db);
}
