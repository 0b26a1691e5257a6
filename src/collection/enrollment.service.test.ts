// Every special case of the five seeds, through the database: register or pay as a worker would, and
// the stored enrollment carries the benefit start and waiting period the documents give.
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../db/connection.js';
import { shippedPacks } from '../policy/pack-loader.js';
import { checkDigit } from '../registry/id-document.js';
import { describeEachDatabase } from '../test-support/db.js';
import { enrollmentOf } from './enrollment.repository.js';
import { recordPayment } from './payment.service.js';
import { registerEnrollment, registerHousehold } from './registration.service.js';
import { recordRepairPayment } from './repair.service.js';
import { reviewHeldPayment } from './review.service.js';

const packs = shippedPacks();
const actor = 'test';
let seq = 100;
const idFor = (county: string, birth: string) => {
  const first17 = `${county}${birth.replaceAll('-', '')}${String(seq++).padStart(3, '0')}`;
  return first17 + checkDigit(first17);
};

async function person(
  db: DatabaseHandle,
  county: string,
  birth: string,
  extra: { household?: number; history?: number[]; identity?: string; event?: [string, string] } = {},
): Promise<{ docNo: string; id: number }> {
  const docNo = idFor(county, birth);
  const r = await sql<{ id: number }>`
    INSERT INTO persons (county_code, doc_type, doc_no, name, birth_date, residence_village, household_id)
    VALUES (${county}, 'resident_id', ${docNo}, ${`测试${seq}`}, ${birth}, ${`${county}001001`}, ${extra.household ?? null})
    RETURNING id`.execute(db.db);
  const id = r.rows[0]!.id;
  for (const year of extra.history ?? [])
    await sql`INSERT INTO enrollments (county_code, year, person_id, status, source, registered_on)
      VALUES (${county}, ${year}, ${id}, 'enrolled', 'history', ${`${year - 1}-10-01`})`.execute(db.db);
  if (extra.identity)
    await sql`INSERT INTO person_identities (county_code, person_id, category, department, valid_from)
      VALUES (${county}, ${id}, ${extra.identity}, 'civil_affairs', '2023-01-01')`.execute(db.db);
  if (extra.event)
    await sql`INSERT INTO life_events (county_code, person_id, type, occurred_on, source)
      VALUES (${county}, ${id}, ${extra.event[0]}, ${extra.event[1]}, 'test')`.execute(db.db);
  return { docNo, id };
}

let ref = 0;
const payment = (docNo: string, year: number, amountFen: number, paidOn: string) => ({
  docNo,
  year,
  amountFen,
  paidOn,
  channel: 'wechat',
  externalNo: `T${ref++}`,
  recordedBy: actor,
});

