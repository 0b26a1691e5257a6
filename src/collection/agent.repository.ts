// SQL for entrusted agents (委托代征) and their hand-overs (缴库). A payment belongs to an agent when
// payments.agent holds the agent's code; only accepted payments are money the agent really holds.
import { sql } from 'kysely';
import type { DbSession } from '../db/connection.js';
import type { DayCollection } from './agent-ledger.js';

export type AgentKind = 'village' | 'township' | 'school' | 'other';

export interface AgentRow {
  code: string;
  countyCode: string;
  name: string;
  kind: AgentKind;
  areaCode: string | null;
  areaName: string | null;
  handoverDays: number;
  handoverLimitFen: number;
  active: boolean;
}

export interface HandoverRow {
  id: number;
  agentCode: string;
  amountFen: number;
  handedOn: string;
  receiptNo: string;
  recordedBy: string | null;
}

const SELECT_AGENT = sql`
  SELECT a.code, a.county_code AS "countyCode", a.name, a.kind, a.area_code AS "areaCode", r.name AS "areaName",
    a.handover_days AS "handoverDays", a.handover_limit_fen AS "handoverLimitFen", a.active
  FROM agents a LEFT JOIN regions r ON r.code = a.area_code`;

/** Agents whose area (or, without one, county) starts with the prefix; all agents when prefix is empty. */
export async function listAgents(s: DbSession, prefix: string, onlyActive = false): Promise<AgentRow[]> {
  const r = await sql<AgentRow>`${SELECT_AGENT}
    WHERE COALESCE(a.area_code, a.county_code) LIKE ${`${prefix}%`} ${onlyActive ? sql`AND a.active` : sql``}
    ORDER BY a.area_code NULLS LAST, a.code`.execute(s.db);
  return r.rows;
}

export async function findAgent(
  s: DbSession,
  code: string,
  forUpdate = false,
): Promise<AgentRow | undefined> {
  // FOR UPDATE on the agents row serialises hand-overs of one agent (outstanding is read, then written).
  const r = forUpdate
    ? await sql<AgentRow>`${SELECT_AGENT} WHERE a.code = ${code} FOR UPDATE OF a`.execute(s.db)
    : await sql<AgentRow>`${SELECT_AGENT} WHERE a.code = ${code}`.execute(s.db);
  return r.rows[0];
}

export interface NewAgent {
  code: string;
  countyCode: string;
  name: string;
  kind: AgentKind;
  areaCode: string;
  handoverDays: number;
  handoverLimitFen: number;
}

/** Inserts the agent; false when the code is already taken (the caller compares with the stored one). */
export async function insertAgent(s: DbSession, a: NewAgent): Promise<boolean> {
  const r = await sql`
    INSERT INTO agents (code, county_code, name, kind, area_code, handover_days, handover_limit_fen)
    VALUES (${a.code}, ${a.countyCode}, ${a.name}, ${a.kind}, ${a.areaCode}, ${a.handoverDays}, ${a.handoverLimitFen})
    ON CONFLICT (code) DO NOTHING`.execute(s.db);
  return Number(r.numAffectedRows ?? 0) > 0;
}

export async function regionName(s: DbSession, code: string): Promise<string | undefined> {
  const r = await sql<{ name: string }>`SELECT name FROM regions WHERE code = ${code}`.execute(s.db);
  return r.rows[0]?.name;
}

/** Accepted collections per agent and day up to asOf (uses payments_agent_idx). */
export async function collectionsByDay(
  s: DbSession,
  codes: readonly string[],
  asOf: string,
): Promise<Map<string, DayCollection[]>> {
  const out = new Map<string, DayCollection[]>();
  if (codes.length === 0) return out;
  const r = await sql<DayCollection & { agent: string }>`
    SELECT agent, paid_on AS date, count(*)::int AS count, sum(amount_fen)::bigint AS "totalFen"
    FROM payments
    WHERE agent IN (${sql.join([...codes])}) AND status = 'accepted' AND paid_on <= ${asOf}
    GROUP BY agent, paid_on ORDER BY agent, paid_on`.execute(s.db);
  for (const row of r.rows) {
    const list = out.get(row.agent) ?? [];
    list.push({ date: row.date, count: row.count, totalFen: Number(row.totalFen) });
    out.set(row.agent, list);
  }
  return out;
}

export async function handedOverTotals(
  s: DbSession,
  codes: readonly string[],
  asOf: string,
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (codes.length === 0) return out;
  const r = await sql<{ agent_code: string; total: number }>`
    SELECT agent_code, sum(amount_fen)::bigint AS total FROM agent_handovers
    WHERE agent_code IN (${sql.join([...codes])}) AND handed_on <= ${asOf}
    GROUP BY agent_code`.execute(s.db);
  for (const row of r.rows) out.set(row.agent_code, Number(row.total));
  return out;
}

export async function handovers(s: DbSession, code: string, asOf: string): Promise<HandoverRow[]> {
  const r = await sql<HandoverRow>`
    SELECT id, agent_code AS "agentCode", amount_fen AS "amountFen", handed_on AS "handedOn",
      receipt_no AS "receiptNo", recorded_by AS "recordedBy"
    FROM agent_handovers WHERE agent_code = ${code} AND handed_on <= ${asOf} ORDER BY handed_on, id`.execute(
    s.db,
  );
  return r.rows;
}

export async function findHandover(
  s: DbSession,
  code: string,
  receiptNo: string,
): Promise<HandoverRow | undefined> {
  const r = await sql<HandoverRow>`
    SELECT id, agent_code AS "agentCode", amount_fen AS "amountFen", handed_on AS "handedOn",
      receipt_no AS "receiptNo", recorded_by AS "recordedBy"
    FROM agent_handovers WHERE agent_code = ${code} AND receipt_no = ${receiptNo}`.execute(s.db);
  return r.rows[0];
}

/**
 * What the agent may still hand over on a date: accepted collections up to that date minus every
 * hand-over recorded (whatever its date), so the hand-overs never add up to more than was collected.
 */
export async function handoverRoom(s: DbSession, code: string, on: string): Promise<number> {
  const r = await sql<{ room: number }>`
    SELECT (SELECT COALESCE(sum(amount_fen), 0) FROM payments
              WHERE agent = ${code} AND status = 'accepted' AND paid_on <= ${on})
         - (SELECT COALESCE(sum(amount_fen), 0) FROM agent_handovers WHERE agent_code = ${code}) AS room`.execute(
    s.db,
  );
  return Number(r.rows[0]?.room ?? 0);
}

export async function insertHandover(
  s: DbSession,
  h: {
    agentCode: string;
    countyCode: string;
    amountFen: number;
    handedOn: string;
    receiptNo: string;
    actor: string;
  },
): Promise<HandoverRow | undefined> {
  const r = await sql<HandoverRow>`
    INSERT INTO agent_handovers (agent_code, county_code, amount_fen, handed_on, receipt_no, recorded_by)
    VALUES (${h.agentCode}, ${h.countyCode}, ${h.amountFen}, ${h.handedOn}, ${h.receiptNo}, ${h.actor})
    ON CONFLICT (agent_code, receipt_no) DO NOTHING
    RETURNING id, agent_code AS "agentCode", amount_fen AS "amountFen", handed_on AS "handedOn",
      receipt_no AS "receiptNo", recorded_by AS "recordedBy"`.execute(s.db);
  return r.rows[0];
}
