// A NUL character cannot be stored in PostgreSQL text, so a string holding one would fail deep in a
// query as a server error. It has no business in any field of this system: refuse it at the door,
// in the one error shape, naming where it was.
import type { FastifyRequest } from 'fastify';
import { HttpError } from './errors.js';

/** Where in the value a string (or a key) holds a NUL character, e.g. `body/items/3/name`; else undefined. */
export function findNul(value: unknown, root: string): string | undefined {
  // Iterative, so a deeply nested body cannot exhaust the stack.
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return path;
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) stack.push([v[i], `${path}/${i}`]);
    } else if (isPlainObject(v)) {
      for (const [k, item] of Object.entries(v)) {
        if (k.includes('\u0000')) return path;
        stack.push([item, `${path}/${k}`]);
      }
    }
  }
  return undefined;
}

/** Parsed JSON, query and path objects (whatever their prototype); an upload's stream or a buffer is not walked. */
function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) return false;
  return typeof (v as { pipe?: unknown }).pipe !== 'function';
}

export const NUL_MESSAGE = '请求内容含有不允许的空字符（NUL），请删除后重试';

/** preValidation hook: refuse a request whose path parameters, query or JSON body hold a NUL. */
export async function rejectNulCharacters(request: FastifyRequest): Promise<void> {
  const where =
    findNul(request.params, 'params') ??
    findNul(request.query, 'querystring') ??
    findNul(request.body, 'body');
  if (where) throw new HttpError(400, 'INVALID_CHARACTER', NUL_MESSAGE, where);
}
