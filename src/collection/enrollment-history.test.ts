// Enrollment history on both databases: importing past years (rejections with row and column,
// idempotent re-import, corrections, campaign years and the system's own rows left alone), and one
// person's years with the continuity incentive and its citation.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { writeXlsx } from '../files/index.js';
import { describeEachDatabase } from '../test-support/db.js';
import { openCampaign } from './campaign.service.js';
import { personHistory } from './enrollment-history.service.js';
import { importEnrollmentHistory } from './enrollment-history-import.service.js';
import { addEnrollment, addPersons, packsWith2026, rid, seedShuangqing } from './rollover-fixture.js';

const packs = packsWith2026();
const A = rid('43050219700101011');
const B = rid('43050219700101012');
const C = rid('43050219700101013');
const OUTSIDER = rid('13080219700101014');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'canbao-enrollment-history-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const HEADER = '证件号码,姓名,年度,参保状态,是否发生报销\n';

describeEachDatabase('enrollment history', (getDb) => {
  let ids: Map<string, number>;
  beforeAll(async () => {
    await getDb().transaction(async (tx) => {
      await seedShuangqing(tx);
      ids = await addPersons(tx, [
        { docNo: A, name: '张一' },
        { docNo: B, name: '张二' },
        { docNo: C, name: '张三' },
      ]);
      // 2024 for C was recorded by this system (a repair payment): history must not overwrite it.
      await addEnrollment(tx, ids.get(C)!, 2024, 'repaired', 'repair');
    });
  });

  it('imports good rows and reports every bad one with row, column, value and reason', async () => {
    const file = join(dir, `history-${Math.random()}.csv`);
    await writeFile(
      file,
      HEADER +
        [
          `${A},张一,2020,已参保,否`,
          `${A},张一,2021,已参保,否`,
          `${A},张一,2022,已参保,是`,
          `${A},张一,2023,已参保,否`,
          `${A},张一,2024,已参保,否`,
          `${B},张二,2023,未参保,`,
          `${B},张二,2024年,已参保,否`,
          `${B},张二,2024,已参保,否`, // row 9: duplicate year
          `${C},张三,2024,已参保,否`, // row 10: the system's own repair row
          `${C},李三,2023,已参保,否`, // row 11: name mismatch
          `${OUTSIDER},外人,2023,已参保,否`, // row 12: not in this county
          `${A},张一,二〇二三,已参保,否`, // row 13: bad year
          `${A},张一,2019,断断续续,否`, // row 14: bad status
          `${B},张二,2022,未参保,是`, // row 15: reimbursed while not enrolled
          `123,无名,2023,已参保,否`, // row 16: bad id
        ].join('\n'),
    );
    const r = await importEnrollmentHistory(getDb(), { file, county: '430502', actor: 'tester' });
    expect(r).toMatchObject({
      applied: true,
      rowsRead: 15,
      inserted: 7,
      updated: 0,
      unchanged: 0,
      rejected: 8,
    });
    expect(r.years).toEqual([2020, 2021, 2022, 2023, 2024]);
    expect(r.rejections.map((i) => [i.rowNumber, i.column, i.code])).toEqual([
      [9, '年度', 'duplicate_in_file'],
      [10, '年度', 'own_record'],
      [11, '姓名', 'name_mismatch'],
      [12, '证件号码', 'unknown_person'],
      [13, '年度', 'bad_year'],
      [14, '参保状态', 'bad_status'],
      [15, '是否发生报销', 'reimbursed_not_enrolled'],
      [16, '证件号码', 'id_bad_length'],
    ]);
    const { rows } = await sql<{ year: number; status: string; source: string; reimbursed: boolean | null }>`
      SELECT year::int AS year, status, source, reimbursed FROM enrollments WHERE person_id = ${ids.get(B)!} ORDER BY year`.execute(
      getDb().db,
    );
    expect(rows).toEqual([
      { year: 2023, status: 'registered', source: 'history', reimbursed: null },
      { year: 2024, status: 'enrolled', source: 'history', reimbursed: false },
    ]);
    const own = await sql<{ status: string }>`
      SELECT status FROM enrollments WHERE person_id = ${ids.get(C)!} AND year = 2024`.execute(getDb().db);
    expect(own.rows).toEqual([{ status: 'repaired' }]);

    // The same file again: nothing new, nothing changed, no second audit row.
    const again = await importEnrollmentHistory(getDb(), { file, county: '430502', actor: 'tester' });
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 7, rejected: 8 });
    const audits = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM audit_log WHERE action = 'enrollment.history_import'`.execute(
      getDb().db,
    );
    expect(audits.rows[0]!.n).toBe(1);
  });

  it('a corrected XLSX updates the history rows it changes', async () => {
    const file = join(dir, `fix-${Math.random()}.xlsx`);
    await writeXlsx(
      file,
      '参保记录',
      ['证件号码', '姓名', '年度', '参保状态', '是否发生报销'],
      [
        [B, '张二', '2023', '已参保', '是'],
        [B, '张二', '2024', '已参保', '否'],
      ],
    );
    const r = await importEnrollmentHistory(getDb(), { file, county: '430502', actor: 'tester' });
    expect(r).toMatchObject({ inserted: 0, updated: 1, unchanged: 1, rejected: 0 });
  });

  it('all-or-nothing applies nothing when a row is bad', async () => {
    const file = join(dir, `aon-${Math.random()}.csv`);
    await writeFile(file, `${HEADER}${C},张三,2021,已参保,否\n${C},张三,20xx,已参保,否\n`);
    const r = await importEnrollmentHistory(getDb(), {
      file,
      county: '430502',
      actor: 't',
      allOrNothing: true,
    });
    expect(r).toMatchObject({ applied: false, inserted: 0, rejected: 1 });
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM enrollments WHERE person_id = ${ids.get(C)!} AND year = 2021`.execute(
      getDb().db,
    );
    expect(rows[0]!.n).toBe(0);
  });

  it('refuses the year of an opened campaign: history is for past years only', async () => {
    await openCampaign(getDb(), packs, { county: '430502', year: 2025, date: '2024-09-01', actor: 't' });
    const file = join(dir, `campaign-${Math.random()}.csv`);
    await writeFile(file, `${HEADER}${C},张三,2025,已参保,否\n${C},张三,2022,已参保,否\n`);
    const r = await importEnrollmentHistory(getDb(), { file, county: '430502', actor: 't' });
    expect(r).toMatchObject({ inserted: 1, rejected: 1 });
    expect(r.rejections[0]).toMatchObject({
      rowNumber: 2,
      column: '年度',
      value: '2025',
      code: 'campaign_year',
    });
    expect(r.rejections[0]!.reason).toContain('已在本系统开办征缴');
  });

  it('shows each year and the continuity incentive of the latest pack year, citing the rule', async () => {
    // A: 2020–2024 enrolled (five years), claims only in 2022 → for 2026 the 2025 gap breaks the run.
    const broken = await personHistory(getDb().db, packs, A);
    expect(broken.years.map((y) => [y.year, y.status, y.source])).toEqual([
      [2020, 'enrolled', 'history'],
      [2021, 'enrolled', 'history'],
      [2022, 'enrolled', 'history'],
      [2023, 'enrolled', 'history'],
      [2024, 'enrolled', 'history'],
    ]);
    expect(broken.continuity).toMatchObject({
      year: 2026,
      packId: '430502-2026',
      consecutiveYears: 0,
      lapsedYears: 1,
      zeroClaimYears: [],
      rule: { afterConsecutiveYears: 4, inherited: true, cite: { source: 'gbf-2024-38' } },
      raise: { totalRaiseFen: 0 },
    });

    // Paid 2025: six consecutive years before 2026, four without a claim, capped at 20% of the given cap.
    await getDb().transaction((tx) => addEnrollment(tx, ids.get(A)!, 2025, 'enrolled', 'payment', false));
    const uncapped = await personHistory(getDb().db, packs, A);
    expect(uncapped.continuity).toMatchObject({
      consecutiveYears: 6,
      lapsedYears: 0,
      zeroClaimYears: [2020, 2021, 2023, 2024, 2025],
      originalCapFen: null,
      capSource: 'none',
      raise: { continuityRaiseFen: 200000, zeroClaimRaiseFen: 500000, totalRaiseFen: 700000, limitFen: null },
    });
    const capped = await personHistory(getDb().db, packs, A, { originalCapFen: 3_000_000 });
    expect(capped.continuity).toMatchObject({
      capSource: 'option',
      raise: { totalRaiseFen: 600000, limitFen: 600000, capped: true },
    });
  });

  it('answers an unknown person with a clear error', async () => {
    await expect(personHistory(getDb().db, packs, rid('43050219990101999'))).rejects.toThrow(/没有此人/);
  });
});
