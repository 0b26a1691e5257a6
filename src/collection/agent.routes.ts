// HTTP for entrusted agents (委托代征): list, register, ledger, hand-overs. Amounts in fen.
import type { FastifyInstance } from 'fastify';
import { type AppDeps, needDb } from '../http/app.js';
import { DATE, missingAs404, requestActor } from '../http/route-helpers.js';
import {
  AGENT_KINDS,
  addAgent,
  agentLedger,
  agentList,
  overdueAgents,
  recordHandover,
} from './agent.service.js';

export function registerAgentRoutes(app: FastifyInstance, deps: Pick<AppDeps, 'db'>): void {
  app.get<{ Querystring: { region?: string; overdue?: boolean; asOf?: string } }>(
    '/api/agents',
    {
      schema: {
        summary: '代征人员列表（可按地区；overdue=true 只列超期或超限额未缴库的）',
        tags: ['委托代征'],
        querystring: {
          type: 'object',
          properties: {
            region: { type: 'string', description: '区县、乡镇或村代码' },
            overdue: {
              type: 'boolean',
              description: '只列有超期、超限额提醒的代征人员（须同时给出 region）',
            },
            asOf: { ...DATE, description: '截至日期，默认今天' },
          },
        },
      },
    },
    async (request) => {
      const db = needDb(deps);
      const q = request.query;
      if (q.overdue) return overdueAgents(db, q.region ?? '', q.asOf);
      return agentList(db, q.region);
    },
  );

  app.post<{
    Body: {
      code: string;
      name: string;
      kind: string;
      area: string;
      handoverDays?: number;
      handoverLimitFen?: number;
    };
  }>(
    '/api/agents',
    {
      schema: {
        summary: '登记代征人员（同一编码、相同内容重复提交只登记一次）',
        tags: ['委托代征'],
        body: {
          type: 'object',
          required: ['code', 'name', 'kind', 'area'],
          additionalProperties: false,
          properties: {
            code: { type: 'string', description: '代征人员编码' },
            name: { type: 'string', description: '名称' },
            kind: {
              type: 'string',
              enum: [...AGENT_KINDS],
              description: 'village 村居、township 乡镇、school 学校、other 其他',
            },
            area: { type: 'string', description: '所在村（12位）或乡镇（9位）代码' },
            handoverDays: { type: 'integer', description: '缴库期限（天），默认 7' },
            handoverLimitFen: { type: 'integer', description: '缴库限额（分），默认 5000000' },
          },
        },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const r = await addAgent(needDb(deps), {
        code: b.code,
        name: b.name,
        kind: b.kind,
        area: b.area,
        ...(b.handoverDays !== undefined ? { handoverDays: b.handoverDays } : {}),
        ...(b.handoverLimitFen !== undefined ? { handoverLimitFen: b.handoverLimitFen } : {}),
        actor: requestActor(request),
      });
      reply.status(r.status === 'added' ? 201 : 200);
      return r;
    },
  );

  app.get<{ Params: { code: string }; Querystring: { asOf?: string } }>(
    '/api/agents/:code/ledger',
    {
      schema: {
        summary: '代征台账：代收（按日）、已缴库、未缴库、超期和超限额提醒',
        tags: ['委托代征'],
        params: { type: 'object', properties: { code: { type: 'string' } } },
        querystring: { type: 'object', properties: { asOf: { ...DATE, description: '截至日期，默认今天' } } },
      },
    },
    async (request) => missingAs404(agentLedger(needDb(deps), request.params.code, request.query.asOf)),
  );

  app.post<{ Params: { code: string }; Body: { amountFen: number; handedOn: string; receiptNo: string } }>(
    '/api/agents/:code/handovers',
    {
      schema: {
        summary: '登记缴库（同一凭证号重复提交只记一次；不得超过未缴库金额）',
        tags: ['委托代征'],
        params: { type: 'object', properties: { code: { type: 'string' } } },
        body: {
          type: 'object',
          required: ['amountFen', 'handedOn', 'receiptNo'],
          additionalProperties: false,
          properties: {
            amountFen: { type: 'integer', description: '缴库金额（分）' },
            handedOn: { ...DATE, description: '缴库日期' },
            receiptNo: { type: 'string', description: '缴库凭证（收据）号' },
          },
        },
      },
    },
    async (request, reply) => {
      const r = await missingAs404(
        recordHandover(needDb(deps), {
          agentCode: request.params.code,
          ...request.body,
          actor: requestActor(request),
        }),
      );
      reply.status(r.status === 'recorded' ? 201 : 200);
      return r;
    },
  );
}
