// HTTP for long operations: start a region's assessment as a job (202 with the job), read a job's
// status, progress and result, download its rejected-row report, list recent jobs. Imports and
// reconciliations submit their jobs from their own routes. Everyone but an administrator sees only
// the jobs they started.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { DatabaseHandle } from '../db/connection.js';
import { HttpError } from '../http/errors.js';
import { DATE, requestActor } from '../http/route-helpers.js';
import { REJECTION_REPORT_FILE } from '../imports/rejection-report.js';
import type { PackRegistry } from '../policy/pack-loader.js';
import { jobKinds } from './job-kinds.js';
import { type Job, JobRunner, publicJob } from './job-runner.js';

/** Whose jobs the caller sees: everyone's for an administrator or a trusted in-process caller. */
function ownerFilter(request: FastifyRequest): string | undefined {
  const user = request.user;
  return user && user.role !== 'admin' ? user.username : undefined;
}

const ID_PARAMS = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'integer', minimum: 1 } },
} as const;

export async function registerJobRoutes(
  app: FastifyInstance,
  deps: { db: DatabaseHandle; packs: PackRegistry },
): Promise<JobRunner> {
  const runner = new JobRunner(deps.db, jobKinds(deps));
  await runner.recover();
  app.addHook('onClose', () => runner.idle());

  const visibleJob = async (request: FastifyRequest<{ Params: { id: number } }>): Promise<Job> => {
    const id = request.params.id;
    const job = await runner.get(id);
    if (!job) throw new HttpError(404, 'NO_JOB', `没有第 ${id} 号任务`, 'id');
    const owner = ownerFilter(request);
    if (owner !== undefined && job.created_by !== owner)
      throw new HttpError(403, 'NOT_YOUR_JOB', `第 ${id} 号任务不是您提交的，无权查看`, 'id');
    return job;
  };

  app.post<{ Body: { region: string; year: number; asOf?: string } }>(
    '/api/jobs/assessments',
    {
      schema: {
        summary: '核定一个地区一个年度的全部人员（后台任务，立即返回任务编号）',
        tags: ['核定'],
        body: {
          type: 'object',
          required: ['region', 'year'],
          additionalProperties: false,
          properties: {
            region: { type: 'string', pattern: '^\\d{6}(\\d{3}(\\d{3})?)?$' },
            year: { type: 'integer', minimum: 2000, maximum: 2100 },
            asOf: DATE,
          },
        },
      },
    },
    async (request, reply) =>
      reply.status(202).send(await runner.submit('assess-region', request.body, requestActor(request))),
  );

  app.get<{ Params: { id: number } }>(
    '/api/jobs/:id',
    { schema: { summary: '任务状态、进度和结果', tags: ['任务'], params: ID_PARAMS } },
    async (request) => publicJob(await visibleJob(request)),
  );

  app.get<{ Params: { id: number } }>(
    '/api/jobs/:id/report',
    {
      schema: {
        summary: '下载任务的问题行报告（CSV：行号、列、字段、问题）',
        tags: ['任务'],
        params: ID_PARAMS,
      },
    },
    async (request, reply) => {
      const job = await visibleJob(request);
      const dir = (job.params as { dir?: unknown }).dir;
      const rows = (job.result as { reportRows?: unknown } | null)?.reportRows;
      if (job.status !== 'succeeded' || typeof dir !== 'string' || typeof rows !== 'number' || rows === 0)
        throw new HttpError(404, 'NO_REPORT', `第 ${job.id} 号任务没有问题行报告`, 'id');
      const path = join(dir, REJECTION_REPORT_FILE);
      const size = await stat(path).then(
        (s) => s.size,
        () => {
          throw new HttpError(404, 'NO_REPORT', `第 ${job.id} 号任务的问题行报告已不存在`, 'id');
        },
      );
      const name = `问题报告_任务${job.id}.csv`;
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-length', size)
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(name)}`)
        .send(createReadStream(path));
    },
  );

  app.get<{ Querystring: { kinds?: string; limit: number } }>(
    '/api/jobs',
    {
      schema: {
        summary: '最近的任务（非管理员只看到自己提交的；kinds 以逗号分隔只列这些类型）',
        tags: ['任务'],
        querystring: {
          type: 'object',
          properties: {
            kinds: { type: 'string', maxLength: 500 },
            limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
          },
        },
      },
    },
    async (request) => {
      const owner = ownerFilter(request);
      const kinds = request.query.kinds?.split(',').filter((k) => k !== '');
      const jobs = await runner.list({
        limit: request.query.limit,
        ...(owner !== undefined ? { createdBy: owner } : {}),
        ...(kinds?.length ? { kinds } : {}),
      });
      return jobs.map(publicJob);
    },
  );
  return runner;
}
