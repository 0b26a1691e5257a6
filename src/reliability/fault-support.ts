// What the fault tests share: the built CLI run as a real child process (so SIGKILL really kills the
// process that holds the transaction), waiting for a line on its output, a free port, and a signed-in
// HTTP client for `canbao serve`. The tests need `npm run build` first (CI's `npm test` runs it).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../bin/canbao.js', import.meta.url));
const BUILT = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export function requireBuiltCli(): void {
  if (!existsSync(BUILT))
    throw new Error(`故障测试运行编译后的命令行：请先运行 npm run build（缺少 ${BUILT}）`);
}

/** The child's environment: this one without any database setting, plus `env`. */
export function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = { ...process.env };
  delete base.DATABASE_URL;
  delete base.CANBAO_DATA_DIR;
  return { ...base, CANBAO_USER: 'fault-test', ...env };
}

export interface RunningCli {
  proc: ChildProcess;
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves when the process has ended, with its exit code or the signal that ended it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves when stdout or stderr has printed a match of `pattern`; rejects if the process ends first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  kill(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startCli(args: readonly string[], env: Record<string, string>): RunningCli {
  const proc = spawn(process.execPath, [CLI, ...args], {
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: (() => void)[] = [];
  const poke = () => {
    for (const w of waiters.splice(0)) w();
  };
  proc.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString('utf8');
    poke();
  });
  proc.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString('utf8');
    poke();
  });
  let ended = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    proc.on('close', (code, signal) => {
      ended = true;
      poke();
      resolve({ code, signal });
    });
  });
  const running: RunningCli = {
    proc,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    exited,
    waitFor(pattern, timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      return new Promise((resolve, reject) => {
        const check = () => {
          if (pattern.test(stdout) || pattern.test(stderr)) return resolve();
          if (ended) return reject(new Error(`进程已结束，未见 ${pattern}：\n${stdout}\n${stderr}`));
          if (Date.now() > deadline) return reject(new Error(`等待 ${pattern} 超时：\n${stdout}\n${stderr}`));
          waiters.push(check);
          setTimeout(() => poke(), Math.min(1000, Math.max(0, deadline - Date.now())));
        };
        check();
      });
    },
    async kill() {
      if (!ended) proc.kill('SIGKILL');
      return exited;
    },
  };
  return running;
}

/** Run `canbao …` to the end; fails with its output when it exits non-zero (unless allowed). */
export async function runCli(
  args: readonly string[],
  env: Record<string, string>,
  allowCodes: readonly number[] = [0],
): Promise<{ stdout: string; stderr: string; code: number | null }> {
  const c = startCli(args, env);
  const { code, signal } = await c.exited;
  if (signal || !allowCodes.includes(code ?? -1))
    throw new Error(`canbao ${args.join(' ')} 退出 ${signal ?? code}：\n${c.stdout}\n${c.stderr}`);
  return { stdout: c.stdout, stderr: c.stderr, code };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A signed-in client of a running `canbao serve`. */
export class ApiClient {
  private cookie = '';
  constructor(readonly base: string) {}

  async login(username: string, password: string): Promise<void> {
    const r = await fetch(`${this.base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    if (r.status !== 200) throw new Error(`登录失败 ${r.status} ${await r.text()}`);
    this.cookie = String(r.headers.get('set-cookie') ?? '').split(';')[0]!;
  }

  /** A multipart upload (form fields, then the file), as the web page sends it. */
  async upload(
    path: string,
    fields: Record<string, string>,
    file: { name: string; content: Buffer },
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    form.append('file', new Blob([new Uint8Array(file.content)], { type: 'text/csv' }), file.name);
    const r = await fetch(`${this.base}${path}`, {
      method: 'POST',
      headers: { cookie: this.cookie },
      body: form,
    });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  }

  /** The status and JSON body; a connection that fails gives status 0 (the server is gone). */
  async request(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{
    status: number;
    body: { error?: { code: string; message: string } } & Record<string, unknown>;
  }> {
    try {
      const r = await fetch(`${this.base}${path}`, {
        method,
        headers: {
          cookie: this.cookie,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await r.text();
      return { status: r.status, body: text ? JSON.parse(text) : {} };
    } catch {
      return { status: 0, body: {} };
    }
  }
}

/** Wait until `canbao serve` answers its health check. */
export async function waitForHealth(base: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const r = await fetch(`${base}/api/health`);
      if (r.ok) return;
    } catch {
      // Not listening yet.
    }
    await sleep(100);
  }
  throw new Error(`${base} 未在 ${timeoutMs} 毫秒内启动`);
}
