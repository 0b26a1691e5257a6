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

/** Last year's enrolled (history rows carry no enrolled_on: the year's final state counts). `ly` is its alias. */
export const ENROLLED_LAST_YEAR = sql`(ly.status IN ('enrolled', 'suspended'))`;

/** Identity `i` in force on the as-of date. */
export function identityOpen(asOf: string): RawBuilder<unknown> {
  return sql`(i.valid_from <= ${asOf}::date AND (i.valid_to IS NULL OR i.valid_to >= ${asOf}::date))`;
}
