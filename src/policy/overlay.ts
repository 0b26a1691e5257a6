// A what-if is a small overlay on a pack ("低保 from 50% to 60%"), never a copy of it. Paths name
// subsidy rules by id: subsidies.dibao-half.amount.percent=60, contribution.tiers.low.fen=42000.
import { createHash } from 'node:crypto';
import { OutcomeError } from './outcome.js';
import { packSchema } from './pack.schema.js';
import type { ResolvedPack } from './pack-loader.js';

export interface OverlaySet {
  path: string;
  value: unknown;
}

/** "a.b.c=60" → { path, value } with the value read as JSON when it parses, else as text. */
export function parseOverlaySet(text: string): OverlaySet {
  const eq = text.indexOf('=');
  if (eq <= 0) {
    throw new OutcomeError([
      {
        severity: 'error',
        code: 'bad-overlay',
        expression: text,
        message: '应写作 路径=值，如 subsidies.dibao-half.amount.percent=60',
      },
    ]);
  }
  const raw = text.slice(eq + 1).trim();
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch {
    // plain text value
  }
  return { path: text.slice(0, eq).trim(), value };
}

export function applyOverlay(resolved: ResolvedPack, sets: OverlaySet[]): ResolvedPack {
  const pack = structuredClone(resolved.pack) as unknown as Record<string, unknown>;
  for (const set of sets) {
    const parts = set.path.split('.');
    let node: unknown = pack;
    for (let i = 0; i < parts.length - 1; i++) node = step(node, parts[i]!, set.path);
    const last = parts[parts.length - 1]!;
    if (node === null || typeof node !== 'object' || Array.isArray(node) || !(last in node)) {
      throw new OutcomeError([
        { severity: 'error', code: 'bad-overlay', expression: set.path, message: `政策包中没有 ${set.path}` },
      ]);
    }
    (node as Record<string, unknown>)[last] = set.value;
  }
  const parsed = packSchema.safeParse(pack);
  if (!parsed.success) {
    throw new OutcomeError(
      parsed.error.issues.map((i) => ({
        severity: 'error',
        code: 'bad-overlay',
        expression: `试算：${i.path.join('.')}`,
        message: i.message,
      })),
    );
  }
  const hash = createHash('sha256')
    .update(resolved.hash)
    .update(JSON.stringify(sets))
    .digest('hex')
    .slice(0, 16);
  return { ...resolved, pack: parsed.data, hash };
}

/** Arrays of objects with an id or code are addressed by it (subsidies.dibao-half, contribution.tiers.low). */
function step(node: unknown, key: string, path: string): unknown {
  if (Array.isArray(node)) {
    const found = node.find(
      (el) =>
        el &&
        typeof el === 'object' &&
        ((el as { id?: string }).id === key || (el as { code?: string }).code === key),
    );
    if (found) return found;
  } else if (node && typeof node === 'object' && key in node) {
    return (node as Record<string, unknown>)[key];
  }
  throw new OutcomeError([
    {
      severity: 'error',
      code: 'bad-overlay',
      expression: path,
      message: `政策包中没有 ${key}（在 ${path} 中）`,
    },
  ]);
}
