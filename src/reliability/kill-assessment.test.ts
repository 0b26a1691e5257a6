// SIGKILL during a region assessment (`canbao assess-region`, the built CLI in a child process).
// A first run stores the "old" ledger; then half the identities are ended, so a new run changes many
// people's amounts. Runs of the new assessment are killed at four moments (the last usually after it committed); after each, the stored
// ledger is exactly the old one or exactly the new one, never a mix, and no run is left unfinished.
// A full re-run gives the totals a what-if computes for the same data (nothing stored by it).
// CANBAO_FAULT_PERSONS sets the population (default 60,000).
import { createHash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { whatIf } from '../assessment/assess-region.service.js';
import type { DatabaseHandle } from '../db/connection.js';
import { shippedPacks } from '../policy/pack-loader.js';
import { loadDemoPopulation } from '../registry/demo/load.js';
import { createServerTestDatabase, serverTestsSkipped } from '../test-support/db.js';
import { requireBuiltCli, runCli, sleep, startCli } from './fault-support.js';

const PERSONS = Number(process.env.CANBAO_FAULT_PERSONS ?? 60_000);
const REGION = '512022';
const YEAR = 2025;
const AS_OF = '2024-11-30';

// biome-ignore lint/suspicious/noExplicitAny: assessment tables as the test reads them
async function ledgerState(db: Kysely<any>) {
  // One statement, one snapshot: a killed client's COMMIT may still reach the server after the kill,
  // and the ledger and the runs read apart could then straddle it (old ledger, two runs).
  const r = await sql<{
    rows: string | null;
    n: number;
    payable: number;
    subsidy: number;
    runs: number;
    unfinished: number;
  }>`
    SELECT string_agg(person_id || ':' || status || ':' || standard_fen || ':' || subsidy_fen || ':' ||
        payable_fen || ':' || COALESCE(category, ''), ',' ORDER BY person_id) AS rows,
      count(*)::int AS n, COALESCE(sum(payable_fen), 0)::bigint AS payable, COALESCE(sum(subsidy_fen), 0)::bigint AS subsidy,
      (SELECT count(*)::int FROM assessment_runs) AS runs,
      (SELECT count(*)::int FROM assessment_runs WHERE finished_at IS NULL) AS unfinished
    FROM assessments WHERE county_code = ${REGION} AND year = ${YEAR}`.execute(db);
  const { runs, unfinished, ...row } = r.rows[0]!;
  return {
    hash: createHash('md5')
      .update(row.rows ?? '')
      .digest('hex'),
    persons: row.n,
    payableFen: Number(row.payable),
    subsidyFen: Number(row.subsidy),
    runs,
    unfinished,
  };
}

describe.skipIf(serverTestsSkipped)('SIGKILL during a region assessment [server]', () => {
  let db: DatabaseHandle;
  let env: Record<string, string>;
  const assessArgs = ['assess-region', REGION, String(YEAR), '--as-of', AS_OF, '--json'];

  beforeAll(async () => {
    requireBuiltCli();
    db = await createServerTestDatabase({ durable: true });
    env = { DATABASE_URL: db.url! };
    await loadDemoPopulation(db, { persons: PERSONS, seed: 'kill-assessment', counties: [REGION] });
  }, 180_000);
  afterAll(async () => {
    await db?.close();
  });

  it('keeps the old ledger or the new one, never a mix, and a re-run gives the right totals', async () => {
    const started = Date.now();
    await runCli(assessArgs, env);
    const fullRun = Date.now() - started;
    const old = await ledgerState(db.db);
    expect(old).toMatchObject({ persons: PERSONS, runs: 1, unfinished: 0 });

    // End half of the identities: the new run changes the subsidy of many people.
    const ended = await sql`DELETE FROM person_identities WHERE id % 2 = 0`.execute(db.db);
    expect(Number(ended.numAffectedRows)).toBeGreaterThan(100);
    const resolved = shippedPacks().find(REGION, YEAR)!;
    const expected = await whatIf(db, resolved, { region: REGION, year: YEAR, asOf: AS_OF });
    expect(expected.affected).toBeGreaterThan(100);

    const afterKills: Awaited<ReturnType<typeof ledgerState>>[] = [];
    for (const fraction of [0.3, 0.55, 0.8, 1.6]) {
      const child = startCli(assessArgs, env);
      await sleep(Math.round(fullRun * fraction));
      await child.kill();
      afterKills.push(await ledgerState(db.db));
    }

    const final = JSON.parse((await runCli(assessArgs, env)).stdout);
    expect(final.totals).toEqual(expected.after.totals);
    const now = await ledgerState(db.db);
    expect({ payableFen: now.payableFen, subsidyFen: now.subsidyFen, persons: now.persons }).toEqual({
      payableFen: expected.after.totals.payableFen,
      subsidyFen: expected.after.totals.subsidyFen,
      persons: expected.after.totals.persons,
    });
    expect(now.unfinished).toBe(0);
    expect(now.hash).not.toBe(old.hash);
    for (const k of afterKills) {
      expect(k.unfinished).toBe(0);
      expect([old.hash, now.hash]).toContain(k.hash);
      // A committed run is a finished run: one more run for each ledger that moved on.
      if (k.hash === old.hash) expect(k.runs).toBe(1);
    }
    console.info(
      `核定中断测试：完整核定 ${fullRun} 毫秒；${afterKills.length} 次中断后账本为${afterKills
        .map((k) => (k.hash === old.hash ? '旧' : '新'))
        .join('、')}`,
    );
  }, 400_000);
});
