// HTTP for the counter and the channels: register a person or a household, take a payment (one
// person or a whole household under one receipt), repair a lapse, review a held payment, list.
// The same services as the CLI; the same transaction number posted again is answered, not stored.
import type { FastifyInstance } from 'fastify';
import { checkPersonInScope } from '../auth/access.js';
import type { AppDeps } from '../http/app.js';
import { needDb } from '../http/app.js';
import { DATE, missingAs404, requestActor } from '../http/route-helpers.js';
import { CHANNEL_CODES, STUDENT_KINDS } from '../policy/vocabulary.js';
import { maskId } from '../registry/id-document.js';
import { payHousehold } from './household-payment.service.js';
import { listPayments } from './payment.repository.js';
import { recordPayment } from './payment.service.js';
import { normaliseDocNo, registerEnrollment, registerHousehold } from './registration.service.js';
import { recordRepairPayment } from './repair.service.js';
import { reviewHeldPayment } from './review.service.js';

const YEAR = { type: 'integer', minimum: 2000, maximum: 2100, description: '参保年度' } as const;
const FEN = { type: 'integer', minimum: 1, description: '金额（分）' } as const;
const CHANNEL = { type: 'string', enum: [...CHANNEL_CODES], description: '缴费渠道' } as const;
const REF = { type: 'string', minLength: 1, maxLength: 64, description: '交易流水号或收据号' } as const;
const KEY = {
  type: 'object',
  required: ['key'],
  properties: { key: { type: 'string', description: '户号或任一成员证件号码' } },
} as const;

