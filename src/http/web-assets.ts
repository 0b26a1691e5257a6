// The built web application (vite build → dist-web/) served by the API's own process: files by
// path, and index.html for every other non-/api GET so the browser's own routes (/payments,
// /refunds …) survive a reload. A small handler instead of @fastify/static: the bundle is a few
// hashed files, and this keeps /api's 404 in the one error shape.
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { notFoundHandler } from './errors.js';

/** Where `npm run build` puts the bundle: dist-web/ at the repository root (from src/ or dist/). */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../dist-web/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** True when a built bundle is there to serve. */
export function hasWebAssets(root: string): boolean {
  return existsSync(join(root, 'index.html'));
}

export function registerWebAssets(app: FastifyInstance, root: string): void {
  const base = normalize(root.endsWith(sep) ? root : root + sep);
  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    const path = decodeURIComponent(request.url.split('?')[0]!);
    if (path === '/api' || path.startsWith('/api/')) return notFoundHandler(request, reply);
    const file = normalize(join(base, path));
    if (file.startsWith(base) && extname(file) !== '') {
      const info = await stat(file).catch(() => undefined);
      if (info?.isFile()) {
        // Vite names assets by content hash, so they never change under the same name.
        const immutable = path.startsWith('/assets/');
        return reply
          .header('content-type', TYPES[extname(file)] ?? 'application/octet-stream')
          .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
          .send(await readFile(file));
      }
      if (path.startsWith('/assets/')) return notFoundHandler(request, reply);
    }
    return reply
      .header('content-type', TYPES['.html']!)
      .header('cache-control', 'no-cache')
      .send(await readFile(join(base, 'index.html')));
  });
}
