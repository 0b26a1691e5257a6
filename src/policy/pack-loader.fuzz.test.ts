// Fuzzing the pack loader (fast-check, fixed seed): a shipped pack with one value of the wrong
// type, a key removed or added, or its text damaged at random either still loads or fails with
// Chinese issues that each name the file and the path (or line) — never another exception.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { OutcomeError, type OutcomeIssue } from './outcome.js';
import { PACK_DIR, PackRegistry, readSourceTexts } from './pack-loader.js';

const SEED = 20_261_123;
const FILES = readdirSync(PACK_DIR).filter((f) => f.endsWith('.yaml'));
const TEXTS = Object.fromEntries(FILES.map((f) => [f, readFileSync(join(PACK_DIR, f), 'utf8')]));
const COUNTY = FILES.filter((f) => !f.startsWith('national-'));
const DOCS = Object.fromEntries(COUNTY.map((f) => [f, parse(TEXTS[f]!) as unknown]));
const SOURCES = readSourceTexts();
const NATIONAL = Object.fromEntries(
  FILES.filter((f) => f.startsWith('national-')).map((f) => [f, TEXTS[f]!]),
);

/** Load the national packs and one county pack with the given text; the issues, or [] when it loads. */
function load(file: string, text: string): OutcomeIssue[] {
  try {
    // Only the national pack of the file's year: the one it may extend.
    const base = `national-${/-(\d{4})\.yaml$/.exec(file)?.[1]}.yaml`;
    PackRegistry.fromTexts({ [base]: NATIONAL[base]!, [file]: text }, SOURCES);
    return [];
  } catch (e) {
    if (!(e instanceof OutcomeError)) throw e;
    return e.issues;
  }
}

function expectClear(file: string, issues: readonly OutcomeIssue[]): void {
  for (const i of issues) {
    // "130802-2025.yaml: subsidies[2].amount.percent" or "130802-2025.yaml: 第 12 行".
    expect(i.expression).toMatch(new RegExp(`^${file.replace('.', '\\.')}: \\S`));
    expect(i.message).toMatch(/[\u4e00-\u9fff]/);
  }
}

type Path = (string | number)[];

function paths(value: unknown, at: Path = []): Path[] {
  const out: Path[] = at.length > 0 ? [at] : [];
  if (Array.isArray(value)) for (const [i, v] of value.entries()) out.push(...paths(v, [...at, i]));
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...at, k]));
  return out;
}

const WRONG_VALUES: unknown[] = [
  '40000',
  'abc',
  '',
  1.5,
  -1,
  0,
  1e12,
  null,
  true,
  [],
  {},
  [1, 'a'],
  { x: 1 },
];

type Mutation = { kind: 'set'; value: unknown } | { kind: 'delete' } | { kind: 'add-key'; key: string };

function mutate(doc: unknown, path: Path, m: Mutation): unknown {
  const copy = structuredClone(doc) as Record<string | number, unknown>;
  let parent: Record<string | number, unknown> = copy;
  for (const p of path.slice(0, -1)) parent = parent[p] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (m.kind === 'set') parent[last] = m.value;
  else if (m.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else {
    const target = parent[last];
    if (target !== null && typeof target === 'object' && !Array.isArray(target))
      (target as Record<string, unknown>)[m.key] = 1;
    else parent[last] = { [m.key]: 1 };
  }
  return copy;
}

describe('pack loader on mutated packs', () => {
  it('one value of a wrong type, a key removed or an unknown key added (150 runs)', () => {
    let refused = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...COUNTY),
        fc.nat(),
        fc.oneof(
          fc.constantFrom(...WRONG_VALUES).map((value): Mutation => ({ kind: 'set', value })),
          fc.constant<Mutation>({ kind: 'delete' }),
          fc
            .constantFrom('colour', 'tiers2', 'Cite', 'amount ')
            .map((key): Mutation => ({ kind: 'add-key', key })),
        ),
        (file, pick, m) => {
          const doc = DOCS[file];
          const all = paths(doc);
          const path = all[pick % all.length]!;
          const issues = load(file, stringify(mutate(doc, path, m)));
          if (issues.length > 0) refused++;
          expectClear(file, issues);
        },
      ),
      { seed: SEED, numRuns: 150 },
    );
    expect(refused).toBeGreaterThan(100);
  });

  it('text damaged at random: characters inserted, deleted or replaced (150 runs)', () => {
    const junk = fc.constantFrom(
      ':',
      '-',
      ' ',
      '\n',
      '  ',
      '"',
      "'",
      '{',
      '[',
      '&a',
      '*a',
      '!!int',
      '#',
      '0',
      'x',
      '张',
      '\t',
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...COUNTY),
        fc.array(fc.tuple(fc.nat(), fc.nat(5), junk), { minLength: 1, maxLength: 3 }),
        (file, edits) => {
          let text = TEXTS[file]!;
          for (const [at, del, ins] of edits) {
            const p = at % (text.length + 1);
            text = text.slice(0, p) + ins + text.slice(p + del);
          }
          expectClear(file, load(file, text));
        },
      ),
      { seed: SEED, numRuns: 150 },
    );
  });
});

describe('pack mistakes named by file and path', () => {
  const file = '130802-2025.yaml';
  const text = TEXTS[file]!;
  const issuesOf = (edited: string) => {
    expect(edited).not.toBe(text);
    const issues = load(file, edited);
    expectClear(file, issues);
    return issues.map((i) => [i.expression, i.message]);
  };

  it('a number written as a string', () => {
    expect(issuesOf(text.replace('fen: 40000', 'fen: "40000"'))).toEqual([
      [`${file}: contribution.tiers[0].fen`, expect.stringMatching(/金额应为整数（单位：分）/)],
    ]);
  });

  it('a fractional fen and a negative amount', () => {
    expect(issuesOf(text.replace('fen: 40000', 'fen: 40000.5'))).toEqual([
      [`${file}: contribution.tiers[0].fen`, expect.stringMatching(/整数/)],
    ]);
    expect(issuesOf(text.replace('fen: 40000', 'fen: -1'))).toEqual([
      [`${file}: contribution.tiers[0].fen`, expect.stringMatching(/负数/)],
    ]);
  });

  it('a missing citation', () => {
    const edited = text.replace(
      / {4}cite:\n {6}source: sq-2024-09-04\n {6}clause: 一、个人缴费标准\n {6}quote: 所需资金从医疗救助基金中列支。对特困人员给予全额资助\n/,
      '',
    );
    expect(issuesOf(edited)).toEqual([
      [`${file}: subsidies[0].cite`, expect.stringMatching(/^缺少引用 cite/)],
    ]);
  });

  it('an unknown key', () => {
    const edited = text.replace(
      '    tier: standard\n    fundingSource',
      '    tierr: standard\n    tier: standard\n    fundingSource',
    );
    expect(issuesOf(edited)).toEqual([[`${file}: subsidies[0]`, expect.stringMatching(/未知的字段 tierr/)]]);
  });

  it('an alias to a missing anchor, and an alias bomb', () => {
    expect(
      issuesOf(text.replace('tier: standard\n    fundingSource', 'tier: *nowhere\n    fundingSource')),
    ).toEqual([[`${file}: 第 30 行`, expect.stringMatching(/锚点/)]]);
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 8; i++)
      bomb.push(`${'bcdefghi'[i]}: &${'bcdefghi'[i]} [${Array(10).fill(`*${'abcdefgh'[i]}`).join(', ')}]`);
    expect(issuesOf(`${text}\n${bomb.join('\n')}\n`).length).toBeGreaterThan(0);
  });
});
