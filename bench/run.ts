// `npm run bench [-- --persons N --db pglite,server --only NAME]`
import { parseArgs } from 'node:util';
import { type BenchContext, type Measurement, printTable, saveResults, type Workload } from './harness.js';
import { assessOne } from './workloads/assess-one.js';

const workloads: Workload[] = [assessOne];

const { values } = parseArgs({
  options: {
    persons: { type: 'string', default: '1000000' },
    db: { type: 'string', default: 'pglite,server' },
    only: { type: 'string' },
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
console.log(printTable(results));
console.log(`\n结果已保存：${saveResults(results, ctx.persons)}`);
