// One person's identity records (who certified what, from when to when, from which list): read by
// `canbao identities history` and GET /api/persons/:docNo/identities alike.
import { sql } from 'kysely';
import type { DatabaseHandle } from '../db/connection.js';
import { parseIdDocument } from '../registry/id-document.js';

export interface IdentityHistoryRow {
  name: string;
  category: string;
  grade: number | null;
  kind: string | null;
  department: string;
  valid_from: string;
  valid_to: string | null;
  file_name: string | null;
}

/** The ID number as stored (a valid 18-digit number normalised, anything else trimmed). */
export function normalDocNo(raw: string): string {
  const parsed = parseIdDocument(raw);
  return parsed.ok ? parsed.doc.docNo : raw.trim();
}

/** The person's identity records in category and date order; null when nobody has this ID number. */
export async function identityHistory(db: DatabaseHandle, raw: string): Promise<IdentityHistoryRow[] | null> {
  const docNo = normalDocNo(raw);
  const person = await sql<{ id: number }>`SELECT id FROM persons WHERE doc_no = ${docNo}`.execute(db.db);
  if (person.rows.length === 0) return null;
  const r = await sql<IdentityHistoryRow>`
    SELECT p.name, i.category, i.grade, i.kind, i.department, i.valid_from, i.valid_to, l.file_name
    FROM persons p JOIN person_identities i ON i.person_id = p.id LEFT JOIN department_lists l ON l.id = i.list_id
    WHERE p.doc_no = ${docNo} ORDER BY i.category, i.valid_from`.execute(db.db);
  return r.rows;
}
