// What changed between two packs (`canbao policy diff`), section by section in Chinese. Sections are
// compared on their readable lines (pack-summary.ts), subsidies on what the engine computes for a
// person of each identity category, so a reworded rule with the same effect is no change and the
// same YAML under another tier is.
import { formatYuan } from './money.js';
import type { IdentityCondition } from './pack.schema.js';
import type { PackRegistry, ResolvedPack } from './pack-loader.js';
import {
  amountText,
  assessIn,
  citeText,
  SECTION_TITLES,
  sampleIdentity,
  summarizePack,
} from './pack-summary.js';
import type { Identity } from './request.schema.js';
import { type AssessmentOutcome, isError } from './result.js';
import { describeCondition, describeIdentity } from './subsidy.js';
import { FUNDING_SOURCE_NAMES, IDENTITY_CODES } from './vocabulary.js';

export interface DiffChange {
  /** What the line is about: "个人缴费标准", "最低生活保障对象". */
  item: string;
  /** The first pack's reading, or null when only the second pack has it. */
  a: string | null;
  b: string | null;
  /** One Chinese sentence saying the change. */
  text: string;
  /** Where each pack says it (document and clause), when the line has a citation. */
  citeA?: string;
  citeB?: string;
}

export interface DiffSection {
  key: string;
  title: string;
  changes: DiffChange[];
}

export interface PackDiff {
  a: { id: string; hash: string; regionName: string; year: number };
  b: { id: string; hash: string; regionName: string; year: number };
  same: boolean;
  sections: DiffSection[];
}

/** `packsB` is the registry holding `rb` when it is not the one holding `ra` (a what-if overlay). */
export function diffPacks(ra: ResolvedPack, rb: ResolvedPack, packs: PackRegistry, packsB = packs): PackDiff {
  const sa = summarizePack(ra, packs);
  const sb = summarizePack(rb, packsB);
  const label = (r: ResolvedPack) => r.pack.id;
  const sections: DiffSection[] = [];

  const order = Object.keys(SECTION_TITLES).filter((k) =>
    [...sa.sections, ...sb.sections].some((s) => s.key === k),
  );
  for (const key of order) {
    const secA = sa.sections.find((s) => s.key === key);
    const secB = sb.sections.find((s) => s.key === key);
    const changes: DiffChange[] = [];
    const lineKeys = [...(secA?.lines ?? []).map((l) => l.key)];
    for (const l of secB?.lines ?? []) if (!lineKeys.includes(l.key)) lineKeys.push(l.key);
    for (const lk of lineKeys) {
      const la = secA?.lines.find((l) => l.key === lk);
      const lb = secB?.lines.find((l) => l.key === lk);
      const cites = { ...(la?.cite ? { citeA: la.cite } : {}), ...(lb?.cite ? { citeB: lb.cite } : {}) };
      if (la?.noDiff || lb?.noDiff) continue;
      // "本方案未规定" against real rules: the other side's lines already say "仅 X 有此项".
      if (lk === 'none' && !(la && lb)) continue;
      const item = (la ?? lb)!.label;
      if (la && lb) {
        if (la.value === lb.value) continue;
        if (la.items && lb.items) {
          const added = lb.items.filter((x) => !la.items!.includes(x));
          const removed = la.items.filter((x) => !lb.items!.includes(x));
          const parts = [];
          if (added.length) parts.push(`${label(rb)} 另有：${added.join('、')}`);
          if (removed.length) parts.push(`${label(rb)} 没有：${removed.join('、')}`);
          if (parts.length === 0) continue; // same set, different order
          changes.push({ item, a: la.value, b: lb.value, text: `${item}：${parts.join('；')}`, ...cites });
          continue;
        }
        changes.push({
          item,
          a: la.value,
          b: lb.value,
          text: `${item}：${la.value} → ${lb.value}`,
          ...cites,
        });
      } else if (la) {
        changes.push({
          item,
          a: la.value,
          b: null,
          text: `${item}：${la.value}（仅 ${label(ra)} 有此项）`,
          ...cites,
        });
      } else if (lb) {
        changes.push({
          item,
          a: null,
          b: lb.value,
          text: `${item}：${lb.value}（仅 ${label(rb)} 有此项）`,
          ...cites,
        });
      }
    }
    // Inheritance itself is worth saying: the same rule may now come from the national defaults.
    const ruled = (sec: typeof secA) => sec?.lines.some((l) => l.key !== 'none') ?? false;
    if (secA && secB && ruled(secA) && ruled(secB) && secA.inherited !== secB.inherited) {
      const from = (inh: boolean) => (inh ? '适用国家规定' : '本方案规定');
      changes.push({
        item: '规定来源',
        a: from(secA.inherited),
        b: from(secB.inherited),
        text: `规定来源：${from(secA.inherited)} → ${from(secB.inherited)}`,
      });
    }
    if (changes.length > 0) sections.push({ key, title: SECTION_TITLES[key] ?? key, changes });
    if (key === 'fiscalSubsidy') {
      const sub = subsidyChanges(ra, rb, packs, packsB);
      if (sub.length > 0) sections.push({ key: 'subsidies', title: SECTION_TITLES.subsidies!, changes: sub });
    }
  }

  const head = (r: ResolvedPack) => ({
    id: r.pack.id,
    hash: r.hash,
    regionName: r.pack.regionName,
    year: r.pack.year,
  });
  return { a: head(ra), b: head(rb), same: sections.length === 0, sections };
}

