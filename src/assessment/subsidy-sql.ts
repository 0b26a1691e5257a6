// One set-based statement for "highest subsidy wins" over a whole region: conditions joined to
// identities, `unless` exclusions subtracted, then DISTINCT ON picking the largest amount with the
// pack order as tie-break — exactly the rule of src/policy/subsidy.ts, on millions of rows at once.
import { type RawBuilder, sql } from 'kysely';
import type { CompiledRules } from './rule-rows.js';

/**
 * @param identities a query with columns person_id, identity_id, category, grade, kind, formerly_poor,
 *   risk_eliminated: the identities that count for the assessment (valid, in time, in the hukou place).
 * @param people a query with column person_id: everyone to assess; its other columns are passed through.
 * Returns rows: person_id, tier, standard_fen, subsidy_fen, payable_fen, category, subsidy_rule, funding_source,
 *   undetermined (a subsidy without an amount applies and the determined ones leave something to pay:
 *   the one-person engine answers NOT_COVERED for exactly these people).
 */
/** Identity i meets condition c: the attribute tests of matchesCondition in src/policy/subsidy.ts. */
const MATCHES = sql`(c.grade_min IS NULL OR i.grade >= c.grade_min)
  AND (c.grade_max IS NULL OR i.grade <= c.grade_max)
  AND (c.kinds IS NULL OR i.kind = ANY (c.kinds))
  AND (c.formerly_poor IS NULL OR COALESCE(i.formerly_poor, false) = c.formerly_poor)
  AND (c.risk_eliminated IS NULL OR i.risk_eliminated = c.risk_eliminated)`;

export function subsidyQuery(
  compiled: CompiledRules,
  identities: RawBuilder<unknown>,
  people: RawBuilder<unknown>,
): RawBuilder<unknown> {
  const rules = compiled.rules.length
    ? sql.join(
        compiled.rules.map(
          (r) =>
            sql`(${r.ord}::int, ${r.ruleId}::text, ${r.amountFen}::int, ${r.tier}::text, ${r.tierFen}::int, ${r.fundingSource}::text)`,
        ),
      )
    : sql`(NULL::int, NULL::text, NULL::int, NULL::text, NULL::int, NULL::text)`;
  const conditionValues = (list: CompiledRules['conditions']) =>
    list.length
      ? sql.join(
          list.map(
            (c) =>
              sql`(${c.ord}::int, ${c.category}::text, ${c.gradeMin}::smallint, ${c.gradeMax}::smallint, ${c.kinds ? `{${c.kinds.join(',')}}` : null}::text[], ${c.formerlyPoor}::boolean, ${c.riskEliminated}::boolean, ${c.excludes}::boolean)`,
          ),
        )
      : sql`(NULL::int, NULL::text, NULL::smallint, NULL::smallint, NULL::text[], NULL::boolean, NULL::boolean, NULL::boolean)`;
  const conditions = conditionValues(compiled.conditions);
  const undetermined = conditionValues(compiled.undetermined);

  return sql`
    WITH rule_rows(ord, rule_id, amount_fen, tier, tier_fen, funding_source) AS (VALUES ${rules}),
    cond_rows(ord, category, grade_min, grade_max, kinds, formerly_poor, risk_eliminated, excludes) AS (VALUES ${conditions}),
    und_rows(ord, category, grade_min, grade_max, kinds, formerly_poor, risk_eliminated, excludes) AS (VALUES ${undetermined}),
    ids AS (${identities}),
    hits AS (
      SELECT i.person_id, i.identity_id, i.category, c.ord, c.excludes
      FROM ids i
      JOIN cond_rows c ON c.category = i.category
        AND ${MATCHES}
    ),
    eligible AS (
      -- Per person and rule: matched by some identity and excluded by none (grouping, not NOT EXISTS
      -- over the CTE, which is quadratic); the category reported is that of the first identity.
      SELECT h.person_id, h.ord, (array_agg(h.category ORDER BY h.identity_id) FILTER (WHERE NOT h.excludes))[1] AS category
      FROM hits h
      GROUP BY h.person_id, h.ord
      HAVING bool_or(NOT h.excludes) AND NOT bool_or(h.excludes)
    ),
    und AS (
      SELECT DISTINCT i.person_id FROM ids i JOIN und_rows c ON c.category = i.category
        AND ${MATCHES}
    ),
    best AS (
      SELECT DISTINCT ON (e.person_id) e.person_id, e.category, r.rule_id, r.amount_fen, r.tier, r.tier_fen, r.funding_source
      FROM eligible e JOIN rule_rows r ON r.ord = e.ord
      ORDER BY e.person_id, r.amount_fen DESC, r.ord
    )
    SELECT p.*,
      COALESCE(b.tier, ${compiled.defaultTier}::text) AS tier,
      COALESCE(b.tier_fen, ${compiled.defaultTierFen}::int) AS standard_fen,
      COALESCE(LEAST(b.amount_fen, b.tier_fen), 0) AS subsidy_fen,
      COALESCE(b.tier_fen, ${compiled.defaultTierFen}::int) - COALESCE(LEAST(b.amount_fen, b.tier_fen), 0) AS payable_fen,
      b.category, b.rule_id AS subsidy_rule, b.funding_source,
      (u.person_id IS NOT NULL AND COALESCE(LEAST(b.amount_fen, b.tier_fen), 0) < COALESCE(b.tier_fen, ${compiled.defaultTierFen}::int)) AS undetermined
    FROM (${people}) p
    LEFT JOIN best b ON b.person_id = p.person_id
    LEFT JOIN und u ON u.person_id = p.person_id`;
}
