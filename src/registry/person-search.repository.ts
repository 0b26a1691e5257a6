// Finding people for the 参保人员 page: by a whole ID number (the unique doc index), by its last
// digits (the reversed-number index of migration 022), or by name — a prefix on the "C"-collated
// name index anywhere, and also "contains" inside a township or village, where the village index
// leaves a few thousand rows to filter. Always inside the area asked for (the caller's scope).
import { type RawBuilder, sql } from 'kysely';
import type { DbSession } from '../db/connection.js';
import { inArea } from '../reports/coverage-sql.js';
import { parseIdDocument } from './id-document.js';

export interface PersonSearch {
  q: string;
  /** County, township or village code prefix; empty for everywhere. */
  region?: string;
  /** Insurance year whose enrollment status is shown. */
  year?: number;
  limit: number;
  offset: number;
}

export interface PersonHit {
  personId: number;
  docType: string;
  docNo: string;
  name: string;
  sex: 'male' | 'female' | null;
  birthDate: string | null;
  status: 'active' | 'deceased' | 'moved_out';
  householdNo: string | null;
  relation: string | null;
  villageCode: string;
  villageName: string | null;
  townshipName: string | null;
  enrollmentStatus: string | null;
}

export type SearchKind = 'id' | 'id_tail' | 'name';

/** How a query text is read: a whole ID number, the last 4–17 digits of one, or a name. */
export function searchKind(q: string): { kind: SearchKind; value: string } {
  const text = q.trim();
  const parsed = parseIdDocument(text);
  if (parsed.ok) return { kind: 'id', value: parsed.doc.docNo };
  if (/^[0-9]{3,17}[0-9Xx]?$/.test(text) && text.length >= 4 && text.length <= 18)
    return { kind: 'id_tail', value: text.toUpperCase() };
  if (/^[A-Za-z0-9]{6,20}$/.test(text) && /[0-9]/.test(text))
    return { kind: 'id', value: text.toUpperCase() };
  return { kind: 'name', value: text };
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function matchCondition(kind: SearchKind, value: string, region: string): RawBuilder<unknown> {
  if (kind === 'id') return sql`p.doc_no = ${value}`;
  if (kind === 'id_tail') {
    const reversed = value.split('').reverse().join('');
    return sql`(reverse(p.doc_no::text) COLLATE "C") LIKE ${`${escapeLike(reversed)}%`}`;
  }
  const prefix = sql`(p.name COLLATE "C") LIKE ${`${escapeLike(value)}%`}`;
  // "Contains" scans the area's persons: cheap for a township or a village, not for a province.
  if (region.length >= 9) return sql`(${prefix} OR p.name LIKE ${`%${escapeLike(value)}%`})`;
  return prefix;
}

/** One page of matches (limit + 1 read to say whether more follow), name order for names. */
export async function searchPersons(
  s: DbSession,
  q: PersonSearch,
): Promise<{ kind: SearchKind; items: PersonHit[]; hasMore: boolean }> {
  const { kind, value } = searchKind(q.q);
  const region = q.region ?? '';
  const where = [matchCondition(kind, value, region)];
  if (region !== '') where.push(inArea(sql`p.residence_village`, `${region}%`));
  const order = kind === 'name' ? sql`(p.name COLLATE "C"), p.id` : sql`p.doc_no, p.doc_type`;
  const { rows } = await sql<PersonHit>`
    SELECT p.id::int AS "personId", p.doc_type AS "docType", p.doc_no AS "docNo", p.name, p.sex,
      p.birth_date::text AS "birthDate", p.status, h.household_no AS "householdNo", p.relation,
      p.residence_village AS "villageCode", v.name AS "villageName", t.name AS "townshipName",
      ${q.year ? sql`(SELECT e.status FROM enrollments e WHERE e.person_id = p.id AND e.year = ${q.year})` : sql`NULL::text`} AS "enrollmentStatus"
    FROM persons p
    LEFT JOIN households h ON h.id = p.household_id
    LEFT JOIN regions v ON v.code = p.residence_village
    LEFT JOIN regions t ON t.code = v.parent_code
    WHERE ${sql.join(where, sql` AND `)}
    ORDER BY ${order}
    LIMIT ${q.limit + 1} OFFSET ${q.offset}`.execute(s.db);
  return { kind, items: rows.slice(0, q.limit), hasMore: rows.length > q.limit };
}
