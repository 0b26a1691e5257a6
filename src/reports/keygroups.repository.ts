// Key groups in one statement: each person's memberships (a pack key group, each identity
// category in force, students, newborns) as rows, counted per group for the whole area and per
// township with GROUPING SETS; and the named list of members not enrolled yet.
import { type RawBuilder, sql } from 'kysely';
import type { DbSession } from '../db/connection.js';
import { ELIGIBLE, enrolledBy, identityOpen, inArea } from './coverage-sql.js';

export interface KeyGroupDef {
  /** 'kg:0' for the pack's first key group, 'cat:tekun', 'student', 'newborn'. */
  key: string;
  categories?: readonly string[];
}

export interface KeyGroupQuery {
  villageLike: string;
  countyLike: string;
  year: number;
  asOf: string;
  /** Key groups of the pack: their member categories. */
  keyGroups: readonly (readonly string[])[];
  /** Born on or after this day counts as a newborn of the campaign. */
  newbornFrom: string;
}

/** (person_id, grp) for every membership; eligible persons of the area only. */
function memberships(q: KeyGroupQuery): RawBuilder<unknown> {
  const groups = q.keyGroups.map(
    (cats, k) => sql`
      SELECT DISTINCT i.person_id, ${`kg:${k}`}::text AS grp FROM person_identities i
      WHERE i.county_code LIKE ${q.countyLike} AND ${identityOpen(q.asOf)}
        AND i.category IN (${sql.join(cats.map((c) => sql`${c}`))})`,
  );
  return sql`
    SELECT m.person_id, m.grp FROM (
      ${sql.join(
        [
          ...groups,
          sql`SELECT DISTINCT i.person_id, 'cat:' || i.category AS grp FROM person_identities i
            WHERE i.county_code LIKE ${q.countyLike} AND ${identityOpen(q.asOf)}`,
          sql`SELECT p.id, 'student' FROM persons p WHERE p.student AND ${inArea(sql`p.residence_village`, q.villageLike)}`,
          sql`SELECT p.id, 'newborn' FROM persons p
            WHERE p.birth_date >= ${q.newbornFrom}::date AND p.birth_date <= ${q.asOf}::date
              AND ${inArea(sql`p.residence_village`, q.villageLike)}`,
        ],
        sql` UNION ALL `,
      )}
    ) m`;
}

export interface KeyGroupCountRow {
  grp: string;
  /** '' for the whole area. */
  township: string;
  township_name: string | null;
  members: number;
  enrolled: number;
}

export async function keyGroupCounts(db: DbSession, q: KeyGroupQuery): Promise<KeyGroupCountRow[]> {
  const { rows } = await sql<KeyGroupCountRow>`
    WITH m AS (${memberships(q)}), c AS (
      SELECT m.grp, coalesce(left(p.residence_village, 9), '') AS township,
        grouping(left(p.residence_village, 9)) AS g,
        count(*)::int AS members, count(*) FILTER (WHERE ${enrolledBy(q.asOf)})::int AS enrolled
      FROM m JOIN persons p ON p.id = m.person_id
      LEFT JOIN enrollments e ON e.person_id = p.id AND e.year = ${q.year}
      WHERE ${inArea(sql`p.residence_village`, q.villageLike)} AND ${ELIGIBLE}
      GROUP BY GROUPING SETS ((m.grp), (m.grp, left(p.residence_village, 9)))
    )
    SELECT c.grp, CASE WHEN c.g = 1 THEN '' ELSE c.township END AS township, r.name AS township_name,
      c.members, c.enrolled
    FROM c LEFT JOIN regions r ON r.code = c.township AND c.g = 0
    ORDER BY c.grp, township`.execute(db.db);
  return rows;
}

export interface MissingMemberRow {
  person_id: string;
  village: string;
  village_name: string | null;
  household_no: string | null;
  name: string;
  doc_no: string;
  phone: string | null;
  birth_date: string | null;
  /** The groups this person is in (keys), and the identity categories in force. */
  groups: string[];
}

/** Members of the pack's key groups, students and newborns not enrolled yet, by village and household. */
export async function missingMembers(
  db: DbSession,
  q: KeyGroupQuery,
  limit: number,
): Promise<MissingMemberRow[]> {
  const { rows } = await sql<MissingMemberRow>`
    WITH m AS (${memberships(q)})
    SELECT p.id::text AS person_id, p.residence_village AS village, r.name AS village_name, h.household_no,
      p.name, p.doc_no, p.phone, to_char(p.birth_date, 'YYYY-MM-DD') AS birth_date,
      array_agg(DISTINCT m.grp ORDER BY m.grp) AS groups
    FROM m JOIN persons p ON p.id = m.person_id
    LEFT JOIN enrollments e ON e.person_id = p.id AND e.year = ${q.year}
    LEFT JOIN households h ON h.id = p.household_id
    LEFT JOIN regions r ON r.code = p.residence_village
    WHERE ${inArea(sql`p.residence_village`, q.villageLike)} AND ${ELIGIBLE} AND NOT coalesce(${enrolledBy(q.asOf)}, false)
      AND m.grp NOT LIKE 'cat:%'
    GROUP BY p.id, r.name, h.household_no
    ORDER BY p.residence_village, h.household_no NULLS LAST, p.id
    LIMIT ${limit}`.execute(db.db);
  return rows;
}
