// The ID numbers held under a document other than the resident ID card. Two persons can share a
// number only under two document types (persons_doc_idx is unique on number and type), so at least
// one of them holds it under another type: the reconciliation finds the numbers shared from these few
// rows (3,517 of 1,000,000 in the demo) instead of sorting every tax row it matches to persons
// (bench/README.md, twelfth pass). Partial, so the population import writes it for those rows only.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX persons_other_doc_idx ON persons (doc_no) WHERE doc_type <> 'resident_id'`.execute(
    db,
  );
}
