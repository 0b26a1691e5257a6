// The benchmark suite itself (bench/run.ts starts it with the product modules taken from dist/).
import { parseArgs } from 'node:util';
import { type BenchDatabase, type BenchDatabaseKind, openBenchDatabase } from './database.js';
import {
  type BenchContext,
  failedChecks,
  type Measurement,
  printTable,
  saveResults,
  type Workload,
} from './harness.js';
import { assessOne } from './workloads/assess-one.js';
import { benchAssessRegion } from './workloads/assess-region.js';
import { benchCoverage } from './workloads/coverage.js';
import { benchHttp } from './workloads/http.js';
import { benchImportMemory } from './workloads/import-memory.js';
import { benchImports } from './workloads/imports.js';
import { benchReconcile } from './workloads/reconcile.js';

const workloads: Workload[] = [assessOne];
/** Workloads on the shared demo database, run once per database kind. */
const dbWorkloads: { name: string; run: (db: BenchDatabase) => Promise<Measurement[]> }[] = [
  { name: 'assess-region', run: benchAssessRegion },
  { name: 'reconcile', run: benchReconcile },
  { name: 'coverage', run: benchCoverage },
  { name: 'http', run: benchHttp },
];

const { values } = parseArgs({
  options: {
    persons: { type: 'string', default: '1000000' },
    db: { type: 'string', default: 'pglite,server' },
    only: { type: 'string' },
    /** Size of the generated roster for import-memory, e.g. 5G, 500M (default 5G). */
    'import-bytes': { type: 'string', default: '5G' },
    /** Where the results JSON goes (default bench/results/). */
    out: { type: 'string' },
  },
});
const ctx: BenchContext = {
  persons: Number(values.persons),
  databases: values.db!.split(',') as BenchContext['databases'],
  log: (line) => process.stderr.write(`${line}\n`),
};
const results: Measurement[] = [];
for (const w of workloads) {
  if (values.only && !values.only.split(',').includes(w.name)) continue;
  ctx.log(`▶ ${w.name}`);
  results.push(...(await w.run(ctx)));
}
const wanted = (name: string) => !values.only || values.only.split(',').includes(name);
if (wanted('imports') || values.only?.split(',').includes('import-lists')) {
  // import-lists: only the department lists (after the first roster import they need), not the
  // roster's re-import and COPY baselines.
  const listsOnly = !wanted('imports');
  for (const kind of ctx.databases as BenchDatabaseKind[]) {
    ctx.log(`▶ imports (${kind})`);
    results.push(...(await benchImports(kind, ctx.persons, ctx.log, { listsOnly })));
  }
}
if (values.only?.split(',').includes('import-memory')) {
  // Only when named: a 5 GB import takes a long time.
  const m = /^(\d+(?:\.\d+)?)([KMG]?)$/i.exec(values['import-bytes']!);
  if (!m) throw new Error(`--import-bytes 应为如 5G、500M 的大小：${values['import-bytes']}`);
  const bytes = Number(m[1]) * 1024 ** ' KMG'.indexOf((m[2] || ' ').toUpperCase());
  for (const kind of ctx.databases as BenchDatabaseKind[]) {
    ctx.log(`▶ import-memory (${kind})`);
    results.push(...(await benchImportMemory(kind, bytes, ctx.log)));
  }
}
for (const kind of ctx.databases as BenchDatabaseKind[]) {
  if (!dbWorkloads.some((w) => wanted(w.name))) break;
  ctx.log(`▶ ${kind}`);
  const { db, load } = await openBenchDatabase(kind, ctx.persons, ctx.log);
  results.push(load);
  try {
    for (const w of dbWorkloads) {
      if (!wanted(w.name)) continue;
      ctx.log(`  ▶ ${w.name}`);
      results.push(...(await w.run(db)));
    }
  } finally {
    await db.close();
  }
}
console.log(printTable(results));
console.log(`\n结果已保存：${saveResults(results, ctx.persons, values.out)}`);
const failed = failedChecks(results);
if (failed.length > 0) {
  console.error(`\n核对未通过（${failed.length} 项），以上用时不可作为结果：`);
  for (const f of failed) console.error(`  ${f}`);
  process.exitCode = 1;
}
