// /api/reports/* in process on both databases (no sessions: a trusted caller, as other route tests).

import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../http/app.js';
import { shippedPacks } from '../policy/pack-loader.js';
import { describeEachDatabase } from '../test-support/db.js';
import { AS_OF, REGION, seedMidCampaign, YEAR } from './reports.fixture.js';

describeEachDatabase('report routes', (getDb) => {
  let app: FastifyInstance;
  beforeAll(async () => {
    await seedMidCampaign(getDb(), 800);
    app = await buildApp({ packs: shippedPacks(), db: getDb(), webRoot: false } as Parameters<
      typeof buildApp
    >[0]);
  }, 120_000);
  afterAll(async () => app?.close());

  const q = `region=${REGION}&year=${YEAR}&asOf=${AS_OF}`;

  it('answers every report as JSON', async () => {
    for (const path of [
      'coverage',
      'trend',
      'keygroups',
      'ranking',
      'settlement',
      'worklist',
      'quality',
      'targets',
      'bulletin',
    ]) {
      const res = await app.inject({ method: 'GET', url: `/api/reports/${path}?${q}` });
      expect(res.statusCode, path).toBe(200);
      expect(res.json()).toBeTruthy();
    }
    const cov = (await app.inject({ method: 'GET', url: `/api/reports/coverage?${q}` })).json();
    expect(cov.lines[0].level).toBe('total');
  });

  it('the bulletin as HTML, and Chinese errors for bad input', async () => {
    const res = await app.inject({ method: 'GET', url: `/api/reports/bulletin?${q}&format=html` });
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('<svg');
    const bad = await app.inject({
      method: 'GET',
      url: `/api/reports/coverage?region=140699999&year=${YEAR}`,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('不存在');
  });

  it('records a follow-up and a township target', async () => {
    const wl = (
      await app.inject({ method: 'GET', url: `/api/reports/worklist?${q}&fullId=true&limit=1` })
    ).json();
    const e = wl.entries[0];
    const res = await app.inject({
      method: 'POST',
      url: '/api/reports/followups',
      payload: { id: e.id, year: YEAR, kind: e.kind, note: '已通知' },
      headers: { 'x-canbao-user': '网格员' },
    });
    expect(res.statusCode).toBe(201);
    const cov = (await app.inject({ method: 'GET', url: `/api/reports/coverage?${q}` })).json();
    const township = cov.lines.find((l: { level: string }) => l.level === 'township').code;
    const t = await app.inject({
      method: 'POST',
      url: '/api/reports/targets',
      payload: { region: township, year: YEAR, dueOn: '2024-12-31', ratePercent: 92 },
    });
    expect(t.statusCode).toBe(200);
    expect(t.json()).toMatchObject({ ratePercent: 92 });
  });
});
