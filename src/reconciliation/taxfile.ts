// A demo tax payment return file made from the database state (assessments and local payments),
// with differences of every class planted in known numbers, and a manifest of what was planted:
// the receipt numbers (or ID numbers) each class must find. Used by the tests and the benchmark.
import { writeFile } from 'node:fs/promises';
import { sql } from 'kysely';
import type { DatabaseHandle, DbSession } from '../db/connection.js';
import { writeCsv, writeXlsx } from '../files/table-writer.js';
import { OutcomeError } from '../policy/outcome.js';
import { regionPrefix } from '../policy/pack-loader.js';
import { checkDigit } from '../registry/id-document.js';
import type { ReconClass } from './reconcile.repository.js';
import { reconcileScope } from './reconcile.service.js';

export const TAXFILE_HEADERS = [
  '证件号码',
  '姓名',
  '险种年度',
  '缴费金额(元)',
  '缴费日期',
  '缴费渠道',
  '电子税票号码',
  '行政区划',
] as const;

export interface TaxfileOptions {
  region: string;
  year: number;
  out: string;
  /** At most this many rows; assessed persons left out are unpaid (and listed as such). */
  rows?: number;
  /** Planted differences per class (default: 0.2% of the assessed, at least 3, at most 1,000). */
  perClass?: number;
  seed?: string;
}

export interface TaxfileManifest {
  region: string;
  year: number;
  file: string;
  rows: number;
  /** Expected count of every class, matched included. */
  counts: Record<ReconClass, number>;
  /** Per difference class: receipt numbers (tax-row classes) or ID numbers (unpaid, local_only). */
  expected: Record<Exclude<ReconClass, 'matched'>, string[]>;
}

const CHANNELS = ['微信', '支付宝', '电子税务局', '银行批量扣款', '税务窗口', '云闪付'];
const yuan = (fen: number): string => (fen / 100).toFixed(2);

interface Candidate {
  rn: number;
  doc_no: string;
  name: string;
  county_code: string;
  amount: number;
}

/** Rows of a temp table in rn order, a page at a time (keyset). */
async function* pages(tx: DbSession, table: string, pageSize = 10_000): AsyncGenerator<Candidate[]> {
  let after = 0;
  for (;;) {
    const r = await sql<Candidate>`
      SELECT rn::int AS rn, doc_no, name, county_code, amount::int AS amount FROM ${sql.table(table)}
      WHERE rn > ${after} ORDER BY rn LIMIT ${pageSize}`.execute(tx.db);
    if (r.rows.length === 0) return;
    yield r.rows;
    after = r.rows.at(-1)!.rn;
  }
}

/** Valid resident ID numbers with the county's address code that nobody in the registry has. */
async function unregisteredIds(tx: DbSession, county: string, n: number): Promise<string[]> {
  const ids: string[] = [];
  // Birth dates walk 1950-01-01 … 2018 in steps of 37 days (37 and 25,000 are coprime, so no date
  // repeats before 25,000 numbers): every number is valid on any day after 2018.
  for (let k = 0; ids.length < n && k < 25_000; k++) {
    const birth = new Date(Date.UTC(1950, 0, 1) + ((k * 37) % 25_000) * 86_400_000)
      .toISOString()
      .slice(0, 10)
      .replaceAll('-', '');
    const first17 = `${county}${birth}${String(900 + (k % 100)).padStart(3, '0')}`;
    ids.push(first17 + checkDigit(first17));
  }
  const taken = await sql<{ doc_no: string }>`
    SELECT doc_no FROM persons WHERE doc_no IN (${sql.join(ids)})`.execute(tx.db);
  const used = new Set(taken.rows.map((r) => r.doc_no));
  return ids.filter((id) => !used.has(id)).slice(0, n);
}

