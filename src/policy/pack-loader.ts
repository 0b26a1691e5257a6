// Loads, validates and resolves policy packs. A pack inherits a section from the national pack it
// `extends` only when it says nothing of it, and the resolved pack records which sections were
// inherited so every explanation can say "本方案未规定，适用国家规定".
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { formatPath, OutcomeError, type OutcomeIssue } from './outcome.js';
import { type Pack, packSchema } from './pack.schema.js';
import { checkPack } from './pack-check.js';

/** Same relative depth from src/policy and dist/policy, so tests and the built CLI find the same files. */
export const PACK_DIR = fileURLToPath(new URL('../../src/policy/packs/', import.meta.url));
export const SOURCE_DIR = fileURLToPath(new URL('../../src/policy/sources/', import.meta.url));

/** Sections a county pack may inherit from its national pack. */
const INHERITABLE = [
  'contribution',
  'fiscalSubsidy',
  'subsidies',
  'lateCertification',
  'collection',
  'benefit',
  'studentBenefit',
  'late',
  'waitingPeriod',
  'incentive',
  'refunds',
  'channels',
  'enrollment',
  'targets',
  'reporting',
] as const;

export interface ResolvedPack {
  pack: Pack;
  file: string;
  /** sha256 of the pack text and its base's, so any amount can be reproduced against the exact rules. */
  hash: string;
  base?: { id: string; file: string };
  /** Paths taken from the base pack ("late", "events.newborn"). */
  inherited: Set<string>;
}

interface RawPack {
  pack: Pack;
  file: string;
  text: string;
}

export function readSourceTexts(dir = SOURCE_DIR): Map<string, string> {
  const texts = new Map<string, string>();
  for (const name of readdirSync(dir))
    if (name.endsWith('.txt')) texts.set(name, readFileSync(join(dir, name), 'utf8'));
  return texts;
}

