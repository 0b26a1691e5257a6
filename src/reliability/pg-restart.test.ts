// PostgreSQL restarted under load, on a private instance (never the machine's main server): while
// `canbao serve` takes payments and lists them, the instance is restarted (pg_ctl restart -m fast), then
// stopped for a few seconds and started again. Meanwhile the service answers 503 DATABASE_UNAVAILABLE
// with the Chinese message (never a crash, never wrong data), and afterwards it recovers by itself:
// the pool replaces its broken connections. A final re-post of every payment adds up to the fen.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/connection.js';
import { DATABASE_UNAVAILABLE } from '../db/unavailable.js';
import {
  ApiClient,
  freePort,
  type RunningCli,
  requireBuiltCli,
  sleep,
  startCli,
  waitForHealth,
} from './fault-support.js';
import { ADMIN, AMOUNT_FEN, ledger, payerIds, paymentBody, seedPayers } from './payment-fixture.js';
import {
  type PrivatePostgres,
  privatePostgresUnavailable,
  startPrivatePostgres,
} from './private-postgres.js';

const unavailable = privatePostgresUnavailable();
if (unavailable) console.warn(unavailable);

interface Answer {
  at: number;
  status: number;
  code?: string;
  message?: string;
}

describe.skipIf(unavailable !== null)('PostgreSQL restarted under load', () => {
  const N = 800;
  const ids = payerIds(N);
  let pgi: PrivatePostgres | undefined;
  let serve: RunningCli | undefined;
  let api: ApiClient;

  beforeAll(async () => {
    requireBuiltCli();
    pgi = await startPrivatePostgres();
    const db = await openDatabase({ databaseUrl: pgi.url });
    try {
      await seedPayers(db, ids);
    } finally {
      await db.close();
    }
    const port = await freePort();
    serve = startCli(['serve', '--port', String(port)], { DATABASE_URL: pgi.url });
    const base = `http://127.0.0.1:${port}`;
    await waitForHealth(base);
    api = new ApiClient(base);
    await api.login(ADMIN.username, ADMIN.password);
  }, 120_000);
  afterAll(async () => {
    await serve?.kill();
    await pgi?.destroy();
  });

  it('answers 503 while the database is away, recovers by itself, and loses or doubles nothing', async () => {
    const answers: Answer[] = [];
    const acked = new Set<number>();
    let next = 0;
    let running = true;
    const worker = async (w: number) => {
      while (running) {
        // Three of four workers pay (each payment once, in order); one lists payments.
        const r =
          w === 0
            ? await api.request('GET', '/api/payments?limit=20')
            : next < N
              ? await (async () => {
                  const i = next++;
                  const x = await api.request('POST', '/api/payments', paymentBody(ids, i));
                  if (x.status === 200 || x.status === 201) acked.add(i);
                  return x;
                })()
              : await api.request('GET', '/api/payments?limit=5');
        answers.push({
          at: Date.now(),
          status: r.status,
          ...(r.body.error ? { code: r.body.error.code, message: r.body.error.message } : {}),
        });
        if (r.status !== 200 && r.status !== 201) await sleep(50);
      }
    };
    const load = Promise.all([0, 1, 2, 3].map(worker));

    await sleep(1500);
    await pgi!.restart();
    await sleep(1500);
    await pgi!.stop();
    const downFrom = Date.now();
    await sleep(3000);
    const downTo = Date.now();
    await pgi!.start();
    const upAt = Date.now();
    // Recovers by itself: a successful answer within 15 s of the database being back.
    let recoveredAt = 0;
    while (Date.now() - upAt < 15_000) {
      const ok = answers.find((a) => a.at > upAt && (a.status === 200 || a.status === 201));
      if (ok) {
        recoveredAt = ok.at;
        break;
      }
      await sleep(100);
    }
    await sleep(1500);
    running = false;
    await load;

    // The service never crashed (its output tells why if it did).
    expect({
      exitCode: serve!.proc.exitCode,
      stderr: serve!.proc.exitCode === null ? '' : serve!.stderr,
    }).toEqual({
      exitCode: null,
      stderr: '',
    });
    expect(recoveredAt).toBeGreaterThan(0);
    const failures = answers.filter((a) => a.status !== 200 && a.status !== 201);
    // Every failure says the database is unavailable, in Chinese; none is a 500 or a dropped connection.
    for (const f of failures)
      expect({ status: f.status, code: f.code, message: f.message }).toEqual({
        status: 503,
        code: DATABASE_UNAVAILABLE.code,
        message: DATABASE_UNAVAILABLE.message,
      });
    const whileDown = answers.filter((a) => a.at > downFrom + 200 && a.at < downTo);
    expect(whileDown.length).toBeGreaterThan(0);
    expect(whileDown.every((a) => a.status === 503)).toBe(true);
    const afterRecovery = answers.filter((a) => a.at > recoveredAt);
    expect(afterRecovery.length).toBeGreaterThan(0);
    expect(afterRecovery.every((a) => a.status === 200 || a.status === 201)).toBe(true);

    // Every acknowledged payment is stored once; re-posting everything fills the gaps, doubles nothing.
    const db = await openDatabase({ databaseUrl: pgi!.url, migrate: false });
    try {
      const stored = await ledger(db);
      for (const i of acked) expect(stored.numbers.has(paymentBody(ids, i).externalNo)).toBe(true);
      expect(stored.distinctNumbers).toBe(stored.payments);
      for (let i = 0; i < N; i++) {
        const r = await api.request('POST', '/api/payments', paymentBody(ids, i));
        expect([200, 201]).toContain(r.status);
      }
      const final = await ledger(db);
      expect({ ...final, numbers: final.numbers.size }).toEqual({
        payments: N,
        distinctNumbers: N,
        sumFen: N * AMOUNT_FEN,
        enrolled: N,
        paymentAudits: N,
        enrollmentAudits: N,
        numbers: N,
      });
      console.info(
        `数据库重启测试：${answers.length} 个请求，${failures.length} 个 503，停机后 ${recoveredAt - upAt} 毫秒恢复`,
      );
    } finally {
      await db.close();
    }
  }, 180_000);
});
