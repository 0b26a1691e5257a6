// A small in-process job runner: jobs are rows (so their state survives the request and can be read by
// anyone allowed), run one at a time in the order they were queued. A job that was running when the
// process stopped is marked failed on the next start, never silently left "running" (one service
// process per database is assumed: a second one starting would fail the first one's running jobs).
import { sql } from 'kysely';
import type { DatabaseHandle } from '../db/connection.js';
import { DATABASE_UNAVAILABLE, isDatabaseUnavailable } from '../db/unavailable.js';
import { OutcomeError } from '../policy/outcome.js';

export interface JobContext {
  /** Say how far the job has come, in Chinese, for the status page. */
  progress(text: string): Promise<void>;
}

export type JobHandler = (
  params: Record<string, unknown>,
  ctx: JobContext,
  actor: string,
) => Promise<unknown>;

export interface Job {
  id: number;
  kind: string;
  params: Record<string, unknown>;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  progress: string | null;
  result: unknown;
  error: { code: string; message: string; where: string } | null;
  created_by: string;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

const JOB_STATUS_RETRIES = 30;

export class JobRunner {
  private chain: Promise<void> = Promise.resolve();
  /**
   * The latest progress of running jobs, read by get(): an import reports progress from inside its
   * transaction, and on PGlite a write to the jobs table would wait for that transaction to end.
   */
  private readonly live = new Map<number, string>();
  /**
   * The job running now, as get() answers it without the database: on PGlite an import's
   * transaction holds the only connection, and the status page must still see its progress.
   */
  private current: Job | undefined;

  constructor(
    private readonly db: DatabaseHandle,
    private readonly handlers: Record<string, JobHandler>,
  ) {}

  /** Mark jobs left running or queued by a previous process as failed. */
  async recover(): Promise<void> {
    await sql`UPDATE jobs SET status = 'failed', finished_at = now(),
      error = ${JSON.stringify({ code: 'INTERRUPTED', message: '服务重启，任务未完成，请重新提交', where: '' })}::jsonb
      WHERE status IN ('queued', 'running')`.execute(this.db.db);
  }

  async submit(kind: string, params: Record<string, unknown>, actor: string): Promise<Job> {
    if (!this.handlers[kind]) throw new Error(`unknown job kind ${kind}`);
    const r = await sql<Job>`
      INSERT INTO jobs (kind, params, created_by) VALUES (${kind}, ${JSON.stringify(params)}::jsonb, ${actor})
      RETURNING *`.execute(this.db.db);
    const job = r.rows[0]!;
    // A job that cannot even record its end (the database went away) must neither stop the jobs queued
    // after it nor end the process with an unhandled rejection: it is left for recover() at next start.
    this.chain = this.chain
      .then(() => this.run(job))
      .catch((e) => {
        process.stderr.write(
          `job ${job.id} (${job.kind}): 无法记录任务状态：${(e as Error)?.message ?? String(e)}\n`,
        );
      });
    return job;
  }

  /** Resolves when every job submitted so far has finished (tests, shutdown). */
  idle(): Promise<void> {
    return this.chain;
  }

  async get(id: number): Promise<Job | undefined> {
    if (this.current && Number(this.current.id) === id) return this.withLive(this.current);
    const r = await sql<Job>`SELECT * FROM jobs WHERE id = ${id}`.execute(this.db.db);
    return r.rows[0] && this.withLive(r.rows[0]);
  }

  /** The newest jobs, of every kind or of some kinds, of everyone or of one user. */
  async list(filter: { createdBy?: string; kinds?: readonly string[]; limit?: number } = {}): Promise<Job[]> {
    const r = await sql<Job>`SELECT * FROM jobs
      WHERE ${filter.createdBy === undefined ? sql`true` : sql`created_by = ${filter.createdBy}`}
        AND ${filter.kinds?.length ? sql`kind IN (${sql.join(filter.kinds.map((k) => sql`${k}`))})` : sql`true`}
      ORDER BY id DESC LIMIT ${filter.limit ?? 50}`.execute(this.db.db);
    return r.rows.map((j) => this.withLive(j));
  }

  private withLive(job: Job): Job {
    const progress = this.live.get(Number(job.id));
    return progress !== undefined && job.status === 'running' ? { ...job, progress } : job;
  }

  private async run(job: Job): Promise<void> {
    // While the database restarts, a status write fails: retry it for a while (every second, up to
    // JOB_STATUS_RETRIES times) so the job's end is recorded once the database is back.
    const set = async (fields: ReturnType<typeof sql>) => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await sql`UPDATE jobs SET ${fields} WHERE id = ${job.id}`.execute(this.db.db);
        } catch (e) {
          if (!isDatabaseUnavailable(e) || attempt >= JOB_STATUS_RETRIES) throw e;
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
      }
    };
    await set(sql`status = 'running', started_at = now()`);
    this.current = { ...job, status: 'running', started_at: new Date() };
    const ctx: JobContext = {
      progress: async (text) => {
        this.live.set(Number(job.id), text);
        await set(sql`progress = ${text}`);
      },
    };
    try {
      const result = await this.handlers[job.kind]!(job.params, ctx, job.created_by);
      await set(
        sql`status = 'succeeded', finished_at = now(), result = ${JSON.stringify(result ?? null)}::jsonb`,
      );
    } catch (e) {
      const first = e instanceof OutcomeError ? e.issues[0] : undefined;
      // Not a refusal but a fault: keep the details for the operator, show the user a plain message.
      if (!first)
        process.stderr.write(`job ${job.id} (${job.kind}) failed: ${(e as Error)?.stack ?? String(e)}\n`);
      const error = first
        ? { code: first.code, message: first.message, where: first.expression }
        : isDatabaseUnavailable(e)
          ? {
              ...DATABASE_UNAVAILABLE,
              message: `${DATABASE_UNAVAILABLE.message}（任务已中止，请重新提交）`,
              where: '',
            }
          : { code: 'INTERNAL', message: '任务执行出错，请联系管理员', where: '' };
      await set(sql`status = 'failed', finished_at = now(), error = ${JSON.stringify(error)}::jsonb`);
    } finally {
      this.current = undefined;
      this.live.delete(Number(job.id));
    }
  }
}

/** A service's onProgress(rowsRead) as a job's progress text; never holds the service up. */
export function rowsProgress(ctx: JobContext): (rowsRead: number) => void {
  return (rowsRead) => {
    ctx.progress(`已读取 ${rowsRead.toLocaleString('zh-CN')} 行`).catch(() => undefined);
  };
}

export type JobKinds = Record<string, JobHandler>;

/** A job as the API shows it: without the server paths of its upload and report. */
export function publicJob(job: Job): Job {
  const { file: _file, dir: _dir, ...params } = job.params;
  return { ...job, params };
}
