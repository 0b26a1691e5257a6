// Concurrency, on both databases: two agents paying for the same person at the same moment with
// different transaction numbers (exactly one accepted, the other refused as 已缴费); two imports of
// the same department list at once (the identities stored once, the list and its history once);
// a region assessment running while payments arrive (none lost, and the ledger agrees with the
// stored assessments and the run's totals afterwards).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { assessRegion } from '../assessment/assess-region.service.js';
import { ledger } from '../assessment/ledger.repository.js';
import { importLifeEvents } from '../collection/event-import.service.js';
import { buildApp } from '../http/app.js';
import { importDepartmentList } from '../identities/list-import.service.js';
import { shippedPacks } from '../policy/pack-loader.js';
import { checkDigit } from '../registry/id-document.js';
import { importPersons } from '../registry/import.service.js';
import { describeEachDatabase } from '../test-support/db.js';
import { addAndLogin } from '../test-support/login.js';

const COUNTY = '130802';
const VILLAGE = '130802001001';
/** People of the county: the first tenth on the 民政 list as 低保, the rest paying the full amount. */
const N = 600;
const ON_LIST = 60;

function people(): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < N; i++) {
    const birth = 19500101 + Math.floor(i / 900) * 10000 + (i % 28);
    const first17 = `${COUNTY}${birth}${String((i % 900) + 1).padStart(3, '0')}`;
    out.push(first17 + checkDigit(first17));
  }
  return out;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'canbao-concurrency-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describeEachDatabase('at the same moment', (getDb, kind) => {
  const ids = people();
  let app: FastifyInstance;
  let cookies: Record<string, string>;
  const pay = (who: string, docNo: string, externalNo: string, channel = 'cash') =>
    app.inject({
      method: 'POST',
      url: '/api/payments',
      headers: { cookie: cookies[who]! },
      payload: { docNo, year: 2025, amountFen: 40000, paidOn: '2024-10-15', channel, externalNo },
    });
  /** A whole household's payment (two members at 400 元) under one cash receipt, by agent1. */
  const payHousehold = (key: string, externalNo: string) =>
    app.inject({
      method: 'POST',
      url: `/api/households/${key}/payments`,
      headers: { cookie: cookies.agent1! },
      payload: { year: 2025, amountFen: 80000, paidOn: '2024-10-15', channel: 'cash', externalNo },
    });

  const countyPersons = async () =>
    (
      await sql<{ n: number }>`SELECT count(*)::int AS n FROM persons WHERE county_code = ${COUNTY}`.execute(
        getDb().db,
      )
    ).rows[0]!.n;

  beforeAll(async () => {
    const db = getDb();
    await sql`INSERT INTO regions (code, name, level, parent_code, county_code) VALUES
      ('130802', '双桥区', 3, NULL, '130802'), ('130802001', '石洞子沟街道', 4, '130802', '130802'),
      (${VILLAGE}, '东关村', 5, '130802001', '130802')`.execute(db.db);
    await db.copyFrom(
      'persons',
      ['county_code', 'doc_type', 'doc_no', 'name', 'residence_village'],
      ids.map((id, i) => `${COUNTY},resident_id,${id},居民${i},${VILLAGE}\n`),
    );
    await sql`ANALYZE persons`.execute(db.db);
    app = await buildApp({ packs: shippedPacks(), db, auth: { secureCookies: false }, webRoot: false });
    cookies = await addAndLogin(app, db, [
      ['agent1', 'village', VILLAGE],
      ['agent2', 'village', VILLAGE],
    ]);
  }, 120_000);
  afterAll(async () => app?.close());

  it('two agents paying for the same person at once: exactly one payment, the other refused as 已缴费', async () => {
    const targets = ids.slice(ON_LIST, ON_LIST + 40);
    const answers = await Promise.all(
      targets.flatMap((docNo, i) => [
        pay('agent1', docNo, `A1-${i}`, 'cash'),
        pay('agent2', docNo, `A2-${i}`, 'wechat'),
      ]),
    );
    for (let i = 0; i < targets.length; i++) {
      const pair = [answers[2 * i]!, answers[2 * i + 1]!];
      const codes = pair.map((a) => a.statusCode).sort();
      expect(codes, `${targets[i]}: ${pair.map((a) => a.body).join(' | ')}`).toEqual([201, 400]);
      const refused = pair.find((a) => a.statusCode === 400)!.json().error;
      expect(refused.code).toBe('already-paid');
      expect(refused.message).toMatch(/已缴费/);
    }
    const stored = await sql<{ n: number; persons: number; audits: number; enrolled: number }>`
      SELECT count(*)::int AS n, count(DISTINCT person_id)::int AS persons,
        (SELECT count(*)::int FROM audit_log WHERE action = 'payment.record') AS audits,
        (SELECT count(*)::int FROM enrollments WHERE year = 2025 AND status = 'enrolled') AS enrolled
      FROM payments WHERE year = 2025`.execute(getDb().db);
    expect(stored.rows[0]).toEqual({ n: 40, persons: 40, audits: 40, enrolled: 40 });
  }, 120_000);

  it('a household payment and a member’s own payment at once: the household’s receipt is kept whole or not at all', async () => {
    // Ten households of two from the people nobody has paid for; each registered for the year.
    const db = getDb();
    const first = N - 20;
    for (let h = 0; h < 10; h++) {
      const hh = await sql<{ id: number }>`INSERT INTO households (county_code, household_no, village_code)
        VALUES (${COUNTY}, ${`HH${h}`}, ${VILLAGE}) RETURNING id::int`.execute(db.db);
      const [a, b] = [ids[first + 2 * h]!, ids[first + 2 * h + 1]!];
      await sql`UPDATE persons SET household_id = ${hh.rows[0]!.id},
        relation = CASE WHEN doc_no = ${a} THEN '户主' ELSE '子女' END WHERE doc_no IN (${a}, ${b})`.execute(
        db.db,
      );
      const reg = await app.inject({
        method: 'POST',
        url: `/api/households/HH${h}/enrollments`,
        headers: { cookie: cookies.agent1! },
        payload: { year: 2025, registeredOn: '2024-10-01' },
      });
      expect(reg.statusCode, reg.body).toBe(200);
    }
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, h) => [
        payHousehold(`HH${h}`, `HH-${h}`),
        // The member's own payment a little later each time, to land inside the household's.
        new Promise((resolve) => setTimeout(resolve, h * 3)).then(() =>
          pay('agent2', ids[first + 2 * h + 1]!, `OWN-${h}`, 'wechat'),
        ),
      ]).flat(),
    );
    for (let h = 0; h < 10; h++) {
      const [household, own] = [answers[2 * h]!, answers[2 * h + 1]!];
      const kept = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM payments WHERE external_no LIKE ${`HH-${h}#%`}`.execute(db.db);
      const paid = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM payments p JOIN persons x ON x.id = p.person_id
        WHERE x.doc_no IN (${ids[first + 2 * h]!}, ${ids[first + 2 * h + 1]!}) AND p.year = 2025`.execute(
        db.db,
      );
      const what = `HH${h}: household ${household.statusCode} ${household.body.slice(0, 160)} | own ${own.statusCode}`;
      if (household.statusCode === 200) {
        // The household's receipt paid for both; the member's own payment was refused.
        expect(kept.rows[0]!.n, what).toBe(2);
        expect(own.statusCode, what).toBe(400);
      } else {
        // Refused: none of the household's receipt is kept, and the member paid once, by themself.
        expect(household.statusCode, what).toBe(400);
        expect(kept.rows[0]!.n, what).toBe(0);
        expect(own.statusCode, what).toBe(201);
      }
      expect(paid.rows[0]!.n, what).toBe(household.statusCode === 200 ? 2 : 1);
    }
  }, 120_000);

  it.runIf(kind === 'server')(
    'a member paid while the household’s payment waits for them: nothing of the household’s receipt is kept',
    async () => {
      // Deterministic: the second member's lock is held while the household's payment runs, and a
      // payment of theirs is committed under it — as an agent's at the same moment would be.
      const db = getDb();
      const [a, b] = [ids[N - 22]!, ids[N - 21]!];
      const hh = await sql<{ id: number }>`INSERT INTO households (county_code, household_no, village_code)
        VALUES (${COUNTY}, 'HHX', ${VILLAGE}) RETURNING id::int`.execute(db.db);
      await sql`UPDATE persons SET household_id = ${hh.rows[0]!.id},
        relation = CASE WHEN doc_no = ${a} THEN '户主' ELSE '子女' END WHERE doc_no IN (${a}, ${b})`.execute(
        db.db,
      );
      const reg = await app.inject({
        method: 'POST',
        url: '/api/households/HHX/enrollments',
        headers: { cookie: cookies.agent1! },
        payload: { year: 2025, registeredOn: '2024-10-01' },
      });
      expect(reg.statusCode, reg.body).toBe(200);
      const idOf = async (docNo: string) =>
        (await sql<{ id: number }>`SELECT id::int FROM persons WHERE doc_no = ${docNo}`.execute(db.db))
          .rows[0]!.id;
      const [idA, idB] = [await idOf(a), await idOf(b)];
      let household: Promise<Awaited<ReturnType<typeof app.inject>>> | undefined;
      await db.transaction(async (tx) => {
        await sql`SELECT pg_advisory_xact_lock(${idB})`.execute(tx.db);
        household = payHousehold('HHX', 'HH-X');
        for (let i = 0; i < 200; i++) {
          const waiting = await sql<{ n: number }>`
            SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`.execute(
            db.db,
          );
          if (waiting.rows[0]!.n > 0) break;
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
        await sql`INSERT INTO payments (county_code, year, person_id, amount_fen, paid_on, channel, external_no, pack_hash)
          VALUES (${COUNTY}, 2025, ${idB}, 40000, '2024-10-15', 'wechat', 'OWN-X', 'test')`.execute(tx.db);
      });
      const r = await household!;
      expect(r.statusCode, r.body).toBe(400);
      expect(r.json().error.code).toBe('already-paid');
      const kept = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM payments WHERE external_no LIKE 'HH-X#%' OR person_id = ${idA}`.execute(
        db.db,
      );
      expect(kept.rows[0]!.n).toBe(0);
    },
    60_000,
  );

  it('refunds: approved and rejected at once get one decision; two payout batches at once pay each once', async () => {
    const db = getDb();
    const staff = (await addAndLogin(app, db, [['staff1', 'staff', COUNTY]])).staff1!;
    // A refund requested on each of the forty payments of the first test.
    const refunds = await sql<{ id: number }>`
      INSERT INTO refunds (county_code, year, person_id, payment_id, reason, amount_fen, requested_on, requested_by)
      SELECT county_code, year, person_id, id, 'overpayment', 1000, '2024-11-01', 'test' FROM payments
      WHERE external_no LIKE 'A_-%' ORDER BY id RETURNING id::int`.execute(db.db);
    expect(refunds.rows.length).toBe(40);
    const decide = (id: number, how: 'approve' | 'reject') =>
      app.inject({
        method: 'POST',
        url: `/api/refunds/${id}/${how}`,
        headers: { cookie: staff },
        payload: { note: how === 'approve' ? '同意' : '不符合条件' },
      });
    const answers = await Promise.all(
      refunds.rows.flatMap((r) => [decide(r.id, 'approve'), decide(r.id, 'reject')]),
    );
    for (let i = 0; i < refunds.rows.length; i++) {
      const [approve, reject] = [answers[2 * i]!, answers[2 * i + 1]!];
      const codes = [approve.statusCode, reject.statusCode].sort();
      expect(codes, `${approve.body} | ${reject.body}`).toEqual([200, 400]);
      const state = await sql<{
        state: string;
      }>`SELECT state FROM refunds WHERE id = ${refunds.rows[i]!.id}`.execute(db.db);
      expect(state.rows[0]!.state).toBe(approve.statusCode === 200 ? 'approved' : 'rejected');
    }
    const decisions = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM audit_log WHERE action IN ('refund.approve', 'refund.reject')`.execute(
      db.db,
    );
    expect(decisions.rows[0]!.n).toBe(40);

    const approved = await sql<{ n: number; sum: number }>`
      SELECT count(*)::int AS n, COALESCE(sum(amount_fen), 0)::int AS sum FROM refunds WHERE state = 'approved'`.execute(
      db.db,
    );
    const batches = await Promise.all(
      ['B1', 'B2'].map((batch) =>
        app.inject({
          method: 'POST',
          url: '/api/refunds/payouts',
          headers: { cookie: staff },
          payload: { region: COUNTY, batch },
        }),
      ),
    );
    for (const b of batches) expect(b.statusCode, b.body).toBeLessThan(300);
    const paid = await sql<{ n: number; sum: number; batches: number }>`
      SELECT count(*)::int AS n, COALESCE(sum(amount_fen), 0)::int AS sum,
        count(DISTINCT payout_batch)::int AS batches FROM refunds WHERE state = 'paid'`.execute(db.db);
    expect(paid.rows[0]).toMatchObject({ n: approved.rows[0]!.n, sum: approved.rows[0]!.sum });
    const listed = batches.reduce((s, b) => s + (b.json().lines?.length ?? 0), 0);
    expect(listed).toBe(approved.rows[0]!.n);
  }, 120_000);

  it('two imports of the same roster at once store each person and household once', async () => {
    const roster = join(dir, `roster-${kind}.csv`);
    const lines = ['姓名,公民身份号码,性别,户号,与户主关系,乡镇（街道）,村（社区）,人员状态'];
    const newcomers: string[] = [];
    for (let i = 0; i < 50; i++) {
      const first17 = `${COUNTY}20010101${String(i + 1).padStart(3, '0')}`;
      const docNo = first17 + checkDigit(first17);
      newcomers.push(docNo);
      // Names without digits; the sex the ID number's 17th digit says (odd: male).
      const name = `新${'甲乙丙丁戊己庚辛壬癸'[i % 10]}${'子丑寅卯辰'[Math.floor(i / 10)]}`;
      const sex = (i + 1) % 2 ? '男' : '女';
      lines.push(
        `${name},${docNo},${sex},R${Math.floor(i / 2)},${i % 2 ? '子女' : '户主'},石洞子沟街道,东关村,正常`,
      );
    }
    await writeFile(roster, lines.join('\r\n'));
    const results = await Promise.allSettled([
      importPersons(getDb(), roster),
      importPersons(getDb(), roster),
    ]);
    expect(
      results.map((r) => r.status),
      results.map((r) => (r.status === 'rejected' ? String(r.reason) : '')).join(' '),
    ).toEqual(['fulfilled', 'fulfilled']);
    const stored = await sql<{ persons: number; distinct: number; households: number }>`
      SELECT count(*)::int AS persons, count(DISTINCT doc_no)::int AS distinct,
        (SELECT count(*)::int FROM households WHERE household_no LIKE 'R%') AS households
      FROM persons WHERE doc_no IN (${sql.join(newcomers)})`.execute(getDb().db);
    const why = await sql<{ reason: string }>`SELECT reason FROM import_rejections LIMIT 3`.execute(
      getDb().db,
    );
    expect(stored.rows[0], JSON.stringify(why.rows)).toEqual({ persons: 50, distinct: 50, households: 25 });
  }, 120_000);

  it('two imports of the same death list at once record each death and its refund once', async () => {
    // Ten of the people paid for in the first test die; the same list arrives twice at once.
    const dead = ids.slice(ON_LIST, ON_LIST + 10);
    const file = join(dir, `deaths-${kind}.csv`);
    await writeFile(
      file,
      ['姓名,证件号码,死亡日期', ...dead.map((id) => `居民${ids.indexOf(id)},${id},2024-11-20`)].join('\r\n'),
    );
    const options = {
      file,
      type: 'death' as const,
      source: 'health' as const,
      reportedOn: '2024-12-01',
      actor: 'wj',
    };
    const results = await Promise.allSettled([
      importLifeEvents(getDb(), shippedPacks(), options),
      importLifeEvents(getDb(), shippedPacks(), options),
    ]);
    expect(
      results.map((r) => r.status),
      results.map((r) => (r.status === 'rejected' ? String(r.reason) : '')).join(' '),
    ).toEqual(['fulfilled', 'fulfilled']);
    const values = results.map(
      (r) => (r as PromiseFulfilledResult<{ recorded: number; alreadyRecorded: number }>).value,
    );
    expect(values.map((v) => v.recorded).sort()).toEqual([0, 10]);
    const stored = await sql<{ events: number; refunds: number; distinctRefunds: number }>`
      SELECT (SELECT count(*)::int FROM life_events WHERE type = 'death') AS events,
        (SELECT count(*)::int FROM refunds WHERE reason = 'death') AS refunds,
        (SELECT count(DISTINCT payment_id)::int FROM refunds WHERE reason = 'death') AS "distinctRefunds"`.execute(
      getDb().db,
    );
    expect(stored.rows[0]!.events).toBe(10);
    expect(stored.rows[0]!.refunds).toBe(stored.rows[0]!.distinctRefunds);
  }, 120_000);

  it('two imports of the same department list at once store its identities once', async () => {
    const file = join(dir, `minzheng-${kind}.csv`);
    await writeFile(
      file,
      ['姓名,身份证号码,类别', ...ids.slice(0, ON_LIST).map((id, i) => `居民${i},${id},低保`)].join('\r\n'),
    );
    const options = {
      file,
      department: 'civil_affairs' as const,
      county: COUNTY,
      asOf: '2024-09-01',
      importedBy: 'minzheng',
    };
    const results = await Promise.allSettled([
      importDepartmentList(getDb(), options),
      importDepartmentList(getDb(), { ...options, importedBy: 'minzheng2' }),
    ]);
    const outcomes = results.map((r) => (r.status === 'fulfilled' ? r.value : r.reason));
    // One applies the list; the other finds it imported (not an error from a broken constraint).
    expect(
      results.map((r) => r.status),
      String(outcomes.map((o) => o?.message ?? '')),
    ).toEqual(['fulfilled', 'fulfilled']);
    const values = results.map(
      (r) =>
        (r as PromiseFulfilledResult<{ applied: boolean; added: number; alreadyImported: boolean }>).value,
    );
    expect(values.map((v) => v.applied).sort()).toEqual([false, true]);
    expect(values.find((v) => v.applied)!.added).toBe(ON_LIST);
    expect(values.find((v) => !v.applied)!.alreadyImported).toBe(true);
    const stored = await sql<{ identities: number; open: number; lists: number; audits: number }>`
      SELECT (SELECT count(*)::int FROM person_identities) AS identities,
        (SELECT count(DISTINCT (person_id, category))::int FROM person_identities WHERE valid_to IS NULL) AS open,
        (SELECT count(*)::int FROM department_lists) AS lists,
        (SELECT count(*)::int FROM audit_log WHERE action = 'identities.import') AS audits`.execute(
      getDb().db,
    );
    expect(stored.rows[0]).toEqual({ identities: ON_LIST, open: ON_LIST, lists: 1, audits: 1 });
  }, 120_000);

  it('two different lists of one department at once leave one open identity per person', async () => {
    // 残联 has certified nobody yet: two different files naming the same people, imported at once,
    // must not both find them without the identity and both add it.
    const rows = ids.slice(0, ON_LIST).map((id, i) => `居民${i},${id},重度残疾人,一级`);
    const a = join(dir, `canlian-a-${kind}.csv`);
    const b = join(dir, `canlian-b-${kind}.csv`);
    await writeFile(a, ['姓名,身份证号码,类别,残疾等级', ...rows].join('\r\n'));
    await writeFile(b, ['姓名,身份证号码,类别,残疾等级', ...rows.slice().reverse()].join('\r\n'));
    const options = { department: 'disability_federation' as const, county: COUNTY, asOf: '2024-09-02' };
    const results = await Promise.all([
      importDepartmentList(getDb(), { ...options, file: a }),
      importDepartmentList(getDb(), { ...options, file: b }),
    ]);
    expect(results.map((r) => r.added).sort()).toEqual([0, ON_LIST]);
    const open = await sql<{ n: number; distinct: number }>`
      SELECT count(*)::int AS n, count(DISTINCT (person_id, category))::int AS distinct
      FROM person_identities WHERE valid_to IS NULL AND department = 'disability_federation'`.execute(
      getDb().db,
    );
    expect(open.rows[0]).toEqual({ n: ON_LIST, distinct: ON_LIST });
  }, 120_000);

  it('two assessments of the region at once: one after the other, each person assessed once', async () => {
    const runs = await Promise.allSettled([
      assessRegion(getDb(), shippedPacks(), { region: COUNTY, year: 2025, asOf: '2024-10-01' }),
      assessRegion(getDb(), shippedPacks(), { region: COUNTY, year: 2025, asOf: '2024-10-01' }),
    ]);
    expect(
      runs.map((r) => r.status),
      runs.map((r) => (r.status === 'rejected' ? String(r.reason) : '')).join(' '),
    ).toEqual(['fulfilled', 'fulfilled']);
    const stored = await sql<{ n: number; persons: number }>`
      SELECT count(*)::int AS n, count(DISTINCT person_id)::int AS persons FROM assessments WHERE year = 2025`.execute(
      getDb().db,
    );
    const everyone = await countyPersons();
    expect(stored.rows[0]).toEqual({ n: everyone, persons: everyone });
  }, 120_000);

  it('payments arriving while the region is assessed are all kept, and the ledger adds up', async () => {
    const payers = ids.slice(ON_LIST + 40, ON_LIST + 240);
    const totals = () =>
      sql<{ n: number; sum: number; audits: number }>`
        SELECT count(*)::int AS n, COALESCE(sum(amount_fen), 0)::int AS sum,
          (SELECT count(*)::int FROM audit_log WHERE action = 'payment.record') AS audits
        FROM payments`.execute(getDb().db);
    const before = await totals();
    const run = assessRegion(getDb(), shippedPacks(), {
      region: COUNTY,
      year: 2025,
      asOf: '2024-10-01',
      startedBy: 'staff',
    });
    const posts = payers.map((docNo, i) => pay(i % 2 ? 'agent1' : 'agent2', docNo, `DURING-${i}`));
    const [result, ...answers] = await Promise.all([run, ...posts]);
    expect(answers.map((a) => a.statusCode).filter((s) => s !== 201)).toEqual([]);
    const after = await totals();
    const [b, a] = [before.rows[0]!, after.rows[0]!];
    expect([a.n - b.n, a.sum - b.sum, a.audits - b.audits]).toEqual([
      payers.length,
      payers.length * 40000,
      payers.length,
    ]);
    // Every payer's payment is there, once, with its own number.
    const mine = await sql<{ external_no: string }>`
      SELECT external_no FROM payments WHERE external_no LIKE 'DURING-%' ORDER BY external_no`.execute(
      getDb().db,
    );
    expect(mine.rows.length).toBe(payers.length);

    // The run covered everyone; the stored assessments, the run's totals and the ledger agree.
    expect(result.totals.persons).toBe(await countyPersons());
    const stored = await sql<{ persons: number; subsidy: number; payable: number }>`
      SELECT count(*)::int AS persons, COALESCE(sum(subsidy_fen), 0)::int AS subsidy,
        COALESCE(sum(payable_fen), 0)::int AS payable
      FROM assessments WHERE year = 2025 AND status = 'assessed'`.execute(getDb().db);
    const runRow = await sql<{ subsidy: number; payable: number }>`
      SELECT subsidy_total::int AS subsidy, payable_total::int AS payable FROM assessment_runs
      WHERE id = ${result.runId}`.execute(getDb().db);
    expect(runRow.rows[0]).toEqual({ subsidy: stored.rows[0]!.subsidy, payable: stored.rows[0]!.payable });
    const byLedger = await ledger(getDb(), { prefix: COUNTY, year: 2025 }, ['source']);
    expect(byLedger.reduce((s, r) => s + r.subsidyFen, 0)).toBe(stored.rows[0]!.subsidy);
    expect(stored.rows[0]!.subsidy).toBeGreaterThan(0);

    // Run again after the payments: nothing about the assessments changes because of them.
    const again = await assessRegion(getDb(), shippedPacks(), {
      region: COUNTY,
      year: 2025,
      asOf: '2024-10-01',
    });
    expect(again.changed).toBe(0);
    expect(again.totals).toEqual(result.totals);
  }, 180_000);
});
