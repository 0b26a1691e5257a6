// A region's assessment started over HTTP answers at once with a job; the job then records its
// result. A failing job records the reason in Chinese; a job left running by a stopped process is
// marked failed when the service starts again.

import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../http/app.js';
import { shippedPacks } from '../policy/pack-loader.js';
import { loadDemoPopulation } from '../registry/demo/load.js';
import { seedRegions } from '../registry/regions.service.js';
import { describeEachDatabase } from '../test-support/db.js';

describeEachDatabase('jobs', (getDb) => {
  let app: FastifyInstance;
  beforeAll(async () => {
    await seedRegions(getDb().db);
    await loadDemoPopulation(getDb(), { persons: 300, seed: 'jobs', counties: ['430502'] });
    app = await buildApp({ packs: shippedPacks(), db: getDb() });
  }, 60_000);
  afterAll(async () => app?.close());

  const waitFor = async (id: number) => {
    for (;;) {
      const job = (await app.inject({ method: 'GET', url: `/api/jobs/${id}` })).json();
      if (job.status === 'succeeded' || job.status === 'failed') return job;
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  it('runs a region assessment in the background and keeps its totals', async () => {
    const started = await app.inject({
      method: 'POST',
      url: '/api/jobs/assessments',
      payload: { region: '430502', year: 2025, asOf: '2024-10-01' },
    });
    expect(started.statusCode).toBe(202);
    expect(started.json()).toMatchObject({ kind: 'assess-region', status: 'queued' });
    const job = await waitFor(started.json().id);
    expect(job.status).toBe('succeeded');
    const stored = await sql<{ n: number }>`SELECT count(*)::int AS n FROM assessments`.execute(getDb().db);
    expect(job.result.totals.persons).toBe(stored.rows[0]!.n);
    expect(job.progress).toMatch(/正在核定 430502 2025 年度/);
  });

  it('records why a job failed', async () => {
    const started = await app.inject({
      method: 'POST',
      url: '/api/jobs/assessments',
      payload: { region: '430502', year: 2031 },
    });
    const job = await waitFor(started.json().id);
    expect(job.status).toBe('failed');
    expect(job.error.message).toMatch(/2031/);
  });

  it('marks a job left running by a stopped process as failed on the next start', async () => {
    const r = await sql<{ id: number }>`
      INSERT INTO jobs (kind, params, status, created_by) VALUES ('assess-region', '{}', 'running', 'test')
      RETURNING id`.execute(getDb().db);
    const again = await buildApp({ packs: shippedPacks(), db: getDb() });
    const job = (await again.inject({ method: 'GET', url: `/api/jobs/${r.rows[0]!.id}` })).json();
    expect(job).toMatchObject({ status: 'failed', error: { code: 'INTERRUPTED' } });
    await again.close();
  });
});
