// A benchmark database per kind, filled once with the demo population that every DB workload
// then shares: PGlite on disk in a temp dir, or a fresh database on the local server.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DatabaseHandle, openDatabase, serverPoolSize } from '../src/db/connection.js';
import { loadDemoPopulation } from '../src/registry/demo/load.js';
import { seedRegions } from '../src/registry/regions.service.js';
import { createServerTestDatabase } from '../src/test-support/db.js';
import { type Measurement, measurement, same, time } from './harness.js';

export type BenchDatabaseKind = 'pglite' | 'server';

export interface BenchDatabase {
  kind: BenchDatabaseKind;
  handle: DatabaseHandle;
  persons: number;
  close(): Promise<void>;
}

export async function openBenchDatabase(
  kind: BenchDatabaseKind,
  persons: number,
  log: (line: string) => void,
): Promise<{ db: BenchDatabase; load: Measurement }> {
  let handle: DatabaseHandle;
  let cleanup = async () => {};
  if (kind === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'canbao-bench-'));
    handle = await openDatabase({ dataDir: dir, databaseUrl: '' });
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    // Durable commits and the pool `canbao serve` opens (the HTTP workload runs the app on this handle).
    handle = await createServerTestDatabase({ durable: true, poolSize: serverPoolSize() });
  }
  await seedRegions(handle.db);
  log(`  [${kind}] 载入演示人口 ${persons.toLocaleString('en-US')} 人…`);
  const { seconds, value } = await time(() => loadDemoPopulation(handle, { persons, seed: 'bench' }));
  log(
    `  [${kind}] 已载入：${value.persons} 人，${value.identities ?? 0} 条身份，用时 ${seconds.toFixed(1)} 秒`,
  );
  return {
    db: {
      kind,
      handle,
      persons: value.persons,
      async close() {
        await handle.close();
        await cleanup();
      },
    },
    load: measurement({
      workload: 'demo population load (COPY)',
      database: kind,
      rows: value.persons,
      seconds,
      checks: { everyPersonLoaded: same(value.persons, persons, '载入人员') },
    }),
  };
}
