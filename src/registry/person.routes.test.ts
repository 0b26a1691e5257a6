// The 参保人员 API through the real app with sessions: search by name and by the last digits of an
// ID number, a person's page with every section, a village worker kept to their own village, the
// registry check and village roster, and the regions with the population base.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../http/app.js';
import { shippedPacks } from '../policy/pack-loader.js';
import { describeEachDatabase } from '../test-support/db.js';
import { maskId } from './id-document.js';
import { EAST, LI, requestsAs, seedPersonFixture, WANG, ZHANG } from './person-routes.fixture.js';

describeEachDatabase('persons, registry and regions over HTTP', (getDb) => {
  let app: FastifyInstance;
  let ids: Record<string, number>;
  const as = requestsAs(() => app);

  beforeAll(async () => {
    ids = await seedPersonFixture(getDb());
    app = await buildApp({ packs: shippedPacks(), db: getDb(), auth: { secureCookies: false } });
  });
  afterAll(async () => app?.close());

  it('finds people by name prefix, by whole ID number and by its last digits', async () => {
    const byName = await as('admin', `/api/persons?q=${encodeURIComponent('张')}&year=2025`);
    expect(byName.statusCode).toBe(200);
    expect(byName.json()).toMatchObject({
      kind: 'name',
      hasMore: false,
      items: [
        {
          name: '张东一',
          docNo: ZHANG,
          villageName: '东关村',
          householdNo: 'H001',
          enrollmentStatus: 'enrolled',
        },
      ],
    });
    const byTail = (await as('admin', `/api/persons?q=${ZHANG.slice(-6)}`)).json();
    expect(byTail.kind).toBe('id_tail');
    expect(byTail.items.map((p: { name: string }) => p.name)).toEqual(['张东一']);
    const whole = (await as('admin', `/api/persons?q=${WANG}`)).json();
    expect(whole).toMatchObject({ kind: 'id', items: [{ name: '王西三', villageCode: '130802001002' }] });
    // A name inside a township is also found by what it contains.
    const contains = (
      await as('admin', `/api/persons?q=${encodeURIComponent('东')}&region=130802001`)
    ).json();
    expect(contains.items.map((p: { name: string }) => p.name).sort()).toEqual(['张东一', '李东二']);
    expect((await as('admin', `/api/persons?q=${encodeURIComponent('东')}`)).json().items).toEqual([]);
    const paged = (
      await as('admin', `/api/persons?q=${encodeURIComponent('东')}&region=130802001&limit=1`)
    ).json();
    expect(paged.items).toHaveLength(1);
    expect(paged.hasMore).toBe(true);
  });

  it('masks ID numbers for roles that may not see them and keeps a village worker to their village', async () => {
    const own = (await as('cun1', `/api/persons?q=${encodeURIComponent('王')}`)).json();
    expect(own.items).toEqual([]);
    const mine = (await as('cun1', `/api/persons?q=${encodeURIComponent('李')}`)).json();
    expect(mine.items).toMatchObject([{ name: '李东二', docNo: maskId(LI) }]);
    const elsewhere = await as('cun1', `/api/persons?q=${encodeURIComponent('王')}&region=130802001002`);
    expect(elsewhere.statusCode).toBe(403);
    expect((await as('cun1', `/api/persons/${WANG}`)).statusCode).toBe(403);
    // Named by the internal number from a search result: refused just the same.
    const byId = await as('cun1', `/api/persons/${ids[WANG]}`);
    expect(byId.statusCode).toBe(403);
    expect(byId.json().error.code).toBe('OUT_OF_SCOPE');
    expect((await as('cun1', `/api/persons/${ZHANG}`)).statusCode).toBe(200);
  });

  it('shows one person with every section, explained for the year', async () => {
    const r = await as('admin', `/api/persons/${ZHANG}?year=2025`);
    expect(r.statusCode).toBe(200);
    const p = r.json();
    expect(p).toMatchObject({
      name: '张东一',
      docNo: ZHANG,
      villageName: '东关村',
      townshipName: '石洞子沟街道',
      household: { householdNo: 'H001' },
      payments: [{ amountFen: 4000, statusName: '已入账' }],
      refunds: [{ amountFen: 1000, stateName: '已申请' }],
      enrollments: [{ year: 2025, statusName: '已参保' }, { year: 2024 }],
      events: [{ type: 'employee_insurance', typeName: '参加职工医保' }],
    });
    expect(p.members.map((m: { name: string }) => m.name)).toEqual(['张东一', '李东二']);
    expect(
      p.identities.map((i: { categoryName: string; current: boolean }) => [i.categoryName, i.current]),
    ).toEqual([
      ['最低生活保障对象', true],
      ['脱贫人口', false],
    ]);
    expect(p.explanation.year).toBe(2025);
    expect(p.explanation.outcome.payableFen).toBe(4000);
    expect(p.explanation.text).toContain('个人应缴 40元');
    // The same person by internal number, masked for a village worker.
    const masked = (await as('cun1', `/api/persons/${ids[ZHANG]}`)).json();
    expect(masked.docNo).toBe(maskId(ZHANG));
    expect(masked.members.map((m: { docNo: string }) => m.docNo)).toEqual([maskId(ZHANG), maskId(LI)]);
    // Without a year: the stored assessments only, no explanation computed.
    expect(masked.assessments).toEqual([]);
    expect(masked.explanation).toBeNull();
    expect(masked.phone).toBe(maskId('13800000001'));
    expect((await as('admin', '/api/persons/99999999')).statusCode).toBe(404);
  });

  it('runs the registry check and lists a village for workers of that area only', async () => {
    const check = await as('xiang1', '/api/registry/check');
    expect(check.statusCode).toBe(200);
    expect(check.json().region).toBe('130802001');
    const village = (await as('cun1', `/api/registry/villages/${EAST}`)).json();
    expect(village).toMatchObject({ counts: { households: 1, persons: 2 }, region: { name: '东关村' } });
    expect(village.persons[0].doc_no).toBe(maskId(ZHANG));
    expect((await as('cun1', '/api/registry/villages/130802001002')).statusCode).toBe(403);
    expect((await as('lingdao', '/api/registry/check')).statusCode).toBe(403);
  });

  it('lists regions for every role and lets only bureau staff set the population base (audited)', async () => {
    const list = (await as('lingdao', '/api/regions?parent=130802001')).json();
    expect(list.children.map((c: { name: string }) => c.name)).toEqual(['东关村', '西关村']);
    expect(
      (await as('cun1', '/api/regions/population', 'POST', { region: EAST, year: 2025, population: 10 }))
        .statusCode,
    ).toBe(403);
    const set = await as('admin', '/api/regions/population', 'POST', {
      region: EAST,
      year: 2025,
      population: 1200,
    });
    expect(set.json()).toEqual({ region: EAST, year: 2025, population: 1200, previous: null });
    const read = (await as('admin', '/api/regions/population?region=130802001&year=2025')).json();
    expect(read.children).toContainEqual({ code: EAST, name: '东关村', population: 1200 });
    const log = (await as('admin', '/api/audit?entity=population_base')).json();
    expect(JSON.stringify(log)).toContain('population.set');
  });
});
