import { describe, expect, it } from 'vitest';
import { RepeatedReceipts } from './repeated-receipts.js';

describe('RepeatedReceipts', () => {
  it('names every receipt number that repeats, and few that do not', () => {
    const r = new RepeatedReceipts();
    const rows = 450_000;
    const repeated = new Set<string>();
    for (let i = 0; i < rows; i++) {
      const receipt = `325${String(i).padStart(14, '0')}`;
      r.add(receipt);
      if (i % 10_000 === 3) {
        r.add(receipt);
        repeated.add(receipt);
      }
    }
    r.add('325-甲-1');
    r.add('325-甲-1');
    repeated.add('325-甲-1');
    const candidates = new Set(r.candidates());
    for (const receipt of repeated) expect(candidates.has(receipt)).toBe(true);
    // Seen once: a candidate only when its bit was taken, about rows / 2^27 of them.
    expect(candidates.size - repeated.size).toBeLessThan(rows / 100);
  });

  it('has no candidates when every number is new', () => {
    const r = new RepeatedReceipts();
    for (const receipt of ['A1', 'A2', 'B1']) r.add(receipt);
    expect(r.candidates()).toEqual([]);
  });
});
