// Reading payments back: by person, region (county, township or village code prefix), year, status.
import { sql } from 'kysely';
import type { DbSession } from '../db/connection.js';

export interface PaymentRow {
  id: number;
  doc_no: string;
  name: string;
  year: number;
  amount_fen: number;
  paid_on: string;
  channel: string;
  external_no: string;
  agent: string | null;
  status: string;
  kind: string;
  review_reason: string | null;
}

export interface PaymentQuery {
  docNo?: string;
  region?: string;
  year?: number;
  status?: string;
  limit?: number;
}

export async function listPayments(db: DbSession, q: PaymentQuery): Promise<PaymentRow[]> {
  const where = [sql`true`];
  if (q.docNo) where.push(sql`p.doc_no = ${q.docNo}`);
  if (q.region) {
    where.push(sql`pay.county_code = ${q.region.slice(0, 6)}`);
    if (q.region.length > 6) where.push(sql`p.residence_village LIKE ${`${q.region}%`}`);
  }
  if (q.year) where.push(sql`pay.year = ${q.year}`);
  if (q.status) where.push(sql`pay.status = ${q.status}`);
  const r = await sql<PaymentRow>`
    SELECT pay.id, p.doc_no, p.name, pay.year, pay.amount_fen, pay.paid_on, pay.channel, pay.external_no, pay.agent,
      pay.status, pay.kind, pay.review_reason
    FROM payments pay JOIN persons p ON p.id = pay.person_id
    WHERE ${sql.join(where, sql` AND `)}
    ORDER BY pay.id DESC LIMIT ${Math.min(Math.max(q.limit ?? 50, 1), 10000)}`.execute(db.db);
  return r.rows;
}
