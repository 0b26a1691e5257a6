import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../http/app.js';
import { shippedPacks } from '../policy/pack-loader.js';
import { checkDigit } from '../registry/id-document.js';
import { describeEachDatabase } from '../test-support/db.js';
import { recordPayment } from './payment.service.js';

const packs = shippedPacks();
const gyId = (n: number) => {
  const first17 = `13062819800104${String(n).padStart(3, '0')}`;
  return first17 + checkDigit(first17);
};

describeEachDatabase('HTTP events and refunds', (getDb) => {
  let app: FastifyInstance;
  beforeAll(async () => {
    const db = getDb();
    await sql`INSERT INTO persons (county_code, doc_type, doc_no, name, residence_village)
      VALUES ${sql.join([1, 2].map((n) => sql`('130628', 'resident_id', ${gyId(n)}, ${`高阳${n}`}, '130628001001')`))}`.execute(
      db.db,
    );
    for (const n of [1, 2]) {
      await recordPayment(db, packs, {
        docNo: gyId(n),
        year: 2024,
        amountFen: 38000,
        paidOn: '2023-10-10',
        channel: 'tax_window',
        externalNo: `GYH${n}`,
      });
    }
    app = await buildApp({ packs, db });
  });
  afterAll(async () => app?.close());

  it('POST /api/events records a death and files the refund; the second post changes nothing', async () => {
    const body = {
      docNo: gyId(1),
      type: 'death',
      occurredOn: '2023-11-20',
      reportedOn: '2023-12-01',
      source: 'health',
    };
    const res = await app.inject({ method: 'POST', url: '/api/events', payload: body });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ status: 'recorded', refunds: [{ due: true, amountFen: 38000 }] });
    const again = await app.inject({ method: 'POST', url: '/api/events', payload: body });
    expect([again.statusCode, again.json().status]).toEqual([200, 'already_recorded']);
    const list = await app.inject({ method: 'GET', url: `/api/persons/${gyId(1)}/events` });
    expect(list.json()).toMatchObject({
      name: '高阳1',
      events: [{ type: 'death', occurred_on: '2023-11-20', source: 'health' }],
    });
  });

  it('errors come in the shared shape, in Chinese', async () => {
    const unknown = await app.inject({ method: 'GET', url: `/api/persons/${gyId(99)}/events` });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.message).toContain('一人一档中没有');
    const badType = await app.inject({
      method: 'POST',
      url: '/api/events',
      payload: { docNo: gyId(2), type: 'wedding', occurredOn: '2023-11-20' },
    });
    expect(badType.statusCode).toBe(400);
    expect(badType.json().error.code).toBe('INVALID_REQUEST');
    const notDue = await app.inject({
      method: 'POST',
      url: '/api/refunds',
      payload: { docNo: gyId(2), year: 2024, reason: 'duplicate_payment', requestedOn: '2024-02-01' },
    });
    expect(notDue.statusCode).toBe(400);
    expect(notDue.json().error).toMatchObject({
      code: 'not-due',
      message: expect.stringContaining('不予退费'),
    });
  });

  it('refund request, approve, reject and list (masked)', async () => {
    const req = await app.inject({
      method: 'POST',
      url: '/api/refunds',
      payload: { docNo: gyId(2), year: 2024, reason: 'duplicate_payment', requestedOn: '2023-12-10' },
    });
    expect(req.statusCode).toBe(201);
    const id = req.json().refund.id as number;
    const rejectNoNote = await app.inject({ method: 'POST', url: `/api/refunds/${id}/reject`, payload: {} });
    expect(rejectNoNote.statusCode).toBe(400);
    const ok = await app.inject({ method: 'POST', url: `/api/refunds/${id}/approve`, payload: {} });
    expect([ok.statusCode, ok.json().state]).toEqual([200, 'approved']);
    const late = await app.inject({
      method: 'POST',
      url: `/api/refunds/${id}/reject`,
      payload: { note: '重复' },
    });
    expect(late.statusCode).toBe(400);
    expect(late.json().error.message).toContain('不能驳回');
    const missing = await app.inject({ method: 'POST', url: '/api/refunds/99999/approve', payload: {} });
    expect(missing.statusCode).toBe(404);
    const list = await app.inject({
      method: 'GET',
      url: '/api/refunds?region=130628&year=2024&state=approved',
    });
    expect(list.json()).toEqual([
      expect.objectContaining({ id, doc_no: `1306**********${gyId(2).slice(-4)}` }),
    ]);
  });

  it('the OpenAPI document names the routes in Chinese', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(doc.paths['/api/events'].post.tags).toEqual(['人员事件']);
    expect(doc.paths['/api/refunds'].get.tags).toEqual(['退费']);
    expect(doc.paths['/api/refunds/{id}/approve'].post.summary).toContain('审核同意');
  });
});
