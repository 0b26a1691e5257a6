// HTTP for the 参保人员 page: GET /api/persons (search by name, whole ID number or its last digits,
// inside the caller's area) and GET /api/persons/:docNo (everything about one person). The access
// layer narrows `region` to the caller's scope and refuses another area's ID number; a person
// named by their internal number is checked here against the scope as well.
import type { FastifyInstance } from 'fastify';
import { checkPersonInScope } from '../auth/access.js';
import { seesFullId } from '../auth/full-id.js';
import { type AppDeps, needDb } from '../http/app.js';
import { HttpError } from '../http/errors.js';
import { todayInChina } from '../policy/dates.js';
import { maskId, parseIdDocument } from './id-document.js';
import { PERSON_STATUS_NAMES, personView } from './person-detail.service.js';
import { searchPersons } from './person-search.repository.js';

const REGION = {
  type: 'string',
  pattern: '^([0-9]{6}|[0-9]{9}|[0-9]{12})?$',
  description: '区县（6位）、乡镇（9位）或村（12位）代码；乡镇、村工作人员默认为其管辖范围',
} as const;

interface SearchQuery {
  q: string;
  region?: string;
  year?: number;
  limit?: number;
  offset?: number;
}

/** The caller's own area must contain the person (the access layer checks ID numbers; this checks ids too). */
export function registerPersonRoutes(app: FastifyInstance, deps: Pick<AppDeps, 'db' | 'packs'>): void {
  app.get<{ Querystring: SearchQuery }>(
    '/api/persons',
    {
      schema: {
        summary: '查找参保人员：按姓名（前缀；乡镇、村范围内也按包含）、完整证件号码或证件号码后几位',
        tags: ['一人一档'],
        querystring: {
          type: 'object',
          required: ['q'],
          properties: {
            q: {
              type: 'string',
              minLength: 1,
              maxLength: 40,
              description: '姓名、证件号码或证件号码后 4 位以上',
            },
            region: REGION,
            year: { type: 'integer', minimum: 2000, maximum: 2100, description: '显示此年度的参保状态' },
            limit: { type: 'integer', minimum: 1, maximum: 200, default: 20 },
            offset: { type: 'integer', minimum: 0, maximum: 10000, default: 0 },
          },
        },
      },
    },
    async (request) => {
      const q = request.query;
      if (q.q.trim() === '') throw new HttpError(400, 'EMPTY_QUERY', '请输入姓名或证件号码', 'q');
      const r = await searchPersons(needDb(deps), {
        q: q.q,
        limit: q.limit ?? 20,
        offset: q.offset ?? 0,
        ...(q.region ? { region: q.region } : {}),
        ...(q.year ? { year: q.year } : {}),
      });
      const full = seesFullId(request);
      return {
        kind: r.kind,
        hasMore: r.hasMore,
        items: r.items.map((p) => ({
          ...p,
          docNo: full ? p.docNo : maskId(p.docNo),
          statusName: PERSON_STATUS_NAMES[p.status] ?? p.status,
        })),
      };
    },
  );

  app.get<{ Params: { docNo: string }; Querystring: { year?: number } }>(
    '/api/persons/:docNo',
    {
      // The handler checks the person's village from the row it reads, one query fewer.
      config: { checksPersonScope: true },
      schema: {
        summary:
          '人员详情：基本信息、家庭户、身份（现有和历史）、各年度核定及说明、缴费、退费、参保记录、事件',
        description: 'docNo 为证件号码；查询结果中的 personId（纯数字，12 位以内）也可以。',
        tags: ['一人一档'],
        params: {
          type: 'object',
          required: ['docNo'],
          properties: { docNo: { type: 'string', maxLength: 40 } },
        },
        querystring: {
          type: 'object',
          properties: {
            year: {
              type: 'integer',
              minimum: 2000,
              maximum: 2100,
              description: '同时说明此年度的核定（逐条引用政策条款）；不填则只列出已存的各年度核定结果',
            },
          },
        },
      },
    },
    async (request) => {
      const raw = request.params.docNo.trim();
      const parsed = parseIdDocument(raw);
      const key = /^[0-9]{1,12}$/.test(raw)
        ? { id: Number(raw) }
        : { docNo: parsed.ok ? parsed.doc.docNo : raw.toUpperCase() };
      const found = await personView(needDb(deps), deps.packs, key, {
        fullId: seesFullId(request),
        asOf: todayInChina(),
        authorize: (row) => checkPersonInScope(request, row.villageCode),
        ...(request.query.year ? { year: request.query.year } : {}),
      });
      if (!found) throw new HttpError(404, 'PERSON_NOT_FOUND', '一人一档中没有此人', 'docNo');
      return found.view;
    },
  );
}
