// The benchmark harness: every workload is timed next to its baseline in the same run, so the
// ratio holds even when this shared 2-core machine drifts. Results print as a table and go to
// bench/results/<timestamp>.json.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Measurement {
  workload: string;
  database: string;
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  baseline?: string;
  baselineSeconds?: number;
  ratio?: number;
  goal?: string;
  extra?: Record<string, number | string>;
  /**
   * What the run checked about the product's answer (against the baseline's, or the input): true
   * when it held, else what was wrong. A timing is worth nothing when the answer is wrong, so a
   * failed check fails the run.
   */
  checks?: Record<string, true | string>;
}

export interface Workload {
  name: string;
  /** Runs the workload (and its baseline) and returns what it measured. */
  run(ctx: BenchContext): Promise<Measurement[]>;
}

export interface BenchContext {
  persons: number;
  databases: ('pglite' | 'server')[];
  log: (line: string) => void;
}

const git = (...args: string[]): string => {
  try {
    return execFileSync('git', args, { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
};

/**
 * Which code is measured: the built product (dist/) of this commit, and whether src/ had changes.
 * Read when the run starts: a long run must not take the name of a commit made while it ran.
 */
const CODE = {
  commit: git('rev-parse', '--short', 'HEAD'),
  changed: git('status', '--porcelain', '--', 'src') !== '',
  built: 'dist',
};

export async function time<T>(fn: () => Promise<T> | T): Promise<{ seconds: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { seconds: (performance.now() - t) / 1000, value };
}

export function measurement(
  m: Omit<Measurement, 'rowsPerSecond' | 'ratio'> & { baselineSeconds?: number },
): Measurement {
  const out: Measurement = { ...m, rowsPerSecond: Math.round(m.rows / m.seconds) };
  if (m.baselineSeconds !== undefined) out.ratio = Number((m.seconds / m.baselineSeconds).toFixed(2));
  return out;
}

export function printTable(rows: Measurement[]): string {
  const header = ['workload', 'db', 'rows', 'seconds', 'rows/s', 'baseline s', 'ratio', 'goal', 'checks'];
  const lines = rows.map((r) => [
    r.workload,
    r.database,
    String(r.rows),
    r.seconds.toFixed(3),
    String(r.rowsPerSecond),
    r.baselineSeconds === undefined ? '—' : r.baselineSeconds.toFixed(3),
    r.ratio === undefined ? '—' : `${r.ratio}×`,
    r.goal ?? '',
    checksCell(r),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(fmt)].join('\n');
}

function checksCell(r: Measurement): string {
  const all = Object.values(r.checks ?? {});
  const failed = all.filter((c) => c !== true).length;
  return all.length === 0 ? '' : failed === 0 ? `ok (${all.length})` : `FAILED ${failed}/${all.length}`;
}

/** One line per check that did not hold, in Chinese for whoever ran the bench. */
export function failedChecks(rows: Measurement[]): string[] {
  return rows.flatMap((r) =>
    Object.entries(r.checks ?? {})
      .filter((e): e is [string, string] => e[1] !== true)
      .map(([name, what]) => `${r.database} · ${r.workload} · ${name}：${what}`),
  );
}

/** An equality check: true, or both values named. */
export function same(actual: number | string, expected: number | string, what = '结果'): true | string {
  return actual === expected ? true : `${what}为 ${actual}，应为 ${expected}`;
}

/** Writes the run to `dir` (default bench/results/) as <time>.json; returns the file's path. */
export function saveResults(
  rows: Measurement[],
  persons: number,
  dir = fileURLToPath(new URL('./results/', import.meta.url)),
): string {
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = join(dir, `${stamp}.json`);
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
  writeFileSync(
    file,
    `${JSON.stringify({ at: new Date().toISOString(), persons, machine, code: CODE, results: rows }, null, 2)}\n`,
  );
  return file;
}
