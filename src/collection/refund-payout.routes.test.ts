// Refund payout batches and the later-certification scan over HTTP, with sessions: who may run
// them, that a batch is idempotent, that finance sees masked IDs and the CSV downloads.
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addUser } from '../auth/user.service.js';
import { buildApp } from '../http/app.js';
import { shippedPacks } from '../policy/pack-loader.js';
import { checkDigit } from '../registry/id-document.js';
import { describeEachDatabase } from '../test-support/db.js';
import { recordPayment } from './payment.service.js';

const packs = shippedPacks();
const PW = 'canbao2025';
const gyId = (n: number) => {
  const first17 = `13062819800102${String(n).padStart(3, '0')}`;
  return first17 + checkDigit(first17);
};

describeEachDatabase('refund payouts and certifications over HTTP', (getDb) => {
  let app: FastifyInstance;
  const cookies: Record<string, string> = {};
  const call = (who: string, method: 'GET' | 'POST', url: string, payload?: object) =>
    app.inject({ method, url, headers: { cookie: cookies[who]! }, ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    const db = getDb();
    const rows = [1, 2, 3].map(
      (n) => sql`('130628', 'resident_id', ${gyId(n)}, ${`高阳${n}`}, '130628001001')`,
    );
    await sql`INSERT INTO persons (county_code, doc_type, doc_no, name, residence_village) VALUES ${sql.join(rows)}`.execute(
      db.db,
    );
    for (const n of [1, 2, 3])
      await recordPayment(db, packs, {
        docNo: gyId(n),
        year: 2024,
        amountFen: 38000,
        paidOn: '2023-10-10',
        channel: 'tax_window',
        externalNo: `GY${n}`,
      });
    // 1 低保 and 2 脱贫 certified inside the collection period after paying; 3 after it.
    const cert = (n: number, category: string, from: string) =>
      sql`INSERT INTO person_identities (county_code, person_id, category, department, valid_from)
        SELECT '130628', id, ${category}, 'civil_affairs', ${from} FROM persons WHERE doc_no = ${gyId(n)}`.execute(
        db.db,
      );
    await cert(1, 'dibao', '2023-11-10');
    await cert(2, 'out_of_poverty', '2023-12-01');
    await cert(3, 'dibao', '2024-01-10');
    for (const [username, role, scopeCode] of [
      ['admin', 'admin', undefined],
      ['jingban', 'staff', '130628'],
      ['caizheng', 'finance', '130628'],
      ['cun1', 'village', '130628001001'],
    ] as const)
      await addUser(
        db,
        { username, displayName: username, role, password: PW, ...(scopeCode ? { scopeCode } : {}) },
        'test',
      );
    app = await buildApp({ packs, db, auth: { secureCookies: false }, webRoot: false });
    for (const username of ['admin', 'jingban', 'caizheng', 'cun1']) {
      const r = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username, password: PW },
      });
      cookies[username] = String(r.headers['set-cookie'] ?? '').split(';')[0]!;
    }
  });
  afterAll(async () => app?.close());

  it('staff scan for later certifications (repeatable); a village worker may not', async () => {
    const body = { region: '130628', year: 2024, date: '2023-12-20' };
    const refused = await call('cun1', 'POST', '/api/refunds/certifications', body);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('FORBIDDEN');
    const r = await call('jingban', 'POST', '/api/refunds/certifications', body);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ candidates: 3, created: 2, existing: 0, refundedFen: 34200 + 26600 });
    expect(r.json().notDue[0].docNo).toBe(gyId(3));
    const again = await call('admin', 'POST', '/api/refunds/certifications', body);
    expect(again.json()).toMatchObject({ created: 0, existing: 2 });
  });

  it('a named batch pays the approved refunds once; finance reads it masked and downloads the CSV', async () => {
    const list = await call('jingban', 'GET', '/api/refunds?region=130628&state=requested');
    const ids: number[] = list.json().map((x: { id: number }) => x.id);
    expect(ids).toHaveLength(2);
    for (const id of ids)
      expect((await call('jingban', 'POST', `/api/refunds/${id}/approve`, {})).statusCode).toBe(200);

    const batch = { region: '130628', batch: '2023-12 第1批' };
    expect((await call('caizheng', 'POST', '/api/refunds/payouts', batch)).statusCode).toBe(403);
    const first = await call('jingban', 'POST', '/api/refunds/payouts', batch);
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ alreadyPaid: false, totalFen: 34200 + 26600 });
    expect(first.json().lines.map((l: { doc_no: string }) => l.doc_no)).toEqual([gyId(1), gyId(2)]);
    const again = await call('admin', 'POST', '/api/refunds/payouts', batch);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ alreadyPaid: true, totalFen: 34200 + 26600 });
    const paid = await call('jingban', 'GET', '/api/refunds?region=130628&state=paid');
    expect(paid.json()).toHaveLength(2);

    expect((await call('cun1', 'GET', '/api/refunds/payouts?region=130628')).statusCode).toBe(403);
    const batches = await call('caizheng', 'GET', '/api/refunds/payouts?region=130628');
    expect(batches.json()).toMatchObject([{ batch: '2023-12 第1批', count: 2, total_fen: 60800 }]);
    const q = `region=130628&batch=${encodeURIComponent(batch.batch)}`;
    const read = await call('caizheng', 'GET', `/api/refunds/payouts?${q}`);
    expect(read.json().lines[0].doc_no).not.toBe(gyId(1));
    expect(read.json().lines[0].doc_no).toContain('*');
    const csv = await call('jingban', 'GET', `/api/refunds/payouts?${q}&format=csv`);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toContain('attachment');
    expect(csv.body).toContain('退费编号');
    expect(csv.body).toContain(gyId(2));
    const missing = await call('jingban', 'GET', '/api/refunds/payouts?region=130628&batch=nope');
    expect(missing.statusCode).toBe(404);
  });
});
