// The places people are put in: the five seed jurisdictions' counties, their townships and
// villages, read from the regions seed (code,name,level,parent_code). The tree is followed by
// parent_code, not by code length, so the generator does not depend on how levels are spelled.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { OutcomeError } from '../../policy/outcome.js';
import { hash01 } from './prng.js';

export interface DemoCountySpec {
  code: string;
  /** Relative size: registered residents in 10,000s (7th census and county yearbooks, rounded). */
  weight: number;
  /** How much more common than average poverty-alleviation households are in its villages. */
  povertyFactor: number;
}

/**
 * The counties of the five seed jurisdictions. 朔州市 (140600) is a city: its six county-level
 * units are generated one by one, since enrollment is run by each county's bureau.
 */
export const DEMO_COUNTIES: readonly DemoCountySpec[] = [
  { code: '130802', weight: 37, povertyFactor: 0.6 }, // 承德市双桥区, mostly urban
  { code: '430502', weight: 40, povertyFactor: 0.6 }, // 邵阳市双清区, mostly urban
  { code: '512022', weight: 60, povertyFactor: 1.2 }, // 乐至县, rural, many registered residents work away
  { code: '140602', weight: 52, povertyFactor: 0.8 }, // 朔城区
  { code: '140603', weight: 19, povertyFactor: 1.2 }, // 平鲁区
  { code: '140621', weight: 22, povertyFactor: 1.1 }, // 山阴县
  { code: '140622', weight: 30, povertyFactor: 1.3 }, // 应县
  { code: '140623', weight: 10, povertyFactor: 1.5 }, // 右玉县, a former national poverty county
  { code: '140681', weight: 36, povertyFactor: 0.9 }, // 怀仁市
  { code: '130628', weight: 35, povertyFactor: 1.0 }, // 高阳县
];

export interface DemoVillage {
  code: string;
  name: string;
  townshipCode: string;
  townshipName: string;
  /** 村 rather than 社区/居委会: farmers, more poverty history, fewer employees. */
  rural: boolean;
  /** Relative size within its county, stable per village code. */
  weight: number;
}

export interface DemoCounty extends DemoCountySpec {
  name: string;
  /** The city the county belongs to (朔州市 …), empty when the seed does not say. */
  cityName: string;
  villages: DemoVillage[];
}

export interface RegionRow {
  code: string;
  name: string;
  level: string;
  parentCode: string;
}

export function defaultRegionsSeedPath(): string {
  // src/registry/demo → src/registry/data; from dist/ the seed stays in src/.
  const candidates = [
    new URL('../data/regions-seed.csv', import.meta.url),
    new URL('../../../src/registry/data/regions-seed.csv', import.meta.url),
  ].map((u) => fileURLToPath(u));
  return candidates.find((p) => existsSync(p)) ?? candidates[0]!;
}

export function readRegionRows(path: string = defaultRegionsSeedPath()): RegionRow[] {
  if (!existsSync(path))
    throw new OutcomeError([
      {
        severity: 'error',
        code: 'regions_seed_missing',
        expression: path,
        message: '找不到行政区划种子文件，请确认项目文件完整（src/registry/data/regions-seed.csv）',
      },
    ]);
  const records = parse(readFileSync(path), { columns: true, bom: true, skip_empty_lines: true }) as Record<
    string,
    string
  >[];
  return records.map((r, i) => {
    const code = (r.code ?? '').trim();
    if (!code || r.name === undefined)
      throw new OutcomeError([
        {
          severity: 'error',
          code: 'regions_seed_bad_row',
          expression: `${path}: 第 ${i + 2} 行`,
          message: '缺少 code 或 name 列（格式应为 code,name,level,parent_code）',
        },
      ]);
    return {
      code,
      name: r.name.trim(),
      level: (r.level ?? '').trim(),
      parentCode: (r.parent_code ?? '').trim(),
    };
  });
}

function isUrbanName(name: string): boolean {
  return /社区|居委会|居民委员会|街道/.test(name);
}

/**
 * The demo counties (all, or those whose code starts with one of `filter`) with their villages.
 * A county the seed does not hold, or that has no villages, is an error: people need a place.
 */
export function loadDemoCounties(rows: readonly RegionRow[], filter?: readonly string[]): DemoCounty[] {
  const byCode = new Map(rows.map((r) => [r.code, r]));
  const children = new Map<string, RegionRow[]>();
  for (const r of rows) {
    if (!r.parentCode) continue;
    const list = children.get(r.parentCode);
    if (list) list.push(r);
    else children.set(r.parentCode, [r]);
  }
  const specs = DEMO_COUNTIES.filter((c) => !filter?.length || filter.some((f) => c.code.startsWith(f)));
  if (specs.length === 0)
    throw new OutcomeError([
      {
        severity: 'error',
        code: 'demo_no_county',
        expression: `--counties ${filter?.join(',') ?? ''}`,
        message: `没有匹配的演示区县；可选：${DEMO_COUNTIES.map((c) => c.code).join('、')}`,
      },
    ]);
  return specs.map((spec) => {
    const county = byCode.get(spec.code);
    const villages: DemoVillage[] = [];
    for (const township of children.get(spec.code) ?? []) {
      for (const village of children.get(township.code) ?? []) {
        const urban = isUrbanName(village.name);
        villages.push({
          code: village.code,
          name: village.name,
          townshipCode: township.code,
          townshipName: township.name,
          rural: !urban,
          // Communities are bigger than villages; the rest is a stable spread per code.
          weight: (urban ? 2.2 : 1) * (0.4 + 1.2 * hash01(`village-size:${village.code}`)),
        });
      }
    }
    if (!county || villages.length === 0)
      throw new OutcomeError([
        {
          severity: 'error',
          code: 'demo_county_without_villages',
          expression: `行政区划 ${spec.code}`,
          message: '行政区划种子中没有该区县或其村（社区），无法生成演示人口；请先执行 canbao regions seed',
        },
      ]);
    villages.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
    const city = byCode.get(county.parentCode);
    return { ...spec, name: county.name, cityName: city?.name ?? '', villages };
  });
}
