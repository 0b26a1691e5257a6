// GET /api/persons/:docNo/identities: the same identity history as `canbao identities history`.
import type { FastifyInstance } from 'fastify';
import { type AppDeps, needDb } from '../http/app.js';
import { HttpError } from '../http/errors.js';
import { IDENTITY_NAMES, type IdentityCode } from '../policy/vocabulary.js';
import { DEPARTMENT_NAMES } from './departments.js';
import { identityHistory } from './identity-history.js';

export function registerIdentityRoutes(app: FastifyInstance, deps: Pick<AppDeps, 'db'>): void {
  app.get<{ Params: { docNo: string } }>(
    '/api/persons/:docNo/identities',
    {
      schema: {
        summary: '一个人的身份记录（谁认定、何时起止、来自哪份名单）',
        tags: ['身份认定'],
        params: { type: 'object', properties: { docNo: { type: 'string', description: '证件号码' } } },
      },
    },
    async (request) => {
      const rows = await identityHistory(needDb(deps), request.params.docNo);
      if (!rows) throw new HttpError(404, 'no-person', '没有此证件号码的人员', 'docNo');
      return rows.map((r) => ({
        ...r,
        categoryName: IDENTITY_NAMES[r.category as IdentityCode] ?? r.category,
        departmentName: DEPARTMENT_NAMES[r.department as keyof typeof DEPARTMENT_NAMES] ?? r.department,
      }));
    },
  );
}
