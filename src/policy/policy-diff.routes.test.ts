// GET /api/policy/diff: the same comparison as `canbao policy diff`, with each side's citation;
// every signed-in role may read it, nobody without a session.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../http/app.js';
import { describeEachDatabase } from '../test-support/db.js';
import { addAndLogin } from '../test-support/login.js';
import { diffPacks } from './pack-diff.js';
import { shippedPacks } from './pack-loader.js';

const packs = shippedPacks();

describeEachDatabase('policy diff over HTTP', (getDb) => {
  let app: FastifyInstance;
  let cookies: Record<string, string>;
  beforeAll(async () => {
    app = await buildApp({ packs, db: getDb(), auth: { secureCookies: false }, webRoot: false });
    cookies = await addAndLogin(app, getDb(), [['cun1', 'village', '130802001001']]);
  });
  afterAll(async () => app?.close());

  it('answers what the CLI answers, with citations, to a village worker; 401 without a session', async () => {
    const url = '/api/policy/diff?from=130802-2025&to=430502-2025';
    expect((await app.inject({ method: 'GET', url })).statusCode).toBe(401);
    const r = await app.inject({ method: 'GET', url, headers: { cookie: cookies.cun1! } });
    expect(r.statusCode).toBe(200);
    const expected = diffPacks(packs.get('130802-2025')!, packs.get('430502-2025')!, packs);
    expect(r.json()).toEqual(JSON.parse(JSON.stringify(expected)));
    const changes = r.json().sections.flatMap((s: { changes: object[] }) => s.changes);
    expect(changes.length).toBeGreaterThan(0);
    expect(changes.some((c: { citeA?: string; citeB?: string }) => c.citeA && c.citeB)).toBe(true);
  });

  it('takes 地区:年度 references and refuses an unknown pack in the one error shape', async () => {
    const byRegion = await app.inject({
      method: 'GET',
      url: '/api/policy/diff?from=130802:2025&to=130802-2025',
      headers: { cookie: cookies.cun1! },
    });
    expect(byRegion.json()).toMatchObject({ same: true, sections: [] });
    const bad = await app.inject({
      method: 'GET',
      url: '/api/policy/diff?from=999999-2025&to=130802-2025',
      headers: { cookie: cookies.cun1! },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'no-pack', where: 'from' });
  });
});
