// Data quality panel: the problems that make coverage numbers wrong, found set-based over the
// area. Each problem is a row (kind, person, detail); the panel counts them and lists them.
import { type RawBuilder, sql } from 'kysely';
import type { DbSession } from '../db/connection.js';
import { inArea } from './coverage-sql.js';

export const QUALITY_KINDS = [
  'invalid_id',
  'duplicate_person',
  'deceased_enrolled',
  'enrolled_elsewhere',
  'duplicate_payment',
] as const;
export type QualityKind = (typeof QUALITY_KINDS)[number];

export interface QualityQuery {
  villageLike: string;
  year: number;
}

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/** GB 11643 check digit of p.doc_no's first 17 digits, as SQL (resident IDs, HMT permits, foreigner IDs). */
const CHECK_DIGIT = sql.raw(
  `substr('10X98765432', ((${WEIGHTS.map((w, i) => `substr(p.doc_no, ${i + 1}, 1)::int * ${w}`).join(' + ')}) % 11) + 1, 1)`,
);

function issues(q: QualityQuery): RawBuilder<unknown> {
  return sql`
    SELECT 'invalid_id' AS kind, p.id AS person_id,
      CASE WHEN p.doc_no !~ '^[0-9]{17}[0-9X]$' THEN '格式不符' ELSE '校验码错误' END AS detail
    FROM persons p
    WHERE ${inArea(sql`p.residence_village`, q.villageLike)}
      AND p.doc_type IN ('resident_id', 'hmt_permit', 'foreigner_permanent')
      AND (p.doc_no !~ '^[0-9]{17}[0-9X]$'
        OR (p.doc_no ~ '^[0-9]{17}[0-9X]$' AND ${CHECK_DIGIT} <> substr(p.doc_no, 18, 1)))
    UNION ALL
    SELECT 'duplicate_person', d.id, '同名同出生日期同村共 ' || d.n || ' 人'
    FROM (
      SELECT p.id, count(*) OVER (PARTITION BY p.name, p.birth_date, p.residence_village) AS n
      FROM persons p
      WHERE ${inArea(sql`p.residence_village`, q.villageLike)} AND p.birth_date IS NOT NULL AND p.status <> 'moved_out'
    ) d WHERE d.n > 1
    UNION ALL
    SELECT 'duplicate_person', p.id, '同一证件号码以不同证件类型登记'
    FROM persons p
    WHERE ${inArea(sql`p.residence_village`, q.villageLike)}
      AND EXISTS (SELECT 1 FROM persons o WHERE o.doc_no = p.doc_no AND o.id <> p.id)
    UNION ALL
    SELECT 'deceased_enrolled', p.id, '已登记死亡，' || ${q.year}::text || ' 年度仍为参保状态'
    FROM persons p JOIN enrollments e ON e.person_id = p.id AND e.year = ${q.year}
    WHERE ${inArea(sql`p.residence_village`, q.villageLike)} AND p.status = 'deceased' AND e.status = 'enrolled'
    UNION ALL
    SELECT 'enrolled_elsewhere', p.id,
      CASE WHEN p.employee_insurance THEN '已参加职工医保' ELSE '已在 ' || p.insured_elsewhere || ' 参保' END
    FROM persons p JOIN enrollments e ON e.person_id = p.id AND e.year = ${q.year}
    WHERE ${inArea(sql`p.residence_village`, q.villageLike)} AND e.status = 'enrolled'
      AND (p.employee_insurance OR p.insured_elsewhere IS NOT NULL)
    UNION ALL
    SELECT 'duplicate_payment', p.id, '本年度有 ' || count(*) || ' 笔已入账缴费'
    FROM persons p JOIN payments pay ON pay.person_id = p.id AND pay.year = ${q.year}
    WHERE ${inArea(sql`p.residence_village`, q.villageLike)} AND pay.status = 'accepted' AND pay.kind = 'contribution'
    GROUP BY p.id HAVING count(*) > 1`;
}

export async function qualityCounts(
  db: DbSession,
  q: QualityQuery,
): Promise<{ kind: QualityKind; n: number }[]> {
  const { rows } = await sql<{ kind: QualityKind; n: number }>`
    SELECT kind, count(DISTINCT person_id)::int AS n FROM (${issues(q)}) x GROUP BY kind`.execute(db.db);
  return rows;
}

export interface QualityRow {
  kind: QualityKind;
  detail: string;
  village: string;
  village_name: string | null;
  name: string;
  doc_no: string;
}

export async function qualityRows(db: DbSession, q: QualityQuery, limit: number): Promise<QualityRow[]> {
  const { rows } = await sql<QualityRow>`
    SELECT DISTINCT ON (x.kind, x.person_id) x.kind, x.detail, p.residence_village AS village, r.name AS village_name,
      p.name, p.doc_no
    FROM (${issues(q)}) x JOIN persons p ON p.id = x.person_id
    LEFT JOIN regions r ON r.code = p.residence_village
    ORDER BY x.kind, x.person_id
    LIMIT ${limit}`.execute(db.db);
  return rows;
}
