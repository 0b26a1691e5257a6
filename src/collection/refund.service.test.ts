import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { shippedPacks } from '../policy/pack-loader.js';
import { checkDigit } from '../registry/id-document.js';
import { describeEachDatabase } from '../test-support/db.js';
import { recordLifeEvent } from './life-event.service.js';
import { recordPayment } from './payment.service.js';
import {
  approveRefund,
  listRefunds,
  payoutRefunds,
  rejectRefund,
  requestRefund,
  scanLaterCertifications,
} from './refund.service.js';

const packs = shippedPacks();
const gyId = (n: number) => {
  const first17 = `13062819800102${String(n).padStart(3, '0')}`;
  return first17 + checkDigit(first17);
};
const sqId = (n: number) => {
  const first17 = `43050219800102${String(n).padStart(3, '0')}`;
  return first17 + checkDigit(first17);
};
const actor = 'test';

describeEachDatabase('refunds', (getDb) => {
  beforeAll(async () => {
    const db = getDb();
    const rows = [
      ...[1, 2, 3, 4].map((n) => sql`('130628', 'resident_id', ${gyId(n)}, ${`高阳${n}`}, '130628001001')`),
      ...[1, 2].map((n) => sql`('430502', 'resident_id', ${sqId(n)}, ${`双清${n}`}, '430502001001')`),
    ];
    await sql`INSERT INTO persons (county_code, doc_type, doc_no, name, residence_village) VALUES ${sql.join(rows)}`.execute(
      db.db,
    );
    for (const n of [1, 2, 3, 4]) {
      await recordPayment(db, packs, {
        docNo: gyId(n),
        year: 2024,
        amountFen: 38000,
        paidOn: '2023-10-10',
        channel: 'tax_window',
        externalNo: `GY${n}`,
      });
    }
    for (const n of [1, 2]) {
      await recordPayment(db, packs, {
        docNo: sqId(n),
        year: 2025,
        amountFen: 40000,
        paidOn: '2024-10-10',
        channel: 'wechat',
        externalNo: `SQ${n}`,
      });
    }
    // Certified after paying: 1 低保 (90%) inside the period, 2 脱贫 (70%) inside, 3 低保 after the period.
    const cert = (n: number, category: string, from: string) =>
      sql`INSERT INTO person_identities (county_code, person_id, category, department, valid_from)
        SELECT '130628', id, ${category}, 'civil_affairs', ${from} FROM persons WHERE doc_no = ${gyId(n)}`.execute(
        db.db,
      );
    await cert(1, 'dibao', '2023-11-10');
    await cert(2, 'out_of_poverty', '2023-12-01');
    await cert(3, 'dibao', '2024-01-10');
  });

  it('高阳: certified during the collection period after paying in full → exactly the subsidy part back', async () => {
    const r = await scanLaterCertifications(getDb(), packs, {
      region: '130628',
      year: 2024,
      requestedOn: '2023-12-20',
      actor,
    });
    expect(r).toMatchObject({ candidates: 3, created: 2, existing: 0, refundedFen: 34200 + 26600 });
    expect(r.notDue).toHaveLength(1);
    expect(r.notDue[0]!.reason).toMatch(/不在集中征缴期.*依据：高阳县2024年度/);
    const again = await scanLaterCertifications(getDb(), packs, { region: '130628', year: 2024, actor });
    expect(again).toMatchObject({ created: 0, existing: 2 });
    const rows = await listRefunds(getDb(), { region: '130628', year: 2024 });
    expect(rows.map((x) => [x.name, x.reason, x.amount_fen])).toEqual([
      ['高阳1', 'later_certification', 34200],
      ['高阳2', 'later_certification', 26600],
    ]);
    expect(rows[0]!.explanation.map((s) => s.rule)).toContain('refunds.subsidyOnLaterCertification');
  });

  it('a later death refunds only what is left of the payment', async () => {
    const r = await recordLifeEvent(getDb(), packs, {
      docNo: gyId(1),
      type: 'death',
      occurredOn: '2023-12-21',
      reportedOn: '2023-12-22',
      source: 'health',
      actor,
    });
    expect(r.refunds[0]).toMatchObject({ due: true, amountFen: 3800 });
    expect(r.refunds[0]!.explanation.at(-1)!.text).toContain('本次只退剩余的38元');
  });

  it('a manual request follows the pack: 双清 duplicate payment before 2025 yes, after no (cited)', async () => {
    const ok = await requestRefund(getDb(), packs, {
      docNo: sqId(1),
      year: 2025,
      reason: 'duplicate_payment',
      requestedOn: '2024-12-20',
      note: '已在外地缴费',
      actor,
    });
    expect(ok).toMatchObject({
      created: true,
      refund: { amount_fen: 40000, state: 'requested', reason: 'duplicate_payment' },
    });
    await expect(
      requestRefund(getDb(), packs, {
        docNo: sqId(2),
        year: 2025,
        reason: 'other_region',
        requestedOn: '2025-03-01',
        actor,
      }),
    ).rejects.toThrow(/不予退费.*个人缴费不予退回.*（依据：.+ 三、（七））/);
    await expect(
      requestRefund(getDb(), packs, {
        docNo: sqId(2),
        year: 2025,
        reason: 'death',
        requestedOn: '2024-12-01',
        actor,
      }),
    ).rejects.toThrow(/"死亡"不在可退费原因/);
    await expect(
      requestRefund(getDb(), packs, { docNo: sqId(2), year: 2025, reason: 'rejected_payment', actor }),
    ).rejects.toThrow(/没有未被受理的缴费/);
    await expect(
      requestRefund(getDb(), packs, { docNo: sqId(2), year: 2025, reason: 'overpayment', actor }),
    ).rejects.toThrow(/多缴0元/);
    await expect(
      requestRefund(getDb(), packs, { docNo: gyId(4), year: 2024, reason: 'later_certification', actor }),
    ).rejects.toThrow(/之后没有新认定的困难身份/);
    await expect(
      requestRefund(getDb(), packs, { docNo: sqId(2), year: 2025, reason: 'lottery', actor }),
    ).rejects.toThrow(/未知的退费原因/);
  });

  it('state machine: requested → approved → paid, or rejected; never backwards; every step audited', async () => {
    const [a, b] = await listRefunds(getDb(), { region: '130628', year: 2024, state: 'requested' });
    const approved = await approveRefund(getDb(), a!.id, actor);
    expect(approved).toMatchObject({ state: 'approved', decided_by: actor });
    await expect(approveRefund(getDb(), a!.id, actor)).rejects.toThrow(
      /当前状态为"已审核同意"，不能审核同意/,
    );
    await expect(rejectRefund(getDb(), b!.id, actor, '  ')).rejects.toThrow(/须写明理由/);
    const rejected = await rejectRefund(getDb(), b!.id, actor, '材料不全');
    expect(rejected).toMatchObject({ state: 'rejected', decision_note: '材料不全' });
    await expect(approveRefund(getDb(), b!.id, actor)).rejects.toThrow(/已驳回/);
    await expect(approveRefund(getDb(), 999999, actor)).rejects.toThrow(/没有第 999999 号退费/);

    const pay = await payoutRefunds(getDb(), { region: '130628', batch: '2023-12 第1批', actor });
    expect(pay).toMatchObject({ alreadyPaid: false, totalFen: 34200 });
    expect(pay.lines.map((l) => [l.doc_no, l.amount_fen])).toEqual([[gyId(1), 34200]]);
    await expect(rejectRefund(getDb(), a!.id, actor, '晚了')).rejects.toThrow(/已交税务退付/);
    const again = await payoutRefunds(getDb(), { region: '130628', batch: '2023-12 第1批', actor });
    expect(again).toMatchObject({ alreadyPaid: true, totalFen: 34200 });
    const empty = await payoutRefunds(getDb(), { region: '130628', batch: '2023-12 第2批', actor });
    expect(empty.lines).toEqual([]);

    const audit = await sql<{ before: { state: string } | null; after: { state: string } }>`
      SELECT before, after FROM audit_log WHERE entity = 'refund' AND entity_id = ${String(a!.id)} ORDER BY id`.execute(
      getDb().db,
    );
    expect(audit.rows.map((x) => [x.before?.state ?? null, x.after.state])).toEqual([
      [null, 'requested'],
      ['requested', 'approved'],
      ['approved', 'paid'],
    ]);
    const n = await sql<{ n: number }>`SELECT count(*)::int AS n FROM refunds`.execute(getDb().db);
    expect(n.rows[0]!.n).toBe(4);
  });
});
