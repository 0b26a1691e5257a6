import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { assess } from '../policy/assess.js';
import { fromEpochDay } from '../policy/dates.js';
import { applyOverlay } from '../policy/overlay.js';
import { shippedPacks } from '../policy/pack-loader.js';
import { isError } from '../policy/result.js';
import { checkDigit } from '../registry/id-document.js';
import { identityArb } from '../test-support/arbitraries.js';
import { describeEachDatabase } from '../test-support/db.js';
import { assessRegion, whatIf } from './assess-region.service.js';
import { ledger } from './ledger.repository.js';
import { writeTaxExport } from './tax-export.js';

// 2,000 generated people of 乐至 (two tiers, the most rules) with random identity sets; a few
// excluded ones. The bulk answer for each must equal `canbao assess` for the same person.
const N = 2000;
const sets = fc.sample(fc.array(identityArb, { maxLength: 3 }), { numRuns: N, seed: 4242 });
/** A valid, unique resident ID per index: one birth date per person. */
const docNo = (i: number) => {
  const first17 = `512022${fromEpochDay(-7000 + i).replace(/-/g, '')}${String(100 + (i % 900)).padStart(3, '0')}`;
  return first17 + checkDigit(first17);
};
const packs = shippedPacks();
const AS_OF = '2024-10-15';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'canbao-assess-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describeEachDatabase('region-year assessment', (getDb) => {
  beforeAll(async () => {
    const db = getDb().db;
    const rows = sets.map((_, i) => {
      const status = i % 97 === 0 ? 'deceased' : 'active';
      return sql`(${i + 1}, '512022', 'resident_id', ${docNo(i)}, ${`居民${i}`}, ${`512022${String(100 + (i % 3)).padStart(3, '0')}001`}, ${status}, ${i % 89 === 0})`;
    });
    await sql`INSERT INTO persons (id, county_code, doc_type, doc_no, name, residence_village, status, employee_insurance)
      VALUES ${sql.join(rows)}`.execute(db);
    const ids = sets.flatMap((identities, i) =>
      identities.map(
        (x) =>
          sql`('512022', ${i + 1}, ${x.category}, ${x.grade ?? null}, ${x.kind ?? null}, ${x.formerlyPoor ?? null}, ${x.riskEliminated ?? null}, 'civil_affairs', '2024-01-01')`,
      ),
    );
    for (let k = 0; k < ids.length; k += 1000) {
      await sql`INSERT INTO person_identities (county_code, person_id, category, grade, kind, formerly_poor, risk_eliminated, department, valid_from)
        VALUES ${sql.join(ids.slice(k, k + 1000))}`.execute(db);
    }
  });

  it('assesses everyone; the bulk answer equals the one-person answer for every person', async () => {
    const r = await assessRegion(getDb(), packs, {
      region: '512022',
      year: 2025,
      asOf: AS_OF,
      startedBy: '核定员',
    });
    expect(r.totals.persons).toBe(N);
    const audited = await sql<{ actor: string; county_code: string }>`
      SELECT actor, county_code FROM audit_log WHERE action = 'assessment.run' AND entity_id = ${String(r.runId)}`.execute(
      getDb().db,
    );
    expect(audited.rows).toEqual([{ actor: '核定员', county_code: '512022' }]);
    expect(r.inserted).toBe(N);
    expect(r.exclusions).toEqual({ deceased: 21, employee_insurance: 22 });
    const { rows } = await sql<Record<string, unknown>>`SELECT * FROM assessments ORDER BY person_id`.execute(
      getDb().db,
    );
    let compared = 0;
    for (const row of rows) {
      if (row.status !== 'assessed') continue;
      const i = Number(row.person_id) - 1;
      const one = assess({ region: '512022', year: 2025, identities: sets[i]! }, packs);
      if (isError(one)) throw new Error(one.error.message);
      expect(
        [
          row.tier,
          row.standard_fen,
          row.subsidy_fen,
          row.payable_fen,
          row.category,
          row.subsidy_rule,
          row.funding_source,
        ],
        JSON.stringify(sets[i]),
      ).toEqual([
        one.tier,
        one.standardFen,
        one.subsidyFen,
        one.payableFen,
        one.category,
        one.subsidyRule,
        one.fundingSource,
      ]);
      expect(row.pack_hash).toBe(one.pack.hash);
      compared++;
    }
    expect(compared).toBe(N - 43);
  });

  it('the ledger adds up to the fen against the per-person rows, by source, category and township', async () => {
    const perPerson = await sql<{ s: string; n: number }>`
      SELECT COALESCE(sum(subsidy_fen), 0)::bigint AS s, count(*) FILTER (WHERE subsidy_fen > 0)::int AS n FROM assessments WHERE status = 'assessed'`.execute(
      getDb().db,
    );
    for (const by of [['source'], ['source', 'category'], ['source', 'category', 'township']] as const) {
      const rows = await ledger(getDb(), { prefix: '512022', year: 2025 }, [...by]);
      expect(rows.reduce((a, r) => a + r.subsidyFen, 0)).toBe(Number(perPerson.rows[0]!.s));
      expect(rows.reduce((a, r) => a + r.persons, 0)).toBe(perPerson.rows[0]!.n);
    }
  });

  it('a changed identity re-assesses only that person and lists the change', async () => {
    const db = getDb();
    const again = await assessRegion(db, packs, { region: '512022', year: 2025, asOf: AS_OF });
    expect([again.inserted, again.changed]).toEqual([0, 0]);
    // 居民0 (person 1, 低保-free) is certified 特困 from 2024-10-01: full subsidy at the low tier.
    const person = sets.findIndex((ids, i) => i % 97 !== 0 && i % 89 !== 0 && ids.length === 0);
    // They paid the full 400 yuan in October; the new identity turns that into a refund due.
    await sql`INSERT INTO payments (county_code, year, person_id, amount_fen, paid_on, channel, external_no, pack_hash)
      VALUES ('512022', 2025, ${person + 1}, 40000, '2024-10-10', 'wechat', 'WX-refund', 'h')`.execute(db.db);
    await sql`INSERT INTO person_identities (county_code, person_id, category, department, valid_from)
      VALUES ('512022', ${person + 1}, 'tekun', 'civil_affairs', '2024-10-01')`.execute(db.db);
    const r = await assessRegion(db, packs, { region: '512022', year: 2025, asOf: AS_OF });
    expect([r.inserted, r.changed]).toEqual([0, 1]);
    expect(r.changes).toEqual([
      expect.objectContaining({
        name: `居民${person}`,
        oldPayableFen: 40000,
        newPayableFen: 0,
        oldCategory: null,
        newCategory: 'tekun',
        paidFen: 40000,
        refundDueFen: 40000,
      }),
    ]);
    expect(r.refundDue).toEqual({ persons: 1, amountFen: 40000 });
    // Certified after the day the assessment speaks for: not counted yet.
    await sql`INSERT INTO person_identities (county_code, person_id, category, department, valid_from)
      VALUES ('512022', ${person + 2}, 'tekun', 'civil_affairs', '2024-12-01')`.execute(db.db);
    expect((await assessRegion(db, packs, { region: '512022', year: 2025, asOf: AS_OF })).changed).toBe(0);
  });

  it('what-if: 低保 75% → 90% is costed per funding source without storing anything', async () => {
    const base = packs.get('512022-2025')!;
    const overlay = applyOverlay(base, [{ path: 'subsidies.low-75.amount.percent', value: 90 }]);
    const r = await whatIf(getDb(), overlay, { region: '512022', year: 2025, asOf: AS_OF });
    const winners = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM assessments WHERE subsidy_rule = 'low-75'`.execute(getDb().db);
    expect(r.affected).toBe(winners.rows[0]!.n);
    expect(r.after.totals.subsidyFen - r.before.totals.subsidyFen).toBe(winners.rows[0]!.n * 6000);
    const stored = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM assessments WHERE pack_hash = ${overlay.hash}`.execute(getDb().db);
    expect(stored.rows[0]!.n).toBe(0);
  });

  it('holds for review, not assesses, someone whose subsidy the document leaves without an amount (双清)', async () => {
    const db = getDb();
    await sql`INSERT INTO persons (id, county_code, doc_type, doc_no, name, residence_village)
      VALUES (100001, '430502', 'resident_id', ${docNo(100001)}, '其他困难', '430502001001')`.execute(db.db);
    await sql`INSERT INTO person_identities (county_code, person_id, category, department, valid_from)
      VALUES ('430502', 100001, 'other_relief', 'civil_affairs', '2024-01-01')`.execute(db.db);
    const r = await assessRegion(db, packs, { region: '430502', year: 2025, asOf: AS_OF });
    expect(r.exclusions).toEqual({ undetermined_subsidy: 1 });
    expect(r.totals).toMatchObject({ persons: 1, assessed: 0, excluded: 1, payableFen: 0 });
  });

  it('exports the tax file with one row per assessed person', async () => {
    const file = join(dir, `tax-${Math.random().toString(36).slice(2)}.csv`);
    const n = await writeTaxExport(getDb(), { prefix: '512022', year: 2025 }, file);
    expect(n).toBe(N - 43);
    const text = await readFile(file, 'utf8');
    expect(text.split('\n')[0]).toContain('特殊人员类别');
  });
});
