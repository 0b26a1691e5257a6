// 限期限额缴库 for one entrusted agent (委托代征): what they collected, what they handed over, what they
// still hold, and whether they held it too long or too much. Pure: the repository supplies the
// day totals and the hand-overs, this decides.
//
// Hand-overs pay off the oldest collections first (FIFO), so "how long has this money been held"
// is the age of the oldest collection day not yet covered by the hand-overs.
import { addDays, daysBetween } from '../policy/dates.js';
import { formatYuan } from '../policy/money.js';

export interface DayCollection {
  date: string;
  count: number;
  totalFen: number;
}

export interface AgentRules {
  code: string;
  name: string;
  handoverDays: number;
  handoverLimitFen: number;
}

export type AgentAlertCode = 'overdue' | 'over_limit';

export interface AgentAlert {
  code: AgentAlertCode;
  /** Money concerned: the overdue part, or everything outstanding when over the limit. */
  amountFen: number;
  message: string;
}

export interface AgentBalance {
  asOf: string;
  collectedCount: number;
  collectedFen: number;
  handedOverFen: number;
  outstandingFen: number;
  /** The oldest collection day not yet fully handed over, with what is left of it. */
  oldestUnhanded: { date: string; amountFen: number; daysHeld: number; dueBy: string } | null;
  /** Money held longer than the agent's handover_days. */
  overdueFen: number;
  alerts: AgentAlert[];
}

/**
 * days: collections per day up to asOf, in date order; handedOverFen: everything handed over up to
 * asOf. A collection of day D must be handed over within handoverDays days, i.e. by D + days; it is
 * overdue once asOf is later than that. The limit is reached as soon as the money held equals it
 * (agents.handover_limit_fen: "hand over as soon as this much is held").
 */
export function agentBalance(
  agent: AgentRules,
  days: readonly DayCollection[],
  handedOverFen: number,
  asOf: string,
): AgentBalance {
  let collectedCount = 0;
  let collectedFen = 0;
  let cover = handedOverFen;
  let oldest: AgentBalance['oldestUnhanded'] = null;
  let overdueFen = 0;
  for (const d of days) {
    collectedCount += d.count;
    collectedFen += d.totalFen;
    const covered = Math.min(cover, d.totalFen);
    cover -= covered;
    const left = d.totalFen - covered;
    if (left <= 0) continue;
    const daysHeld = daysBetween(d.date, asOf);
    oldest ??= { date: d.date, amountFen: left, daysHeld, dueBy: addDays(d.date, agent.handoverDays) };
    if (daysHeld > agent.handoverDays) overdueFen += left;
  }
  const outstandingFen = collectedFen - handedOverFen;
  const alerts: AgentAlert[] = [];
  if (oldest && overdueFen > 0) {
    alerts.push({
      code: 'overdue',
      amountFen: overdueFen,
      message: `超期未缴库：${agent.name}（${agent.code}）自 ${oldest.date} 起代收的款项已持有 ${oldest.daysHeld} 天，超过规定的 ${agent.handoverDays} 天（应于 ${oldest.dueBy} 前缴库），超期未缴 ${formatYuan(overdueFen)}`,
    });
  }
  if (outstandingFen >= agent.handoverLimitFen) {
    alerts.push({
      code: 'over_limit',
      amountFen: outstandingFen,
      message: `超限额未缴库：${agent.name}（${agent.code}）未缴库 ${formatYuan(outstandingFen)}，已达到限额 ${formatYuan(agent.handoverLimitFen)}，应立即缴库`,
    });
  }
  return {
    asOf,
    collectedCount,
    collectedFen,
    handedOverFen,
    outstandingFen,
    oldestUnhanded: oldest,
    overdueFen,
    alerts,
  };
}
