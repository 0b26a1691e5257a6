// Entrusted agents on both databases: ledger totals to the fen, overdue by days and by limit (FIFO
// against hand-overs), hand-over idempotency on the receipt number, the region's overdue list, audit.
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { OutcomeError } from '../policy/outcome.js';
import { describeEachDatabase } from '../test-support/db.js';
import { addAgent, agentLedger, agentList, overdueAgents, recordHandover } from './agent.service.js';
import { agentBalance } from './agent-ledger.js';
import { EAST, SQ_VILLAGE, seedAssessmentsAndPayments, seedRegistry, WEST } from './collection-fixture.js';

const code = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
  } catch (e) {
    if (e instanceof OutcomeError) return `${e.issues[0]!.code}: ${e.issues[0]!.message}`;
    throw e;
  }
  return 'no error';
};

describe('agentBalance (FIFO)', () => {
  const rules = { code: 'X', name: '某村', handoverDays: 7, handoverLimitFen: 100000 };
  const days = [
    { date: '2023-10-01', count: 2, totalFen: 41801 },
    { date: '2023-10-03', count: 1, totalFen: 38001 },
  ];
  it('a collection is overdue only once more than handoverDays days have passed', () => {
    expect(agentBalance(rules, days, 0, '2023-10-08').alerts).toEqual([]);
    const late = agentBalance(rules, days, 0, '2023-10-09');
    expect(late.overdueFen).toBe(41801);
    expect(late.alerts[0]!.message).toContain(
      '已持有 8 天，超过规定的 7 天（应于 2023-10-08 前缴库），超期未缴 418.01元',
    );
  });
  it('hand-overs pay off the oldest days first, partly', () => {
    const b = agentBalance(rules, days, 50000, '2023-10-11');
    expect(b.oldestUnhanded).toEqual({
      date: '2023-10-03',
      amountFen: 29802,
      daysHeld: 8,
      dueBy: '2023-10-10',
    });
    expect(b.overdueFen).toBe(29802);
    expect(b.outstandingFen).toBe(29802);
  });
  it('the limit alert starts when the money held reaches the limit', () => {
    expect(
      agentBalance({ ...rules, handoverLimitFen: 79802 }, days, 0, '2023-10-03').alerts.map((a) => a.code),
    ).toEqual(['over_limit']);
    expect(agentBalance({ ...rules, handoverLimitFen: 79803 }, days, 0, '2023-10-03').alerts).toEqual([]);
  });
});

