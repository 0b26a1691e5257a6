// HTTP for the registry checks a bureau or township runs: GET /api/registry/check (the findings of
// `canbao registry check`, for the caller's area) and GET /api/registry/villages/:code (a village's
// roster with its counts, as `canbao registry village`). ID numbers masked unless the role sees them.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { idFor } from '../auth/full-id.js';
import { type AppDeps, needDb } from '../http/app.js';
import { HttpError } from '../http/errors.js';
import { checkRegistry } from './check.service.js';
import { findRegion, villageCounts, villagePersons } from './person.repository.js';
import { PERSON_STATUS_NAMES } from './person-detail.service.js';

function ownArea(request: FastifyRequest, code: string): void {
  const scope = request.user?.scopeCode;
  if (scope && !code.startsWith(scope))
    throw new HttpError(403, 'OUT_OF_SCOPE', `地区 ${code} 不在您的管辖范围（${scope}）内`, 'scope');
}

export function registerRegistryRoutes(app: FastifyInstance, deps: Pick<AppDeps, 'db'>): void {
  app.get<{ Querystring: { region?: string } }>(
    '/api/registry/check',
    {
      schema: {
        summary: '一人一档核查：一人多号、只差校验码、疑似同一人、户主问题、村代码无效、已死亡仍有身份或核定',
        tags: ['一人一档'],
        querystring: {
          type: 'object',
          properties: {
            region: {
              type: 'string',
              pattern: '^([0-9]{6}|[0-9]{9}|[0-9]{12})?$',
              description: '只核查此区县、乡镇或村的人员（乡镇、村工作人员默认为其管辖范围）',
            },
          },
        },
      },
    },
    async (request) => {
      const area = request.query.region ?? '';
      const findings = await checkRegistry(needDb(deps).db, area);
      return {
        region: area,
        count: findings.length,
        findings: findings.map((f) => ({
          ...f,
          persons: f.persons.map((p) => ({ ...p, docNo: idFor(request, p.docNo) })),
        })),
      };
    },
  );

  app.get<{ Params: { code: string }; Querystring: { limit?: number } }>(
    '/api/registry/villages/:code',
    {
      schema: {
        summary: '村（社区）花名册：户数、人数，按户列出成员',
        tags: ['一人一档'],
        params: {
          type: 'object',
          required: ['code'],
          properties: { code: { type: 'string', pattern: '^[0-9]{12}$', description: '12位村（社区）代码' } },
        },
        querystring: {
          type: 'object',
          properties: { limit: { type: 'integer', minimum: 1, maximum: 5000, default: 2000 } },
        },
      },
    },
    async (request) => {
      const code = request.params.code;
      ownArea(request, code);
      const db = needDb(deps).db;
      const region = await findRegion(db, code);
      if (!region) throw new HttpError(404, 'NO_REGION', '区划表中没有这个村（社区）代码', 'code');
      const counts = await villageCounts(db, code);
      const persons = await villagePersons(db, code, request.query.limit ?? 2000);
      return {
        region,
        counts,
        persons: persons.map((p) => ({
          ...p,
          doc_no: idFor(request, p.doc_no),
          phone: p.phone === null ? null : idFor(request, p.phone),
          status_name: PERSON_STATUS_NAMES[p.status] ?? p.status,
        })),
      };
    },
  );
}
