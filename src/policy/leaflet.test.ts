import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { buildProgram } from '../cli/main.js';
import { escapeHtml, leafletHtml } from './leaflet.js';
import { PACK_DIR, PackRegistry, shippedPacks } from './pack-loader.js';

const packs = shippedPacks();
const SEEDS = ['130802-2025', '430502-2025', '512022-2025', '140600-2025', '130628-2024'];
const html = (id: string, registry = packs) => leafletHtml(registry.get(id)!, registry);

const VOID = new Set(['meta', 'br', 'img', 'hr', 'link', 'input']);

/** Every tag closed in order, and no stray < or > left in the text: a simple well-formedness check. */
function checkHtml(doc: string): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  const body = doc.replace(/^<!DOCTYPE html>\n/, '').replace(/<style>[^<]*<\/style>/, '<style></style>');
  const tag = /<(\/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s+[a-z-]+(?:="[^"<>]*")?)*)\s*>/g;
  let last = 0;
  for (let m = tag.exec(body); m; m = tag.exec(body)) {
    const text = body.slice(last, m.index);
    if (/[<>]/.test(text)) problems.push(`stray < or > in text: ${text.slice(0, 40)}`);
    last = tag.lastIndex;
    const name = m[2]!.toLowerCase();
    if (VOID.has(name)) continue;
    if (m[1]) {
      const open = stack.pop();
      if (open !== name) problems.push(`</${name}> closes <${open}>`);
    } else stack.push(name);
  }
  if (/[<>]/.test(body.slice(last))) problems.push('stray < or > at the end');
  if (stack.length > 0) problems.push(`unclosed: ${stack.join(', ')}`);
  return problems;
}

/** The table row whose first cell starts with `who`, as [who, standard, subsidy, payable]. */
function row(doc: string, who: string): string[] | undefined {
  for (const tr of doc.matchAll(/<tr>(.*?)<\/tr>/g)) {
    const cells = [...tr[1]!.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => c[1]!.replace(/<[^>]+>/g, ''));
    if (cells[0]?.split('、').includes(who) || cells[0] === who) return cells;
  }
  return undefined;
}

describe('leaflet', () => {
  it('the checker catches what it should', () => {
    expect(checkHtml('<p>a<b>b</p>')).not.toEqual([]);
    expect(checkHtml('<p>a < b</p>')).not.toEqual([]);
    expect(checkHtml('<div><p>x</p>')).toEqual(['unclosed: div']);
    expect(checkHtml('<p class="a">x<br></p>')).toEqual([]);
  });

  it.each(SEEDS)('%s: well-formed, titled, self-contained', (id) => {
    const doc = html(id);
    expect(checkHtml(doc)).toEqual([]);
    const r = packs.get(id)!;
    expect(doc).toContain(`<title>${r.pack.regionName}${r.pack.year}年度城乡居民医保参保缴费明白纸</title>`);
    expect(doc).toContain('<html lang="zh-CN">');
    expect(doc).toContain('@page { size: A4;');
    expect(doc).not.toMatch(/<(script|link|img)\b/); // nothing fetched from elsewhere
    expect(doc).toContain(r.hash);
  });

  it('shows the amounts the engine computes, per identity', () => {
    const sq = html('130802-2025');
    expect(row(sq, '最低生活保障对象')).toEqual([
      '最低生活保障对象、返贫致贫人口、脱贫不稳定人口（风险未消除）、边缘易致贫人口（风险未消除）、突发严重困难人口（风险未消除）',
      '400元',
      '90%资助 360元',
      '40元',
    ]);
    expect(row(sq, '一般居民')?.[3]).toBe('400元');
    expect(sq).toContain('9—11月每月1—25日；12月每月1—28日');
    expect(sq).toContain('举例：2025年2月10日缴费，一般居民需缴纳400元，从2025年5月11日起才能享受医保待遇。');

    const qing = html('430502-2025');
    expect(row(qing, '最低生活保障边缘家庭成员')?.[3]).toBe('200元');
    expect(qing).toContain('一般居民需缴纳1070元');
    expect(qing).toContain('新入学大中专院校学生：2024年9月1日至2025年12月31日。');
    expect(qing).toContain('待遇享受期开始后，个人缴费不再退回。');

    const lz = html('512022-2025');
    expect(row(lz, '一般居民（选高档次）')?.[3]).toBe('540元');
    expect(row(lz, '一般居民（选低档次）')?.[3]).toBe('400元');
    expect(row(lz, '最低生活保障对象')?.[3]).toBe('100元');
    expect(lz).toContain('亲情账户代缴');

    const sz = html('140600-2025');
    expect(row(sz, '脱贫不稳定人口')?.[3]).toBe('120元');
    expect(sz).toContain('当年不用缴费');

    const gy = html('130628-2024');
    expect(row(gy, '最低生活保障对象')?.[3]).toBe('38元');
    expect(gy).toContain('未规定集中征缴期外参保办法');
    expect(gy).toContain('不能只给部分成员参保');
    expect(gy).toContain(
      '又如：2024年12月10日出生、2025年1月19日参保的，除2024年度的380元外，还须缴纳2025年度的个人缴费部分',
    );
  });

  it('escapes text taken from the pack', () => {
    const read = (name: string) => readFileSync(join(PACK_DIR, name), 'utf8');
    const evil = read('430502-2025.yaml').replace(
      'regionName: 湖南省邵阳市双清区',
      'regionName: "双清区<script>alert(1)</script> & <b>"',
    );
    const registry = PackRegistry.fromTexts({
      '430502-2025.yaml': evil,
      'national-2025.yaml': read('national-2025.yaml'),
    });
    const doc = html('430502-2025', registry);
    expect(doc).not.toContain('<script>');
    expect(doc).toContain('双清区&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;2025年度');
    expect(checkHtml(doc)).toEqual([]);
    expect(escapeHtml(`a<b>&"'`)).toBe('a&lt;b&gt;&amp;&quot;&#39;');
  });

  it('canbao policy leaflet writes stdout or --out', async () => {
    let out = '';
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    });
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await buildProgram()
        .exitOverride()
        .parseAsync(['policy', 'leaflet', '140602', '2025'], { from: 'user' });
      expect(out).toBe(html('140600-2025'));
      const file = join(mkdtempSync(join(tmpdir(), 'canbao-leaflet-')), 'mbz.html');
      await buildProgram()
        .exitOverride()
        .parseAsync(['policy', 'leaflet', '130802', '2025', '--out', file], { from: 'user' });
      expect(readFileSync(file, 'utf8')).toBe(html('130802-2025'));
    } finally {
      spy.mockRestore();
      err.mockRestore();
    }
  });
});
