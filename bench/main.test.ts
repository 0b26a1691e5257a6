// The whole benchmark at a small population, on both databases: every workload runs and every check
// of the product's answer against its baseline holds (the timings at this size mean nothing and are
// not looked at). Runs the source through tsx, as `npm test` has no build step.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { serverTestsSkipped } from '../src/test-support/db.js';
import type { Measurement } from './harness.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'canbao-bench-test-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function bench(args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'bench/main.ts', ...args, '--out', out],
      {
        cwd: root,
        env: { ...process.env, BENCH_HTTP_SECONDS: '1', BENCH_HTTP_WARMUP_SECONDS: '0' },
        maxBuffer: 64 * 2 ** 20,
      },
      (error, _stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stderr }),
    );
  });
}

describe('npm run bench', () => {
  it('runs every workload at 2,000 persons and every check holds', { timeout: 600_000 }, async () => {
    const databases = serverTestsSkipped ? ['pglite'] : ['pglite', 'server'];
    const run = await bench(['--persons', '2000', '--db', databases.join(',')]);
    // The bench's own list of what did not hold, when anything did.
    const failed = run.stderr.includes('核对未通过')
      ? run.stderr.slice(run.stderr.indexOf('核对未通过'))
      : '';
    expect(failed).toBe('');
    expect(run.code).toBe(0);
    const [file] = readdirSync(out);
    const { results } = JSON.parse(readFileSync(join(out, file!), 'utf8')) as { results: Measurement[] };
    for (const db of databases) {
      const workloads = results.filter((r) => r.database === db).map((r) => r.workload);
      for (const w of [
        'population import',
        'department list import',
        'whole-region assessment',
        'reconciliation 140600',
        'coverage by village, county',
        'coverage by village, city',
        'HTTP: record a payment',
        'HTTP: person lookup',
      ])
        expect(
          workloads.some((n) => n.startsWith(w)),
          `${db}: ${w}`,
        ).toBe(true);
    }
    expect(results.some((r) => r.workload.startsWith('one-person assessment'))).toBe(true);
    const checked = results.filter((r) => r.checks);
    expect(checked.length).toBeGreaterThanOrEqual(1 + 12 * databases.length);
    for (const r of checked)
      expect(r.checks, `${r.database} ${r.workload}`).toEqual(
        Object.fromEntries(Object.keys(r.checks!).map((k) => [k, true])),
      );
  });
});
