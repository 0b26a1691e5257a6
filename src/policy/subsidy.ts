// "Highest subsidy wins, never two" (就高不就低): an explicit maximum over every rule a person's
// identities meet, ties going to the rule listed first in the pack. Losing and near-miss rules are
// kept so the explanation can say why each lost.
import { percentOf } from './money.js';
import type { Amount, IdentityCondition, Pack, SubsidyRule, UndeterminedSubsidy } from './pack.schema.js';
import type { Identity } from './request.schema.js';
import { DISABILITY_KIND_NAMES, IDENTITY_NAMES } from './vocabulary.js';

export interface Candidate {
  rule: SubsidyRule;
  index: number;
  identity: Identity;
  /** The rule's amount against its own tier. */
  amountFen: number;
  /** The amount after capping at what the person actually owes. */
  cappedFen: number;
}

export interface NearMiss {
  rule: SubsidyRule;
  identity: Identity;
  reason: string;
}

export interface SubsidyDecision {
  winner: Candidate | undefined;
  candidates: Candidate[];
  nearMisses: NearMiss[];
  /** Subsidies the document grants to this person without an amount. */
  undetermined: { rule: UndeterminedSubsidy; identityIndex: number }[];
}

const GRADE_ZH = ['', '一', '二', '三', '四'];

export function matchesCondition(c: IdentityCondition, id: Identity): boolean {
  if (c.category !== id.category) return false;
  if (c.gradeMin !== undefined && (id.grade === undefined || id.grade < c.gradeMin)) return false;
  if (c.gradeMax !== undefined && (id.grade === undefined || id.grade > c.gradeMax)) return false;
  if (c.kinds !== undefined && (id.kind === undefined || !c.kinds.includes(id.kind))) return false;
  if (c.formerlyPoor === true && id.formerlyPoor !== true) return false;
  if (c.formerlyPoor === false && id.formerlyPoor === true) return false;
  if (c.riskEliminated !== undefined && id.riskEliminated !== c.riskEliminated) return false;
  return true;
}

export function amountFor(amount: Amount, tierFen: number): number {
  if ('full' in amount) return tierFen;
  if ('percent' in amount) return percentOf(tierFen, amount.percent);
  return amount.fixedFen;
}

/** 残疾人（一至二级，精神） */
export function describeCondition(c: IdentityCondition): string {
  const parts: string[] = [];
  if (c.gradeMin !== undefined || c.gradeMax !== undefined) {
    const lo = c.gradeMin ?? 1;
    const hi = c.gradeMax ?? 4;
    parts.push(lo === hi ? `${GRADE_ZH[lo]}级` : `${GRADE_ZH[lo]}至${GRADE_ZH[hi]}级`);
  }
  if (c.kinds) parts.push(c.kinds.map((k) => DISABILITY_KIND_NAMES[k]).join('、'));
  if (c.formerlyPoor !== undefined) parts.push(c.formerlyPoor ? '脱贫人口' : '非脱贫人口');
  if (c.riskEliminated !== undefined) parts.push(c.riskEliminated ? '风险已消除' : '风险未消除');
  return `${IDENTITY_NAMES[c.category]}${parts.length ? `（${parts.join('，')}）` : ''}`;
}

export function describeIdentity(id: Identity): string {
  const parts: string[] = [];
  if (id.grade !== undefined) parts.push(`${GRADE_ZH[id.grade]}级`);
  if (id.kind !== undefined) parts.push(DISABILITY_KIND_NAMES[id.kind]);
  if (id.formerlyPoor) parts.push('脱贫人口');
  if (id.riskEliminated !== undefined) parts.push(id.riskEliminated ? '风险已消除' : '风险未消除');
  return `${IDENTITY_NAMES[id.category]}${parts.length ? `（${parts.join('，')}）` : ''}`;
}

export function decideSubsidy(
  pack: Pack,
  identities: Identity[],
  tierFen: (tier: string) => number,
  standardFen: number,
): SubsidyDecision {
  const candidates: Candidate[] = [];
  const nearMisses: NearMiss[] = [];
  const rules = pack.subsidies ?? [];
  for (let index = 0; index < rules.length; index++) {
    const rule = rules[index]!;
    const excludedBy = rule.unless
      ? identities.find((id) => rule.unless!.some((c) => matchesCondition(c, id)))
      : undefined;
    let matched: Identity | undefined;
    for (const id of identities) {
      if (!rule.identities.some((c) => matchesCondition(c, id))) {
        const sameCategory = rule.identities.find((c) => c.category === id.category);
        if (sameCategory) {
          nearMisses.push({
            rule,
            identity: id,
            reason: `${describeIdentity(id)}不符合"${describeCondition(sameCategory)}"的条件`,
          });
        }
        continue;
      }
      if (excludedBy) {
        nearMisses.push({
          rule,
          identity: id,
          reason: `已具有${describeIdentity(excludedBy)}身份，按规定不适用此项资助`,
        });
        continue;
      }
      matched = id;
      break;
    }
    if (matched) {
      const amountFen = amountFor(rule.amount, tierFen(rule.tier));
      candidates.push({
        rule,
        index,
        identity: matched,
        amountFen,
        cappedFen: Math.min(amountFen, standardFen),
      });
    }
  }
  let winner: Candidate | undefined;
  for (const c of candidates) if (!winner || c.cappedFen > winner.cappedFen) winner = c;
  const undetermined: SubsidyDecision['undetermined'] = [];
  for (const rule of pack.undeterminedSubsidies ?? []) {
    const identityIndex = identities.findIndex((id) => rule.identities.some((c) => matchesCondition(c, id)));
    if (identityIndex >= 0) undetermined.push({ rule, identityIndex });
  }
  return { winner, candidates, nearMisses, undetermined };
}
