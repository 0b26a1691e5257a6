// Population and department-list imports from the GBK CSV files offices send, each against a raw
// COPY of the very same files (decoded, header skipped) into a plain text table: the floor any
// importer has to pay. Goals ≤ 2×. Runs on its own empty database, since the first import is the
// case that matters and the shared bench database already holds this population.
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
import type { BenchDatabaseKind } from '../database.js';
import { type Measurement, measurement, time } from '../harness.js';

/** The file's lines after the header, as UTF-8, for COPY. */
async function* bodyUtf8(path: string): AsyncGenerator<string> {
  let skipped = false;
  for await (const chunk of createReadStream(path).pipe(iconv.decodeStream('gb18030'))) {
    let text = chunk as string;
    if (!skipped) {
      const nl = text.indexOf('\n');
      if (nl < 0) continue;
      text = text.slice(nl + 1);
      skipped = true;
    }
    yield text;
  }
}

async function rawCopy(handle: DatabaseHandle, files: string[], columns: number): Promise<number> {
  const cols = Array.from({ length: columns }, (_, i) => `c${i}`);
  await sql`DROP TABLE IF EXISTS bench_raw`.execute(handle.db);
  await sql
    .raw(`CREATE UNLOGGED TABLE bench_raw (${cols.map((c) => `${c} text`).join(', ')})`)
    .execute(handle.db);
  let rows = 0;
  for (const f of files) rows += await handle.copyFrom('bench_raw', cols, bodyUtf8(f));
  return rows;
}

export async function benchImports(
  kind: BenchDatabaseKind,
  persons: number,
  log: (l: string) => void,
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

    const first = await time(async () => {
      for (const f of rosters) await importPersons(handle, f.path, { writeReports: false });
    });
    const again = await time(async () => {
      for (const f of rosters) await importPersons(handle, f.path, { writeReports: false });
    });
    const rosterColumns = (await firstLine(rosters[0]!.path)).split(',').length;
    const rawRoster = await time(() =>
      rawCopy(
        handle,
        rosters.map((f) => f.path),
        rosterColumns,
      ),
    );

    const listImport = await time(async () => {
      for (const f of lists) {
        const county = /(\d{6})[^/]*$/.exec(f.path)![1]!;
        await importDepartmentList(handle, {
          file: f.path,
          department: 'civil_affairs',
          county,
          asOf: '2024-11-30',
        });
      }
    });
    const listColumns = (await firstLine(lists[0]!.path)).split(',').length;
    const rawList = await time(() =>
      rawCopy(
        handle,
        lists.map((f) => f.path),
        listColumns,
      ),
    );
    return [
      measurement({
        workload: 'population import, GBK CSV (first)',
        database: kind,
        rows: rosterRows,
        seconds: first.seconds,
        baseline: 'raw COPY',
        baselineSeconds: rawRoster.seconds,
        goal: '≤ 2×',
      }),
      measurement({
        workload: 'population re-import, same files',
        database: kind,
        rows: rosterRows,
        seconds: again.seconds,
        baseline: 'raw COPY',
        baselineSeconds: rawRoster.seconds,
      }),
      measurement({
        workload: 'department list import (民政)',
        database: kind,
        rows: listRows,
        seconds: listImport.seconds,
        baseline: 'raw COPY',
        baselineSeconds: rawList.seconds,
        goal: '≤ 2×',
      }),
    ];
  } finally {
    await handle.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function firstLine(path: string): Promise<string> {
  for await (const chunk of createReadStream(path, { end: 64 * 1024 }).pipe(iconv.decodeStream('gb18030'))) {
    return (chunk as string).split('\n')[0]!.replace(/\r$/, '');
  }
  return '';
}