describeEachDatabase('enrollment through registration and payment', (getDb) => {
  describe('benefit period and waiting period from the enrolment history (国办发〔2024〕38号)', () => {
    it('paid in the 双桥 period after enrolling last year: the whole year, no waiting', async () => {
      const p = await person(getDb(), '130802', '1980-05-01', { history: [2024] });
      const r = await recordPayment(getDb(), packs, payment(p.docNo, 2025, 40000, '2024-10-10'));
      expect(r).toMatchObject({ benefitStart: '2025-01-01', benefitEnd: '2025-12-31', waitingDays: 0 });
      expect(await enrollmentOf(getDb(), p.id, 2025)).toMatchObject({
        status: 'enrolled',
        source: 'payment',
      });
    });

    it('a lapse of two years: fixed 90 days plus one month', async () => {
      const p = await person(getDb(), '130802', '1980-05-02', { history: [2022] });
      const r = await recordPayment(getDb(), packs, payment(p.docNo, 2025, 40000, '2024-10-10'));
      expect(r).toMatchObject({ waitingDays: 120, benefitStart: '2025-05-01' });
      expect(await enrollmentOf(getDb(), p.id, 2025)).toMatchObject({ lapsed_years: 2, waiting_days: 120 });
    });

    it('paying a missed year back at that year’s standard removes the month', async () => {
      const late = await person(getDb(), '130802', '1980-05-06', { history: [2022] });
      const without = await recordPayment(getDb(), packs, payment(late.docNo, 2025, 40000, '2025-03-02'));
      expect(without).toMatchObject({ waitingDays: 120, benefitStart: '2025-06-30' });

      const p = await person(getDb(), '130802', '1980-05-03', { history: [2022] });
      await expect(
        recordRepairPayment(getDb(), packs, {
          ...payment(p.docNo, 0, 40000, '2025-03-01'),
          missedYear: 2024,
        }),
      ).rejects.toThrow(/应按该年度个人缴费标准 380元/);
      const repair = await recordRepairPayment(getDb(), packs, {
        ...payment(p.docNo, 0, 38000, '2025-03-01'),
        missedYear: 2024,
      });
      expect(repair.status).toBe('recorded');
      const r = await recordPayment(getDb(), packs, payment(p.docNo, 2025, 40000, '2025-03-02'));
      expect(r).toMatchObject({ waitingDays: 90, benefitStart: '2025-05-31' });
      expect(await enrollmentOf(getDb(), p.id, 2024)).toMatchObject({ status: 'repaired' });
      expect(await enrollmentOf(getDb(), p.id, 2025)).toMatchObject({ lapsed_years: 2, paid_back_years: 1 });
    });

    it('a lapse of four years or more: at least six months even after a repair', async () => {
      const p = await person(getDb(), '130802', '1980-05-04', { history: [2020] });
      await recordRepairPayment(getDb(), packs, {
        ...payment(p.docNo, 0, 38000, '2025-03-01'),
        missedYear: 2024,
      });
      const r = await recordPayment(getDb(), packs, payment(p.docNo, 2025, 40000, '2025-03-02'));
      expect(r).toMatchObject({ waitingDays: 180, benefitStart: '2025-08-29' });
    });

    it('only a past year that was missed can be repaired', async () => {
      const p = await person(getDb(), '130802', '1980-05-05', { history: [2023, 2024] });
      await expect(
        recordRepairPayment(getDb(), packs, {
          ...payment(p.docNo, 0, 38000, '2025-03-01'),
          missedYear: 2024,
        }),
      ).rejects.toThrow(/已参保，无需补缴/);
      await expect(
        recordRepairPayment(getDb(), packs, {
          ...payment(p.docNo, 0, 40000, '2025-03-01'),
          missedYear: 2025,
        }),
      ).rejects.toThrow(/2025 年度尚未结束/);
      const never = await person(getDb(), '130802', '1980-05-07');
      await expect(
        recordRepairPayment(getDb(), packs, {
          ...payment(never.docNo, 0, 38000, '2025-03-01'),
          missedYear: 2024,
        }),
      ).rejects.toThrow(/不属于断保/);
    });
  });

  describe('special cases of the seeds', () => {
    it('朔州: a newborn registered within 90 days pays nothing and is covered from birth', async () => {
      const p = await person(getDb(), '140602', '2025-03-10');
      const r = await registerEnrollment(getDb(), packs, {
        docNo: p.docNo,
        year: 2025,
        registeredOn: '2025-04-20',
        actor,
      });
      expect(r).toMatchObject({
        status: 'enrolled',
        payableFen: 0,
        benefitStart: '2025-03-10',
        waitingDays: 0,
      });
      expect(await enrollmentOf(getDb(), p.id, 2025)).toMatchObject({
        status: 'enrolled',
        source: 'subsidy',
      });
    });

    it('双清: a newborn paying within 90 days pays the personal standard, covered from birth', async () => {
      const p = await person(getDb(), '430502', '2025-02-01');
      const r = await recordPayment(getDb(), packs, payment(p.docNo, 2025, 40000, '2025-03-01'));
      expect(r).toMatchObject({ benefitStart: '2025-02-01', waitingDays: 0 });
    });

    it('双清: a late payer pays personal plus fiscal and waits 90 days', async () => {
      const p = await person(getDb(), '430502', '1970-01-01', { history: [2024] });
      await expect(
        recordPayment(getDb(), packs, payment(p.docNo, 2025, 40000, '2025-03-01')),
      ).rejects.toThrow(/应缴 1070元/);
      const r = await recordPayment(getDb(), packs, payment(p.docNo, 2025, 107000, '2025-03-01'));
      expect(r).toMatchObject({ benefitStart: '2025-05-30', waitingDays: 90 });
    });

    it('双清: employee insurance ended within 90 days: covered from the lapse date', async () => {
      const p = await person(getDb(), '430502', '1975-01-01', {
        event: ['employee_insurance_lapse', '2025-03-01'],
      });
      const r = await recordPayment(getDb(), packs, payment(p.docNo, 2025, 40000, '2025-04-15'));
      expect(r).toMatchObject({ benefitStart: '2025-03-01', waitingDays: 0 });
    });

    it('双清: a veteran is covered from the payment date', async () => {
      const p = await person(getDb(), '430502', '1990-01-01', { event: ['veteran', '2025-05-01'] });
      const r = await recordPayment(getDb(), packs, payment(p.docNo, 2025, 40000, '2025-05-10'));
      expect(r).toMatchObject({ benefitStart: '2025-05-10', waitingDays: 0 });
    });

    it('双清: a released prisoner and a community-correction subject likewise', async () => {
      for (const type of ['released_from_prison', 'community_correction', 'returned_conscript']) {
        const p = await person(getDb(), '430502', '1991-01-01', { event: [type, '2025-06-01'] });
        const r = await recordPayment(getDb(), packs, payment(p.docNo, 2025, 40000, '2025-06-20'));
        expect(r).toMatchObject({ benefitStart: '2025-06-20', waitingDays: 0 });
      }
    });

    it('双清: a child taken in by a welfare institution is covered from entry, the institution pays', async () => {
      const p = await person(getDb(), '430502', '2015-01-01', {
        event: ['welfare_institution_entry', '2025-04-01'],
      });
      const r = await registerEnrollment(getDb(), packs, {
        docNo: p.docNo,
        year: 2025,
        registeredOn: '2025-04-10',
        actor,
      });
      expect(r).toMatchObject({ status: 'enrolled', payableFen: 0, benefitStart: '2025-04-01' });
    });

    it('双清: a college freshman registered as such is covered from 2024-09-01', async () => {
      const p = await person(getDb(), '430502', '2006-01-01');
      const reg = await registerEnrollment(getDb(), packs, {
        docNo: p.docNo,
        year: 2025,
        registeredOn: '2024-09-05',
        student: 'college_freshman',
        actor,
      });
      expect(reg).toMatchObject({ status: 'registered', payableFen: 40000 });
      const r = await recordPayment(getDb(), packs, payment(p.docNo, 2025, 40000, '2024-09-10'));
      expect(r).toMatchObject({ benefitStart: '2024-09-01', benefitEnd: '2025-12-31' });
    });

    it('高阳: a newborn whose first 180 days span two years pays both years', async () => {
      const p = await person(getDb(), '130628', '2023-11-20');
      const r = await recordPayment(getDb(), packs, payment(p.docNo, 2024, 38000, '2024-01-10'));
      expect(r).toMatchObject({ benefitStart: '2024-01-01', alsoPayYears: [2023] });
    });

    it('a hardship person with nothing to pay is enrolled on registration', async () => {
      const p = await person(getDb(), '130802', '1950-01-01', { identity: 'tekun' });
      const r = await registerEnrollment(getDb(), packs, {
        docNo: p.docNo,
        year: 2025,
        registeredOn: '2024-10-01',
        actor,
      });
      expect(r).toMatchObject({ status: 'enrolled', payableFen: 0, benefitStart: '2025-01-01' });
    });
  });

  describe('households and review', () => {
    let members: { docNo: string; id: number }[] = [];
    beforeAll(async () => {
      const h = await sql<{ id: number }>`
        INSERT INTO households (county_code, household_no) VALUES ('130628', 'GY-H1') RETURNING id`.execute(
        getDb().db,
      );
      const household = h.rows[0]!.id;
      members = [
        await person(getDb(), '130628', '1960-01-01', { household }),
        await person(getDb(), '130628', '1962-01-01', { household, identity: 'tekun' }),
        await person(getDb(), '130628', '1990-01-01', { household }),
      ];
      await sql`UPDATE persons SET employee_insurance = true WHERE id = ${members[2]!.id}`.execute(
        getDb().db,
      );
    });

    it('registers a household: each member enrolled, registered or refused with the reason', async () => {
      const r = await registerHousehold(getDb(), packs, {
        key: 'GY-H1',
        year: 2024,
        registeredOn: '2023-10-10',
        actor,
      });
      expect(r.results.map((x) => x.result?.status ?? 'refused')).toEqual([
        'registered',
        'enrolled',
        'refused',
      ]);
      expect(r.results[2]!.refused).toMatch(/职工医保/);
      expect(r.payableFen).toBe(38000);
      const again = await registerHousehold(getDb(), packs, {
        key: members[0]!.docNo,
        year: 2024,
        registeredOn: '2023-10-11',
        actor,
      });
      expect(again.results.map((x) => x.result?.status ?? 'refused')).toEqual([
        'already',
        'already',
        'refused',
      ]);
    });

    it('a wrong amount from a channel is held; accepting it enrols and refunds the excess', async () => {
      const held = await recordPayment(getDb(), packs, {
        ...payment(members[0]!.docNo, 2024, 40000, '2023-10-12'),
        onWrongAmount: 'hold',
      });
      expect(held).toMatchObject({
        status: 'held',
        reviewReason: expect.stringMatching(/应缴 380元，实收 400元/),
      });
      expect(await enrollmentOf(getDb(), members[0]!.id, 2024)).toMatchObject({ status: 'registered' });
      const reviewed = await reviewHeldPayment(getDb(), packs, {
        paymentId: held.paymentId,
        decision: 'accept',
        note: '多缴 20 元退回',
        actor,
      });
      expect(reviewed).toMatchObject({ status: 'accepted', refundFen: 2000, benefitStart: '2024-01-01' });
      expect(await enrollmentOf(getDb(), members[0]!.id, 2024)).toMatchObject({ status: 'enrolled' });
      const refunds = await sql<{ reason: string; amount_fen: number; state: string }>`
        SELECT reason, amount_fen, state FROM refunds WHERE payment_id = ${held.paymentId}`.execute(
        getDb().db,
      );
      expect(refunds.rows).toEqual([{ reason: 'overpayment', amount_fen: 2000, state: 'requested' }]);
      await expect(
        reviewHeldPayment(getDb(), packs, {
          paymentId: held.paymentId,
          decision: 'reject',
          note: 'x',
          actor,
        }),
      ).rejects.toThrow(/不在待审核状态/);
    });

    it('every change is in the audit log', async () => {
      const r = await sql<{ action: string }>`
        SELECT DISTINCT action FROM audit_log ORDER BY action`.execute(getDb().db);
      expect(r.rows.map((x) => x.action)).toEqual(
        expect.arrayContaining([
          'enrollment.create',
          'enrollment.enrolled',
          'payment.hold',
          'payment.record',
          'payment.repair',
          'payment.review.accept',
          'refund.request',
        ]),
      );
    });
  });
});
