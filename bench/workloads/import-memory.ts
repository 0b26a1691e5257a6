// Peak memory while importing a very large roster (issue 9: a 5 GB-equivalent stream, peak RSS
// ≤ 400 MB). importPersons reads a path, so the roster is generated into os.tmpdir() (valid rows:
// real villages, ID numbers with correct check digits, three to a household), imported in one
// run by the built CLI in its own process (`canbao registry import`, what an office runs; on
// PGlite the database lives in that process too), and deleted. The child's RSS is sampled every
// 100 ms and its kernel high-water mark (VmHWM) read with each sample.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { type DatabaseHandle, openDatabase } from '../../src/db/connection.js';
import { PERSON_HEADERS } from '../../src/registry/demo/files.js';
import { checkDigit } from '../../src/registry/id-document.js';
import type { ImportPersonsResult } from '../../src/registry/import.service.js';
import { seedRegions } from '../../src/registry/regions.service.js';
import { createServerTestDatabase } from '../../src/test-support/db.js';
import type { BenchDatabaseKind } from '../database.js';
import { type Measurement, measurement, same, time } from '../harness.js';

const SURNAMES = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗';
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华';
const RELATIONS = ['户主', '配偶', '子'];

interface Village {
  code: string;
  name: string;
  township: string;
}

/** Writes a UTF-8 roster of about `bytes` bytes; returns its row count. */
async function writeRoster(path: string, bytes: number, villages: Village[]): Promise<number> {
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  let written = 0;
  const put = async (s: string) => {
    written += Buffer.byteLength(s);
    if (!out.write(s)) await once(out, 'drain');
  };
  await put(`${PERSON_HEADERS.join(',')}\n`);
  // Unique ID numbers: a birthplace prefix, a birth day from 1940 on, and a 3-digit sequence.
  const prefixes = [...new Set(villages.map((v) => v.code.slice(0, 6)))];
  const start = Date.UTC(1940, 0, 1);
  const days = Math.floor((Date.UTC(2010, 0, 1) - start) / 86_400_000);
  let row = 0;
  let chunk = '';
  while (written < bytes) {
    const n = row++;
    const seq = n % 1000;
    const day = Math.floor(n / 1000) % days;
    const prefix = prefixes[Math.floor(n / 1000 / days) % prefixes.length]!;
    const birth = new Date(start + day * 86_400_000).toISOString().slice(0, 10);
    const first17 = `${prefix}${birth.replaceAll('-', '')}${String(seq).padStart(3, '0')}`;
    const village = villages[Math.floor(n / 3) % villages.length]!;
    const name = `${SURNAMES[n % SURNAMES.length]}${GIVEN[(n >> 3) % GIVEN.length]}${GIVEN[(n >> 7) % GIVEN.length]}`;
    chunk += `${n + 1},${name},${first17}${checkDigit(first17)},${seq % 2 === 1 ? '男' : '女'},${birth},${village.code}${String(Math.floor(n / 3)).padStart(8, '0')},${RELATIONS[n % 3]},1${3 + (n % 7)}${String(n % 1e9).padStart(9, '0')},${village.township},${village.name},${village.code},正常,否,否,,\n`;
    if (chunk.length > 256 * 1024) {
      await put(chunk);
      chunk = '';
    }
  }
  await put(chunk);
  out.end();
  await once(out, 'finish');
  return row;
}

/** VmRSS and VmHWM (peak) of a process, in bytes, from /proc (Linux). */
function procMemory(pid: number): { rss: number; hwm: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return undefined; // the process has exited
  }
}

/** Bytes of the files directly in `dir` (PGlite's pg_wal: segment files, no subdirectories that matter). */
function dirBytes(dir: string): number {
  try {
    let n = 0;
    for (const e of readdirSync(dir, { withFileTypes: true }))
      if (e.isFile()) n += statSync(join(dir, e.name)).size;
    return n;
  } catch {
    return 0; // not created yet, or a segment renamed between the listing and its stat
  }
}

/**
 * Runs `canbao registry import FILE --json` (the built CLI, as an office would) and samples its
 * RSS every 100 ms; VmHWM, the kernel's own peak, covers the moments between samples.
 */
