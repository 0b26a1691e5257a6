import { describe, expect, it } from 'vitest';
import { failedChecks, measurement, same } from './harness.js';

describe('bench checks', () => {
  it('names every check that did not hold, with its workload and database', () => {
    const rows = [
      measurement({
        workload: 'a',
        database: 'server',
        rows: 1,
        seconds: 1,
        checks: { x: true, y: same(3, 4, '行数') },
      }),
      measurement({ workload: 'b', database: 'pglite', rows: 1, seconds: 1 }),
      measurement({ workload: 'c', database: 'pglite', rows: 1, seconds: 1, checks: { z: true } }),
    ];
    expect(failedChecks(rows)).toEqual(['server · a · y：行数为 3，应为 4']);
    expect(failedChecks(rows.slice(1))).toEqual([]);
  });
});
