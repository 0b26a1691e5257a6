// The 核定 API through the real app with sessions: runs with the area's totals after two
// assessments of 双桥区 2025, the changes the second made, the per-person ledger, the tax export as
// a CSV download with Chinese headers (masked for finance), the what-if (bureau staff only) and
// one person's explanation.
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../http/app.js';
import { shippedPacks } from '../policy/pack-loader.js';
import { maskId } from '../registry/id-document.js';
import { LI, requestsAs, seedPersonFixture, WANG, ZHANG } from '../registry/person-routes.fixture.js';
import { describeEachDatabase } from '../test-support/db.js';
import { assessRegion } from './assess-region.service.js';
import { TAX_HEADERS } from './tax-export.js';

describeEachDatabase('assessments over HTTP', (getDb) => {
  let app: FastifyInstance;
  const as = requestsAs(() => app);

  beforeAll(async () => {
    const db = getDb();
    const ids = await seedPersonFixture(db);
    const packs = shippedPacks();
    await assessRegion(db, packs, { region: '130802', year: 2025, asOf: '2024-10-15' });
    // 李东二 is certified 低保 afterwards: the second run changes her amount, nobody else's.
    await sql`INSERT INTO person_identities (county_code, person_id, category, department, valid_from)
      VALUES ('130802', ${ids[LI]!}, 'dibao', 'civil_affairs', '2024-10-01')`.execute(db.db);
    await assessRegion(db, packs, { region: '130802', year: 2025, asOf: '2024-10-15' });
    app = await buildApp({ packs, db, auth: { secureCookies: false } });
  });
  afterAll(async () => app?.close());

  it('lists the runs with the area’s totals by funding source', async () => {
    const r = await as('lingdao', '/api/assessments/runs?region=130802&year=2025');
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body.runs).toHaveLength(2);
    expect(body.runs[0]).toMatchObject({ region: '130802', persons: 3, changed: 1, payableFen: 48000 });
    expect(body.runs[1]).toMatchObject({ persons: 3, changed: 0, payableFen: 84000 });
    expect(body.current.totals).toMatchObject({
      persons: 3,
      assessed: 3,
      subsidyFen: 72000,
      payableFen: 48000,
    });
    expect(body.current.bySource).toHaveLength(1);
    expect(body.current.bySource[0]).toMatchObject({ persons: 2, subsidyFen: 72000 });
    // A township sees its own totals, not the county's stored ones.
    const township = (await as('xiang1', '/api/assessments/runs?year=2025')).json();
    expect(township.region).toBe('130802001');
    expect(township.runs[0].payableFen).toBeUndefined();
    expect(township.current.totals.persons).toBe(3);
    expect((await as('cun1', '/api/assessments/runs?year=2025')).statusCode).toBe(403);
  });

  it('pages the ledger and shows what the latest run changed', async () => {
    const page = (await as('admin', '/api/assessments/ledger?region=130802&year=2025&limit=2')).json();
    expect(page.items).toHaveLength(2);
    expect(page.items[0]).toMatchObject({ docNo: ZHANG, payableFen: 4000, statusName: '已核定' });
    const rest = (
      await as('admin', '/api/assessments/ledger?region=130802&year=2025&limit=2&offset=2')
    ).json();
    expect(rest.items).toMatchObject([{ docNo: WANG, payableFen: 40000, categoryName: null }]);
    const changed = (
      await as('caizheng', '/api/assessments/ledger?region=130802&year=2025&changed=true')
    ).json();
    expect(changed).toMatchObject({
      total: 1,
      items: [
        {
          name: '李东二',
          docNo: maskId(LI),
          oldPayableFen: 40000,
          newPayableFen: 4000,
          newCategoryName: '最低生活保障对象',
        },
      ],
    });
  });

  it('downloads the tax export as a CSV with Chinese headers; finance gets masked ID numbers', async () => {
    const r = await as('admin', '/api/assessments/export?region=130802&year=2025&format=csv');
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/csv/);
    expect(String(r.headers['content-disposition'])).toContain('attachment');
    const lines = r.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r\n/);
    expect(lines[0]).toBe(TAX_HEADERS.join(','));
    expect(lines).toHaveLength(4);
    expect(r.body).toContain(ZHANG);
    const masked = (await as('caizheng', '/api/assessments/export?region=130802&year=2025')).body;
    expect(masked).not.toContain(ZHANG);
    expect(masked).toContain(maskId(ZHANG));
    const xlsx = await as('admin', '/api/assessments/export?region=130802&year=2025&format=xlsx');
    expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');
  });

  it('runs a what-if for bureau staff only, and explains one person', async () => {
    const body = { region: '130802', year: 2025, set: ['subsidies.low-income-90.amount.percent=100'] };
    expect((await as('lingdao', '/api/assessments/what-if', 'POST', body)).statusCode).toBe(403);
    const r = await as('admin', '/api/assessments/what-if', 'POST', body);
    if (r.statusCode !== 200) throw new Error(r.body);
    expect(r.json().before.totals.payableFen).toBe(48000);
    const explain = (
      await as('lingdao', `/api/assessments/explain/${ZHANG}?year=2025&asOf=2024-10-15`)
    ).json();
    expect(explain.docNo).toBe(maskId(ZHANG));
    expect(explain.outcome.payableFen).toBe(4000);
    expect(explain.text).toContain('计算过程');
    // The person page lists the stored assessment of each year.
    const person = (await as('lingdao', `/api/persons/${ZHANG}`)).json();
    expect(person.assessments).toMatchObject([
      { year: 2025, payableFen: 4000, statusName: '已核定', fundingSourceName: '医疗救助基金' },
    ]);
  });
});