/** Parse and schema-check one pack text; issues name the file and the path inside it. */
export function parsePack(text: string, file: string): Pack {
  const doc = parseDocument(text, { uniqueKeys: true, merge: true });
  if (doc.errors.length > 0) {
    throw new OutcomeError(
      doc.errors.map((e) => ({
        severity: 'error',
        code: 'yaml-syntax',
        expression: `${file}: 第 ${e.linePos?.[0]?.line ?? '?'} 行`,
        message: `YAML 格式错误：${e.message.split('\n')[0]}`,
      })),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (e) {
    // An alias to an anchor that is not (yet) defined, or aliases expanding without end.
    throw new OutcomeError([
      {
        severity: 'error',
        code: 'yaml-syntax',
        expression: `${file}: ${aliasLine(text, e)}`,
        message: /Excessive alias/i.test(String(e))
          ? 'YAML 别名（*名称）展开过多，文件可能是恶意构造的，已拒绝'
          : 'YAML 别名（*名称）引用的锚点（&名称）不存在，或在别名之后才定义',
      },
    ]);
  }
  const result = packSchema.safeParse(data);
  if (!result.success) {
    throw new OutcomeError(
      result.error.issues.map((i) => ({
        severity: 'error',
        code: i.code === 'unrecognized_keys' ? 'unknown-key' : i.code,
        expression: `${file}: ${formatPath(i.path)}`,
        message: describeZodIssue(i),
      })),
    );
  }
  return result.data;
}

/** The line of the first alias named in a yaml ReferenceError ("…: low-full"), else "别名". */
function aliasLine(text: string, e: unknown): string {
  const name = /:\s*(\S+)\s*$/.exec(e instanceof Error ? e.message : '')?.[1];
  const at = name ? text.indexOf(`*${name}`) : -1;
  return at < 0 ? '别名' : `第 ${text.slice(0, at).split('\n').length} 行`;
}

function describeZodIssue(i: {
  code: string;
  message: string;
  keys?: string[];
  expected?: unknown;
  path: readonly PropertyKey[];
}): string {
  if (i.code === 'unrecognized_keys') return `未知的字段 ${(i.keys ?? []).join('、')}，请检查拼写或删除。`;
  // zod's message is localised (zod-zh.ts): "…实际接收 undefined", or "received undefined".
  if (i.code === 'invalid_type' && /(received|接收) undefined/.test(i.message)) {
    if (i.path.at(-1) === 'cite') return '缺少引用 cite：每条规则须写明来源（source）和条款（clause）。';
    return `缺少必填字段（应为 ${String(i.expected)}）。`;
  }
  return i.message;
}

export class PackRegistry {
  private readonly resolved = new Map<string, ResolvedPack>();

  constructor(raws: RawPack[], sourceTexts: Map<string, string>) {
    const issues: OutcomeIssue[] = [];
    const byId = new Map(raws.map((r) => [r.pack.id, r]));
    for (const raw of raws) {
      const base = raw.pack.extends ? byId.get(raw.pack.extends) : undefined;
      if (raw.pack.extends && !base) {
        issues.push(err(raw.file, 'extends', 'unknown-base', `继承的政策包 "${raw.pack.extends}" 不存在。`));
        continue;
      }
      if (base && (base.pack.region !== 'national' || base.pack.year !== raw.pack.year)) {
        issues.push(
          err(
            raw.file,
            'extends',
            'bad-base',
            `只能继承同一年度的国家默认政策包（national-${raw.pack.year}）。`,
          ),
        );
        continue;
      }
      const baseIds = new Set(base?.pack.sources.map((s) => s.id) ?? []);
      issues.push(...checkPack(raw.pack, raw.file, sourceTexts, baseIds));
      const merged = merge(raw.pack, base?.pack);
      issues.push(...checkResolvedTiers(merged.pack, raw.file));
      const hash = createHash('sha256')
        .update(raw.text)
        .update('\0')
        .update(base?.text ?? '')
        .digest('hex')
        .slice(0, 16);
      this.resolved.set(raw.pack.id, {
        ...merged,
        file: raw.file,
        hash,
        ...(base ? { base: { id: base.pack.id, file: base.file } } : {}),
      });
    }
    if (issues.length > 0) throw new OutcomeError(issues);
  }

  static load(dir = PACK_DIR, sourceDir = SOURCE_DIR): PackRegistry {
    const texts = readSourceTexts(sourceDir);
    const raws: RawPack[] = [];
    const issues: OutcomeIssue[] = [];
    for (const name of readdirSync(dir).sort()) {
      if (!name.endsWith('.yaml')) continue;
      const text = readFileSync(join(dir, name), 'utf8');
      try {
        const pack = parsePack(text, name);
        if (basename(name, '.yaml') !== pack.id) {
          issues.push(err(name, 'id', 'file-name', `文件名应与 id 一致：${pack.id}.yaml。`));
        }
        raws.push({ pack, file: name, text });
      } catch (e) {
        if (e instanceof OutcomeError) issues.push(...e.issues);
        else throw e;
      }
    }
    if (issues.length > 0) throw new OutcomeError(issues);
    return new PackRegistry(raws, texts);
  }

  /** Build from in-memory texts (tests, what-if overlays). */
  static fromTexts(files: Record<string, string>, sourceTexts = readSourceTexts()): PackRegistry {
    return new PackRegistry(
      Object.entries(files).map(([file, text]) => ({ pack: parsePack(text, file), file, text })),
      sourceTexts,
    );
  }

  all(): ResolvedPack[] {
    return [...this.resolved.values()].sort((a, b) => a.pack.id.localeCompare(b.pack.id));
  }

  get(id: string): ResolvedPack | undefined {
    return this.resolved.get(id);
  }

  /**
   * The pack for a region code (6 or 12 digits) and year: the most specific county/city pack whose
   * code prefix covers the region (140600 covers 1406xx and their villages). National packs are
   * only bases, never answers for a region.
   */
  find(region: string, year: number): ResolvedPack | undefined {
    let best: ResolvedPack | undefined;
    let bestLen = -1;
    for (const r of this.resolved.values()) {
      if (r.pack.region === 'national' || r.pack.year !== year) continue;
      const prefix = regionPrefix(r.pack.region);
      if (region.startsWith(prefix) && prefix.length > bestLen) {
        best = r;
        bestLen = prefix.length;
      }
    }
    return best;
  }
}

/** 140600 → "1406", 130802 → "130802", 130000 → "13". */
export function regionPrefix(code: string): string {
  let p = code;
  while (p.length > 2 && p.endsWith('00')) p = p.slice(0, -2);
  return p;
}

function err(file: string, path: string, code: string, message: string): OutcomeIssue {
  return { severity: 'error', code, expression: `${file}: ${path}`, message };
}

function merge(pack: Pack, base: Pack | undefined): { pack: Pack; inherited: Set<string> } {
  const inherited = new Set<string>();
  if (!base) return { pack, inherited };
  const out: Record<string, unknown> = { ...pack };
  for (const key of INHERITABLE) {
    if (pack[key] === undefined && base[key] !== undefined) {
      out[key] = base[key];
      inherited.add(key);
    }
  }
  const events: Record<string, unknown> = { ...(pack.events ?? {}) };
  for (const [type, rule] of Object.entries(base.events ?? {})) {
    if (events[type] === undefined) {
      events[type] = rule;
      inherited.add(`events.${type}`);
    }
  }
  out.events = events;
  out.sources = [...pack.sources, ...base.sources.filter((s) => !pack.sources.some((o) => o.id === s.id))];
  return { pack: out as Pack, inherited };
}

function checkResolvedTiers(pack: Pack, file: string): OutcomeIssue[] {
  const tiers = new Set(pack.contribution?.tiers.map((t) => t.code) ?? []);
  return (pack.subsidies ?? [])
    .map((rule, i) => ({ rule, i }))
    .filter(({ rule }) => !tiers.has(rule.tier))
    .map(({ rule, i }) =>
      err(
        file,
        `subsidies[${i}].tier`,
        'unknown-tier',
        `资助规则引用的档次 "${rule.tier}" 在本方案及其继承的国家规则中都不存在。`,
      ),
    );
}

let defaultRegistry: PackRegistry | undefined;
/** The shipped packs, loaded once per process. */
export function shippedPacks(): PackRegistry {
  defaultRegistry ??= PackRegistry.load();
  return defaultRegistry;
}
