import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Runs the built command as a user would (npm test builds first).
const bin = fileURLToPath(new URL('../../bin/canbao.js', import.meta.url));
const run = (args: string[], input: string) =>
  execFileSync('node', [bin, ...args], { input, encoding: 'utf8' });

describe('canbao assess', () => {
  const requests = [
    {
      region: '130802',
      year: 2025,
      identities: [{ category: 'dibao' }, { category: 'disability', grade: 2, kind: 'physical' }],
    },
    { region: '430502', year: 2025, identities: [], paymentDate: '2025-03-10' },
    { region: '430502', year: 2025, identities: [{ category: 'nope' }] },
  ];

  it('answers a JSON array in the same order, errors in their own slot', () => {
    const out = JSON.parse(run(['assess'], JSON.stringify(requests)));
    expect(out).toHaveLength(3);
    expect(out[0]).toMatchObject({
      standardFen: 40000,
      subsidyFen: 36000,
      payableFen: 4000,
      category: 'dibao',
    });
    expect(out[0].fundingSource).toBe('medical_assistance');
    expect(out[1]).toMatchObject({ payableFen: 107000, waitingDays: 90, benefitStart: '2025-06-08' });
    expect(out[2].error).toMatchObject({ code: 'INVALID_REQUEST', path: 'identities[0].category' });
    for (const step of out[0].explanation.filter((s: { cite: unknown }) => s.cite)) {
      expect(step.cite.document).toBeTruthy();
      expect(step.cite.clause).toBeTruthy();
    }
  });

  it('--explain prints the steps with their clauses in Chinese', () => {
    const text = run(['assess', '--explain'], JSON.stringify(requests.slice(0, 2)));
    expect(text).toContain('个人应缴 40元');
    expect(text).toContain('依据：双桥区政府办 2024-09-04 通知 一、个人缴费标准');
    expect(text).toContain('待遇享受期：2025年6月8日 至 2025年12月31日；待遇等待期 90 天');
  });

  it('rejects a document that is not JSON with a clear message', () => {
    expect(() =>
      execFileSync('node', [bin, 'assess'], { input: '[{', encoding: 'utf8', stdio: 'pipe' }),
    ).toThrow(/标准输入 不是有效的 JSON/);
  });
});
