// HTTP for life events: POST /api/events (same effects as `canbao event record`) and
// GET /api/persons/:docNo/events. Refusals go through the shared error handler.
import type { FastifyInstance } from 'fastify';
import { type AppDeps, needDb } from '../http/app.js';
import { DATE, missingAs404, requestActor } from '../http/route-helpers.js';
import { listLifeEvents, recordLifeEvent } from './life-event.service.js';
import { LIFE_EVENT_TYPES } from './refund-reasons.js';

interface EventBody {
  docNo: string;
  type: string;
  occurredOn: string;
  reportedOn?: string;
  source?: string;
  insuredElsewhere?: string;
  note?: string;
}

export function registerEventRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.post<{ Body: EventBody }>(
    '/api/events',
    {
      schema: {
        summary: '登记人员事件（死亡、服役、服刑、参加职工医保、迁出会暂停或终止参保并按政策生成退费申请）',
        tags: ['人员事件'],
        body: {
          type: 'object',
          required: ['docNo', 'type', 'occurredOn'],
          additionalProperties: false,
          properties: {
            docNo: { type: 'string', description: '证件号码' },
            type: { type: 'string', enum: [...LIFE_EVENT_TYPES], description: '事件类型' },
            occurredOn: { ...DATE, description: '事件发生日期' },
            reportedOn: { ...DATE, description: '报告（申请）日期，默认今天' },
            source: { type: 'string', description: '报告部门代码（health、civil_affairs …），默认 manual' },
            insuredElsewhere: { type: 'string', description: '迁出：现参保地地区代码' },
            note: { type: 'string' },
          },
        },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const r = await missingAs404(
        recordLifeEvent(needDb(deps), deps.packs, {
          docNo: b.docNo,
          type: b.type,
          occurredOn: b.occurredOn,
          source: b.source ?? 'manual',
          actor: requestActor(request),
          ...(b.reportedOn ? { reportedOn: b.reportedOn } : {}),
          ...(b.insuredElsewhere ? { insuredElsewhere: b.insuredElsewhere } : {}),
          ...(b.note ? { note: b.note } : {}),
        }),
      );
      return reply.status(r.status === 'recorded' ? 201 : 200).send(r);
    },
  );

  app.get<{ Params: { docNo: string } }>(
    '/api/persons/:docNo/events',
    {
      schema: {
        summary: '查看一个人的事件记录（按证件号码）',
        tags: ['人员事件'],
        params: { type: 'object', properties: { docNo: { type: 'string', description: '证件号码' } } },
      },
    },
    async (request) => missingAs404(listLifeEvents(needDb(deps), request.params.docNo)),
  );
}
