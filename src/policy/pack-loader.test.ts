import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OutcomeError, type OutcomeIssue } from './outcome.js';
import { PACK_DIR, PackRegistry, regionPrefix, shippedPacks } from './pack-loader.js';

const shuangqing = readFileSync(join(PACK_DIR, '430502-2025.yaml'), 'utf8');
const national = readFileSync(join(PACK_DIR, 'national-2025.yaml'), 'utf8');

/** Load 双清 with one edit applied; returns the issues it fails with. */
function issuesAfter(edit: (text: string) => string): OutcomeIssue[] {
  const text = edit(shuangqing);
  expect(text).not.toBe(shuangqing); // the edit must apply, or the test proves nothing
  try {
    PackRegistry.fromTexts({ '430502-2025.yaml': text, 'national-2025.yaml': national });
  } catch (e) {
    if (e instanceof OutcomeError) return e.issues;
    throw e;
  }
  throw new Error('pack loaded although it has a mistake');
}

describe('shipped packs', () => {
  it('all load, every quote found in its source text', () => {
    const ids = shippedPacks()
      .all()
      .map((r) => r.pack.id);
    expect(ids).toEqual([
      '130628-2024',
      '130802-2025',
      '140600-2025',
      '430502-2025',
      '512022-2025',
      'national-2024',
      'national-2025',
    ]);
  });

  it('finds the most specific pack for a county or village code', () => {
    const packs = shippedPacks();
    expect(packs.find('140602', 2025)?.pack.id).toBe('140600-2025');
    expect(packs.find('140681102001', 2025)?.pack.id).toBe('140600-2025');
    expect(packs.find('430502001002', 2025)?.pack.id).toBe('430502-2025');
    expect(packs.find('430502', 2024)).toBeUndefined();
    expect(packs.find('110101', 2025)).toBeUndefined();
    expect(regionPrefix('140600')).toBe('1406');
  });

  it('records which sections come from the national defaults', () => {
    const shuangqiao = shippedPacks().get('130802-2025')!;
    expect([...shuangqiao.inherited].sort()).toEqual([
      'events.newborn',
      'fiscalSubsidy',
      'incentive',
      'late',
      'waitingPeriod',
    ]);
    expect(shippedPacks().get('430502-2025')!.inherited.has('late')).toBe(false);
  });

  it('stamps each pack with a content hash that changes with the text', () => {
    const a = PackRegistry.fromTexts({ '430502-2025.yaml': shuangqing, 'national-2025.yaml': national });
    const b = PackRegistry.fromTexts({
      '430502-2025.yaml': shuangqing.replace('regionName: 湖南省邵阳市双清区', 'regionName: 双清区'),
      'national-2025.yaml': national,
    });
    expect(a.get('430502-2025')!.hash).toMatch(/^[0-9a-f]{16}$/);
    expect(a.get('430502-2025')!.hash).not.toBe(b.get('430502-2025')!.hash);
  });
});

describe('a pack with a mistake fails to load, naming file, path and fix', () => {
  it('unknown identity code', () => {
    const issues = issuesAfter((t) => t.replace('{ category: dibao_edge }', '{ category: dibaoo }'));
    expect(issues[0]!.expression).toBe('430502-2025.yaml: subsidies[1].identities[1].category');
    expect(issues[0]!.message).toContain('未知的身份代码 "dibaoo"');
  });

  it('percent over 100', () => {
    const issues = issuesAfter((t) => t.replace('amount: { percent: 50 }', 'amount: { percent: 150 }'));
    expect(issues.some((i) => i.expression.startsWith('430502-2025.yaml: subsidies[1].amount'))).toBe(true);
    expect(issues.map((i) => i.message).join()).toContain('不能超过 100');
  });

  it('overlapping business windows', () => {
    const issues = issuesAfter((t) =>
      t.replace(
        'collection:\n  start: 2024-09-01\n',
        'collection:\n  start: 2024-09-01\n  windows:\n    - { months: [9, 10], fromDay: 1, toDay: 25 }\n    - { months: [10], fromDay: 1, toDay: 28 }\n',
      ),
    );
    expect(issues).toContainEqual(
      expect.objectContaining({
        expression: '430502-2025.yaml: collection.windows[1].months',
        message: expect.stringContaining('10 月已在 windows[0] 中规定业务期'),
      }),
    );
  });

  it('missing citation', () => {
    const issues = issuesAfter((t) =>
      t.replace(
        / {2}- id: priority-care-full\n((?: {4}.*\n)*?) {4}cite:\n {6}source: sqzb-2024-11\n {6}clause: 三、（五）1.（4）\n {6}quote: .*\n/,
        '  - id: priority-care-full\n$1',
      ),
    );
    expect(issues).toContainEqual(
      expect.objectContaining({ expression: '430502-2025.yaml: subsidies[4].cite' }),
    );
  });

  it('a quote that is not in the source document', () => {
    const issues = issuesAfter((t) => t.replace('资助标准为200元/人\n', '资助标准为300元/人\n'));
    expect(issues[0]!.expression).toMatch(/^430502-2025\.yaml: subsidies\[1\]\.cite\.quote$/);
    expect(issues[0]!.message).toContain('在 双政办发〔2024〕11号 原文中找不到');
  });

  it('unknown key (a misspelling never falls back to a default)', () => {
    const issues = issuesAfter((t) => t.replace('  waitingDays: 90\n', '  waitingDay: 90\n'));
    expect(issues.map((i) => `${i.expression} ${i.message}`).join('\n')).toContain('late');
    expect(issues.some((i) => i.message.includes('waitingDay'))).toBe(true);
  });

  it('a citation naming an unregistered source', () => {
    const issues = issuesAfter((t) =>
      t.replace('{ source: sqzb-2024-11, clause: 三、（七）', '{ source: nope, clause: 三、（七）'),
    );
    expect(issues[0]!.message).toContain('引用的来源 "nope" 不在 sources 中');
  });

  it('a subsidy referring to a tier that does not exist', () => {
    const issues = issuesAfter((t) =>
      t.replace(
        'tier: standard\n    fundingSource: veterans_affairs',
        'tier: high\n    fundingSource: veterans_affairs',
      ),
    );
    expect(issues[0]!.expression).toBe('430502-2025.yaml: subsidies[4].tier');
  });

  it('a wrong type', () => {
    const issues = issuesAfter((t) => t.replace('      fen: 40000', '      fen: "四百"'));
    expect(issues[0]!.expression).toBe('430502-2025.yaml: contribution.tiers[0].fen');
    expect(issues[0]!.message).toContain('金额应为整数');
  });

  it('YAML syntax errors name the line', () => {
    const issues = issuesAfter((t) => t.replace('year: 2025', 'year: [2025'));
    expect(issues[0]!.code).toBe('yaml-syntax');
    expect(issues[0]!.expression).toMatch(/^430502-2025\.yaml: 第 \d+ 行$/);
  });
});
