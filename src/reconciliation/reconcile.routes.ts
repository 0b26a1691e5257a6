// HTTP for reconciliation: upload a tax payment file (multipart or the request body, CSV or XLSX) or
// name a file on the server, reconciled as a background job; list and read runs and their
// differences, resolve a difference, turn the refund list into refund requests.
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { type AppDeps, needDb } from '../http/app.js';
import { HttpError } from '../http/errors.js';
import { requestActor } from '../http/route-helpers.js';
import { receiveUpload, type UploadOptions, uploadDirectory } from '../http/uploads.js';
import { type JobRunner, publicJob } from '../jobs/job-runner.js';
import { requestRefunds, resolveDifference } from './differences.service.js';
import { RECONCILE_JOB, type ReconcileJobParams } from './reconcile.job.js';
import { CLASSES } from './reconcile.repository.js';
import { byClass, byTownship, parseClass } from './reconcile-summary.js';
import { differencePages, getRun, listRuns, runTotals } from './runs.repository.js';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const UPLOAD_TYPES = ['text/csv', 'application/octet-stream', XLSX_TYPE];

const scopeQuery = {
  type: 'object',
  properties: {
    region: { type: 'string', pattern: '^[0-9]{6}$' },
    year: { type: 'integer', minimum: 2000, maximum: 2100 },
    asOf: { type: 'string', format: 'date' },
    fileName: { type: 'string', maxLength: 200 },
  },
} as const;

/** Region, year and day of a reconciliation from the form, query or JSON; a Chinese 400 when missing. */
function runOptions(input: ScopeInput): { region: string; year: number; asOf?: string } {
  if (!input.region || !/^\d{6}$/.test(input.region))
    throw new HttpError(400, 'bad-region', '请给出对账地区 region（6位区划代码）', 'region');
  const year = Number(input.year);
  if (!Number.isInteger(year) || year < 2000 || year > 2100)
    throw new HttpError(400, 'bad-year', '请给出参保年度 year', 'year');
  if (input.asOf !== undefined && input.asOf !== '' && !/^\d{4}-\d{2}-\d{2}$/.test(input.asOf))
    throw new HttpError(400, 'bad-date', `对账日期"${input.asOf}"应为 YYYY-MM-DD`, 'asOf');
  return { region: input.region, year, ...(input.asOf ? { asOf: input.asOf } : {}) };
}

interface ScopeInput {
  region?: string;
  year?: number | string;
  asOf?: string;
  fileName?: string;
  path?: string;
}

