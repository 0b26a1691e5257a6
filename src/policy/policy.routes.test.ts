// The policy readings over HTTP that the web page shows: the summary text and the leaflet page.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../http/app.js';
import { shippedPacks } from './pack-loader.js';

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildApp({ packs: shippedPacks(), webRoot: false });
});
afterAll(async () => app?.close());

describe('policy readings over HTTP', () => {
  it('gives the summary as text and the 明白纸 as an HTML page', async () => {
    const summary = await app.inject({ method: 'GET', url: '/api/policy/packs/130802-2025/summary' });
    expect(summary.headers['content-type']).toContain('text/plain');
    expect(summary.body).toContain('双桥区');
    const leaflet = await app.inject({ method: 'GET', url: '/api/policy/packs/130802-2025/leaflet' });
    expect(leaflet.headers['content-type']).toContain('text/html');
    expect(leaflet.body).toContain('<html');
  });

  it('answers an unknown pack in the one error shape', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/policy/packs/999999-2025/leaflet' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('NO_PACK');
  });
});