describeEachDatabase('entrusted agents', (getDb) => {
  beforeAll(async () => {
    const db = getDb();
    await seedRegistry(db);
    await seedAssessmentsAndPayments(db);
  });

  it('registers agents once, refuses a taken code with other details, checks kind and area', async () => {
    const db = getDb();
    const v1 = {
      code: 'V1',
      name: '东村村委会',
      kind: 'village',
      area: EAST,
      handoverLimitFen: 100000,
      actor: 't',
    };
    expect((await addAgent(db, v1)).status).toBe('added');
    expect(await addAgent(db, v1)).toMatchObject({
      status: 'already_added',
      agent: { code: 'V1', handoverDays: 7 },
    });
    expect(await code(addAgent(db, { ...v1, name: '别的' }))).toMatch(
      /^code-in-use: 代征人员编码 V1 已登记为"东村村委会"/,
    );
    expect(await code(addAgent(db, { ...v1, code: 'V9', area: '130628100' }))).toMatch(
      /^bad-area: 村（居）委会代征/,
    );
    expect(await code(addAgent(db, { ...v1, code: 'V9', area: '130628100299' }))).toMatch(
      /^unknown-area: 区划表中没有/,
    );
    expect(await code(addAgent(db, { ...v1, code: 'V9', kind: 'bank' }))).toMatch(/^bad-kind/);
    await addAgent(db, { code: 'V2', name: '西村村委会', kind: 'village', area: WEST, actor: 't' });
    await addAgent(db, { code: 'T1', name: '庞口镇政府', kind: 'township', area: '130628100', actor: 't' });
    await addAgent(db, { code: 'V3', name: '东关村', kind: 'village', area: SQ_VILLAGE, actor: 't' });
    expect((await agentList(db, '130628')).map((a) => a.code)).toEqual(['T1', 'V1', 'V2']);
    expect((await agentList(db, WEST)).map((a) => a.code)).toEqual(['V2']);
    expect((await agentList(db)).map((a) => a.code)).toHaveLength(4);
    const audits = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM audit_log WHERE action = 'agent.add'`.execute(db.db);
    expect(audits.rows[0]!.n).toBe(4);
  });

  it('the ledger counts accepted payments only, by day, to the fen', async () => {
    const l = await agentLedger(getDb(), 'V1', '2023-10-06');
    expect(l.byDay).toEqual([
      { date: '2023-10-01', count: 2, totalFen: 41801 },
      { date: '2023-10-03', count: 1, totalFen: 38001 },
      { date: '2023-10-05', count: 1, totalFen: 38000 },
    ]);
    expect(l).toMatchObject({
      collectedCount: 4,
      collectedFen: 117802,
      handedOverFen: 0,
      outstandingFen: 117802,
    });
    // Held 5 days: not yet overdue; but 1178.02 yuan is over the 1000 yuan limit.
    expect(l.alerts.map((a) => a.code)).toEqual(['over_limit']);
    expect(l.alerts[0]!.message).toBe(
      '超限额未缴库：东村村委会（V1）未缴库 1178.02元，已达到限额 1000元，应立即缴库',
    );
    const before = await agentLedger(getDb(), 'V1', '2023-10-02');
    expect(before).toMatchObject({ collectedCount: 2, collectedFen: 41801, alerts: [] });
  });

  it('overdue by days: the 10-01 collections are late on 10-09', async () => {
    const l = await agentLedger(getDb(), 'V1', '2023-10-09');
    expect(l.alerts.map((a) => [a.code, a.amountFen])).toEqual([
      ['overdue', 41801],
      ['over_limit', 117802],
    ]);
  });

  it('hand-overs: idempotent on the receipt, never more than held, FIFO afterwards', async () => {
    const db = getDb();
    const h1 = { agentCode: 'V1', amountFen: 41801, handedOn: '2023-10-08', receiptNo: 'JK-001', actor: 't' };
    expect(await recordHandover(db, h1)).toMatchObject({ status: 'recorded', outstandingFen: 76001 });
    expect(await recordHandover(db, h1)).toMatchObject({
      status: 'already_recorded',
      handover: { receiptNo: 'JK-001', amountFen: 41801 },
    });
    expect(await code(recordHandover(db, { ...h1, amountFen: 41800 }))).toBe(
      'receipt-in-use: 凭证号 JK-001 已登记为 2023-10-08 缴库 418.01元，与本次（2023-10-08，418元）不同，请核对',
    );
    // On 10-02 only 418.01 had been collected, all of it handed over already.
    expect(
      await code(recordHandover(db, { ...h1, receiptNo: 'JK-X', amountFen: 1, handedOn: '2023-10-02' })),
    ).toMatch(/^more-than-held: 缴库金额 0.01元 超过 东村村委会（V1）截至 2023-10-02 的未缴库金额 0元/);
    expect(
      await code(recordHandover(db, { ...h1, receiptNo: 'JK-X', amountFen: 76002, handedOn: '2023-10-09' })),
    ).toMatch(/^more-than-held: .*760.01元/);
    expect(await code(recordHandover(db, { ...h1, agentCode: 'NOPE' }))).toMatch(/^no-agent/);
    const h2 = { agentCode: 'V1', amountFen: 20000, handedOn: '2023-10-09', receiptNo: 'JK-002', actor: 't' };
    await recordHandover(db, h2);
    const l = await agentLedger(db, 'V1', '2023-10-11');
    expect(l).toMatchObject({ handedOverFen: 61801, outstandingFen: 56001, overdueFen: 18001 });
    expect(l.handovers.map((h) => h.receiptNo)).toEqual(['JK-001', 'JK-002']);
    expect(l.oldestUnhanded).toEqual({
      date: '2023-10-03',
      amountFen: 18001,
      daysHeld: 8,
      dueBy: '2023-10-10',
    });
    expect(l.alerts.map((a) => a.code)).toEqual(['overdue']);
    // A hand-over dated after as-of does not count yet.
    expect((await agentLedger(db, 'V1', '2023-10-08')).handedOverFen).toBe(41801);
    const rows = await sql<{ n: number; audits: number }>`
      SELECT (SELECT count(*)::int FROM agent_handovers WHERE agent_code = 'V1') AS n,
        (SELECT count(*)::int FROM audit_log WHERE action = 'agent.handover') AS audits`.execute(db.db);
    expect(rows.rows[0]).toEqual({ n: 2, audits: 2 });
  });

  it('the same receipt posted twice at once is stored once', async () => {
    const db = getDb();
    const h = { agentCode: 'V2', amountFen: 5000, handedOn: '2023-10-02', receiptNo: 'XC-1', actor: 't' };
    const results = await Promise.all([recordHandover(db, h), recordHandover(db, h)]);
    expect(results.map((r) => r.status).sort()).toEqual(['already_recorded', 'recorded']);
    expect(new Set(results.map((r) => r.handover.id)).size).toBe(1);
  });

  it('overdue lists exactly the agents of the region with an alert', async () => {
    const db = getDb();
    const gy = await overdueAgents(db, '130628', '2023-10-11');
    expect(gy.map((x) => [x.agent.code, x.balance.overdueFen])).toEqual([['V1', 18001]]);
    const sq = await overdueAgents(db, '130802', '2023-10-11');
    expect(sq.map((x) => [x.agent.code, x.balance.outstandingFen])).toEqual([['V3', 100]]);
    expect(await overdueAgents(db, '130628', '2023-10-04')).toEqual([]);
    expect(await code(overdueAgents(db, '1306'))).toMatch(/^bad-region/);
  });
});