export function registerReconcileRoutes(
  app: FastifyInstance,
  deps: AppDeps,
  jobs?: JobRunner,
  uploads: UploadOptions = {},
): void {
  app.register(async (scope) => {
    // A raw upload arrives as the request body and is streamed to a file, never buffered.
    scope.addContentTypeParser(UPLOAD_TYPES, (_request, payload, done) => done(null, payload));
    scope.post(
      '/api/reconciliations',
      {
        schema: {
          summary: '税务缴费数据对账（后台任务，立即返回任务；结果为对账批次的汇总）',
          description:
            '上传税务缴费明细：multipart/form-data（字段 file，表单字段 region、year、asOf），' +
            '或作为请求体（Content-Type: text/csv 或 xlsx，查询参数 region、year、asOf、fileName）；' +
            '管理员也可以 JSON 给出服务器上的文件路径 { path, region, year, asOf }。' +
            '同一文件重复提交不作更改（结果 status: unchanged）。',
          tags: ['对账'],
          querystring: scopeQuery,
        },
      },
      async (request, reply) => {
        needDb(deps);
        if (!jobs) throw new HttpError(503, 'NO_DATABASE', '服务未连接数据库');
        const user = request.user;
        const isUpload =
          request.isMultipart() || typeof (request.body as Readable | undefined)?.pipe === 'function';
        let input: ScopeInput;
        let file: { path: string; fileName: string; dir: string; uploaded: boolean };
        if (isUpload) {
          const upload = await receiveUpload(request, uploads, (fields) => {
            const options = runOptions({ ...(request.query as ScopeInput), ...fields });
            if (user?.scopeCode && !options.region.startsWith(user.scopeCode))
              throw new HttpError(
                403,
                'OUT_OF_SCOPE',
                `地区 ${options.region} 不在您的管辖范围（${user.scopeCode}）内`,
                'region',
              );
          });
          input = { ...(request.query as ScopeInput), ...upload.fields };
          file = { path: upload.path, fileName: upload.fileName, dir: dirname(upload.path), uploaded: true };
        } else {
          input = { ...(request.query as ScopeInput), ...((request.body as ScopeInput | undefined) ?? {}) };
          runOptions(input);
          if (!input.path)
            throw new HttpError(400, 'no-file', '请上传文件，或给出服务器上的文件路径 path', 'path');
          // A path names a file on the server: only an administrator (or a trusted caller) may.
          if (user && user.role !== 'admin')
            throw new HttpError(403, 'FORBIDDEN', '只有管理员可以对账服务器上的文件，请上传文件', 'path');
          const dir = join(uploads.dir ?? uploadDirectory(), randomUUID());
          await mkdir(dir, { recursive: true });
          file = { path: input.path, fileName: basename(input.path), dir, uploaded: false };
        }
        const options = runOptions(input);
        const params: ReconcileJobParams = {
          region: options.region,
          year: options.year,
          ...(options.asOf ? { asOf: options.asOf } : {}),
          file: file.path,
          fileName: file.fileName,
          dir: file.dir,
          uploaded: file.uploaded,
        };
        return reply
          .status(202)
          .send(publicJob(await jobs.submit(RECONCILE_JOB, { ...params }, requestActor(request))));
      },
    );
  });

  app.get(
    '/api/reconciliations',
    { schema: { summary: '对账批次列表', tags: ['对账'], querystring: scopeQuery } },
    async (request) => {
      const q = request.query as ScopeInput;
      return listRuns(needDb(deps), {
        ...(q.region ? { region: q.region } : {}),
        ...(q.year ? { year: Number(q.year) } : {}),
      });
    },
  );

  app.get(
    '/api/reconciliations/:id',
    {
      schema: {
        summary: '一个对账批次：计数和金额（按类别、按乡镇）',
        tags: ['对账'],
        params: { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] },
      },
    },
    async (request) => {
      const db = needDb(deps);
      const { id } = request.params as { id: number };
      const run = await getRun(db, id);
      const totals = await runTotals(db, id);
      return { run, classes: byClass(totals), townships: byTownship(totals) };
    },
  );

  app.get(
    '/api/reconciliations/:id/differences',
    {
      schema: {
        summary: '对账批次的差异明细（按编号分页：after 为上一页最后一条的编号）',
        tags: ['对账'],
        params: { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] },
        querystring: {
          type: 'object',
          properties: {
            class: { type: 'string', enum: CLASSES.filter((c) => c !== 'matched') },
            limit: { type: 'integer', minimum: 1, maximum: 5000, default: 500 },
            after: { type: 'integer', minimum: 0, default: 0 },
          },
        },
      },
    },
    async (request) => {
      const db = needDb(deps);
      const { id } = request.params as { id: number };
      const q = request.query as { class?: string; limit: number; after: number };
      await getRun(db, id);
      const cls = parseClass(q.class);
      for await (const page of differencePages(db, id, cls ? { class: cls } : {}, q.limit, q.after))
        return page;
      return [];
    },
  );

  app.post(
    '/api/reconciliations/:id/refunds',
    {
      schema: {
        summary: '按对账批次的退费清单生成退费申请（可重复调用，不重复申请）',
        tags: ['对账'],
        params: { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] },
      },
    },
    async (request) =>
      requestRefunds(needDb(deps), (request.params as { id: number }).id, requestActor(request)),
  );

  app.post(
    '/api/differences/:id/resolve',
    {
      schema: {
        summary: '处理一条对账差异（写明处理说明）',
        tags: ['对账'],
        params: { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] },
        body: {
          type: 'object',
          properties: { reason: { type: 'string', minLength: 1, maxLength: 500 } },
          required: ['reason'],
        },
      },
    },
    async (request) =>
      resolveDifference(
        needDb(deps),
        (request.params as { id: number }).id,
        (request.body as { reason: string }).reason,
        requestActor(request),
      ),
  );
}
