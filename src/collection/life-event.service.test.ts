import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import type { DatabaseHandle } from '../db/connection.js';
import { shippedPacks } from '../policy/pack-loader.js';
import { checkDigit } from '../registry/id-document.js';
import { describeEachDatabase } from '../test-support/db.js';
import { recordLifeEvent } from './life-event.service.js';
import { recordPayment } from './payment.service.js';

const packs = shippedPacks();
const gyId = (n: number) => {
  const first17 = `13062819800101${String(n).padStart(3, '0')}`;
  return first17 + checkDigit(first17);
};
const sqId = (n: number) => {
  const first17 = `43050219800101${String(n).padStart(3, '0')}`;
  return first17 + checkDigit(first17);
};

/** A payment through the real service, and its enrolment row if payments do not write one yet. */
async function paid(
  db: DatabaseHandle,
  docNo: string,
  year: number,
  amountFen: number,
  paidOn: string,
  channel: string,
) {
  const r = await recordPayment(db, packs, {
    docNo,
    year,
    amountFen,
    paidOn,
    channel,
    externalNo: `T-${docNo}-${year}`,
  });
  const benefit = packs.find(docNo.slice(0, 6), year)!.pack.benefit!;
  await sql`INSERT INTO enrollments (county_code, year, person_id, status, source, registered_on, enrolled_on, payment_id,
      benefit_start, benefit_end)
    SELECT p.county_code, ${year}, p.id, 'enrolled', 'payment', ${paidOn}, ${paidOn}, ${r.paymentId}, ${benefit.start}, ${benefit.end}
    FROM persons p WHERE p.doc_no = ${docNo}
    ON CONFLICT (person_id, year) DO NOTHING`.execute(db.db);
  return r.paymentId;
}

const event = (docNo: string, type: string, occurredOn: string, reportedOn: string) => ({
  docNo,
  type,
  occurredOn,
  reportedOn,
  source: 'health',
  actor: 'test',
});

