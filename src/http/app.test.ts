import { connect } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shippedPacks } from '../policy/pack-loader.js';
import { buildApp } from './app.js';

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildApp({ packs: shippedPacks() });
});
afterAll(async () => app?.close());

describe('HTTP API', () => {
  it('serves the OpenAPI document', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(res.json().paths).toHaveProperty('/api/assess');
  });

  it('assesses like the CLI, errors in their slot', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/assess',
      payload: [{ region: '430502', year: 2025, identities: [{ category: 'dibao' }] }, { region: '430502' }],
    });
    expect(res.statusCode).toBe(200);
    const [ok, bad] = res.json();
    expect(ok).toMatchObject({ payableFen: 20000, category: 'dibao' });
    expect(bad.error).toMatchObject({ code: 'INVALID_REQUEST' });
  });

  it('answers every error in one shape, in Chinese', async () => {
    const notArray = await app.inject({ method: 'POST', url: '/api/assess', payload: { region: '1' } });
    expect(notArray.statusCode).toBe(400);
    expect(notArray.json().error).toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining('请求内容不符合要求'),
    });
    const missing = await app.inject({ method: 'GET', url: '/api/policy/packs/999999-2025' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({
      error: { code: 'NO_PACK', message: '没有政策包 999999-2025', where: 'id' },
    });
    const nowhere = await app.inject({ method: 'GET', url: '/api/nope' });
    expect(nowhere.json().error.code).toBe('NOT_FOUND');
  });

  it('lists the packs with their hashes', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/policy/packs' });
    expect(res.json()).toContainEqual(
      expect.objectContaining({ id: '512022-2025', extends: 'national-2025', hash: expect.any(String) }),
    );
  });

  it('answers a request the HTTP parser cannot read with the same error shape', async () => {
    const own = await buildApp({ packs: shippedPacks(), webRoot: false });
    const address = new URL(await own.listen({ port: 0, host: '127.0.0.1' }));
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(address.port), address.hostname);
      let text = '';
      socket.on('data', (d) => {
        text += d.toString('utf8');
      });
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
      socket.write(Buffer.from('GET /api/persons?q=\u5f20 HTTP/1.1\r\nHost: x\r\n\r\n', 'utf8'));
    });
    await own.close();
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
    expect(body.error).toMatchObject({ code: 'BAD_HTTP_REQUEST', where: 'url' });
    expect(body.error.message).toContain('URL 编码');
  });
});
