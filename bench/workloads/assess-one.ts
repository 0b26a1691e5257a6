// One-person assessment in process: goal ≥ 100,000 persons/s. No baseline: the goal is absolute.
import { assess } from '../../src/policy/assess.js';
import { shippedPacks } from '../../src/policy/pack-loader.js';
import type { AssessRequest } from '../../src/policy/request.schema.js';
import { IDENTITY_CODES } from '../../src/policy/vocabulary.js';
import { measurement, time, type Workload } from '../harness.js';

export const assessOne: Workload = {
  name: 'assess-one',
  async run(ctx) {
    const packs = shippedPacks();
    const regions = ['130802', '430502', '512022', '140602', '130628'];
    const n = Math.min(ctx.persons, 500_000);
    const requests: AssessRequest[] = Array.from({ length: n }, (_, i) => ({
      region: regions[i % regions.length]!,
      year: i % regions.length === 4 ? 2024 : 2025,
      identities:
        i % 6 === 0 ? [{ category: IDENTITY_CODES[i % IDENTITY_CODES.length]!, grade: (i % 4) + 1 }] : [],
      ...(i % 13 === 0 ? { paymentDate: i % regions.length === 4 ? '2023-10-10' : '2024-10-10' } : {}),
    }));
    for (const r of requests.slice(0, 10_000)) assess(r, packs); // warm-up: JIT and pack loading
    const { seconds } = await time(() => {
      for (const r of requests) assess(r, packs);
    });
    return [
      measurement({
        workload: 'one-person assessment (in process)',
        database: '—',
        rows: n,
        seconds,
        goal: '≥ 100,000/s',
      }),
    ];
  },
};