export async function generateTaxfile(handle: DatabaseHandle, o: TaxfileOptions): Promise<TaxfileManifest> {
  const scope = reconcileScope(o.region, o.year);
  const like = `${regionPrefix(o.region)}%`;
  const seed = o.seed ?? 'canbao';
  const cap = o.rows ?? Number.POSITIVE_INFINITY;
  return handle.transaction(async (tx) => {
    const db = tx.db;
    // Fresh statistics: assessments and payments are usually just bulk-written (see classify).
    await sql`ANALYZE assessments`.execute(db);
    await sql`ANALYZE payments`.execute(db);
    const local = sql`SELECT person_id, min(amount_fen) AS amount FROM payments
      WHERE year = ${scope.year} AND county_code LIKE ${like} AND status = 'accepted' AND kind = 'contribution'
      GROUP BY person_id`;
    // Assessed and owing, nothing paid locally: the file's ordinary rows and the planted amounts.
    await sql`CREATE TEMP TABLE gen_assessed ON COMMIT DROP AS
      SELECT row_number() OVER (ORDER BY md5(${seed} || a.person_id::text)) AS rn, p.doc_no, p.name, p.county_code,
        a.payable_fen AS amount
      FROM assessments a JOIN persons p ON p.id = a.person_id AND p.county_code = a.county_code
      WHERE a.county_code LIKE ${like} AND a.year = ${scope.year} AND a.status = 'assessed' AND a.payable_fen > 0
        AND NOT EXISTS (SELECT 1 FROM (${local}) l WHERE l.person_id = a.person_id)`.execute(db);
    await sql`CREATE TEMP TABLE gen_local ON COMMIT DROP AS
      SELECT row_number() OVER (ORDER BY md5(${seed} || p.id::text)) AS rn, p.doc_no, p.name, p.county_code, l.amount
      FROM (${local}) l JOIN persons p ON p.id = l.person_id`.execute(db);
    await sql`CREATE TEMP TABLE gen_unassessed ON COMMIT DROP AS
      SELECT row_number() OVER (ORDER BY md5(${seed} || p.id::text)) AS rn, p.doc_no, p.name, p.county_code, 40000 AS amount
      FROM persons p
      WHERE p.county_code LIKE ${like}
        AND NOT EXISTS (SELECT 1 FROM assessments a WHERE a.person_id = p.id AND a.year = ${scope.year} AND a.status = 'assessed')
        AND NOT EXISTS (SELECT 1 FROM (${local}) l WHERE l.person_id = p.id)`.execute(db);
    const counts = await sql<{ assessed: number; local: number; unassessed: number }>`
      SELECT (SELECT count(*) FROM gen_assessed)::int AS assessed, (SELECT count(*) FROM gen_local)::int AS local,
        (SELECT count(*) FROM gen_unassessed)::int AS unassessed`.execute(db);
    const { assessed, unassessed } = counts.rows[0]!;
    const p = o.perClass ?? Math.max(3, Math.min(1000, Math.floor(assessed / 500)));
    if (assessed < 5 * p || unassessed < p)
      throw new OutcomeError([
        {
          severity: 'error',
          code: 'too_few_assessed',
          expression: `--region ${o.region} --year ${o.year}`,
          message: `地区 ${o.region} ${o.year} 年度已核定且应缴的人只有 ${assessed} 人，未核定的人 ${unassessed} 人，不足以埋入每类 ${p} 笔差异；请先核定（canbao assess-region）`,
        },
      ]);
    // Persons of another region (paid here though they live elsewhere), a county outside the region
    // (rows the tax bureau collected elsewhere), and a county inside it for the first kind's rows.
    const outsiders = await sql<Candidate>`
      SELECT 0 AS rn, doc_no, name, county_code, 40000 AS amount FROM persons
      WHERE county_code NOT LIKE ${like} AND status = 'active' ORDER BY md5(${seed} || id::text) LIMIT ${p}`.execute(
      db,
    );
    const foreign = await sql<{ code: string }>`
      SELECT code FROM regions WHERE level = 3 AND code NOT LIKE ${like} ORDER BY code LIMIT 1`.execute(db);
    const foreignCounty = foreign.rows[0]?.code ?? '110101';
    const inside = await sql<{ code: string }>`
      SELECT min(county_code) AS code FROM persons WHERE county_code LIKE ${like}`.execute(db);
    const insideCounty =
      o.region.length === 6 && regionPrefix(o.region).length === 6 ? o.region : inside.rows[0]!.code;
    const fakes = await unregisteredIds(tx, insideCounty, p);

    const expected: TaxfileManifest['expected'] = {
      paid_not_registered: [],
      paid_not_assessed: [],
      amount_over: [],
      amount_under: [],
      duplicate: [],
      other_region: [],
      unpaid: [],
      local_only: [],
    };
    let matched = 0;
    let seq = 0;
    let written = 0;
    const receipt = (): string => `3${String(scope.year).slice(2)}${String(++seq).padStart(14, '0')}`;
    const day = (): string => {
      const d = new Date(Date.UTC(scope.year - 1, 8, 1) + (seq % 100) * 86_400_000);
      return d.toISOString().slice(0, 10);
    };
    const row = (
      c: Pick<Candidate, 'doc_no' | 'name'>,
      amount: number,
      region: string,
      no = receipt(),
    ): string[] => {
      written++;
      return [
        c.doc_no,
        c.name,
        String(scope.year),
        yuan(amount),
        day(),
        CHANNELS[seq % CHANNELS.length]!,
        no,
        region,
      ];
    };

    async function* rows(): AsyncGenerator<string[]> {
      for (const [i, f] of fakes.entries()) {
        const no = receipt();
        expected.paid_not_registered.push(no);
        yield row({ doc_no: f, name: `未登记${i + 1}` }, 40000, insideCounty, no);
      }
      for (const c of outsiders.rows) {
        const no = receipt();
        expected.other_region.push(no);
        yield row(c, c.amount, insideCounty, no);
      }
      for await (const page of pages(tx, 'gen_unassessed')) {
        for (const c of page) {
          if (c.rn > p) break;
          const no = receipt();
          expected.paid_not_assessed.push(no);
          yield row(c, c.amount, c.county_code, no);
        }
        break;
      }
      // Local payments: the first p are missing from the tax data, the rest are there.
      for await (const page of pages(tx, 'gen_local')) {
        for (const c of page) {
          if (c.rn <= p) {
            expected.local_only.push(c.doc_no);
            continue;
          }
          if (written >= cap) {
            expected.local_only.push(c.doc_no);
            continue;
          }
          matched++;
          yield row(c, c.amount, c.county_code);
        }
      }
      for await (const page of pages(tx, 'gen_assessed')) {
        for (const c of page) {
          const role = Math.ceil(c.rn / p);
          if (role === 1) {
            const no = receipt();
            expected.amount_over.push(no);
            yield row(c, c.amount + 5000, c.county_code, no);
          } else if (role === 2) {
            const no = receipt();
            expected.amount_under.push(no);
            yield row(c, Math.max(1, Math.floor(c.amount / 2)), c.county_code, no);
          } else if (role === 3) {
            matched++;
            yield row(c, c.amount, c.county_code);
            const no = receipt();
            expected.duplicate.push(no);
            yield row(c, c.amount, c.county_code, no);
          } else if (role === 4) {
            const no = receipt();
            expected.other_region.push(no);
            yield row(c, c.amount, foreignCounty, no);
          } else if (role === 5 || written >= cap) {
            expected.unpaid.push(c.doc_no);
          } else {
            matched++;
            yield row(c, c.amount, c.county_code);
          }
        }
      }
    }
    const out = o.out.toLowerCase().endsWith('.xlsx')
      ? await writeXlsx(o.out, '缴费明细', TAXFILE_HEADERS, rows())
      : await writeCsv(o.out, TAXFILE_HEADERS, rows());
    const manifest: TaxfileManifest = {
      region: o.region,
      year: scope.year,
      file: o.out,
      rows: out,
      counts: {
        matched,
        ...(Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, v.length])) as Record<
          Exclude<ReconClass, 'matched'>,
          number
        >),
      },
      expected,
    };
    await writeFile(`${o.out}.manifest.json`, `${JSON.stringify(manifest, null, 1)}\n`);
    return manifest;
  });
}
