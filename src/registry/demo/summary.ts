// Counts of a generated population, per county, and their Chinese table for the terminal.
import type { IdentityCode } from '../../policy/vocabulary.js';
import type { DemoHousehold } from './model.js';

export const SUMMARY_GROUPS: readonly { key: string; label: string; codes: readonly IdentityCode[] }[] = [
  { key: 'tekun', label: '特困', codes: ['tekun'] },
  { key: 'dibao', label: '低保', codes: ['dibao'] },
  { key: 'dibao_edge', label: '低保边缘', codes: ['dibao_edge'] },
  { key: 'out_of_poverty', label: '脱贫人口', codes: ['out_of_poverty'] },
  {
    key: 'monitoring',
    label: '监测对象',
    codes: ['unstable_out_of_poverty', 'edge_poverty', 'sudden_hardship'],
  },
  { key: 'returned_to_poverty', label: '返贫致贫', codes: ['returned_to_poverty'] },
  { key: 'disability', label: '残疾人', codes: ['disability'] },
  { key: 'priority_care', label: '优抚', codes: ['priority_care'] },
  { key: 'children', label: '孤儿/事实无人抚养', codes: ['orphan', 'unsupported_child'] },
];

const GROUP_OF = new Map<string, string>();
for (const g of SUMMARY_GROUPS) for (const c of g.codes) GROUP_OF.set(c, g.key);

export interface CountySummary {
  code: string;
  name: string;
  persons: number;
  households: number;
  /** Persons per summary group (each person counted once per group). */
  groups: Record<string, number>;
}

export class PopulationTally {
  readonly counties = new Map<string, CountySummary>();

  add(household: DemoHousehold, countyName: string): void {
    let c = this.counties.get(household.countyCode);
    if (!c) {
      c = { code: household.countyCode, name: countyName, persons: 0, households: 0, groups: {} };
      this.counties.set(household.countyCode, c);
    }
    c.households++;
    c.persons += household.members.length;
    for (const i of household.identities) {
      const g = GROUP_OF.get(i.category);
      if (g) c.groups[g] = (c.groups[g] ?? 0) + 1;
    }
  }

  list(): CountySummary[] {
    return [...this.counties.values()];
  }
}

const n = (x: number): string => x.toLocaleString('en-US');

/** Display width: CJK characters take two columns in a terminal. */
export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += /[\u2e80-\uffef]/.test(ch) ? 2 : 1;
  return w;
}
export const padEnd = (t: string, w: number): string => t + ' '.repeat(Math.max(0, w - displayWidth(t)));
const padStart = (t: string, w: number): string => ' '.repeat(Math.max(0, w - displayWidth(t))) + t;

export function formatSummary(counties: readonly CountySummary[]): string {
  const headers = ['区县', '人数', '户数', ...SUMMARY_GROUPS.map((g) => g.label)];
  const rows = counties.map((c) => [
    `${c.code} ${c.name}`,
    n(c.persons),
    n(c.households),
    ...SUMMARY_GROUPS.map((g) => n(c.groups[g.key] ?? 0)),
  ]);
  const total = (f: (c: CountySummary) => number) => counties.reduce((s, c) => s + f(c), 0);
  rows.push([
    '合计',
    n(total((c) => c.persons)),
    n(total((c) => c.households)),
    ...SUMMARY_GROUPS.map((g) => n(total((c) => c.groups[g.key] ?? 0))),
  ]);
  const widths = headers.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i]!))));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i === 0 ? padEnd(cell, widths[i]!) : padStart(cell, widths[i]!))).join('  ');
  return [line(headers), ...rows.map(line)].join('\n');
}

/** The same table from database counts (persons per identity category, per county). */
export function summaryFromCounts(
  counties: readonly { county_code: string; name: string; persons: number; households: number }[],
  identities: readonly { county_code: string; category: string; persons: number }[],
): CountySummary[] {
  return counties.map((c) => {
    const groups: Record<string, number> = {};
    for (const i of identities) {
      if (i.county_code !== c.county_code) continue;
      const g = GROUP_OF.get(i.category);
      if (g) groups[g] = (groups[g] ?? 0) + i.persons;
    }
    return { code: c.county_code, name: c.name, persons: c.persons, households: c.households, groups };
  });
}
