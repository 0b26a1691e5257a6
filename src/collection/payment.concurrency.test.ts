// The acceptance test for money: the same 10,000 payments posted twice, all at once, over
// HTTP — exactly 10,000 payments and 10,000 enrollments afterwards, and the totals to the fen. The
// server is where transactions really run side by side; the embedded database serialises them, so
// it gets a tenth of the posts to keep the suite fast.
import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { buildApp } from '../http/app.js';
import { shippedPacks } from '../policy/pack-loader.js';
import { checkDigit } from '../registry/id-document.js';
import { describeEachDatabase } from '../test-support/db.js';

describeEachDatabase('the same payments posted twice at the same time', (getDb, kind) => {
  const N = kind === 'server' ? 10_000 : 1_000;
  const people: string[] = [];
  beforeAll(async () => {
    // Distinct valid IDs: vary the birth date over years and the sequence number.
    const seen = new Set<string>();
    for (let i = 0; people.length < N; i++) {
      const birth = 19400101 + Math.floor(i / 999) * 10000 + (i % 28);
      const first17 = `130802${birth}${String((i % 999) + 1).padStart(3, '0')}`;
      const id = first17 + checkDigit(first17);
      if (!seen.has(id)) {
        seen.add(id);
        people.push(id);
      }
    }
    await getDb().copyFrom(
      'persons',
      ['county_code', 'doc_type', 'doc_no', 'name', 'residence_village'],
      people.map((id, i) => `130802,resident_id,${id},居民${i},130802001001\n`),
    );
    await sql`ANALYZE persons`.execute(getDb().db);
  }, 120_000);

  it('stores each once, enrols each once, and the totals add up', async () => {
    const app = await buildApp({ packs: shippedPacks(), db: getDb() });
    const body = (i: number) => ({
      docNo: people[i],
      year: 2025,
      amountFen: 40000,
      paidOn: '2024-10-15',
      channel: i % 2 === 0 ? 'wechat' : 'alipay',
      externalNo: `TX${String(i).padStart(6, '0')}`,
    });
    const posts = [...Array(N).keys(), ...Array(N).keys()].map((i) =>
      app.inject({ method: 'POST', url: '/api/payments', payload: body(i) }),
    );
    const answers = await Promise.all(posts);
    const codes = new Map<number, number>();
    for (const a of answers) codes.set(a.statusCode, (codes.get(a.statusCode) ?? 0) + 1);
    expect(Object.fromEntries(codes)).toEqual({ 201: N, 200: N });

    const totals = await sql<{ n: number; s: number; e: number; a: number }>`
      SELECT (SELECT count(*)::int FROM payments) AS n,
             (SELECT sum(amount_fen)::bigint FROM payments) AS s,
             (SELECT count(*)::int FROM enrollments WHERE status = 'enrolled' AND year = 2025) AS e,
             (SELECT count(*)::int FROM audit_log WHERE action = 'payment.record') AS a`.execute(getDb().db);
    expect(totals.rows[0]).toEqual({ n: N, s: N * 40000, e: N, a: N });
    await app.close();
  }, 300_000);
});
