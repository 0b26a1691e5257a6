// POST /api/assess: the same requests and answers as `canbao assess`.
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../http/app.js';
import { assess } from '../policy/assess.js';

export function registerAssessRoutes(app: FastifyInstance, deps: Pick<AppDeps, 'packs'>): void {
  app.post(
    '/api/assess',
    {
      schema: {
        summary: '核定个人缴费（单人或多人）',
        description:
          '请求体为请求数组（字段同 canbao assess）；结果按相同顺序返回，单个请求有误时在其位置返回 error。',
        tags: ['核定'],
        body: { type: 'array', maxItems: 10000, items: { type: 'object' } },
      },
    },
    async (request) => (request.body as unknown[]).map((r) => assess(r, deps.packs)),
  );
}
