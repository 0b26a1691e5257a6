// HTTP for the reports: GET /api/reports/{coverage,trend,keygroups,ranking,bulletin,settlement,
// worklist,quality,targets}; POST /api/reports/followups (mark a worklist entry) and
// /api/reports/targets (a township phase target). The bulletin answers HTML with format=html.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type AppDeps, needDb } from '../http/app.js';
import { DATE } from '../http/route-helpers.js';
import { buildBulletin, bulletinHtml } from './bulletin.service.js';
import { coverageReport, trendReport } from './coverage.service.js';
import { keyGroupReport } from './keygroups.service.js';
import { qualityReport } from './quality.service.js';
import { rankingReport } from './ranking.service.js';
import { settlementReport } from './settlement.service.js';
import { listTownshipTargets, setTownshipTarget } from './targets.service.js';
import { recordFollowup, worklistReport } from './worklist.service.js';

interface ReportQuery {
  region: string;
  year: number;
  asOf?: string;
  since?: string;
  limit?: number;
  fullId?: boolean;
  format?: 'json' | 'html';
}

const querystring = {
  type: 'object',
  required: ['region', 'year'],
  properties: {
    region: {
      type: 'string',
      pattern: '^([0-9]{6}|[0-9]{9}|[0-9]{12})$',
      description: '区县（6位）、乡镇（9位）或村（12位）代码',
    },
    year: { type: 'integer', minimum: 2000, maximum: 2100, description: '参保年度' },
    asOf: { ...DATE, description: '统计截至日期，默认今天' },
    since: { ...DATE, description: '上期日期（排名、通报），默认按政策包规定的频次' },
    limit: { type: 'integer', minimum: 1, maximum: 100000, description: '名单最多行数' },
    fullId: { type: 'boolean', description: '名单显示完整证件号码' },
    format: { type: 'string', enum: ['json', 'html'], description: '通报格式' },
  },
} as const;

/** Who made the change: the signed-in user, else the caller's header (in-process tests). */
function actorOf(request: FastifyRequest): string {
  if (request.user) return `http:${request.user.username}`;
  const h = request.headers['x-canbao-user'];
  return `http:${typeof h === 'string' && h !== '' ? h : 'anonymous'}`;
}

function input(q: ReportQuery) {
  return {
    region: q.region,
    year: q.year,
    ...(q.asOf ? { asOf: q.asOf } : {}),
    ...(q.since ? { since: q.since } : {}),
    ...(q.limit ? { limit: q.limit } : {}),
    fullId: q.fullId === true,
  };
}

export function registerReportRoutes(app: FastifyInstance, deps: Pick<AppDeps, 'db' | 'packs'>): void {
  const get = (path: string, summary: string, handler: (q: ReportQuery) => Promise<unknown>) =>
    app.get<{ Querystring: ReportQuery }>(
      `/api/reports/${path}`,
      { schema: { summary, tags: ['统计报表'], querystring } },
      async (request) => handler(request.query),
    );
  get('coverage', '参保率：区县、乡镇、村居逐级统计，对照目标、阶段目标和上年', (q) =>
    coverageReport(needDb(deps), deps.packs, input(q)),
  );
  get('trend', '参保进度：按日、按周累计参保人数', (q) => trendReport(needDb(deps), deps.packs, input(q)));
  get('keygroups', '重点人群参保情况及未参保人员名单', (q) =>
    keyGroupReport(needDb(deps), deps.packs, input(q)),
  );
  get('ranking', '乡镇（街道）参保率排名', (q) => rankingReport(needDb(deps), deps.packs, input(q)));
  get(
    'settlement',
    '资助参保资金结算：按资金来源、资助类别、乡镇汇总',
    async (q) => (await settlementReport(needDb(deps), deps.packs, input(q))).report,
  );
  get('worklist', '工作清单：按优先级列出需动员的人员', (q) =>
    worklistReport(needDb(deps), deps.packs, input(q)),
  );
  get('quality', '数据质量：无效证件、疑似重复、已死亡仍参保、重复参保、重复缴费', (q) =>
    qualityReport(needDb(deps), deps.packs, input(q)),
  );
  get('targets', '乡镇阶段性目标', (q) => listTownshipTargets(needDb(deps), q.region, q.year));

  app.get<{ Querystring: ReportQuery }>(
    '/api/reports/bulletin',
    {
      schema: {
        summary: '参保工作通报（format=html 返回可打印的 A4 页面）',
        tags: ['统计报表'],
        querystring,
      },
    },
    async (request, reply) => {
      const b = await buildBulletin(needDb(deps), deps.packs, input(request.query));
      if (request.query.format === 'html')
        return reply.type('text/html; charset=utf-8').send(bulletinHtml(b));
      return b;
    },
  );

  app.post<{ Body: { id: string; year: number; kind: string; note: string } }>(
    '/api/reports/followups',
    {
      schema: {
        summary: '在工作清单上记录跟进情况',
        tags: ['统计报表'],
        body: {
          type: 'object',
          required: ['id', 'year', 'kind', 'note'],
          properties: {
            id: { type: 'string', description: '证件号码' },
            year: { type: 'integer', minimum: 2000, maximum: 2100 },
            kind: {
              type: 'string',
              description: 'key_group、newborn、employee_lapse、household_partial、lapsed_payer',
            },
            note: { type: 'string', maxLength: 500 },
          },
        },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const f = await recordFollowup(needDb(deps), {
        docNo: b.id,
        year: b.year,
        kind: b.kind,
        note: b.note,
        actor: actorOf(request),
      });
      return reply.code(201).send(f);
    },
  );

  app.post<{ Body: { region: string; year: number; dueOn: string; ratePercent: number } }>(
    '/api/reports/targets',
    {
      schema: {
        summary: '设置乡镇阶段性参保率目标',
        tags: ['统计报表'],
        body: {
          type: 'object',
          required: ['region', 'year', 'dueOn', 'ratePercent'],
          properties: {
            region: { type: 'string', pattern: '^[0-9]{9}$' },
            year: { type: 'integer', minimum: 2000, maximum: 2100 },
            dueOn: DATE,
            ratePercent: { type: 'number', exclusiveMinimum: 0, maximum: 100 },
          },
        },
      },
    },
    async (request) => setTownshipTarget(needDb(deps), { ...request.body, actor: actorOf(request) }),
  );
}
