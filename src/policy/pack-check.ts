// Checks a schema cannot express: citations that resolve and quote the source word for word,
// tiers that exist, windows that do not overlap, dates in order, amounts within the standard.

import type { OutcomeIssue } from './outcome.js';
import type { Cite, IdentityCondition, Pack } from './pack.schema.js';

const MONITORING = new Set(['unstable_out_of_poverty', 'edge_poverty', 'sudden_hardship']);

/** NFKC folds full-width punctuation and digits; whitespace differs between PDF extractions. */
export function normalizeForQuote(text: string): string {
  return text.normalize('NFKC').replace(/[\s"“”'‘’]/g, '');
}

/** Every citation object in a pack with its path (any object holding both source and clause). */
export function collectCites(value: unknown, path: string[] = []): { path: string; cite: Cite }[] {
  if (value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => collectCites(v, [...path, `[${i}]`]));
  const obj = value as Record<string, unknown>;
  const found: { path: string; cite: Cite }[] = [];
  if (typeof obj.source === 'string' && typeof obj.clause === 'string') {
    found.push({ path: joinPath(path), cite: obj as unknown as Cite });
  }
  for (const [k, v] of Object.entries(obj)) found.push(...collectCites(v, [...path, k]));
  return found;
}

function joinPath(parts: string[]): string {
  return parts.reduce((acc, p) => (p.startsWith('[') ? acc + p : acc ? `${acc}.${p}` : p), '');
}

export function checkPack(
  pack: Pack,
  file: string,
  sourceTexts: Map<string, string>,
  knownSourceIds: Set<string>,
): OutcomeIssue[] {
  const issues: OutcomeIssue[] = [];
  const at = (path: string, code: string, message: string) =>
    issues.push({ severity: 'error', code, expression: `${file}: ${path}`, message });

  if (!pack.id.startsWith(`${pack.region}-`) || !pack.id.endsWith(`-${pack.year}`)) {
    at('id', 'id-mismatch', `id 应为 "${pack.region}-${pack.year}"，与 region 和 year 一致。`);
  }
  const ownIds = new Set<string>();
  pack.sources.forEach((s, i) => {
    if (ownIds.has(s.id))
      at(`sources[${i}].id`, 'duplicate-source', `来源 id "${s.id}" 重复，请改用唯一的 id。`);
    ownIds.add(s.id);
    if (s.text && !sourceTexts.has(s.text)) {
      at(
        `sources[${i}].text`,
        'missing-text',
        `找不到原文文件 src/policy/sources/${s.text}，请放入原文或删除 text。`,
      );
    }
  });

  for (const { path, cite } of collectCites(pack)) {
    const source = pack.sources.find((s) => s.id === cite.source);
    if (!source && !knownSourceIds.has(cite.source)) {
      at(
        `${path}.source`,
        'unknown-source',
        `引用的来源 "${cite.source}" 不在 sources 中，请在 sources 中登记该文件或改正 id。`,
      );
      continue;
    }
    if (source?.text && sourceTexts.has(source.text)) {
      if (!cite.quote) {
        at(path, 'missing-quote', `来源 ${source.number} 附有原文，引用须给出原文语句（quote）以便核对。`);
      } else if (!normalizeForQuote(sourceTexts.get(source.text)!).includes(normalizeForQuote(cite.quote))) {
        at(
          `${path}.quote`,
          'quote-not-found',
          `引文"${cite.quote}"在 ${source.number} 原文中找不到，请逐字摘录原文。`,
        );
      }
    }
  }

  const tiers = new Map((pack.contribution?.tiers ?? []).map((t) => [t.code, t]));
  pack.contribution?.tiers.forEach((t, i) => {
    if (pack.contribution!.tiers.findIndex((u) => u.code === t.code) !== i) {
      at(`contribution.tiers[${i}].code`, 'duplicate-tier', `档次代码 "${t.code}" 重复。`);
    }
  });
  if (pack.contribution && !tiers.has(pack.contribution.defaultTier.tier)) {
    at(
      'contribution.defaultTier.tier',
      'unknown-tier',
      `默认档次 "${pack.contribution.defaultTier.tier}" 不在 tiers 中。`,
    );
  }

  const ruleIds = new Set<string>();
  (pack.subsidies ?? []).forEach((rule, i) => {
    const p = `subsidies[${i}]`;
    if (ruleIds.has(rule.id)) at(`${p}.id`, 'duplicate-rule', `资助规则 id "${rule.id}" 重复。`);
    ruleIds.add(rule.id);
    // Whether rule.tier exists is checked after merging with the base pack (pack-loader).
    const tier = tiers.get(rule.tier);
    if (tier && 'fixedFen' in rule.amount && rule.amount.fixedFen > tier.fen) {
      at(
        `${p}.amount.fixedFen`,
        'over-standard',
        `定额资助 ${rule.amount.fixedFen} 分超过该档次缴费标准 ${tier.fen} 分。`,
      );
    }
    for (const [j, c] of rule.identities.entries()) checkCondition(c, `${p}.identities[${j}]`, at);
    for (const [j, c] of (rule.unless ?? []).entries()) checkCondition(c, `${p}.unless[${j}]`, at);
  });

  (pack.undeterminedSubsidies ?? []).forEach((rule, i) => {
    for (const [j, c] of rule.identities.entries())
      checkCondition(c, `undeterminedSubsidies[${i}].identities[${j}]`, at);
  });

  const c = pack.collection;
  if (c) {
    if (c.start > c.end) at('collection', 'date-order', `集中征缴期开始日 ${c.start} 晚于结束日 ${c.end}。`);
    const seen = new Map<number, number>();
    c.windows?.forEach((w, i) => {
      if (w.fromDay > w.toDay)
        at(`collection.windows[${i}]`, 'date-order', `业务期开始日 ${w.fromDay} 大于结束日 ${w.toDay}。`);
      for (const m of w.months) {
        const prior = seen.get(m);
        if (prior !== undefined) {
          at(
            `collection.windows[${i}].months`,
            'overlapping-windows',
            `${m} 月已在 windows[${prior}] 中规定业务期，同一月份不能有两个业务期。`,
          );
        }
        seen.set(m, i);
      }
    });
  }
  for (const key of ['benefit'] as const) {
    const period = pack[key];
    if (period && period.start > period.end)
      at(key, 'date-order', `开始日 ${period.start} 晚于结束日 ${period.end}。`);
  }
  return issues;
}

function checkCondition(
  c: IdentityCondition,
  path: string,
  at: (path: string, code: string, message: string) => void,
): void {
  const usesDisability = c.gradeMin !== undefined || c.gradeMax !== undefined || c.kinds !== undefined;
  if (usesDisability && c.category !== 'disability') {
    at(path, 'attribute-mismatch', `残疾等级和类别条件只适用于 disability，不适用于 ${c.category}。`);
  }
  if (c.gradeMin !== undefined && c.gradeMax !== undefined && c.gradeMin > c.gradeMax) {
    at(path, 'grade-order', `残疾等级下限 ${c.gradeMin} 大于上限 ${c.gradeMax}。`);
  }
  if (c.formerlyPoor !== undefined && c.category !== 'sudden_hardship') {
    at(
      `${path}.formerlyPoor`,
      'attribute-mismatch',
      'formerlyPoor 只适用于 sudden_hardship（突发严重困难人口）。',
    );
  }
  if (c.riskEliminated !== undefined && !MONITORING.has(c.category)) {
    at(
      `${path}.riskEliminated`,
      'attribute-mismatch',
      'riskEliminated 只适用于防止返贫监测对象（unstable_out_of_poverty、edge_poverty、sudden_hardship）。',
    );
  }
}
