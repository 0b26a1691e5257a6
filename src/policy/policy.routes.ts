// Read-only policy endpoints: the packs as resolved (with hash and what they inherit).
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../http/app.js';
import { HttpError } from '../http/errors.js';
import { leafletHtml } from './leaflet.js';
import { diffPacks } from './pack-diff.js';
import { renderSummary, summarizePack } from './pack-summary.js';
import { resolvePackRef } from './policy.commands.js';

export function registerPolicyRoutes(app: FastifyInstance, deps: Pick<AppDeps, 'packs'>): void {
  app.get('/api/policy/packs', { schema: { summary: '政策包列表', tags: ['政策'] } }, async () =>
    deps.packs.all().map((r) => ({
      id: r.pack.id,
      region: r.pack.region,
      regionName: r.pack.regionName,
      year: r.pack.year,
      hash: r.hash,
      extends: r.base?.id ?? null,
    })),
  );
  app.get<{ Params: { id: string } }>(
    '/api/policy/packs/:id',
    {
      schema: {
        summary: '政策包内容（含继承的国家规则）',
        tags: ['政策'],
        params: { type: 'object', properties: { id: { type: 'string' } } },
      },
    },
    async (request) => {
      const r = deps.packs.get(request.params.id);
      if (!r) throw new HttpError(404, 'NO_PACK', `没有政策包 ${request.params.id}`, 'id');
      return { id: r.pack.id, hash: r.hash, inherited: [...r.inherited], pack: r.pack };
    },
  );
  // The same readings as `canbao policy show` and `canbao policy leaflet`, for the web page.
  const resolved = (id: string) => {
    const r = deps.packs.get(id);
    if (!r) throw new HttpError(404, 'NO_PACK', `没有政策包 ${id}`, 'id');
    return r;
  };
  app.get<{ Params: { id: string } }>(
    '/api/policy/packs/:id/summary',
    {
      schema: {
        summary: '政策要点（与 canbao policy show 相同的文字）',
        tags: ['政策'],
        params: { type: 'object', properties: { id: { type: 'string' } } },
      },
    },
    async (request, reply) =>
      reply
        .type('text/plain; charset=utf-8')
        .send(renderSummary(summarizePack(resolved(request.params.id), deps.packs))),
  );
  app.get<{ Params: { id: string } }>(
    '/api/policy/packs/:id/leaflet',
    {
      schema: {
        summary: '参保缴费明白纸（可打印的 HTML 页面）',
        tags: ['政策'],
        params: { type: 'object', properties: { id: { type: 'string' } } },
      },
    },
    async (request, reply) =>
      reply.type('text/html; charset=utf-8').send(leafletHtml(resolved(request.params.id), deps.packs)),
  );
  // `canbao policy diff` over HTTP: the same pack references (id or 地区:年度) and the same comparison.
  app.get<{ Querystring: { from: string; to: string } }>(
    '/api/policy/diff',
    {
      schema: {
        summary: '比较两个政策包的差异（与 canbao policy diff 相同，附各自依据）',
        tags: ['政策'],
        querystring: {
          type: 'object',
          required: ['from', 'to'],
          properties: {
            from: { type: 'string', minLength: 1, description: '政策包 id 或 地区:年度，如 130802-2025' },
            to: { type: 'string', minLength: 1, description: '政策包 id 或 地区:年度，如 140602:2025' },
          },
        },
      },
    },
    async (request) =>
      diffPacks(
        resolvePackRef(deps.packs, request.query.from, 'from'),
        resolvePackRef(deps.packs, request.query.to, 'to'),
        deps.packs,
      ),
  );
}
