// Entrusted agents (委托代征): register them, show each one's ledger (collected, handed over,
// outstanding, 限期限额 alerts) and record hand-overs, idempotent on the receipt number.

import { audit } from '../audit/audit-log.js';
import type { DatabaseHandle, DbSession } from '../db/connection.js';
import { isValidDate, todayInChina } from '../policy/dates.js';
import { formatYuan } from '../policy/money.js';
import { refuse } from '../policy/outcome.js';
import { regionPrefix } from '../policy/pack-loader.js';
import {
  type AgentKind,
  type AgentRow,
  collectionsByDay,
  findAgent,
  findHandover,
  type HandoverRow,
  handedOverTotals,
  handoverRoom,
  handovers,
  insertAgent,
  insertHandover,
  listAgents,
  regionName,
} from './agent.repository.js';
import { type AgentAlert, type AgentBalance, agentBalance, type DayCollection } from './agent-ledger.js';

export const AGENT_KINDS = ['village', 'township', 'school', 'other'] as const;
export const AGENT_KIND_NAMES: Record<AgentKind, string> = {
  village: '村（居）委会',
  township: '乡镇（街道）',
  school: '学校',
  other: '其他',
};

/** Defaults of the agents table (014_enrollment): hand over within 7 days, at the latest at 50,000 yuan. */
export const DEFAULT_HANDOVER_DAYS = 7;
export const DEFAULT_HANDOVER_LIMIT_FEN = 5_000_000;

/** A region code as typed (6, 9 or 12 digits) → the prefix its codes start with (140600 → 1406). */
export function regionCodePrefix(region: string, where = 'region'): string {
  const code = region.trim();
  if (!/^\d{6}(\d{3}(\d{3})?)?$/.test(code))
    refuse('bad-region', where, `地区代码"${region}"无效：应为6位区县代码、9位乡镇代码或12位村（社区）代码`);
  return code.length === 6 ? regionPrefix(code) : code;
}

export interface AgentInput {
  code: string;
  name: string;
  kind: string;
  area: string;
  handoverDays?: number;
  handoverLimitFen?: number;
  actor: string;
}

export interface AgentAddResult {
  status: 'added' | 'already_added';
  agent: AgentRow;
}

export async function addAgent(db: DatabaseHandle, input: AgentInput): Promise<AgentAddResult> {
  const code = input.code.trim();
  const name = input.name.trim();
  const area = input.area.trim();
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(code))
    refuse('bad-code', 'code', `代征人员编码"${input.code}"无效：只能用字母、数字、连字符和下划线，最长40位`);
  if (name === '') refuse('missing-name', 'name', '须填写代征人员或单位名称');
  if (!(AGENT_KINDS as readonly string[]).includes(input.kind))
    refuse(
      'bad-kind',
      'kind',
      `未知的代征类型"${input.kind}"（可选：village 村居、township 乡镇、school 学校、other 其他）`,
    );
  const kind = input.kind as AgentKind;
  // A village agent collects in one village, a township agent in one township; schools and
  // others may be registered at any level of the county.
  const lengths: Record<AgentKind, number[]> = {
    village: [12],
    township: [9],
    school: [6, 9, 12],
    other: [6, 9, 12],
  };
  if (!/^\d+$/.test(area) || !lengths[kind].includes(area.length))
    refuse(
      'bad-area',
      'area',
      `${AGENT_KIND_NAMES[kind]}代征的所在地区"${input.area}"无效：应为${lengths[kind].map((n) => `${n}位`).join('或')}区划代码`,
    );
  const days = input.handoverDays ?? DEFAULT_HANDOVER_DAYS;
  if (!Number.isInteger(days) || days <= 0 || days > 366)
    refuse('bad-days', 'days', `缴库期限应为1到366之间的整数天数，收到"${input.handoverDays}"`);
  const limit = input.handoverLimitFen ?? DEFAULT_HANDOVER_LIMIT_FEN;
  if (!Number.isInteger(limit) || limit <= 0 || limit > 2_000_000_000)
    refuse('bad-limit', 'limit', '缴库限额应为正数（元，最多两位小数），且不超过2000万元');

  return db.transaction(async (tx) => {
    if ((await regionName(tx, area)) === undefined)
      refuse('unknown-area', 'area', `区划表中没有代码 ${area}，请先导入区划（canbao regions import）`);
    const wanted = {
      code,
      countyCode: area.slice(0, 6),
      name,
      kind,
      areaCode: area,
      handoverDays: days,
      handoverLimitFen: limit,
    };
    const inserted = await insertAgent(tx, wanted);
    const stored = (await findAgent(tx, code))!;
    if (!inserted) {
      const same =
        stored.name === name &&
        stored.kind === kind &&
        stored.areaCode === area &&
        stored.handoverDays === days &&
        stored.handoverLimitFen === limit;
      if (!same)
        refuse(
          'code-in-use',
          'code',
          `代征人员编码 ${code} 已登记为"${stored.name}"（${AGENT_KIND_NAMES[stored.kind]}，${stored.areaCode ?? stored.countyCode}），与本次填写的不同，请换一个编码或核对`,
        );
      return { status: 'already_added', agent: stored };
    }
    await audit(tx, {
      actor: input.actor,
      action: 'agent.add',
      entity: 'agent',
      entityId: code,
      countyCode: wanted.countyCode,
      after: wanted,
    });
    return { status: 'added', agent: stored };
  });
}

