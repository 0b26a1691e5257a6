// The built web application served beside the API: files by path, index.html for the browser's
// own routes, /api's 404 still in the one error shape, nothing outside the bundle's folder.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shippedPacks } from '../policy/pack-loader.js';
import { buildApp } from './app.js';

let dir: string;
let app: FastifyInstance;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'canbao-web-'));
  await mkdir(join(dir, 'assets'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>canbao</title>');
  await writeFile(join(dir, 'assets', 'index-abc.js'), 'console.log(1)');
  await writeFile(join(dir, '..', 'canbao-secret.txt'), 'secret');
  app = await buildApp({ packs: shippedPacks(), webRoot: dir });
});
afterAll(async () => {
  await app?.close();
  await rm(dir, { recursive: true, force: true });
  await rm(join(dir, '..', 'canbao-secret.txt'), { force: true });
});

describe('web assets', () => {
  it('serves the page at / and for the browser’s own routes', async () => {
    for (const url of ['/', '/payments', '/system/users?x=1']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.body).toContain('<title>canbao</title>');
    }
  });

  it('serves hashed assets as immutable, and a missing asset is a 404', async () => {
    const js = await app.inject({ method: 'GET', url: '/assets/index-abc.js' });
    expect(js.headers['content-type']).toContain('text/javascript');
    expect(js.headers['cache-control']).toContain('immutable');
    expect((await app.inject({ method: 'GET', url: '/assets/gone.js' })).statusCode).toBe(404);
  });

  it('keeps unknown /api paths in the API’s error shape', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('NOT_FOUND');
  });

  it('never reads outside the bundle', async () => {
    const res = await app.inject({ method: 'GET', url: '/..%2Fcanbao-secret.txt' });
    expect(res.body).not.toContain('secret');
  });

  it('serves nothing at / when there is no bundle', async () => {
    const bare = await buildApp({ packs: shippedPacks(), webRoot: false });
    expect((await bare.inject({ method: 'GET', url: '/' })).statusCode).toBe(404);
    await bare.close();
  });
});
