// The whole benchmark at a small population, on both databases: every workload runs and every check
// of the product's answer against its baseline holds (the timings at this size mean nothing and are
// not looked at). The bench runs from the source through tsx; the memory workload spawns the built
// CLI (bin/canbao.js), which `npm test` builds first (pretest).
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { serverTestsSkipped } from '../src/test-support/db.js';
import type { Measurement } from './harness.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const databases = serverTestsSkipped ? ['pglite'] : ['pglite', 'server'];

/** Runs the bench; its exit status, what it listed as failed checks (empty when none), and its results. */
function bench(args: string[]): Promise<{ code: number; failed: string; results: Measurement[] }> {
  const out = mkdtempSync(join(tmpdir(), 'canbao-bench-test-'));
  dirs.push(out);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'bench/main.ts', ...args, '--db', databases.join(','), '--out', out],
      {
        cwd: root,
        env: { ...process.env, BENCH_HTTP_SECONDS: '1', BENCH_HTTP_WARMUP_SECONDS: '0' },
        maxBuffer: 64 * 2 ** 20,
      },
      (error, _stdout, stderr) => {
        const [file] = readdirSync(out);
        resolve({
          code: error ? Number(error.code ?? 1) : 0,
          // The bench's own list of what did not hold.
          failed: stderr.includes('核对未通过') ? stderr.slice(stderr.indexOf('核对未通过')) : '',
          results: file ? JSON.parse(readFileSync(join(out, file), 'utf8')).results : [],
        });
      },
    );
  });
}

/** Every check of every measurement held. */
function expectAllChecksHeld(results: Measurement[]): void {
  for (const r of results.filter((m) => m.checks))
    expect(r.checks, `${r.database} ${r.workload}`).toEqual(
      Object.fromEntries(Object.keys(r.checks!).map((k) => [k, true])),
    );
}

describe('npm run bench', () => {
  it('runs every workload at 2,000 persons and every check holds', { timeout: 600_000 }, async () => {
    const { code, failed, results } = await bench(['--persons', '2000']);
    expect(failed).toBe('');
    expect(code).toBe(0);
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
    expect(results.filter((r) => r.checks).length).toBeGreaterThanOrEqual(1 + 12 * databases.length);
    expectAllChecksHeld(results);
  });

  it('measures the memory of the CLI importing a generated roster (5 MiB here)', {
    timeout: 600_000,
  }, async () => {
    const { code, failed, results } = await bench(['--only', 'import-memory', '--import-bytes', '5M']);
    expect(failed).toBe('');
    expect(code).toBe(0);
    expect(results.map((r) => r.database)).toEqual(databases);
    for (const r of results) expect(r.extra?.peakRssMiB).toBeGreaterThan(0);
    expectAllChecksHeld(results);
  });
});
