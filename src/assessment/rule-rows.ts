// The pack's subsidy rules flattened into rows the database can join against. The same pack data
// and the same amount function (amountFor) drive the one-person engine, so the set-based path and
// `canbao assess` cannot drift apart; assess-region.test.ts compares them person by person.
import type { IdentityCondition } from '../policy/pack.schema.js';
import type { ResolvedPack } from '../policy/pack-loader.js';
import { amountFor } from '../policy/subsidy.js';

export interface RuleRow {
  ord: number;
  ruleId: string;
  amountFen: number;
  tier: string;
  tierFen: number;
  fundingSource: string;
}

export interface ConditionRow {
  ord: number;
  category: string;
  gradeMin: number | null;
  gradeMax: number | null;
  kinds: string[] | null;
  formerlyPoor: boolean | null;
  riskEliminated: boolean | null;
  /** An `unless` condition: matching it removes the rule for that person. */
  excludes: boolean;
}

export interface CompiledRules {
  rules: RuleRow[];
  conditions: ConditionRow[];
  /** Conditions of subsidies granted without an amount (ord = index in undeterminedSubsidies). */
  undetermined: ConditionRow[];
  defaultTier: string;
  defaultTierFen: number;
}

export function compileRules(resolved: ResolvedPack): CompiledRules {
  const { pack } = resolved;
  const contribution = pack.contribution;
  if (!contribution) throw new Error(`政策包 ${pack.id} 未规定缴费标准`);
  const tierFen = (code: string) => contribution.tiers.find((t) => t.code === code)!.fen;
  const rules: RuleRow[] = [];
  const conditions: ConditionRow[] = [];
  (pack.subsidies ?? []).forEach((rule, ord) => {
    rules.push({
      ord,
      ruleId: rule.id,
      amountFen: amountFor(rule.amount, tierFen(rule.tier)),
      tier: rule.tier,
      tierFen: tierFen(rule.tier),
      fundingSource: rule.fundingSource,
    });
    for (const c of rule.identities) conditions.push(conditionRow(c, ord, false));
    for (const c of rule.unless ?? []) conditions.push(conditionRow(c, ord, true));
  });
  const undetermined = (pack.undeterminedSubsidies ?? []).flatMap((rule, ord) =>
    rule.identities.map((c) => conditionRow(c, ord, false)),
  );
  return {
    rules,
    conditions,
    undetermined,
    defaultTier: contribution.defaultTier.tier,
    defaultTierFen: tierFen(contribution.defaultTier.tier),
  };
}

function conditionRow(c: IdentityCondition, ord: number, excludes: boolean): ConditionRow {
  return {
    ord,
    category: c.category,
    gradeMin: c.gradeMin ?? null,
    gradeMax: c.gradeMax ?? null,
    kinds: c.kinds ? [...c.kinds] : null,
    formerlyPoor: c.formerlyPoor ?? null,
    riskEliminated: c.riskEliminated ?? null,
    excludes,
  };
}
