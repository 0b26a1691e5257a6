// SIGKILL of `canbao serve` in the middle of a burst of payments posted over HTTP (16 at a time).
// Every payment the client got a 2xx for is stored exactly once, with its enrollment and audit rows;
// after a restart, posting every payment again stores the missing ones and answers the rest as
// already recorded: no duplicates, and the totals add up to the fen.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../db/connection.js';
import { createServerTestDatabase, serverTestsSkipped } from '../test-support/db.js';
import {
  ApiClient,
  freePort,
  type RunningCli,
  requireBuiltCli,
  startCli,
  waitForHealth,
} from './fault-support.js';
import { ADMIN, AMOUNT_FEN, ledger, payerIds, paymentBody, seedPayers } from './payment-fixture.js';

/** Post payments `indexes` with `concurrency` in flight; stop sending once `stop()` is true. */
async function burst(
  api: ApiClient,
  ids: readonly string[],
  indexes: readonly number[],
  concurrency: number,
  onAnswer: (i: number, status: number) => void,
  stop: () => boolean = () => false,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < indexes.length && !stop()) {
      const i = indexes[next++]!;
      const r = await api.request('POST', '/api/payments', paymentBody(ids, i));
      onAnswer(i, r.status);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

// The server always; PGlite (one session, so no real concurrency) with CANBAO_FAULT_FULL=1, or when
// the server tests are skipped, to keep the default suite short.
const KINDS = serverTestsSkipped
  ? (['pglite'] as const)
  : process.env.CANBAO_FAULT_FULL === '1'
    ? (['server', 'pglite'] as const)
    : (['server'] as const);

for (const kind of KINDS) {
  describe(`SIGKILL during a burst of payments over HTTP [${kind}]`, () => {
    const N = kind === 'server' ? 2000 : 500;
    const ids = payerIds(N);
    let dir = '';
    let server: DatabaseHandle | undefined;
    let env: Record<string, string> = {};
    let serve: RunningCli | undefined;

    async function startServe(): Promise<ApiClient> {
      const port = await freePort();
      serve = startCli(['serve', '--port', String(port)], env);
      const base = `http://127.0.0.1:${port}`;
      await waitForHealth(base);
      const api = new ApiClient(base);
      await api.login(ADMIN.username, ADMIN.password);
      return api;
    }

    async function withDb<T>(fn: (db: DatabaseHandle) => Promise<T>): Promise<T> {
      if (server) return fn(server);
      const h = await openDatabase({ databaseUrl: '', dataDir: env.CANBAO_DATA_DIR! });
      try {
        return await fn(h);
      } finally {
        await h.close();
      }
    }

    beforeAll(async () => {
      requireBuiltCli();
      dir = await mkdtemp(join(tmpdir(), `canbao-kill-payments-${kind}-`));
      if (kind === 'server') {
        server = await createServerTestDatabase({ durable: true });
        env = { DATABASE_URL: server.url! };
      } else env = { CANBAO_DATA_DIR: join(dir, 'pglite') };
      await withDb((db) => seedPayers(db, ids));
    }, 120_000);
    afterAll(async () => {
      await serve?.kill();
      await server?.close();
      await rm(dir, { recursive: true, force: true });
    });

    it('keeps every acknowledged payment exactly once, and a re-post of all of them adds up', async () => {
      let api = await startServe();
      const acked = new Set<number>();
      const answers = new Map<number, number>();
      let killed = false;
      const killAt = Math.floor(N * 0.4);
      const sending = burst(
        api,
        ids,
        [...ids.keys()],
        16,
        (i, status) => {
          answers.set(status, (answers.get(status) ?? 0) + 1);
          if (status >= 200 && status < 300) acked.add(i);
          if (!killed && acked.size >= killAt) {
            killed = true;
            serve!.proc.kill('SIGKILL');
          }
        },
        () => killed,
      );
      await sending;
      const { signal } = await serve!.exited;
      expect(signal).toBe('SIGKILL');
      // Before the kill, every answer was a success; in-flight requests lost their connection (0).
      expect([...answers.keys()].every((s) => s === 201 || s === 0)).toBe(true);
      expect(acked.size).toBeGreaterThanOrEqual(killAt);

      const afterKill = await withDb(ledger);
      for (const i of acked) expect(afterKill.numbers.has(paymentBody(ids, i).externalNo)).toBe(true);
      // Stored are the acknowledged ones and perhaps some whose answer was lost in the kill; each
      // once, with its enrollment and audit rows (they are one statement with the payment).
      expect(afterKill.payments).toBeGreaterThanOrEqual(acked.size);
      expect(afterKill.payments).toBeLessThanOrEqual(acked.size + 16);
      expect(afterKill).toMatchObject({
        distinctNumbers: afterKill.payments,
        sumFen: afterKill.payments * AMOUNT_FEN,
        enrolled: afterKill.payments,
        paymentAudits: afterKill.payments,
        enrollmentAudits: afterKill.payments,
      });

      // Restart and post every payment again, as a channel resending its day would.
      api = await startServe();
      const again = new Map<number, number>();
      await burst(api, ids, [...ids.keys()], 16, (_i, status) =>
        again.set(status, (again.get(status) ?? 0) + 1),
      );
      expect(Object.fromEntries(again)).toEqual({ 201: N - afterKill.payments, 200: afterKill.payments });
      await serve!.kill();
      serve = undefined;

      const final = await withDb(ledger);
      expect({ ...final, numbers: final.numbers.size }).toEqual({
        payments: N,
        distinctNumbers: N,
        sumFen: N * AMOUNT_FEN,
        enrolled: N,
        paymentAudits: N,
        enrollmentAudits: N,
        numbers: N,
      });
    }, 300_000);
  });
}
