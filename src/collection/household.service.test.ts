// Household views on both databases: one household's year member by member, and the exact list of
// households enrolled only in part, with the pack's whole-household rule cited when it has one.
import { beforeAll, expect, it } from 'vitest';
import { OutcomeError } from '../policy/outcome.js';
import { shippedPacks } from '../policy/pack-loader.js';
import { maskId } from '../registry/id-document.js';
import { describeEachDatabase } from '../test-support/db.js';
import { byName, personDoc, seedAssessmentsAndPayments, seedRegistry, WEST } from './collection-fixture.js';
import { householdStatus, incompleteReport } from './household.service.js';

const doc = (name: string) => personDoc(byName(name));

describeEachDatabase('household views', (getDb) => {
  beforeAll(async () => {
    await seedRegistry(getDb());
    await seedAssessmentsAndPayments(getDb());
  });

  it('shows each member: status, what they owe, what they paid, benefit period; totals in fen', async () => {
    const [s] = await householdStatus(getDb(), 'H1', { year: 2024, asOf: '2024-03-01' });
    expect(
      s!.members.map((m) => [m.name, m.relation, m.age, m.enrollmentStatusName, m.owesText, m.dueFen]),
    ).toEqual([
      ['王大', '户主', 53, '已参保', '应缴 380.00 元', 0],
      ['王四', '母亲', 79, '不参保（参加职工医保）', '不参保（参加职工医保）', 0],
      ['李二', '配偶', 51, '未登记', '应缴 38.00 元', 3800],
      ['王三', '子', 13, '已登记未缴费', '未核定', 0],
    ]);
    const wang = s!.members[0]!;
    expect(wang).toMatchObject({
      docNo: maskId(doc('王大')),
      payment: {
        status: 'accepted',
        amountFen: 38000,
        paidOn: '2023-10-05',
        channelName: '村（居）委会代征',
        agent: 'V1',
      },
      benefitStart: '2024-01-01',
      benefitEnd: '2024-12-31',
      waitingDays: 0,
    });
    // A payment held for review is shown but does not reduce what is still to pay.
    expect(s!.members[2]!.payment).toMatchObject({ status: 'review', statusName: '待审核', amountFen: 3000 });
    expect(s!.totals).toEqual({ members: 4, enrolled: 1, notAssessed: 1, dueFen: 3800 });
  });

  it('finds the household by any member ID, full IDs only when asked', async () => {
    const [byMember] = await householdStatus(getDb(), doc('王三'), { year: 2024, fullId: true });
    expect(byMember!.household.household_no).toBe('H1');
    expect(byMember!.members[0]!.docNo).toBe(doc('王大'));
    const missing = householdStatus(getDb(), 'H404', { year: 2024 });
    await expect(missing).rejects.toThrow(OutcomeError);
    await expect(missing).rejects.toThrow(/没有户号 H404/);
  });

  it('lists exactly the partly enrolled households, citing 高阳 一、（三）1.', async () => {
    const r = await incompleteReport(getDb(), shippedPacks(), { region: '130628', year: 2024 });
    expect(r.rule).toMatchObject({ applies: true, packId: '130628-2024' });
    expect(r.header).toContain('依据：高阳县2024年度城乡居民基本医疗保险参保缴费工作方案 一、（三）1.');
    expect(r.header).toContain('不能选择性参保');
    expect(
      r.households.map((h) => [
        h.household_no,
        h.village_name,
        h.head_name,
        h.enrolled,
        h.eligible,
        h.phone,
        h.missing,
      ]),
    ).toEqual([
      [
        'H1',
        '东村',
        '王大',
        1,
        3,
        '13800000001',
        [
          { name: '李二', relation: '配偶', docNo: maskId(doc('李二')) },
          { name: '王三', relation: '子', docNo: maskId(doc('王三')) },
        ],
      ],
      [
        'H5',
        '西村',
        '周甲',
        1,
        3,
        '13900000005',
        [
          { name: '周乙', relation: '配偶', docNo: maskId(doc('周乙')) },
          { name: '周丙', relation: '子', docNo: maskId(doc('周丙')) },
        ],
      ],
    ]);
    const west = await incompleteReport(getDb(), shippedPacks(), { region: WEST, year: 2024 });
    expect(west.households.map((h) => h.household_no)).toEqual(['H5']);
    const township = await incompleteReport(getDb(), shippedPacks(), {
      region: '130628100',
      year: 2024,
      fullId: true,
    });
    expect(township.households[0]!.missing[0]!.docNo).toBe(doc('李二'));
  });

  it('still lists when the pack has no such rule, and says so', async () => {
    const sq = await incompleteReport(getDb(), shippedPacks(), { region: '130802', year: 2025 });
    expect(sq.rule).toEqual({
      applies: false,
      packId: '130802-2025',
      message: '政策包 130802-2025 没有"整户参保"的规定，以下名单仅供参考',
    });
    expect(sq.households.map((h) => [h.household_no, h.missing.map((m) => m.name)])).toEqual([
      ['H6', ['吴己']],
    ]);
    const noPack = await incompleteReport(getDb(), shippedPacks(), { region: '130628', year: 2023 });
    expect(noPack.header).toContain('没有覆盖 130628 2023 年度的政策包');
    expect(noPack.households.map((h) => [h.household_no, h.missing.map((m) => m.name)])).toEqual([
      ['H5', ['周甲', '周乙']],
    ]);
  });
});
