// Population and department-list imports from the GBK CSV files offices send, each against a raw
// COPY of the very same files (decoded, header skipped) into "the same table": a logged table with
// the file's columns as text and the same indexes as the table the import fills (persons: primary
// key, unique ID number, village, household, name, ID-number tail; person_identities: primary key,
// person and category, category). Goals ≤ 2× of that. The floor — the same COPY into an unlogged
// table without indexes — is reported too (extra.floorSeconds, extra.floorRatio). Runs on its own
// empty database, since the first import is the case that matters and the shared bench database
// already holds this population.
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { sql } from 'kysely';
import { type DatabaseHandle, openDatabase } from '../../src/db/connection.js';
import { importDepartmentList } from '../../src/identities/list-import.service.js';
import { writeDemoFiles } from '../../src/registry/demo/files.js';
import { importPersons } from '../../src/registry/import.service.js';
import { seedRegions } from '../../src/registry/regions.service.js';
import { createServerTestDatabase } from '../../src/test-support/db.js';
import { csvBody } from '../csv-body.js';
import type { BenchDatabaseKind } from '../database.js';
import { type Measurement, measurement, same, time } from '../harness.js';

/**
 * COPY the files' rows into a fresh table of `columns` text columns. `indexes` (over c0, c1, …)
 * make it a logged table with an id primary key and those indexes, like the import's target;
 * without them it is the unlogged, unindexed floor.
 */
async function rawCopy(
  handle: DatabaseHandle,
  files: string[],
  columns: number,
  indexes?: string[],
): Promise<number> {
  const cols = Array.from({ length: columns }, (_, i) => `c${i}`);
  await sql`DROP TABLE IF EXISTS bench_raw`.execute(handle.db);
  const defs = cols.map((c) => `${c} text`).join(', ');
  if (indexes) {
    await sql.raw(`CREATE TABLE bench_raw (id bigserial PRIMARY KEY, ${defs})`).execute(handle.db);
    for (const [i, ix] of indexes.entries())
      await sql
        .raw(
          `CREATE ${ix.startsWith('UNIQUE ') ? 'UNIQUE ' : ''}INDEX bench_raw_${i} ON bench_raw ${ix.replace(/^UNIQUE /, '')}`,
        )
        .execute(handle.db);
  } else {
    await sql.raw(`CREATE UNLOGGED TABLE bench_raw (${defs})`).execute(handle.db);
  }
  let rows = 0;
  for (const f of files) rows += await handle.copyFrom('bench_raw', cols, csvBody(f, 'gb18030'));
  await sql`DROP TABLE bench_raw`.execute(handle.db);
  return rows;
}

/** The roster's columns (demo PERSON_HEADERS) indexed as persons is: ID number, village, household, name, ID tail. */
const PERSONS_INDEXES = ['UNIQUE (c2)', '(c10)', '(c5)', '((c1 COLLATE "C"))', '((reverse(c2) COLLATE "C"))'];
/** The department list's columns (demo LIST_HEADERS) indexed as person_identities is: person and category, category. */
const IDENTITIES_INDEXES = ['(c2, c3)', '(c3)'];

