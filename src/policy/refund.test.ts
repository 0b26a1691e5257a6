import { describe, expect, it } from 'vitest';
import { shippedPacks } from './pack-loader.js';
import { decideRefund } from './refund.js';

const pack = (id: string) => shippedPacks().get(id)!;

describe('refunds follow the pack', () => {
  it('双清: before the benefit period, a duplicate payment is refunded in full', () => {
    const d = decideRefund(pack('430502-2025'), {
      kind: 'suspension',
      reason: 'duplicate_payment',
      requestDate: '2024-12-20',
      benefitStart: '2025-01-01',
      paidFen: 40000,
    });
    expect(d).toMatchObject({ due: true, amountFen: 40000 });
    expect('explanation' in d && d.explanation[0]!.cite?.clause).toBe('三、（七）');
  });

  it('双清: after the benefit period starts, no refund on suspension', () => {
    const d = decideRefund(pack('430502-2025'), {
      kind: 'suspension',
      reason: 'employee_insurance',
      requestDate: '2025-01-02',
      benefitStart: '2025-01-01',
      paidFen: 40000,
    });
    expect(d).toMatchObject({ due: false });
    expect('explanation' in d && d.explanation[0]!.cite?.quote).toContain('个人缴费不再退回');
  });

  it('双清 does not list death; 高阳 does', () => {
    const req = {
      kind: 'suspension',
      reason: 'death',
      requestDate: '2023-12-01',
      benefitStart: '2024-01-01',
      paidFen: 38000,
    } as const;
    expect(decideRefund(pack('430502-2025'), { ...req, benefitStart: '2025-01-01' })).toMatchObject({
      due: false,
    });
    expect(decideRefund(pack('130628-2024'), req)).toMatchObject({ due: true, amountFen: 38000 });
  });

  it('高阳: paid in full, certified 低保 during the collection period → the subsidy part comes back', () => {
    const d = decideRefund(pack('130628-2024'), {
      kind: 'later_certification',
      certifiedOn: '2023-11-10',
      paidFen: 38000,
      payableNowFen: 3800,
    });
    expect(d).toMatchObject({ due: true, amountFen: 34200 });
    const after = decideRefund(pack('130628-2024'), {
      kind: 'later_certification',
      certifiedOn: '2024-01-10',
      paidFen: 38000,
      payableNowFen: 3800,
    });
    expect(after).toMatchObject({ due: false });
  });

  it('a pack without refund rules says so instead of guessing', () => {
    const d = decideRefund(pack('130802-2025'), {
      kind: 'suspension',
      reason: 'death',
      requestDate: '2024-12-01',
      benefitStart: '2025-01-01',
      paidFen: 40000,
    });
    expect(d).toMatchObject({ notCovered: expect.stringContaining('未规定退费规则') });
  });
});
