// The agent and household endpoints in-process (app.inject) on both databases.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../http/app.js';
import { shippedPacks } from '../policy/pack-loader.js';
import { maskId } from '../registry/id-document.js';
import { describeEachDatabase } from '../test-support/db.js';
import { byName, EAST, personDoc, seedAssessmentsAndPayments, seedRegistry } from './collection-fixture.js';

describeEachDatabase('agent and household HTTP API', (getDb) => {
  let app: FastifyInstance;
  beforeAll(async () => {
    await seedRegistry(getDb());
    await seedAssessmentsAndPayments(getDb());
    app = await buildApp({ packs: shippedPacks(), db: getDb() });
  });
  afterAll(async () => app?.close());

  it('documents the endpoints in Chinese', async () => {
    const paths = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json().paths;
    expect(paths['/api/agents'].post.summary).toContain('登记代征人员');
    expect(paths['/api/agents/{code}/ledger'].get.summary).toContain('代征台账');
    expect(paths['/api/agents/{code}/handovers'].post.summary).toContain('登记缴库');
    expect(paths['/api/households/incomplete'].get.summary).toContain('整户参保');
    expect(paths['/api/households/{key}'].get.summary).toContain('家庭户参保缴费情况');
  });

  it('registers an agent (201, then 200 for the same again) and lists it', async () => {
    const body = { code: 'V1', name: '东村村委会', kind: 'village', area: EAST, handoverLimitFen: 100000 };
    const first = await app.inject({ method: 'POST', url: '/api/agents', payload: body });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ status: 'added', agent: { code: 'V1', areaName: '东村' } });
    expect((await app.inject({ method: 'POST', url: '/api/agents', payload: body })).statusCode).toBe(200);
    const bad = await app.inject({ method: 'POST', url: '/api/agents', payload: { ...body, kind: 'bank' } });
    expect(bad.statusCode).toBe(400);
    const list = await app.inject({ method: 'GET', url: '/api/agents?region=130628' });
    expect(list.json().map((a: { code: string }) => a.code)).toEqual(['V1']);
  });

  it('ledger, hand-over (201, replay 200, conflict 400), overdue list', async () => {
    const ledger = await app.inject({ method: 'GET', url: '/api/agents/V1/ledger?asOf=2023-10-09' });
    expect(ledger.json()).toMatchObject({
      collectedFen: 117802,
      outstandingFen: 117802,
      alerts: [{ code: 'overdue', amountFen: 41801 }, { code: 'over_limit' }],
    });
    const handover = { amountFen: 41801, handedOn: '2023-10-08', receiptNo: 'JK-001' };
    const url = '/api/agents/V1/handovers';
    const first = await app.inject({ method: 'POST', url, payload: handover });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ status: 'recorded', outstandingFen: 76001 });
    expect((await app.inject({ method: 'POST', url, payload: handover })).json().status).toBe(
      'already_recorded',
    );
    const conflict = await app.inject({ method: 'POST', url, payload: { ...handover, amountFen: 1 } });
    expect(conflict.statusCode).toBe(400);
    expect(conflict.json().error).toMatchObject({ code: 'receipt-in-use', where: 'receipt' });
    const overdue = await app.inject({
      method: 'GET',
      url: '/api/agents?region=130628&overdue=true&asOf=2023-10-11',
    });
    expect(overdue.json().map((x: { agent: { code: string } }) => x.agent.code)).toEqual(['V1']);
    const missing = await app.inject({ method: 'GET', url: '/api/agents/NOPE/ledger' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.message).toContain('没有代征人员编码 NOPE');
  });

  it('household status by number or member ID, masked; 404 when unknown', async () => {
    const res = await app.inject({
      method: 'GET',
      url: `/api/households/${personDoc(byName('李二'))}?year=2024`,
    });
    expect(res.statusCode).toBe(200);
    const [s] = res.json();
    expect(s.household.household_no).toBe('H1');
    expect(s.totals).toEqual({ members: 4, enrolled: 1, notAssessed: 1, dueFen: 3800 });
    expect(s.members[0].docNo).toBe(maskId(personDoc(byName('王大'))));
    expect((await app.inject({ method: 'GET', url: '/api/households/H404?year=2024' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/api/households/H1' })).statusCode).toBe(400);
  });

  it('incomplete households with the cited rule', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/api/households/incomplete?region=130628&year=2024',
    });
    expect(res.statusCode).toBe(200);
    const r = res.json();
    expect(r.rule).toMatchObject({ applies: true, citation: expect.stringContaining('一、（三）1.') });
    expect(r.households.map((h: { household_no: string }) => h.household_no)).toEqual(['H1', 'H5']);
  });
});