export function registerPaymentRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.post<{ Body: { docNo: string; year: number; registeredOn: string; student?: string; agent?: string } }>(
    '/api/enrollments',
    {
      schema: {
        summary: '参保登记（无需个人缴费的直接参保）',
        tags: ['参保缴费'],
        body: {
          type: 'object',
          required: ['docNo', 'year', 'registeredOn'],
          additionalProperties: false,
          properties: {
            docNo: { type: 'string', description: '证件号码' },
            year: YEAR,
            registeredOn: DATE,
            student: { type: 'string', enum: [...STUDENT_KINDS] },
            agent: { type: 'string', description: '代征人员编码' },
          },
        },
      },
    },
    async (request, reply) => {
      const r = await missingAs404(
        registerEnrollment(needDb(deps), deps.packs, { ...request.body, actor: requestActor(request) }),
      );
      return reply.status(r.status === 'already' ? 200 : 201).send(r);
    },
  );

  app.post<{ Params: { key: string }; Body: { year: number; registeredOn: string; agent?: string } }>(
    '/api/households/:key/enrollments',
    {
      schema: {
        summary: '全户参保登记（逐人登记，不能登记的成员说明原因）',
        tags: ['参保缴费'],
        params: KEY,
        body: {
          type: 'object',
          required: ['year', 'registeredOn'],
          additionalProperties: false,
          properties: { year: YEAR, registeredOn: DATE, agent: { type: 'string' } },
        },
      },
    },
    async (request) => {
      const r = await missingAs404(
        registerHousehold(needDb(deps), deps.packs, {
          ...request.body,
          key: request.params.key,
          actor: requestActor(request),
        }),
      );
      return { ...r, results: r.results.map((m) => ({ ...m, docNo: maskId(m.docNo) })) };
    },
  );

  app.post<{
    Body: {
      docNo: string;
      year: number;
      amountFen: number;
      paidOn: string;
      channel: string;
      externalNo: string;
      agent?: string;
      holdWrongAmount?: boolean;
    };
  }>(
    '/api/payments',
    {
      // The payment reads the person anyway and checks their village there: one query fewer.
      config: { checksPersonScope: true },
      schema: {
        summary: '记录一笔缴费（同一交易号重复提交只记一次）',
        description:
          '新记录返回 201；同一交易号已记录返回 200 和原记录；金额不符时拒收（400），holdWrongAmount 为 true 时收下待审核（202）。',
        tags: ['参保缴费'],
        body: {
          type: 'object',
          required: ['docNo', 'year', 'amountFen', 'paidOn', 'channel', 'externalNo'],
          additionalProperties: false,
          properties: {
            docNo: { type: 'string', description: '证件号码' },
            year: YEAR,
            amountFen: FEN,
            paidOn: DATE,
            channel: CHANNEL,
            externalNo: REF,
            agent: { type: 'string', description: '代征人员编码（委托代征渠道必填）' },
            holdWrongAmount: { type: 'boolean', description: '金额不符时收下待审核' },
          },
        },
      },
    },
    async (request, reply) => {
      const { holdWrongAmount, ...b } = request.body;
      const r = await missingAs404(
        recordPayment(needDb(deps), deps.packs, {
          ...b,
          recordedBy: requestActor(request),
          onWrongAmount: holdWrongAmount ? 'hold' : 'refuse',
          authorize: (person) => checkPersonInScope(request, person.village),
        }),
      );
      return reply.status(r.status === 'recorded' ? 201 : r.status === 'held' ? 202 : 200).send(r);
    },
  );

  app.post<{
    Params: { key: string };
    Body: {
      year: number;
      amountFen: number;
      paidOn: string;
      channel: string;
      externalNo: string;
      agent?: string;
    };
  }>(
    '/api/households/:key/payments',
    {
      schema: {
        summary: '全户一次缴费（一张收据，金额须等于全户应缴）',
        tags: ['参保缴费'],
        params: KEY,
        body: {
          type: 'object',
          required: ['year', 'amountFen', 'paidOn', 'channel', 'externalNo'],
          additionalProperties: false,
          properties: {
            year: YEAR,
            amountFen: FEN,
            paidOn: DATE,
            channel: CHANNEL,
            externalNo: REF,
            agent: { type: 'string' },
          },
        },
      },
    },
    async (request) => {
      const r = await missingAs404(
        payHousehold(needDb(deps), deps.packs, {
          ...request.body,
          key: request.params.key,
          recordedBy: requestActor(request),
        }),
      );
      return { ...r, payments: r.payments.map((p) => ({ ...p, docNo: maskId(p.docNo) })) };
    },
  );

  app.post<{
    Body: {
      docNo: string;
      missedYear: number;
      amountFen: number;
      paidOn: string;
      channel: string;
      externalNo: string;
    };
  }>(
    '/api/payments/repairs',
    {
      schema: {
        summary: '补缴断保年度（修复变动待遇等待期）',
        tags: ['参保缴费'],
        body: {
          type: 'object',
          required: ['docNo', 'missedYear', 'amountFen', 'paidOn', 'channel', 'externalNo'],
          additionalProperties: false,
          properties: {
            docNo: { type: 'string' },
            missedYear: YEAR,
            amountFen: FEN,
            paidOn: DATE,
            channel: CHANNEL,
            externalNo: REF,
          },
        },
      },
    },
    async (request, reply) => {
      const r = await missingAs404(
        recordRepairPayment(needDb(deps), deps.packs, { ...request.body, recordedBy: requestActor(request) }),
      );
      return reply.status(r.status === 'recorded' ? 201 : 200).send(r);
    },
  );

  app.post<{ Params: { id: number }; Body: { decision: 'accept' | 'reject'; note: string } }>(
    '/api/payments/:id/review',
    {
      schema: {
        summary: '审核待审核的缴费：受理（多缴转退费）或驳回（全额转退费）',
        tags: ['参保缴费'],
        params: { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } },
        body: {
          type: 'object',
          required: ['decision', 'note'],
          additionalProperties: false,
          properties: {
            decision: { type: 'string', enum: ['accept', 'reject'] },
            note: { type: 'string', minLength: 1 },
          },
        },
      },
    },
    async (request) =>
      missingAs404(
        reviewHeldPayment(needDb(deps), deps.packs, {
          paymentId: request.params.id,
          ...request.body,
          actor: requestActor(request),
        }),
      ),
  );

  app.get<{
    Querystring: { docNo?: string; region?: string; year?: number; status?: string; limit?: number };
  }>(
    '/api/payments',
    {
      schema: {
        summary: '查询缴费记录（证件号码脱敏）',
        tags: ['参保缴费'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            docNo: { type: 'string' },
            region: { type: 'string', pattern: '^\\d{6}(\\d{3}(\\d{3})?)?$' },
            year: YEAR,
            status: { type: 'string', enum: ['accepted', 'review', 'rejected'] },
            limit: { type: 'integer', minimum: 1, maximum: 10000, default: 50 },
          },
        },
      },
    },
    async (request) => {
      const q = request.query;
      const rows = await listPayments(needDb(deps), {
        ...q,
        ...(q.docNo ? { docNo: normaliseDocNo(q.docNo) } : {}),
      });
      return rows.map((r) => ({ ...r, doc_no: maskId(r.doc_no) }));
    },
  );
}
