import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../test-support/cli.js';
import { diffPacks, renderDiff } from './pack-diff.js';
import { PACK_DIR, PackRegistry, shippedPacks } from './pack-loader.js';

const packs = shippedPacks();
const diff = (a: string, b: string, registry = packs) =>
  diffPacks(registry.get(a)!, registry.get(b)!, registry);
const texts = (d: ReturnType<typeof diffPacks>, key: string) =>
  d.sections.find((s) => s.key === key)?.changes.map((c) => c.text) ?? [];

const read = (name: string) => readFileSync(join(PACK_DIR, name), 'utf8');
/** 双清 with one edit, loaded beside the national defaults it extends. */
function shuangqingWith(edit: (text: string) => string): PackRegistry {
  const original = read('430502-2025.yaml');
  const text = edit(original);
  expect(text).not.toBe(original);
  return PackRegistry.fromTexts({
    '430502-2025.yaml': text,
    'national-2025.yaml': read('national-2025.yaml'),
  });
}

describe('policy diff', () => {
  it('双桥 → 双清: 低保 90% → 50%, late enrolment at 400 → 1070, windows, channels', () => {
    const d = diff('130802-2025', '430502-2025');
    expect(d.same).toBe(false);
    const subsidies = texts(d, 'subsidies');
    expect(subsidies).toContain('最低生活保障对象：90%（个人缴纳40元） → 50%（个人缴纳200元）');
    expect(subsidies).toContain(
      '孤儿：无资助（个人缴纳400元） → 全额（个人缴纳0元）（仅 430502-2025 有此项资助）',
    );
    expect(subsidies).toContain(
      '脱贫人口：60%（个人缴纳160元） → 无资助（个人缴纳400元）（仅 130802-2025 有此项资助）',
    );
    expect(subsidies).toContain('残疾人（一至二级） 资金来源：残疾人保障金 → 财政资金');
    // Same rate, same fund: no line for 特困.
    expect(subsidies.some((t) => t.startsWith('特困人员'))).toBe(false);
    const late = texts(d, 'late');
    expect(late).toContain('缴费标准：个人缴费标准 → 个人缴费标准加财政补助标准之和');
    expect(late).toContain('无资助身份的居民应缴：400元 → 1070元');
    expect(late).toContain('规定来源：适用国家规定 → 本方案规定');
    expect(texts(d, 'collection')).toContain(
      '业务办理时间：9—11月每月1—25日；12月每月1—28日 → 征缴期内每日均可办理',
    );
    expect(texts(d, 'channels')[0]).toBe(
      '可用渠道：430502-2025 另有：微信；430502-2025 没有：支付宝、云闪付、自助终端',
    );
    // Both 90-day waits and the same national newborn rule: no change reported there.
    expect(texts(d, 'waitingPeriod')).toEqual([]);
    expect(texts(d, 'events').some((t) => t.startsWith('新生儿'))).toBe(false);
  });

  it('a pack against itself has no differences', () => {
    for (const r of packs.all()) {
      const d = diff(r.pack.id, r.pack.id);
      expect(d.same, r.pack.id).toBe(true);
      expect(d.sections).toEqual([]);
      expect(renderDiff(d)).toContain('没有差异');
    }
  });

  it('is symmetric in what it finds', () => {
    const ids = ['130802-2025', '430502-2025', '512022-2025', '140600-2025', '130628-2024'];
    for (const a of ids)
      for (const b of ids) {
        const ab = diff(a, b).sections.flatMap((s) => s.changes.map((c) => `${s.key}/${c.item}`));
        const ba = diff(b, a).sections.flatMap((s) => s.changes.map((c) => `${s.key}/${c.item}`));
        expect(ab.sort(), `${a} ${b}`).toEqual(ba.sort());
      }
  });

  it('compares effects, not YAML: renaming a rule is no change, a new rate is exactly one', () => {
    const renamed = shuangqingWith((t) =>
      t.replace('name: 低保对象、低保边缘家庭成员50%资助', 'name: 低保类50%'),
    );
    expect(diff('430502-2025', '430502-2025', renamed).same).toBe(true);
    expect(diffPacks(packs.get('430502-2025')!, renamed.get('430502-2025')!, packs, renamed).same).toBe(true);

    const raised = shuangqingWith((t) =>
      t.replace(
        'amount: { percent: 50 }\n    tier: standard\n    fundingSource: medical_assistance',
        'amount: { percent: 60 }\n    tier: standard\n    fundingSource: medical_assistance',
      ),
    );
    const d = diffPacks(packs.get('430502-2025')!, raised.get('430502-2025')!, packs, raised);
    expect(d.sections.map((s) => s.key)).toEqual(['subsidies']);
    expect(texts(d, 'subsidies')).toEqual([
      '最低生活保障对象：50%（个人缴纳200元） → 60%（个人缴纳160元）',
      '最低生活保障边缘家庭成员：50%（个人缴纳200元） → 60%（个人缴纳160元）',
    ]);
  });

  it('never assesses a pack against a registry holding another version of it', () => {
    const raised = shuangqingWith((t) =>
      t
        .replace('资助标准为200元/人\n', '资助标准为200元/人\n')
        .replace('amount: { percent: 50 }', 'amount: { percent: 60 }'),
    );
    const wrong = diffPacks(packs.get('430502-2025')!, raised.get('430502-2025')!, packs);
    expect(texts(wrong, 'subsidies').join('\n')).toContain('无法核定');
  });

  it('高阳 2024 → 双桥 2025: a new standard is said once; a missing rule is not "inherited"', () => {
    const d = diff('130628-2024', '130802-2025');
    const subsidies = texts(d, 'subsidies');
    expect(subsidies[0]).toBe('一般居民（无资助身份）：无资助（个人缴纳380元） → 无资助（个人缴纳400元）');
    expect(subsidies.some((t) => t.startsWith('孤儿'))).toBe(false);
    expect(subsidies).toContain('脱贫人口：70%（个人缴纳114元） → 60%（个人缴纳160元）');
    expect(texts(d, 'late')).toEqual([
      '缴费标准：个人缴费标准（仅 130802-2025 有此项）',
      '无资助身份的居民应缴：400元（仅 130802-2025 有此项）',
      '待遇等待期：90天（仅 130802-2025 有此项）',
    ]);
    expect(texts(d, 'events')).toContain('规定来源：本方案规定 → 适用国家规定');
  });

  it('乐至 against 双清: tiers present in one only', () => {
    const d = diff('430502-2025', '512022-2025');
    const c = texts(d, 'contribution');
    expect(c).toContain('个人缴费标准：400元/人/年（仅 430502-2025 有此项）');
    expect(c).toContain('高档次：540元/人/年（仅 512022-2025 有此项）');
    expect(texts(d, 'subsidies')).toContain('最低生活保障对象：50%（个人缴纳200元） → 75%（个人缴纳100元）');
  });

  it('canbao policy diff accepts ids and REGION:YEAR, text and --json', async () => {
    const text = await runCli('policy', 'diff', '130802-2025', '430502:2025');
    expect(text).toContain('【分类资助】');
    expect(text).toContain('最低生活保障对象：90%（个人缴纳40元） → 50%（个人缴纳200元）');
    const json = JSON.parse(await runCli('policy', 'diff', '140602:2025', '140600-2025', '--json'));
    expect(json).toMatchObject({ same: true, a: { id: '140600-2025' }, b: { id: '140600-2025' } });
    await expect(runCli('policy', 'diff', '130802-2025', 'nope')).rejects.toThrow(/地区:年度/);
  });
});
