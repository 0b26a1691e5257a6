// Response compression: a large JSON answer is gzip- or brotli-encoded when the client asks and
// plain when it does not; small answers stay plain; the web bundle's JS still arrives intact.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shippedPacks } from '../policy/pack-loader.js';
import { buildApp } from './app.js';

let dir: string;
let app: FastifyInstance;
const CSV = `\uFEFF证件号码,姓名\r\n${'130802198001010011,张三\r\n'.repeat(200)}`;
const BUNDLE = `console.log(${JSON.stringify('参保'.repeat(2000))});`;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'canbao-compress-'));
  await mkdir(join(dir, 'assets'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>canbao</title>');
  await writeFile(join(dir, 'assets', 'index-abc.js'), BUNDLE);
  app = await buildApp({ packs: shippedPacks(), webRoot: dir });
  // A download as the report and payout routes send one: CSV with a BOM and Content-Disposition.
  app.get('/api/test-download', async (_request, reply) =>
    reply
      .type('text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent('清单.csv')}`)
      .send(CSV),
  );
});
afterAll(async () => {
  await app?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('response compression', () => {
  const diff = '/api/policy/diff?from=130802-2025&to=430502-2025';

  it('gzips a large JSON answer when asked, and the body decodes to the same JSON', async () => {
    const plain = await app.inject({ method: 'GET', url: diff });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.length).toBeGreaterThan(1024);
    const gz = await app.inject({ method: 'GET', url: diff, headers: { 'accept-encoding': 'gzip' } });
    expect(gz.statusCode).toBe(200);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers.vary).toContain('accept-encoding');
    expect(gz.rawPayload.length).toBeLessThan(plain.rawPayload.length);
    expect(JSON.parse(gunzipSync(gz.rawPayload).toString('utf8'))).toEqual(plain.json());
  });

  it('prefers brotli when the client accepts both', async () => {
    const br = await app.inject({ method: 'GET', url: diff, headers: { 'accept-encoding': 'gzip, br' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(JSON.parse(brotliDecompressSync(br.rawPayload).toString('utf8')).a.id).toBe('130802-2025');
  });

  it('leaves small answers plain', async () => {
    const r = await app.inject({ method: 'GET', url: '/api/health', headers: { 'accept-encoding': 'gzip' } });
    expect(r.headers['content-encoding']).toBeUndefined();
    expect(r.json()).toEqual({ ok: true });
  });

  it('keeps a download a download: same headers, the same file once decoded', async () => {
    const plain = await app.inject({ method: 'GET', url: '/api/test-download' });
    const gz = await app.inject({
      method: 'GET',
      url: '/api/test-download',
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers['content-disposition']).toBe(plain.headers['content-disposition']);
    expect(gz.headers['content-type']).toBe(plain.headers['content-type']);
    expect(gunzipSync(gz.rawPayload).toString('utf8')).toBe(CSV);
  });

  it('serves the web bundle compressed and intact, keeping its headers', async () => {
    const js = await app.inject({
      method: 'GET',
      url: '/assets/index-abc.js',
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(js.headers['content-encoding']).toBe('gzip');
    expect(js.headers['content-type']).toContain('text/javascript');
    expect(js.headers['cache-control']).toContain('immutable');
    expect(gunzipSync(js.rawPayload).toString('utf8')).toBe(BUNDLE);
  });
});
