// HTTP on loopback with autocannon, against the product as `canbao serve` builds it (sessions, roles,
// scope checks, the audit log): recording payments with durable commits, and looking a person up by
// ID. The load generator runs in a child process so it does not share the server's event loop.
import { fork } from 'node:child_process';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { assessRegion } from '../../src/assessment/assess-region.service.js';
import { addUser } from '../../src/auth/user.service.js';
import { buildApp } from '../../src/http/app.js';
import { shippedPacks } from '../../src/policy/pack-loader.js';
import type { BenchDatabase } from '../database.js';
import { type Measurement, measurement, same } from '../harness.js';
import { type CpuWindow, msPerRequest, startCpuWindow } from '../process-cpu.js';

const CITY = '140600'; // 朔州市: about half the demo; payments are taken in its largest county
const YEAR = 2025;
const PAID_ON = '2024-11-30';
const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 20);
/** Not counted: connections prepare their statements first (see http-cannon.mjs). */
const WARMUP_SECONDS = Number(process.env.BENCH_HTTP_WARMUP_SECONDS ?? 3);
// A closed loop: with C connections, latency = C / throughput (Little's law); 20 counters at once is
// a busy county hall, and at 1,000 req/s leaves each request 20 ms.
const CONNECTIONS = Number(process.env.BENCH_HTTP_CONNECTIONS ?? 20);

export interface CannonResult {
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  /** Requests of the warm-up before the counted run. */
  warmupRequests: number;
  /** POST bodies handed out, warm-up included. */
  sent?: number;
  /** CPU per request, ms: the server's Node process, PostgreSQL (server only), the load generator. */
  cpu: { serverNodeMs: number; postgresMs?: number; loadGeneratorMs: number };
}

/**
 * Runs autocannon in a child process: POST bodies (one per request, used in order) or GET paths.
 * Counts the CPU each process spends meanwhile (PostgreSQL's only when it is the server here).
 */
function cannon(
  url: string,
  cookie: string,
  load: { bodies: string[] } | { paths: string[] },
  kind: BenchDatabase['kind'],
): Promise<CannonResult> {
  const child = fork(new URL('./http-cannon.mjs', import.meta.url), { stdio: 'inherit' });
  child.send({
    url,
    cookie,
    seconds: SECONDS,
    warmupSeconds: WARMUP_SECONDS,
    connections: CONNECTIONS,
    ...load,
  });
  let window: CpuWindow | undefined;
  return new Promise((resolve, reject) => {
    child.on('message', (m) => {
      if ((m as { measuring?: boolean }).measuring) {
        window = startCpuWindow({ postgres: kind === 'server' });
        return;
      }
      child.kill();
      const { cpuMs, ...r } = m as Omit<CannonResult, 'cpu'> & { cpuMs: number };
      resolve({
        ...r,
        cpu: { ...window!.perRequest(r.requests), loadGeneratorMs: msPerRequest(cpuMs, r.requests) },
      });
    });
    child.once('error', reject);
  });
}

async function login(address: string, username: string, password: string): Promise<string> {
  const r = await fetch(`${address}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!r.ok) throw new Error(`bench login failed: ${r.status} ${await r.text()}`);
  return r.headers.get('set-cookie')!.split(';')[0]!;
}

export async function benchHttp(db: BenchDatabase): Promise<Measurement[]> {
  const packs = shippedPacks();
  const h = db.handle;
  // The people who owe this year, and what: the same engine the payment route checks against.
  const largest = await sql<{ county: string }>`
    SELECT county_code AS county FROM persons WHERE county_code LIKE ${`${CITY.slice(0, 4)}%`}
    GROUP BY county_code ORDER BY count(*) DESC LIMIT 1`.execute(h.db);
  const county = largest.rows[0]!.county;
  await assessRegion(h, packs, { region: county, year: YEAR, asOf: PAID_ON });
  const owed = await sql<{ doc_no: string; payable_fen: number }>`
    SELECT p.doc_no, a.payable_fen FROM assessments a JOIN persons p ON p.id = a.person_id
    WHERE a.county_code = ${county} AND a.year = ${YEAR} AND a.status = 'assessed' AND a.payable_fen > 0
      AND NOT EXISTS (SELECT 1 FROM payments pay WHERE pay.person_id = a.person_id AND pay.year = ${YEAR})
    ORDER BY p.id`.execute(h.db);
  const password = 'Bench-2026-pass';
  await sql`DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE username = 'bench')`.execute(
    h.db,
  );
  await sql`DELETE FROM users WHERE username = 'bench'`.execute(h.db);
  await addUser(
    h,
    { username: 'bench', displayName: '压测', role: 'staff', scopeCode: county, password },
    'bench',
  );

  const app: FastifyInstance = await buildApp({
    packs,
    db: h,
    auth: { secureCookies: false },
    webRoot: false,
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    const cookie = await login(address, 'bench', password);
    const stamp = Date.now().toString(36);
    const bodies = owed.rows.map((r, i) =>
      JSON.stringify({
        docNo: r.doc_no,
        year: YEAR,
        amountFen: r.payable_fen,
        paidOn: PAID_ON,
        channel: 'wechat',
        externalNo: `BENCH-${stamp}-${i}`,
      }),
    );
    const pay = await cannon(`${address}/api/payments`, cookie, { bodies }, db.kind);
    const stored = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM payments WHERE external_no LIKE ${`BENCH-${stamp}-%`}`.execute(h.db);

    const ids = owed.rows.slice(0, 50_000).map((r) => `/api/persons/${r.doc_no}`);
    const lookup = await cannon(address, cookie, { paths: ids }, db.kind);

    const row = (
      workload: string,
      r: CannonResult,
      goal: string,
      extra: Record<string, number | string>,
      checks: Record<string, true | string> = {},
    ) =>
      measurement({
        workload,
        database: db.kind,
        rows: r.requests,
        seconds: r.seconds,
        goal,
        checks: {
          everyAnswer2xx: same(r.non2xx, 0, '非 2xx 应答'),
          noErrors: same(r.errors, 0, '错误和超时'),
          ...checks,
        },
        extra: {
          p50ms: r.p50,
          p99ms: r.p99,
          non2xx: r.non2xx,
          errors: r.errors,
          connections: CONNECTIONS,
          warmupSeconds: WARMUP_SECONDS,
          warmupRequests: r.warmupRequests,
          cpuMsPerRequestServerNode: r.cpu.serverNodeMs,
          ...(r.cpu.postgresMs !== undefined ? { cpuMsPerRequestPostgres: r.cpu.postgresMs } : {}),
          cpuMsPerRequestLoadGenerator: r.cpu.loadGeneratorMs,
          ...extra,
        },
      });
    const storedPayments = stored.rows[0]!.n;
    const answered = pay.requests + pay.warmupRequests;
    return [
      row(
        'HTTP: record a payment (durable commit)',
        pay,
        '≥ 1,000 req/s, p99 < 50 ms',
        { storedPayments, available: bodies.length },
        {
          // Each answered payment is stored once; a request cut off when the run stopped may be stored too.
          everyAnsweredPaymentStored:
            (storedPayments >= answered && storedPayments <= (pay.sent ?? 0)) ||
            `已存缴费 ${storedPayments} 笔，应在已应答的 ${answered} 笔与已发出的 ${pay.sent} 笔之间`,
        },
      ),
      row('HTTP: person lookup by ID', lookup, '≥ 3,000 req/s', {}),
    ];
  } finally {
    await app.close();
  }
}
