// A private PostgreSQL instance for one test: initdb into a temporary directory, started on a free
// port with its socket in that directory, so the test can stop and restart it without touching the
// machine's main server that other tests and people use. As root the tools run as the postgres user
// (initdb refuses root). `privatePostgresUnavailable()` says why it cannot be done here, if so.
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './fault-support.js';

function binDir(): string | null {
  try {
    const versions = readdirSync('/usr/lib/postgresql')
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) {
      const dir = `/usr/lib/postgresql/${v}/bin`;
      if (existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) return dir;
    }
  } catch {
    // No Debian PostgreSQL server packages.
  }
  return null;
}

const isRoot = () => process.getuid?.() === 0;

function postgresUser(): { uid: number; gid: number } | null {
  try {
    return {
      uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
      gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
    };
  } catch {
    return null;
  }
}

/** Why no private instance can be started here, or null when it can. */
export function privatePostgresUnavailable(): string | null {
  if (!binDir()) return '未找到 initdb/pg_ctl（/usr/lib/postgresql/<版本>/bin），跳过数据库重启测试';
  if (isRoot() && (!postgresUser() || !existsSync('/usr/sbin/runuser')))
    return '以 root 运行但没有 postgres 用户或 runuser，无法运行 initdb，跳过数据库重启测试';
  return null;
}

export interface PrivatePostgres {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  restart(): Promise<void>;
  destroy(): Promise<void>;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = binDir()!;
  const dir = await mkdtemp(join(tmpdir(), 'canbao-private-pg-'));
  const user = isRoot() ? postgresUser() : null;
  if (user) chownSync(dir, user.uid, user.gid);
  // Asynchronous: the test's HTTP load keeps running while pg_ctl waits for the server.
  const run = async (tool: string, args: string[]) => {
    const cmd = user ? '/usr/sbin/runuser' : join(bin, tool);
    const argv = user ? ['-u', 'postgres', '--', join(bin, tool), ...args] : args;
    try {
      await promisify(execFile)(cmd, argv, { encoding: 'utf8', timeout: 120_000 });
    } catch (e) {
      const x = e as { stderr?: string; stdout?: string; message: string };
      throw new Error(`${tool} ${args.join(' ')} 失败：${x.stderr || x.stdout || x.message}`);
    }
  };
  const data = join(dir, 'data');
  const port = await freePort();
  await run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=40`;
  const ctl = (...args: string[]) => run('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', ...args]);
  await ctl('-o', opts, 'start');
  const admin = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
  await admin.connect();
  await admin.query('CREATE DATABASE canbao');
  await admin.end();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/canbao`,
    stop: () => ctl('-m', 'fast', 'stop'),
    start: () => ctl('-o', opts, 'start'),
    restart: () => ctl('-m', 'fast', '-o', opts, 'restart'),
    async destroy() {
      try {
        await ctl('-m', 'immediate', 'stop');
      } catch {
        // Already stopped.
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
