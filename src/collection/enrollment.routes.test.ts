// The rollover and enrollment-history endpoints in-process (app.inject) on both databases.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../http/app.js';
import { maskId } from '../registry/id-document.js';
import { describeEachDatabase } from '../test-support/db.js';
import { addEnrollment, addPersons, packsWith2026, rid, seedShuangqing } from './rollover-fixture.js';

const A = rid('43050219750101021');
const B = rid('43050219750101022');

describeEachDatabase('rollover HTTP API', (getDb) => {
  let app: FastifyInstance;
  let idA = 0;
  beforeAll(async () => {
    await getDb().transaction(async (tx) => {
      await seedShuangqing(tx);
      const ids = await addPersons(tx, [
        { docNo: A, name: '王一' },
        { docNo: B, name: '王二', village: '430502001002' },
      ]);
      idA = ids.get(A)!;
      for (const y of [2021, 2022, 2023, 2024, 2025])
        await addEnrollment(tx, idA, y, 'enrolled', 'history', y === 2023);
      await addEnrollment(tx, ids.get(B)!, 2025, 'enrolled');
      await addEnrollment(tx, ids.get(B)!, 2026, 'enrolled');
    });
    app = await buildApp({ packs: packsWith2026(), db: getDb() });
  });
  afterAll(async () => app?.close());

  it('documents the endpoints in Chinese', async () => {
    const paths = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json().paths;
    expect(paths['/api/campaigns'].post.summary).toContain('开办年度征缴');
    expect(paths['/api/campaigns'].get.summary).toContain('年度征缴');
    expect(paths['/api/campaigns/{county}/{year}/unrenewed'].get.summary).toContain('本年尚未参保');
    expect(paths['/api/persons/{id}/enrollments'].get.summary).toContain('参保记录');
  });

  it('opens a campaign (201, then 200 for the same again), refuses a year without a pack, lists it', async () => {
    const first = await app.inject({
      method: 'POST',
      url: '/api/campaigns',
      payload: { region: '430502', year: 2026 },
    });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({
      created: true,
      campaign: { packId: '430502-2026', status: 'open' },
    });
    const again = await app.inject({
      method: 'POST',
      url: '/api/campaigns',
      payload: { region: '430502', year: 2026 },
    });
    expect(again.statusCode).toBe(200);
    expect(again.json().created).toBe(false);
    const missing = await app.inject({
      method: 'POST',
      url: '/api/campaigns',
      payload: { region: '430502', year: 2030 },
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error).toMatchObject({
      code: 'no-pack',
      message: expect.stringContaining('docs/policy-packs.md'),
    });
    const bad = await app.inject({
      method: 'POST',
      url: '/api/campaigns',
      payload: { region: '4305', year: 2026 },
    });
    expect(bad.statusCode).toBe(400);
    const list = await app.inject({ method: 'GET', url: '/api/campaigns?region=430502' });
    expect(list.json()).toMatchObject([
      { countyCode: '430502', year: 2026, openedBy: expect.stringMatching(/^http:/) },
    ]);
  });

  it('lists the unrenewed with masked IDs', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/campaigns/430502/2026/unrenewed?limit=10' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      total: 1,
      next: null,
      items: [{ docNo: maskId(A), name: '王一', villageName: '火车社区' }],
    });
    const village = await app.inject({
      method: 'GET',
      url: '/api/campaigns/430502/2026/unrenewed?village=430502001002',
    });
    expect(village.json().total).toBe(0);
  });

  it('answers a person’s years with continuity', async () => {
    const byDoc = await app.inject({ method: 'GET', url: `/api/persons/${A}/enrollments?capFen=3000000` });
    expect(byDoc.statusCode).toBe(200);
    const body = byDoc.json();
    expect(body.person.docNo).toBe(maskId(A));
    expect(body.years).toHaveLength(5);
    expect(body.continuity).toMatchObject({
      year: 2026,
      consecutiveYears: 5,
      zeroClaimYears: [2021, 2022, 2024, 2025],
      raise: {
        continuityRaiseFen: 100000,
        zeroClaimRaiseFen: 400000,
        totalRaiseFen: 500000,
        limitFen: 600000,
      },
    });
    const uncapped = await app.inject({ method: 'GET', url: `/api/persons/${A}/enrollments` });
    expect(uncapped.json().continuity.raise.limitFen).toBeNull();
    const unknown = await app.inject({
      method: 'GET',
      url: `/api/persons/${rid('43050219990101888')}/enrollments`,
    });
    expect(unknown.statusCode).toBe(404);
  });
});
