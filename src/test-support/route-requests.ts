// Requests built from a route's own schema, for tests that call every route: each required field
// gets a plausible value (a year, an amount, a date, the ID number and region the test names), so
// the request gets past validation to the access checks and the handler.
import type { FastifySchema } from 'fastify';

export interface Prop {
  type?: string | string[];
  enum?: unknown[];
  pattern?: string;
  format?: string;
  minimum?: number;
  minItems?: number;
  items?: Prop;
}
export interface ObjectSchema {
  type?: string;
  properties?: Record<string, Prop>;
  required?: string[];
}

/** What the request should name: the region (county, township or village code) and the person. */
export interface Naming {
  region: string;
  docNo: string;
  /** Codes to try, in order, for a string field with a pattern (a 9-digit township, a 12-digit village). */
  codes: readonly string[];
}

/** A plausible value for one field. */
export function plausible(name: string, p: Prop, naming: Naming): unknown {
  if (p.enum) return p.enum[0];
  const type = Array.isArray(p.type) ? p.type[0] : p.type;
  if (type === 'integer' || type === 'number') {
    if (/year/i.test(name)) return 2025;
    if (/fen/i.test(name)) return 40000;
    return Math.max(p.minimum ?? 1, 1);
  }
  if (type === 'boolean') return false;
  if (type === 'array')
    return Array.from({ length: p.minItems ?? 0 }, () => plausible(name, p.items ?? {}, naming));
  // Case-sensitive: paidOn, asOf, startDate — not regiON.
  if (p.format === 'date' || /On$|^asOf$|[Dd]ate/.test(name)) return '2024-10-10';
  if (/docNo|^id$/.test(name)) return naming.docNo;
  if (p.pattern) {
    const pattern = new RegExp(p.pattern);
    for (const code of [naming.region, ...naming.codes]) if (pattern.test(code)) return code;
  }
  if (/region|county/.test(name)) return naming.region;
  if (/area|village/i.test(name)) return naming.codes.find((c) => c.length === 12) ?? naming.region;
  return 'test';
}

/** The required fields of a querystring or body schema, each with a plausible value. */
export function requiredFields(schema: ObjectSchema | undefined, naming: Naming): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(schema?.properties ?? {})
      .filter(([name]) => schema?.required?.includes(name))
      .map(([name, p]) => [name, plausible(name, p, naming)]),
  );
}

export function schemaPart(
  schema: FastifySchema | undefined,
  part: 'querystring' | 'body' | 'params',
): ObjectSchema | undefined {
  return (schema as Record<string, ObjectSchema | undefined> | undefined)?.[part];
}
