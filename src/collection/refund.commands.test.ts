// The event and refund commands as a worker types them (PGlite in a temp directory).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/connection.js';
import { shippedPacks } from '../policy/pack-loader.js';
import { checkDigit } from '../registry/id-document.js';
import { runCli, useCliDataDir } from '../test-support/cli.js';
import { pgliteTemplate } from '../test-support/db.js';
import { recordPayment } from './payment.service.js';

const gyId = (n: number) => {
  const first17 = `13062819800105${String(n).padStart(3, '0')}`;
  return first17 + checkDigit(first17);
};
let dir: string;

describe('canbao event / refund', () => {
  const dataDir = useCliDataDir('refund-cli', '张会计');
  beforeAll(async () => {
    dir = dataDir();
    // Start from the migrated template: a fresh data directory would spend most of the test in initdb.
    const db = await openDatabase({
      dataDir: join(dir, 'pglite'),
      databaseUrl: '',
      loadDataDir: await pgliteTemplate('migrated'),
    });
    await sql`INSERT INTO persons (county_code, doc_type, doc_no, name, residence_village)
      VALUES ${sql.join([1, 2, 3].map((n) => sql`('130628', 'resident_id', ${gyId(n)}, ${`高阳${n}`}, '130628001001')`))}`.execute(
      db.db,
    );
    for (const n of [1, 2, 3]) {
      await recordPayment(db, shippedPacks(), {
        docNo: gyId(n),
        year: 2024,
        amountFen: 38000,
        paidOn: '2023-10-10',
        channel: 'tax_window',
        externalNo: `GYC${n}`,
      });
    }
    await sql`INSERT INTO person_identities (county_code, person_id, category, department, valid_from)
      SELECT '130628', id, 'tekun', 'civil_affairs', '2023-11-15' FROM persons WHERE doc_no = ${gyId(3)}`.execute(
      db.db,
    );
    await db.close();
    await writeFile(
      join(dir, 'death.csv'),
      `姓名,证件号码,死亡日期\n高阳1,${gyId(1)},2023-11-02\n高阳9,${gyId(9)},2023-11-02\n`,
    );
  });

  it('imports a death list, reporting the bad row and the refund it filed', async () => {
    const out = await runCli(
      'event',
      'import',
      join(dir, 'death.csv'),
      '--type',
      'death',
      '--source',
      '卫健',
      '--reported',
      '2023-12-01',
      '--report',
      join(dir, 'rejected.csv'),
    );
    expect(out).toContain('卫健死亡名单 death.csv：读取 2 行');
    expect(out).toContain('新登记 1，已登记过 0，拒绝 1 行；生成退费申请 1 笔，共 380元');
    expect(out).toContain('一人一档中没有此人');
    expect(out).toMatch(/2024 年度参保：已参保 → 终止/);
    expect(await readFile(join(dir, 'rejected.csv'), 'utf8')).toContain(gyId(9));
  });

  it('records one event, requests, approves and pays out refunds; the payout list has full IDs', async () => {
    const rec = await runCli(
      'event',
      'record',
      '--id',
      gyId(2),
      '--type',
      '服刑',
      '--date',
      '2023-12-03',
      '--reported',
      '2023-12-05',
    );
    expect(rec).toContain('退费申请 380元');
    const certs = await runCli(
      'refund',
      'certifications',
      '--region',
      '130628',
      '--year',
      '2024',
      '--date',
      '2023-12-20',
    );
    expect(certs).toContain('新生成退费申请 1 笔，共 380元');
    const list = await runCli(
      'refund',
      'list',
      '--region',
      '130628',
      '--year',
      '2024',
      '--state',
      'requested',
    );
    expect(list).toContain('1306**********');
    expect(list).not.toContain(gyId(1));
    expect(list).toContain('共 3 笔，1140元');
    expect(await runCli('refund', 'approve', '1')).toContain('第 1 号退费已审核同意');
    expect(await runCli('refund', 'reject', '2', '--note', '未提供判决书')).toContain('已驳回：未提供判决书');
    const out = join(dir, 'payout.csv');
    const pay = await runCli('refund', 'payout', '--region', '130628', '--batch', '第1批', '--out', out);
    expect(pay).toContain('1 笔退费交税务退付，共 380元');
    expect(pay).toContain('含完整证件号码');
    const csv = await readFile(out, 'utf8');
    expect(csv).toContain('证件号码（完整，仅供税务退付）');
    expect(csv).toContain(`${gyId(1)},高阳1,死亡,380.00`);
  });
});
