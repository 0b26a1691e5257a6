// HTTP for the two refund steps that work on a whole region: handing approved refunds to the tax
// bureau as a named batch (`canbao refund payout`) and the scan for people certified after paying
// (`canbao refund certifications`). Both change data, so both are POST; the batch list is GET.
import { stringify } from 'csv-stringify/sync';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { FULL_ID_ROLES } from '../auth/roles.js';
import { escapeCell } from '../files/index.js';
import { type AppDeps, needDb } from '../http/app.js';
import { DATE, missingAs404, requestActor } from '../http/route-helpers.js';
import { maskId } from '../registry/id-document.js';
import { PAYOUT_HEADERS, payoutRow } from './refund.commands.js';
import {
  listPayoutBatches,
  type PayoutResult,
  payoutBatch,
  payoutRefunds,
  scanLaterCertifications,
} from './refund.service.js';

/** A trusted in-process caller (no sessions) and the roles of FULL_ID_ROLES see whole ID numbers. */
const seesFullId = (request: FastifyRequest) => !request.user || FULL_ID_ROLES.includes(request.user.role);

function shown(request: FastifyRequest, r: PayoutResult): PayoutResult {
  if (seesFullId(request)) return r;
  return { ...r, lines: r.lines.map((l) => ({ ...l, doc_no: maskId(l.doc_no) })) };
}

const region = { type: 'string', pattern: '^\\d{6}(\\d{3}(\\d{3})?)?$', description: '地区代码' } as const;

export function registerRefundPayoutRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.post<{ Body: { region: string; batch: string } }>(
    '/api/refunds/payouts',
    {
      schema: {
        summary: '把本地区已审核同意的退费作为一个批次交税务退付（同一批次再次提交不改动任何退费）',
        tags: ['退费'],
        body: {
          type: 'object',
          required: ['region', 'batch'],
          additionalProperties: false,
          properties: {
            region,
            batch: { type: 'string', minLength: 1, maxLength: 100, description: '批次名称' },
          },
        },
      },
    },
    async (request, reply) => {
      const r = await payoutRefunds(needDb(deps), {
        region: request.body.region,
        batch: request.body.batch,
        actor: requestActor(request),
      });
      return reply.status(r.alreadyPaid ? 200 : 201).send(shown(request, r));
    },
  );

  app.get<{ Querystring: { region: string; batch?: string; format?: 'json' | 'csv' } }>(
    '/api/refunds/payouts',
    {
      schema: {
        summary:
          '退付批次：不给 batch 时列出本地区的批次；给出 batch 时返回该批次的退付清单（format=csv 下载）',
        tags: ['退费'],
        querystring: {
          type: 'object',
          required: ['region'],
          properties: {
            region,
            batch: { type: 'string', minLength: 1, description: '批次名称' },
            format: { type: 'string', enum: ['json', 'csv'], default: 'json' },
          },
        },
      },
    },
    async (request, reply) => {
      const q = request.query;
      if (!q.batch) return listPayoutBatches(needDb(deps), q.region);
      const r = shown(request, await missingAs404(payoutBatch(needDb(deps), q.region, q.batch)));
      if (q.format !== 'csv') return r;
      const csv = stringify([[...PAYOUT_HEADERS], ...r.lines.map((l) => payoutRow(l).map(escapeCell))], {
        bom: true,
        record_delimiter: 'windows',
        quoted_match: /[\r\n]/, // a lone CR in a cell would split the row in Excel and our reader
      });
      const name = `退付清单-${q.region}-${r.batch}.csv`;
      return reply
        .type('text/csv; charset=utf-8')
        .header(
          'Content-Disposition',
          `attachment; filename="payout.csv"; filename*=UTF-8''${encodeURIComponent(name)}`,
        )
        .send(csv);
    },
  );

  app.post<{ Body: { region: string; year: number; date?: string } }>(
    '/api/refunds/certifications',
    {
      schema: {
        summary:
          '缴费后在集中征缴期内新认定为困难人员的，按政策生成退还资助部分的退费申请（可重复执行，不重复生成）',
        tags: ['退费'],
        body: {
          type: 'object',
          required: ['region', 'year'],
          additionalProperties: false,
          properties: {
            region,
            year: { type: 'integer', minimum: 2000, maximum: 2100, description: '参保年度' },
            date: { ...DATE, description: '申请日期，默认今天' },
          },
        },
      },
    },
    async (request) => {
      const b = request.body;
      const r = await scanLaterCertifications(needDb(deps), deps.packs, {
        region: b.region,
        year: b.year,
        actor: requestActor(request),
        ...(b.date ? { requestedOn: b.date } : {}),
      });
      if (seesFullId(request)) return r;
      return { ...r, notDue: r.notDue.map((n) => ({ ...n, docNo: maskId(n.docNo) })) };
    },
  );
}