export async function agentList(db: DbSession, region?: string): Promise<AgentRow[]> {
  return listAgents(db, region ? regionCodePrefix(region) : '');
}

export interface AgentLedger extends AgentBalance {
  agent: AgentRow;
  byDay: DayCollection[];
  handovers: HandoverRow[];
}

async function requireAgent(db: DbSession, code: string, forUpdate = false): Promise<AgentRow> {
  const agent = await findAgent(db, code.trim(), forUpdate);
  if (!agent) return refuse('no-agent', 'code', `没有代征人员编码 ${code}，请先用 canbao agent add 登记`);
  return agent;
}

const rulesOf = (a: AgentRow) => ({
  code: a.code,
  name: a.name,
  handoverDays: a.handoverDays,
  handoverLimitFen: a.handoverLimitFen,
});

function checkDate(date: string, where: string): string {
  if (!isValidDate(date)) refuse('bad-date', where, `无效的日期"${date}"，应为 YYYY-MM-DD`);
  return date;
}

export async function agentLedger(db: DbSession, code: string, asOf = todayInChina()): Promise<AgentLedger> {
  checkDate(asOf, 'asOf');
  const agent = await requireAgent(db, code);
  const byDay = (await collectionsByDay(db, [agent.code], asOf)).get(agent.code) ?? [];
  const handed = await handovers(db, agent.code, asOf);
  const handedFen = handed.reduce((a, h) => a + h.amountFen, 0);
  return { agent, byDay, handovers: handed, ...agentBalance(rulesOf(agent), byDay, handedFen, asOf) };
}

export interface OverdueAgent {
  agent: AgentRow;
  balance: AgentBalance;
}

/** Every active agent of the region with a 限期限额 alert on asOf: three queries, whatever the number of agents. */
export async function overdueAgents(
  db: DbSession,
  region: string,
  asOf = todayInChina(),
): Promise<OverdueAgent[]> {
  checkDate(asOf, 'asOf');
  const agents = await listAgents(db, regionCodePrefix(region), true);
  const codes = agents.map((a) => a.code);
  const days = await collectionsByDay(db, codes, asOf);
  const handed = await handedOverTotals(db, codes, asOf);
  return agents
    .map((agent) => ({
      agent,
      balance: agentBalance(rulesOf(agent), days.get(agent.code) ?? [], handed.get(agent.code) ?? 0, asOf),
    }))
    .filter((x) => x.balance.alerts.length > 0);
}

export interface HandoverInput {
  agentCode: string;
  amountFen: number;
  handedOn: string;
  receiptNo: string;
  actor: string;
}

export interface HandoverResult {
  status: 'recorded' | 'already_recorded';
  handover: HandoverRow;
  /** Still held by the agent after this hand-over (all hand-overs, collections up to its date). */
  outstandingFen: number;
}

export async function recordHandover(db: DatabaseHandle, input: HandoverInput): Promise<HandoverResult> {
  if (!Number.isInteger(input.amountFen) || input.amountFen <= 0)
    refuse('bad-amount', 'amount', '缴库金额应为正数，且精确到分');
  checkDate(input.handedOn, 'date');
  const receiptNo = input.receiptNo.trim();
  if (receiptNo === '') refuse('missing-receipt', 'receipt', '须填写缴库凭证（收据）号');
  return db.transaction(async (tx) => {
    const agent = await requireAgent(tx, input.agentCode, true);
    const prior = await findHandover(tx, agent.code, receiptNo);
    if (prior) {
      if (prior.amountFen !== input.amountFen || prior.handedOn !== input.handedOn)
        refuse(
          'receipt-in-use',
          'receipt',
          `凭证号 ${receiptNo} 已登记为 ${prior.handedOn} 缴库 ${formatYuan(prior.amountFen)}，与本次（${input.handedOn}，${formatYuan(input.amountFen)}）不同，请核对`,
        );
      return {
        status: 'already_recorded',
        handover: prior,
        outstandingFen: await handoverRoom(tx, agent.code, prior.handedOn),
      };
    }
    const room = await handoverRoom(tx, agent.code, input.handedOn);
    if (input.amountFen > room)
      refuse(
        'more-than-held',
        'amount',
        `缴库金额 ${formatYuan(input.amountFen)} 超过 ${agent.name}（${agent.code}）截至 ${input.handedOn} 的未缴库金额 ${formatYuan(Math.max(room, 0))}`,
      );
    // The row lock on the agent makes a concurrent same receipt wait and then find `prior`.
    const row = (await insertHandover(tx, {
      agentCode: agent.code,
      countyCode: agent.countyCode,
      amountFen: input.amountFen,
      handedOn: input.handedOn,
      receiptNo,
      actor: input.actor,
    }))!;
    await audit(tx, {
      actor: input.actor,
      action: 'agent.handover',
      entity: 'agent_handover',
      entityId: row.id,
      countyCode: agent.countyCode,
      before: { outstandingFen: room },
      after: { ...row, outstandingFen: room - row.amountFen },
    });
    return { status: 'recorded', handover: row, outstandingFen: room - row.amountFen };
  });
}

export type { AgentAlert, AgentRow, HandoverRow };
