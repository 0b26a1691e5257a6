// A job whose database goes away under it cannot record its end. That must not end the process with
// an unhandled rejection nor stop the queue (idle() resolves); the job is left for recover().
import { expect, it, vi } from 'vitest';
import { createPgliteTestDatabase } from '../test-support/db.js';
import { JobRunner } from './job-runner.js';

it('survives a job whose database is gone before it can record its end', async () => {
  const db = await createPgliteTestDatabase();
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    const runner = new JobRunner(db, {
      vanish: async () => {
        await db.close();
        throw new Error('数据库已关闭');
      },
    });
    await runner.submit('vanish', {}, 'test');
    await expect(runner.idle()).resolves.toBeUndefined();
    expect(stderr.mock.calls.map((c) => String(c[0])).join('')).toMatch(/无法记录任务状态/);
  } finally {
    stderr.mockRestore();
    await db.close();
  }
});