describeEachDatabase('life events', (getDb) => {
  beforeAll(async () => {
    const db = getDb();
    const rows = [
      ...[1, 2, 3].map((n) => sql`('130628', 'resident_id', ${gyId(n)}, ${`高阳${n}`}, '130628001001')`),
      ...[1, 2, 3].map((n) => sql`('430502', 'resident_id', ${sqId(n)}, ${`双清${n}`}, '430502001001')`),
    ];
    await sql`INSERT INTO persons (county_code, doc_type, doc_no, name, residence_village) VALUES ${sql.join(rows)}`.execute(
      db.db,
    );
    await paid(db, gyId(1), 2024, 38000, '2023-10-10', 'tax_window');
    await paid(db, gyId(2), 2024, 38000, '2023-10-12', 'tax_window');
    await paid(db, sqId(1), 2025, 40000, '2024-10-10', 'wechat');
    await paid(db, sqId(2), 2025, 40000, '2024-10-11', 'wechat');
  });

  it('高阳 2024: a death before the benefit period ends cover and refunds the personal payment', async () => {
    const r = await recordLifeEvent(getDb(), packs, event(gyId(1), 'death', '2023-11-20', '2023-12-01'));
    expect(r).toMatchObject({
      status: 'recorded',
      personChanges: ['人员状态改为"死亡"'],
      enrollments: [{ year: 2024, before: 'enrolled', after: 'terminated' }],
      refunds: [{ year: 2024, paidFen: 38000, due: true, amountFen: 38000, created: true }],
    });
    expect(r.refunds[0]!.explanation[0]!.cite).toMatchObject({ clause: '二、（五）3.' });
    const { rows } = await sql<{ status: string; e_status: string; ended_on: string; end_reason: string }>`
      SELECT p.status, e.status AS e_status, e.ended_on::text AS ended_on, e.end_reason
      FROM persons p JOIN enrollments e ON e.person_id = p.id WHERE p.doc_no = ${gyId(1)}`.execute(
      getDb().db,
    );
    expect(rows[0]).toEqual({
      status: 'deceased',
      e_status: 'terminated',
      ended_on: '2023-11-20',
      end_reason: 'death',
    });
    const refund = await sql<{ state: string; amount_fen: number; reason: string; requested_on: string }>`
      SELECT state, amount_fen, reason, requested_on::text AS requested_on FROM refunds
      WHERE person_id = (SELECT id FROM persons WHERE doc_no = ${gyId(1)})`.execute(getDb().db);
    expect(refund.rows).toEqual([
      { state: 'requested', amount_fen: 38000, reason: 'death', requested_on: '2023-12-01' },
    ]);
    const audits = await sql<{
      action: string;
    }>`SELECT action FROM audit_log WHERE actor = 'test' ORDER BY id`.execute(getDb().db);
    expect(audits.rows.map((a) => a.action)).toEqual([
      'life_event.record',
      'person.death',
      'enrollment.terminate',
      'refund.request',
    ]);
  });

  it('the same event twice changes nothing and leaves one refund', async () => {
    const again = await recordLifeEvent(getDb(), packs, event(gyId(1), 'death', '2023-11-20', '2023-12-05'));
    expect(again).toMatchObject({ status: 'already_recorded', refunds: [], enrollments: [] });
    const both = await Promise.all([
      recordLifeEvent(getDb(), packs, event(gyId(2), 'military_service', '2023-12-01', '2023-12-02')),
      recordLifeEvent(getDb(), packs, event(gyId(2), 'military_service', '2023-12-01', '2023-12-02')),
    ]);
    expect(both.map((b) => b.status).sort()).toEqual(['already_recorded', 'recorded']);
    const n = await sql<{ events: number; refunds: number }>`
      SELECT (SELECT count(*)::int FROM life_events) AS events, (SELECT count(*)::int FROM refunds) AS refunds`.execute(
      getDb().db,
    );
    expect(n.rows[0]).toEqual({ events: 2, refunds: 2 });
  });

  it('双清: joining employee insurance after 2025-01-01 suspends cover, no refund, with the cited reason', async () => {
    const r = await recordLifeEvent(
      getDb(),
      packs,
      event(sqId(1), 'employee_insurance', '2025-02-01', '2025-02-10'),
    );
    expect(r.personChanges).toEqual(['标记为"参加职工医保"']);
    expect(r.enrollments).toEqual([{ year: 2025, before: 'enrolled', after: 'suspended' }]);
    expect(r.refunds).toHaveLength(1);
    expect(r.refunds[0]).toMatchObject({ due: false, paidFen: 40000 });
    expect(r.refunds[0]!.reason).toContain('个人缴费不予退回');
    expect(r.refunds[0]!.explanation[0]!.cite).toMatchObject({ clause: '三、（七）' });
    expect(r.refunds[0]!.explanation[0]!.cite!.quote).toContain('个人缴费不再退回');
    const n = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM refunds WHERE county_code = '430502'`.execute(getDb().db);
    expect(n.rows[0]!.n).toBe(0);
  });

  it('双清: moving to another region before the benefit period refunds; death is not a 双清 refund reason', async () => {
    const moved = await recordLifeEvent(getDb(), packs, {
      ...event(sqId(2), 'other_region', '2024-12-10', '2024-12-15'),
      insuredElsewhere: '430503',
    });
    expect(moved.refunds[0]).toMatchObject({ due: true, amountFen: 40000 });
    const p = await sql<{ status: string; insured_elsewhere: string }>`
      SELECT status, insured_elsewhere FROM persons WHERE doc_no = ${sqId(2)}`.execute(getDb().db);
    expect(p.rows[0]).toEqual({ status: 'moved_out', insured_elsewhere: '430503' });
  });

  it('special-case events are only recorded; bad input is refused in Chinese', async () => {
    const r = await recordLifeEvent(getDb(), packs, event(sqId(3), 'veteran', '2025-03-01', '2025-03-02'));
    expect(r).toMatchObject({ status: 'recorded', personChanges: [], enrollments: [], refunds: [] });
    await expect(
      recordLifeEvent(getDb(), packs, event(sqId(3), 'wedding', '2025-03-01', '2025-03-02')),
    ).rejects.toThrow(/未知的事件类型/);
    await expect(
      recordLifeEvent(getDb(), packs, event(sqId(3), 'death', '2099-01-01', '2099-01-02')),
    ).rejects.toThrow(/晚于今天/);
    await expect(
      recordLifeEvent(getDb(), packs, event(gyId(900), 'death', '2024-01-01', '2024-01-02')),
    ).rejects.toThrow(/一人一档中没有/);
  });
});
