// HTTP for the refund workflow: request, approve, reject and list (ID numbers masked).
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../http/app.js';
import { needDb } from '../http/app.js';
import { DATE, missingAs404, requestActor } from '../http/route-helpers.js';
import { maskId } from '../registry/id-document.js';
import { approveRefund, listRefunds, rejectRefund, requestRefund } from './refund.service.js';
import { ALL_REFUND_REASONS, REFUND_STATES } from './refund-reasons.js';

const idParam = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'integer', minimum: 1, description: '退费编号' } },
} as const;

export function registerRefundRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.post<{ Body: { docNo: string; year: number; reason: string; requestedOn?: string; note?: string } }>(
    '/api/refunds',
    {
      schema: {
        summary: '申请退费（按政策包判断是否可退；不可退时返回原因和依据）',
        tags: ['退费'],
        body: {
          type: 'object',
          required: ['docNo', 'year', 'reason'],
          additionalProperties: false,
          properties: {
            docNo: { type: 'string', description: '证件号码' },
            year: { type: 'integer', minimum: 2000, maximum: 2100, description: '参保年度' },
            reason: { type: 'string', enum: [...ALL_REFUND_REASONS], description: '退费原因' },
            requestedOn: { ...DATE, description: '申请日期，默认今天' },
            note: { type: 'string' },
          },
        },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const r = await missingAs404(
        requestRefund(needDb(deps), deps.packs, {
          docNo: b.docNo,
          year: b.year,
          reason: b.reason,
          actor: requestActor(request),
          ...(b.requestedOn ? { requestedOn: b.requestedOn } : {}),
          ...(b.note ? { note: b.note } : {}),
        }),
      );
      return reply.status(r.created ? 201 : 200).send(r);
    },
  );

  app.post<{ Params: { id: number }; Body: { note?: string } | undefined }>(
    '/api/refunds/:id/approve',
    {
      schema: {
        summary: '审核同意退费（只有"已申请"的可以）',
        tags: ['退费'],
        params: idParam,
        body: { type: 'object', properties: { note: { type: 'string', description: '审核意见' } } },
      },
    },
    async (request) =>
      missingAs404(approveRefund(needDb(deps), request.params.id, requestActor(request), request.body?.note)),
  );

  app.post<{ Params: { id: number }; Body: { note: string } }>(
    '/api/refunds/:id/reject',
    {
      schema: {
        summary: '驳回退费（须写明理由）',
        tags: ['退费'],
        params: idParam,
        body: {
          type: 'object',
          required: ['note'],
          properties: { note: { type: 'string', minLength: 1, description: '驳回理由' } },
        },
      },
    },
    async (request) =>
      missingAs404(rejectRefund(needDb(deps), request.params.id, requestActor(request), request.body.note)),
  );

  app.get<{ Querystring: { region: string; year?: number; state?: string } }>(
    '/api/refunds',
    {
      schema: {
        summary: '退费清单（证件号码脱敏）',
        tags: ['退费'],
        querystring: {
          type: 'object',
          required: ['region'],
          properties: {
            region: { type: 'string', description: '地区代码' },
            year: { type: 'integer', description: '参保年度' },
            state: { type: 'string', enum: [...REFUND_STATES], description: '状态' },
          },
        },
      },
    },
    async (request) => {
      const q = request.query;
      const rows = await listRefunds(needDb(deps), {
        region: q.region,
        ...(q.year !== undefined ? { year: q.year } : {}),
        ...(q.state ? { state: q.state } : {}),
      });
      return rows.map((r) => ({ ...r, doc_no: maskId(r.doc_no) }));
    },
  );
}
