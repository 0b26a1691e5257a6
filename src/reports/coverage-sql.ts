// The SQL pieces every coverage-style report shares, so "eligible" and "enrolled" mean the same
// thing in coverage, key groups, ranking, worklists and the bulletin.
import { type RawBuilder, sql } from 'kysely';

/**
 * 应参保 in the registry: living here, not in the employee scheme, not insured elsewhere
 * (DOMAIN.md: those are not eligible; no enrollment in two places). `p` is the persons alias.
 */
export const ELIGIBLE = sql`(p.status = 'active' AND NOT p.employee_insurance AND p.insured_elsewhere IS NULL)`;

/** Enrolled for the year on the as-of date: enrolled or suspended, enrolled on or before it. `e` is the enrollment. */
export function enrolledBy(asOf: string): RawBuilder<unknown> {
  return sql`(e.status IN ('enrolled', 'suspended') AND e.enrolled_on <= ${asOf}::date)`;
}

/** Identity `i` in force on the as-of date. */
export function identityOpen(asOf: string): RawBuilder<unknown> {
  return sql`(i.valid_from <= ${asOf}::date AND (i.valid_to IS NULL OR i.valid_to >= ${asOf}::date))`;
}

/** The upper bound of a digit prefix: every code starting with it sorts before (1406 → 1407, 1409 → 1410). */
export function prefixUpperBound(prefix: string): string | null {
  const digits = prefix.split('');
  for (let i = digits.length - 1; i >= 0; i--) {
    if (digits[i] !== '9') {
      digits[i] = String(Number(digits[i]) + 1);
      return digits.slice(0, i + 1).join('');
    }
  }
  return null;
}

/**
 * `column LIKE 'prefix%'`, plus the equivalent range so the btree index on the column serves it in
 * any collation (LIKE alone uses it only under "C"): a county of a 1,000,000-person province reads
 * its 15% of persons instead of all of them. LIKE stays the filter, so the range only narrows.
 */
export function inArea(column: RawBuilder<unknown>, like: string): RawBuilder<unknown> {
  const prefix = like.replace(/%$/, '');
  const upper = /^\d+$/.test(prefix) ? prefixUpperBound(prefix) : null;
  if (upper === null) return sql`(${column} LIKE ${like})`;
  return sql`(${column} LIKE ${like} AND ${column} >= ${prefix} AND ${column} < ${upper})`;
}
