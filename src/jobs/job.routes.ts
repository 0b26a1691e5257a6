// HTTP for long operations: start a region's assessment as a job (202 with the job), then read its
// status, progress and result; list recent jobs.
import type { FastifyInstance } from 'fastify';
import { assessRegion } from '../assessment/assess-region.service.js';
import type { DatabaseHandle } from '../db/connection.js';
import { HttpError } from '../http/errors.js';
import { DATE, requestActor } from '../http/route-helpers.js';
import type { PackRegistry } from '../policy/pack-loader.js';
import { JobRunner } from './job-runner.js';

export async function registerJobRoutes(
  app: FastifyInstance,
  deps: { db: DatabaseHandle; packs: PackRegistry },
): Promise<JobRunner> {
  const runner = new JobRunner(deps.db, {
    'assess-region': async (params, ctx, actor) => {
      const p = params as { region: string; year: number; asOf?: string };
      await ctx.progress(`正在核定 ${p.region} ${p.year} 年度`);
      const r = await assessRegion(deps.db, deps.packs, {
        region: p.region,
        year: p.year,
        startedBy: actor,
        ...(p.asOf ? { asOf: p.asOf } : {}),
      });
      // The totals, not the per-person changes: those are read page by page from the ledger.
      return {
        runId: r.runId,
        pack: r.pack,
        totals: r.totals,
        bySource: r.bySource,
        exclusions: r.exclusions,
        inserted: r.inserted,
        changed: r.changed,
        refundDue: r.refundDue,
      };
    },
  });
  await runner.recover();
  app.addHook('onClose', () => runner.idle());

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
    {
      schema: {
        summary: '任务状态、进度和结果',
        tags: ['任务'],
        params: { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } },
      },
    },
    async (request) => {
      const job = await runner.get(request.params.id);
      if (!job) throw new HttpError(404, 'NO_JOB', `没有第 ${request.params.id} 号任务`, 'id');
      return job;
    },
  );

  app.get('/api/jobs', { schema: { summary: '最近的任务', tags: ['任务'] } }, async () => runner.list());
  return runner;
}
