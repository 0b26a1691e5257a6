// HTTP for reconciliation: upload a tax payment file (the request body, CSV or XLSX) or name a file
// on the server, list and read runs and their differences, resolve a difference.
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance } from 'fastify';
import { type AppDeps, needDb } from '../http/app.js';
import { HttpError } from '../http/errors.js';
import { requestActor } from '../http/route-helpers.js';
import { requestRefunds, resolveDifference } from './differences.service.js';
import { CLASSES } from './reconcile.repository.js';
import { reconcile } from './reconcile.service.js';
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

interface ScopeInput {
  region?: string;
  year?: number;
  asOf?: string;
  fileName?: string;
  path?: string;
}

export function registerReconcileRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.register(async (scope) => {
    // The uploaded file arrives as the request body and is streamed to a temp file, never buffered.
    scope.addContentTypeParser(UPLOAD_TYPES, (_request, payload, done) => done(null, payload));
    scope.post(
      '/api/reconciliations',
      {
        schema: {
          summary: '税务缴费数据对账',
          description:
            '上传税务缴费明细作为请求体（Content-Type: text/csv 或 xlsx，查询参数 region、year、asOf、fileName），' +
            '或以 JSON 给出服务器上的文件路径 { path, region, year, asOf }。同一文件重复提交不作更改（status: unchanged）。',
          tags: ['对账'],
          querystring: scopeQuery,
        },
      },
      async (request) => {
        const db = needDb(deps);
        const q = request.query as ScopeInput;
        const isUpload = typeof (request.body as Readable | undefined)?.pipe === 'function';
        const input: ScopeInput = isUpload
          ? q
          : { ...q, ...((request.body as ScopeInput | undefined) ?? {}) };
        if (!input.region || !/^\d{6}$/.test(input.region))
          throw new HttpError(400, 'bad-region', '请给出对账地区 region（6位区划代码）', 'region');
        const year = Number(input.year);
        if (!Number.isInteger(year)) throw new HttpError(400, 'bad-year', '请给出参保年度 year', 'year');
        const options = {
          region: input.region,
          year,
          actor: requestActor(request),
          ...(input.asOf ? { asOf: input.asOf } : {}),
        };
        if (!isUpload) {
          if (!input.path)
            throw new HttpError(400, 'no-file', '请上传文件，或给出服务器上的文件路径 path', 'path');
          return reconcile(db, input.path, options);
        }
        const ext =
          request.headers['content-type']?.startsWith(XLSX_TYPE) || extname(input.fileName ?? '') === '.xlsx'
            ? '.xlsx'
            : '.csv';
        const dir = await mkdtemp(join(tmpdir(), 'canbao-upload-'));
        try {
          const name = input.fileName ? basename(input.fileName, extname(input.fileName)) : '税务缴费明细';
          const path = join(dir, `${name}${ext}`);
          await pipeline(request.body as Readable, createWriteStream(path));
          return await reconcile(db, path, options);
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
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
        ...(q.year ? { year: q.year } : {}),
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