export async function benchImports(
  kind: BenchDatabaseKind,
  persons: number,
  log: (l: string) => void,
  options: { listsOnly?: boolean } = {},
): Promise<Measurement[]> {
  const dir = mkdtempSync(join(tmpdir(), 'canbao-bench-import-'));
  let handle: DatabaseHandle;
  if (kind === 'pglite') handle = await openDatabase({ dataDir: join(dir, 'db'), databaseUrl: '' });
  else handle = await createServerTestDatabase({ durable: true });
  try {
    await seedRegions(handle.db);
    log(`  [${kind}] 生成 GBK 花名册和部门名单 ${persons.toLocaleString('en-US')} 人…`);
    const written = await writeDemoFiles({
      persons,
      seed: 'bench-import',
      out: join(dir, 'files'),
      encoding: 'gbk',
      formats: ['csv'],
    });
    const rosters = written.filter((f) => f.path.includes('参保人员花名册'));
    const lists = written.filter((f) => f.path.includes('_民政_'));
    const rosterRows = rosters.reduce((a, f) => a + f.rows, 0);
    const listRows = lists.reduce((a, f) => a + f.rows, 0);

    const importRosters = async () => {
      const results = [];
      for (const f of rosters) results.push(await importPersons(handle, f.path, { writeReports: false }));
      return sums(results, ['inserted', 'unchanged', 'rejected']);
    };
    const first = await time(importRosters);
    if (options.listsOnly) return [await benchLists(handle, lists, listRows, kind)];
    const again = await time(importRosters);
    const rosterColumns = (await firstLine(rosters[0]!.path)).split(',').length;
    const floorRoster = await time(() =>
      rawCopy(
        handle,
        rosters.map((f) => f.path),
        rosterColumns,
      ),
    );
    const rawRoster = await time(() =>
      rawCopy(
        handle,
        rosters.map((f) => f.path),
        rosterColumns,
        PERSONS_INDEXES,
      ),
    );

    const floor = (seconds: number, floorSeconds: number) => ({
      floorSeconds: Number(floorSeconds.toFixed(3)),
      floorRatio: Number((seconds / floorSeconds).toFixed(2)),
    });
    return [
      measurement({
        workload: 'population import, GBK CSV (first)',
        database: kind,
        rows: rosterRows,
        seconds: first.seconds,
        baseline: 'raw COPY into an indexed table like persons',
        baselineSeconds: rawRoster.seconds,
        goal: '≤ 2×',
        checks: {
          everyRowInserted: same(first.value.inserted, rosterRows, '新增人员'),
          noRowRejected: same(first.value.rejected, 0, '拒收行'),
          baselineCopiedEveryRow: same(rawRoster.value, rosterRows, '基准 COPY 行数'),
        },
        extra: floor(first.seconds, floorRoster.seconds),
      }),
      measurement({
        workload: 'population re-import, same files',
        database: kind,
        rows: rosterRows,
        seconds: again.seconds,
        baseline: 'raw COPY into an indexed table like persons',
        baselineSeconds: rawRoster.seconds,
        checks: { everyRowUnchanged: same(again.value.unchanged, rosterRows, '未变人员') },
        extra: floor(again.seconds, floorRoster.seconds),
      }),
      await benchLists(handle, lists, listRows, kind),
    ];
  } finally {
    await handle.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The 民政 lists imported county by county, against the raw COPY of the same files (after the roster import). */
async function benchLists(
  handle: DatabaseHandle,
  lists: { path: string }[],
  listRows: number,
  kind: BenchDatabaseKind,
): Promise<Measurement> {
  const listImport = await time(async () => {
    const results = [];
    for (const f of lists) {
      const county = /(\d{6})[^/]*$/.exec(f.path)![1]!;
      results.push(
        await importDepartmentList(handle, {
          file: f.path,
          department: 'civil_affairs',
          county,
          asOf: '2024-11-30',
        }),
      );
    }
    return sums(results, ['added', 'rejected']);
  });
  const listColumns = (await firstLine(lists[0]!.path)).split(',').length;
  const floorList = await time(() =>
    rawCopy(
      handle,
      lists.map((f) => f.path),
      listColumns,
    ),
  );
  const rawList = await time(() =>
    rawCopy(
      handle,
      lists.map((f) => f.path),
      listColumns,
      IDENTITIES_INDEXES,
    ),
  );
  return measurement({
    workload: 'department list import (民政)',
    database: kind,
    rows: listRows,
    seconds: listImport.seconds,
    baseline: 'raw COPY into an indexed table like person_identities',
    baselineSeconds: rawList.seconds,
    goal: '≤ 2×',
    checks: {
      everyRowAdded: same(listImport.value.added, listRows, '新增身份'),
      noRowRejected: same(listImport.value.rejected, 0, '拒收行'),
      baselineCopiedEveryRow: same(rawList.value, listRows, '基准 COPY 行数'),
    },
    extra: {
      floorSeconds: Number(floorList.seconds.toFixed(3)),
      floorRatio: Number((listImport.seconds / floorList.seconds).toFixed(2)),
    },
  });
}

/** These counts of several imports, added up. */
function sums<K extends string>(results: Record<K, number>[], keys: K[]): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const k of keys) out[k] = results.reduce<number>((n, r) => n + r[k], 0);
  return out;
}

async function firstLine(path: string): Promise<string> {
  for await (const chunk of createReadStream(path, { end: 64 * 1024 }).pipe(iconv.decodeStream('gb18030'))) {
    return (chunk as string).split('\n')[0]!.replace(/\r$/, '');
  }
  return '';
}