interface Probe {
  key: string;
  label: string;
  identities: Identity[];
}

/** A person with no identity, one of each category, and one meeting each identity condition of either pack. */
function probes(ra: ResolvedPack, rb: ResolvedPack): Probe[] {
  const out = new Map<string, Probe>();
  out.set('none', { key: 'none', label: '一般居民（无资助身份）', identities: [] });
  const conditions: IdentityCondition[] = [];
  for (const r of [ra, rb]) for (const rule of r.pack.subsidies ?? []) conditions.push(...rule.identities);
  for (const code of IDENTITY_CODES) {
    const plain: Identity = { category: code };
    const add = (id: Identity, label: string) => {
      const key = JSON.stringify(id);
      if (!out.has(key)) out.set(key, { key, label, identities: [id] });
    };
    add(plain, describeIdentity(plain));
    for (const c of conditions) if (c.category === code) add(sampleIdentity(c), describeCondition(c));
  }
  return [...out.values()];
}

interface Reading {
  text: string;
  subsidized: boolean;
  fundingSource: string | null;
  cite?: string;
}

function read(r: ResolvedPack, outcome: AssessmentOutcome): Reading {
  if (isError(outcome))
    return { text: `无法核定（${outcome.error.message}）`, subsidized: false, fundingSource: null };
  const rule = r.pack.subsidies?.find((s) => s.id === outcome.subsidyRule);
  if (!rule || outcome.subsidyFen === 0) {
    return {
      text: `无资助（个人缴纳${formatYuan(outcome.payableFen)}）`,
      subsidized: false,
      fundingSource: null,
    };
  }
  return {
    text: `${amountText(rule.amount).text}（个人缴纳${formatYuan(outcome.payableFen)}）`,
    subsidized: true,
    fundingSource: outcome.fundingSource ? FUNDING_SOURCE_NAMES[outcome.fundingSource] : null,
    cite: citeText(r, rule.cite),
  };
}

function subsidyChanges(
  ra: ResolvedPack,
  rb: ResolvedPack,
  packs: PackRegistry,
  packsB: PackRegistry,
): DiffChange[] {
  const changes: DiffChange[] = [];
  for (const p of probes(ra, rb)) {
    const a = read(ra, assessIn(ra, packs, { identities: p.identities }));
    const b = read(rb, assessIn(rb, packsB, { identities: p.identities }));
    // Neither pack subsidizes this person: the standard's change is said once, for 一般居民.
    if (!a.subsidized && !b.subsidized && p.key !== 'none') continue;
    const cites = { ...(a.cite ? { citeA: a.cite } : {}), ...(b.cite ? { citeB: b.cite } : {}) };
    if (a.text !== b.text) {
      const only =
        a.subsidized && !b.subsidized
          ? `（仅 ${ra.pack.id} 有此项资助）`
          : b.subsidized && !a.subsidized
            ? `（仅 ${rb.pack.id} 有此项资助）`
            : '';
      changes.push({
        item: p.label,
        a: a.text,
        b: b.text,
        text: `${p.label}：${a.text} → ${b.text}${only}`,
        ...cites,
      });
    }
    if (a.subsidized && b.subsidized && a.fundingSource !== b.fundingSource) {
      changes.push({
        item: `${p.label} 资金来源`,
        a: a.fundingSource,
        b: b.fundingSource,
        text: `${p.label} 资金来源：${a.fundingSource} → ${b.fundingSource}`,
        ...cites,
      });
    }
  }
  return changes;
}

export function renderDiff(d: PackDiff): string {
  const out = [
    `比较：${d.a.id}（${d.a.regionName} ${d.a.year}年度，版本 ${d.a.hash}）→ ${d.b.id}（${d.b.regionName} ${d.b.year}年度，版本 ${d.b.hash}）`,
  ];
  if (d.same) {
    out.push('两个政策包的规定没有差异。');
    return `${out.join('\n')}\n`;
  }
  for (const s of d.sections) {
    out.push('', `【${s.title}】`);
    for (const c of s.changes) out.push(`  ${c.text}`);
  }
  out.push('', '（分类资助按仅具有该身份的居民由核定引擎计算比较；多重身份就高不就低。）');
  return `${out.join('\n')}\n`;
}
