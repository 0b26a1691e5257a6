// HTTP for the year rollover and enrollment history: the same services as `canbao campaign` and
// `canbao enrollment history`.
import type { FastifyInstance } from 'fastify';
import { type AppDeps, needDb } from '../http/app.js';
import { HttpError } from '../http/errors.js';
import { requestActor } from '../http/route-helpers.js';
import { OutcomeError } from '../policy/outcome.js';
import { maskId } from '../registry/id-document.js';
import { listCampaigns, openCampaign, unrenewed } from './campaign.service.js';
import { personHistory } from './enrollment-history.service.js';

const county = { type: 'string', pattern: '^[0-9]{6}$', description: '区县代码（6 位）' } as const;
const year = { type: 'integer', minimum: 2000, maximum: 2100, description: '参保年度' } as const;

export function registerEnrollmentRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.post(
    '/api/campaigns',
    {
      schema: {
        summary: '开办年度征缴（按该年度政策包；重复开办返回已有的），结转身份并列出需重新认定的',
        tags: ['征缴'],
        body: {
          type: 'object',
          required: ['region', 'year'],
          additionalProperties: false,
          properties: {
            region: county,
            year,
            date: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: '开办日期，默认今天' },
          },
        },
      },
    },
    async (request, reply) => {
      const body = request.body as { region: string; year: number; date?: string };
      const result = await openCampaign(needDb(deps), deps.packs, {
        county: body.region,
        year: body.year,
        ...(body.date ? { date: body.date } : {}),
        actor: requestActor(request),
      });
      reply.status(result.created ? 201 : 200);
      return {
        ...result,
        recertify: {
          ...result.recertify,
          items: result.recertify.items.map((r) => ({ ...r, docNo: maskId(r.docNo) })),
        },
      };
    },
  );

  app.get(
    '/api/campaigns',
    {
      schema: {
        summary: '已开办的年度征缴',
        tags: ['征缴'],
        querystring: { type: 'object', properties: { region: county, year } },
      },
    },
    async (request) => {
      const q = request.query as { region?: string; year?: number };
      return listCampaigns(needDb(deps), {
        ...(q.region ? { county: q.region } : {}),
        ...(q.year ? { year: q.year } : {}),
      });
    },
  );

  app.get(
    '/api/campaigns/:county/:year/unrenewed',
    {
      schema: {
        summary: '上年已参保、本年尚未参保的人员（按村排列，分页）',
        tags: ['征缴'],
        params: { type: 'object', required: ['county', 'year'], properties: { county, year } },
        querystring: {
          type: 'object',
          properties: {
            village: {
              type: 'string',
              pattern: '^[0-9]{9}([0-9]{3})?$',
              description: '村（12 位）或乡镇（9 位）代码',
            },
            limit: { type: 'integer', minimum: 1, maximum: 10000, default: 500 },
            after: { type: 'string', description: '上一页返回的 next' },
          },
        },
      },
    },
    async (request) => {
      const p = request.params as { county: string; year: number };
      const q = request.query as { village?: string; limit?: number; after?: string };
      const page = await unrenewed(needDb(deps), {
        county: p.county,
        year: p.year,
        ...(q.village ? { village: q.village } : {}),
        ...(q.limit ? { limit: q.limit } : {}),
        ...(q.after ? { after: q.after } : {}),
      });
      return { ...page, items: page.items.map((r) => ({ ...r, docNo: maskId(r.docNo) })) };
    },
  );

  app.get(
    '/api/persons/:id/enrollments',
    {
      schema: {
        summary: '一个人各年度的参保记录及连续参保激励（大病保险最高支付限额提高）',
        description:
          'id 为证件号码或人员编号；capFen 为大病保险原最高支付限额（分），政策包未载明时用于计算上限。',
        tags: ['征缴'],
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
        querystring: { type: 'object', properties: { capFen: { type: 'integer', minimum: 1 } } },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const { capFen } = request.query as { capFen?: number };
      const options = capFen ? { originalCapFen: capFen } : {};
      // By ID number only: the access layer scopes /api/persons/:id by the person's document.
      const h = await personHistory(needDb(deps).db, deps.packs, id, options).catch((e: unknown) => {
        if (e instanceof OutcomeError && e.issues[0]?.code === 'unknown-person')
          throw new HttpError(404, 'PERSON_NOT_FOUND', '一人一档中没有此人', id);
        throw e;
      });
      return { ...h, person: { ...h.person, docNo: maskId(h.person.docNo) } };
    },
  );
}