async function importWithCli(
  file: string,
  env: NodeJS.ProcessEnv,
  walDir?: string,
): Promise<{ result: ImportPersonsResult; peak: number; sampledPeak: number; peakWal: number }> {
  const cli = fileURLToPath(new URL('../../bin/canbao.js', import.meta.url));
  const child = spawn(process.execPath, [cli, 'registry', 'import', file, '--json'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  let sampledPeak = 0;
  let hwm = 0;
  // PGlite's WAL on disk, once a second (a 5 GiB import once kept every segment until the end).
  let peakWal = 0;
  let ticks = 0;
  const sample = () => {
    if (walDir && ticks++ % 10 === 0) peakWal = Math.max(peakWal, dirBytes(walDir));
    const m = procMemory(child.pid!);
    if (!m) return;
    sampledPeak = Math.max(sampledPeak, m.rss);
    hwm = Math.max(hwm, m.hwm);
  };
  const timer = setInterval(sample, 100);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearInterval(timer);
  if (code !== 0) throw new Error(`canbao registry import 退出码 ${code}：${out.slice(0, 2000)}`);
  if (walDir) peakWal = Math.max(peakWal, dirBytes(walDir));
  return {
    result: JSON.parse(out) as ImportPersonsResult,
    peak: Math.max(hwm, sampledPeak),
    sampledPeak,
    peakWal,
  };
}

export async function benchImportMemory(
  kind: BenchDatabaseKind,
  bytes: number,
  log: (l: string) => void,
): Promise<Measurement[]> {
  const dir = mkdtempSync(join(tmpdir(), 'canbao-bench-memory-'));
  const dataDir = join(dir, 'db');
  let handle: DatabaseHandle | undefined =
    kind === 'pglite'
      ? await openDatabase({ dataDir, databaseUrl: '' })
      : await createServerTestDatabase({ durable: true });
  try {
    await seedRegions(handle.db);
    const villages = (
      await sql<Village>`
        SELECT v.code, v.name, t.name AS township FROM regions v JOIN regions t ON t.code = v.parent_code
        WHERE v.level = 5 AND NOT EXISTS (SELECT 1 FROM regions o WHERE o.level = 5 AND o.name = v.name AND o.code <> v.code)
        ORDER BY v.code`.execute(handle.db)
    ).rows;
    let env: NodeJS.ProcessEnv;
    if (kind === 'pglite') {
      // PGlite is one process's: the CLI opens the same data directory after we close it.
      await handle.close();
      handle = undefined;
      env = { CANBAO_DATA_DIR: dataDir, DATABASE_URL: '' };
    } else {
      const name = (await sql<{ db: string }>`SELECT current_database() AS db`.execute(handle.db)).rows[0]!
        .db;
      const url = new URL(
        process.env.CANBAO_TEST_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
      );
      url.pathname = `/${name}`;
      env = { DATABASE_URL: url.toString() };
    }
    const file = join(dir, '参保人员花名册.csv');
    log(`  [${kind}] 生成花名册 ${(bytes / 2 ** 20).toFixed(0)} MiB…`);
    const rows = await writeRoster(file, bytes, villages);
    const size = statSync(file).size;
    log(
      `  [${kind}] ${rows.toLocaleString('en-US')} 行，${(size / 2 ** 20).toFixed(0)} MiB；canbao registry import…`,
    );
    const walDir = kind === 'pglite' ? join(dataDir, 'pg_wal') : undefined;
    const run = await time(() => importWithCli(file, env, walDir));
    rmSync(file, { force: true });
    const { result: r, peak, sampledPeak, peakWal } = run.value;
    const mib = (b: number) => Math.round(b / 2 ** 20);
    log(`  [${kind}] 峰值 RSS ${mib(peak)} MiB（每 100 ms 采样的最大值 ${mib(sampledPeak)} MiB）`);
    const wal: Record<string, number> = {};
    if (walDir) {
      wal.peakWalMiB = mib(peakWal);
      wal.walAfterMiB = mib(dirBytes(walDir));
      log(`  [${kind}] WAL 峰值 ${wal.peakWalMiB} MiB，导入结束后 ${wal.walAfterMiB} MiB`);
    }
    return [
      measurement({
        workload: `import memory, ${size >= 2 ** 30 ? `${(size / 2 ** 30).toFixed(2)} GiB` : `${mib(size)} MiB`} roster (peak RSS ${mib(peak)} MiB)`,
        database: kind,
        rows,
        seconds: run.seconds,
        goal: 'peak RSS ≤ 400 MB',
        checks: {
          applied: same(r.status, 'applied', '导入状态'),
          everyRowInserted: same(r.inserted, rows, '新增人员'),
          noRowRejected: same(r.rejected, 0, '拒收行'),
        },
        extra: { fileBytes: size, peakRssMiB: mib(peak), sampledPeakRssMiB: mib(sampledPeak), ...wal },
      }),
    ];
  } finally {
    await handle?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
