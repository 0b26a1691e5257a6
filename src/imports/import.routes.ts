// POST /api/imports/:kind: upload a file (multipart: field `file` plus the kind's form fields) and
// import it in the background — 202 with the job, whose result is the import's summary and whose
// report (GET /api/jobs/:id/report) lists the rejected rows. A department submitter uploads only
// their own department's lists for their own county; other scoped users only for their own region.
import { dirname } from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { User } from '../auth/user.service.js';
import { type AppDeps, needDb } from '../http/app.js';
import { HttpError } from '../http/errors.js';
import { requestActor } from '../http/route-helpers.js';
import { receiveUpload, type UploadOptions } from '../http/uploads.js';
import { DEPARTMENT_NAMES, type Department, parseDepartment } from '../identities/departments.js';
import { type JobRunner, publicJob } from '../jobs/job-runner.js';
import {
  DEPARTMENT_KINDS,
  departmentField,
  IMPORT_KIND_NAMES,
  IMPORT_KINDS,
  IMPORT_SPECS,
  type ImportKind,
  importJobKind,
} from './import-kinds.js';

const outOfScope = (message: string, where: string) => new HttpError(403, 'OUT_OF_SCOPE', message, where);

/**
 * What a user may upload, checked on the form fields before the file is kept: a department submitter
 * their own department's lists (the department and county default to theirs), anyone with a scope
 * only inside it.
 */
function checkSubmitter(kind: ImportKind, fields: Record<string, string>, user: User | undefined): void {
  if (!user) return;
  if (user.role === 'department') {
    if (!DEPARTMENT_KINDS.includes(kind))
      throw new HttpError(403, 'FORBIDDEN', `部门报送人员不能导入${IMPORT_KIND_NAMES[kind]}`, 'kind');
    const own = user.department ? parseDepartment(user.department) : undefined;
    if (!own) throw new HttpError(403, 'OUT_OF_SCOPE', '您的账号未设置所属部门，请联系管理员', 'department');
    fields.department ??= own;
    const named = departmentField(fields);
    if (named !== own)
      throw outOfScope(
        `您只能报送${DEPARTMENT_NAMES[own]}的名单，不能报送${DEPARTMENT_NAMES[named as Department] ?? named}的名单`,
        'department',
      );
  }
  const scope = user.scopeCode;
  if (!scope) return;
  if (scope.length === 6 && (kind === 'identities' || kind === 'events' || kind === 'enrollments'))
    fields.county ??= scope;
  const county = fields.county?.trim();
  if (county && !county.startsWith(scope))
    throw outOfScope(`区县 ${county} 不在您的管辖范围（${scope}）内，只能报送本地区的名单`, 'county');
}

export function registerImportRoutes(
  app: FastifyInstance,
  deps: AppDeps,
  jobs: JobRunner | undefined,
  uploads: UploadOptions,
): void {
  app.post<{ Params: { kind: ImportKind } }>(
    '/api/imports/:kind',
    {
      schema: {
        summary: '上传并导入文件（后台任务，立即返回任务；问题行报告见 /api/jobs/:id/report）',
        description:
          'multipart/form-data：字段 file 为文件，其余为表单字段。registry（花名册）：allOrNothing；' +
          'identities（部门名单）：department、county、kind（snapshot|changes）、asOf、allOrNothing；' +
          'events（死亡名单/事件）：department（卫健或民政）、county、type（默认 death）、reportedOn、dateColumn、allOrNothing；' +
          'enrollments（历年参保）：county、allOrNothing；population（人口基数）：year、source、strict；regions（行政区划）：strict。',
        tags: ['导入'],
        params: {
          type: 'object',
          required: ['kind'],
          properties: { kind: { type: 'string', enum: [...IMPORT_KINDS] } },
        },
      },
    },
    async (request: FastifyRequest<{ Params: { kind: ImportKind } }>, reply) => {
      needDb(deps);
      if (!jobs) throw new HttpError(503, 'NO_DATABASE', '服务未连接数据库');
      const kind = request.params.kind;
      const upload = await receiveUpload(request, uploads, (fields) => {
        checkSubmitter(kind, fields, request.user);
        IMPORT_SPECS[kind].params(fields);
      });
      const params = IMPORT_SPECS[kind].params(upload.fields);
      const job = await jobs.submit(
        importJobKind(kind),
        { ...params, file: upload.path, fileName: upload.fileName, dir: dirname(upload.path) },
        requestActor(request),
      );
      return reply.status(202).send(publicJob(job));
    },
  );
}
