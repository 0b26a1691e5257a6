// The village worker's worklist in one statement: every not-enrolled person of the area who falls
// under one of the reasons, each once under the most urgent reason, with phone, household and the
// latest follow-up mark. Reasons in priority order are numbered 1–5 (WORKLIST_KINDS).
import { sql } from 'kysely';
import type { DbSession } from '../db/connection.js';
import { enrolledBy, identityOpen, inArea } from './coverage-sql.js';

export const WORKLIST_KINDS = [
  'key_group',
  'newborn',
  'employee_lapse',
  'household_partial',
  'lapsed_payer',
] as const;
export type WorklistKind = (typeof WORKLIST_KINDS)[number];

export interface WorklistQuery {
  villageLike: string;
  countyLike: string;
  year: number;
  asOf: string;
  /** Categories of the pack's key groups (union). */
  keyCategories: readonly string[];
  /** Newborn special treatment window (pack events.newborn.withinDays); null: no newborn reason. */
  newbornDays: number | null;
  /** Employee-insurance lapse window in days. */
  lapseDays: number;
  limit: number;
}

export interface WorklistRow {
  person_id: string;
  kind: WorklistKind;
  /** Newborn: last day of the window; lapse: last day to enroll with benefits from the lapse. */
  deadline: string | null;
  detail: string | null;
  village: string;
  village_name: string | null;
  household_no: string | null;
  name: string;
  doc_no: string;
  phone: string | null;
  followup_note: string | null;
  followup_by: string | null;
  followup_at: string | null;
}

export async function worklistRows(db: DbSession, q: WorklistQuery): Promise<WorklistRow[]> {
  const cats = q.keyCategories.length ? q.keyCategories : ['-'];
  const { rows } = await sql<WorklistRow>`
    WITH open_people AS MATERIALIZED (
      SELECT p.id, p.household_id, p.birth_date, p.employee_insurance
      FROM persons p LEFT JOIN enrollments e ON e.person_id = p.id AND e.year = ${q.year}
      WHERE ${inArea(sql`p.residence_village`, q.villageLike)} AND p.status = 'active' AND p.insured_elsewhere IS NULL
        AND NOT coalesce(${enrolledBy(q.asOf)}, false)
    ), reasons AS (
      SELECT o.id, 1 AS pri, NULL::date AS deadline, string_agg(DISTINCT i.category, ',') AS detail
      FROM open_people o JOIN person_identities i ON i.person_id = o.id
      WHERE NOT o.employee_insurance AND i.county_code LIKE ${q.countyLike} AND ${identityOpen(q.asOf)}
        AND i.category IN (${sql.join(cats.map((c) => sql`${c}`))})
      GROUP BY o.id
      UNION ALL
      SELECT o.id, 2, o.birth_date + ${q.newbornDays ?? 0}::int, NULL
      FROM open_people o
      WHERE ${q.newbornDays !== null} AND NOT o.employee_insurance AND o.birth_date <= ${q.asOf}::date
        AND o.birth_date + ${q.newbornDays ?? 0}::int >= ${q.asOf}::date
      UNION ALL
      SELECT o.id, 3, max(le.occurred_on) + ${q.lapseDays}::int, NULL
      FROM open_people o JOIN life_events le ON le.person_id = o.id AND le.type = 'employee_insurance_lapse'
      WHERE le.occurred_on <= ${q.asOf}::date AND le.occurred_on + ${q.lapseDays}::int >= ${q.asOf}::date
      GROUP BY o.id
      UNION ALL
      SELECT o.id, 4, NULL, NULL
      FROM open_people o
      WHERE NOT o.employee_insurance AND o.household_id IS NOT NULL AND EXISTS (
        SELECT 1 FROM persons hp JOIN enrollments e ON e.person_id = hp.id AND e.year = ${q.year}
        WHERE hp.household_id = o.household_id AND ${enrolledBy(q.asOf)})
      UNION ALL
      SELECT o.id, 5, NULL, NULL
      FROM open_people o JOIN enrollments ly ON ly.person_id = o.id AND ly.year = ${q.year - 1}
      WHERE NOT o.employee_insurance AND ly.status IN ('enrolled', 'suspended')
    ), first AS (
      SELECT DISTINCT ON (id) id, pri, deadline, detail FROM reasons ORDER BY id, pri
    )
    SELECT f.id::text AS person_id,
      (ARRAY['key_group', 'newborn', 'employee_lapse', 'household_partial', 'lapsed_payer'])[f.pri] AS kind,
      to_char(f.deadline, 'YYYY-MM-DD') AS deadline, f.detail,
      p.residence_village AS village, r.name AS village_name, h.household_no, p.name, p.doc_no, p.phone,
      fu.note AS followup_note, fu.by AS followup_by, to_char(fu.at, 'YYYY-MM-DD HH24:MI') AS followup_at
    FROM first f
    JOIN persons p ON p.id = f.id
    LEFT JOIN households h ON h.id = p.household_id
    LEFT JOIN regions r ON r.code = p.residence_village
    LEFT JOIN LATERAL (
      SELECT w.note, w.by, w.at FROM worklist_followups w
      WHERE w.person_id = f.id AND w.year = ${q.year}
        AND w.kind = (ARRAY['key_group', 'newborn', 'employee_lapse', 'household_partial', 'lapsed_payer'])[f.pri]
      ORDER BY w.at DESC, w.id DESC LIMIT 1
    ) fu ON true
    ORDER BY f.pri, f.deadline NULLS LAST, p.residence_village, h.household_no NULLS LAST, p.id
    LIMIT ${q.limit}`.execute(db.db);
  return rows;
}

export async function insertFollowup(
  db: DbSession,
  f: { countyCode: string; personId: string; year: number; kind: WorklistKind; note: string; by: string },
): Promise<{ id: string; at: string }> {
  const { rows } = await sql<{ id: string; at: string }>`
    INSERT INTO worklist_followups (county_code, person_id, year, kind, note, by)
    VALUES (${f.countyCode}, ${f.personId}::bigint, ${f.year}, ${f.kind}, ${f.note}, ${f.by})
    RETURNING id::text AS id, to_char(at, 'YYYY-MM-DD HH24:MI:SS') AS at`.execute(db.db);
  return rows[0]!;
}
