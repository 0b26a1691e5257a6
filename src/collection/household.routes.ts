// HTTP for the household views: one household's year, and the households enrolled only in part.
import type { FastifyInstance } from 'fastify';
import { type AppDeps, needDb } from '../http/app.js';
import { DATE, missingAs404 } from '../http/route-helpers.js';
import { householdStatus, incompleteReport } from './household.service.js';

const year = { type: 'integer', minimum: 2000, maximum: 2100, description: '参保年度' } as const;

export function registerHouseholdRoutes(app: FastifyInstance, deps: Pick<AppDeps, 'db' | 'packs'>): void {
  // Registered before /:key would not matter to Fastify (static segments win), but reads better.
  app.get<{ Querystring: { region: string; year: number; fullId?: boolean } }>(
    '/api/households/incomplete',
    {
      schema: {
        summary: '整户参保核查：部分成员已参保、部分未参保的家庭户（注明政策依据）',
        tags: ['家庭户'],
        querystring: {
          type: 'object',
          required: ['region', 'year'],
          properties: {
            region: { type: 'string', description: '区县（6位）、乡镇（9位）或村（12位）代码' },
            year,
            fullId: { type: 'boolean', description: '返回完整证件号码' },
          },
        },
      },
    },
    async (request) =>
      incompleteReport(needDb(deps), deps.packs, {
        region: request.query.region,
        year: request.query.year,
        fullId: request.query.fullId === true,
      }),
  );

  app.get<{ Params: { key: string }; Querystring: { year: number; asOf?: string; fullId?: boolean } }>(
    '/api/households/:key',
    {
      schema: {
        summary: '家庭户参保缴费情况：成员的参保状态、应缴、已缴、待遇享受期（按户号或成员证件号码）',
        tags: ['家庭户'],
        params: {
          type: 'object',
          properties: { key: { type: 'string', description: '户号或任一成员的证件号码' } },
        },
        querystring: {
          type: 'object',
          required: ['year'],
          properties: {
            year,
            asOf: { ...DATE, description: '年龄计算日期，默认今天' },
            fullId: { type: 'boolean', description: '返回完整证件号码' },
          },
        },
      },
    },
    async (request) =>
      missingAs404(
        householdStatus(needDb(deps), request.params.key, {
          year: request.query.year,
          ...(request.query.asOf ? { asOf: request.query.asOf } : {}),
          fullId: request.query.fullId === true,
        }),
      ),
  );
}
