// On PGlite a long import's transaction holds the embedded database's only connection. The status
// page must still answer meanwhile: the running job is read from memory, and the caller's session
// from what this process remembers (it owns the data directory, so nothing else can end it).
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSession, revokeSession, sessionUser } from '../auth/session.service.js';
import { addUser } from '../auth/user.service.js';
import type { DatabaseHandle } from '../db/connection.js';
import { createPgliteTestDatabase } from '../test-support/db.js';
import { JobRunner } from './job-runner.js';

let db: DatabaseHandle;
beforeAll(async () => {
  db = await createPgliteTestDatabase();
});
afterAll(async () => db?.close());

/** Resolves with the value, or with 'blocked' when it takes longer than the time given. */
const within = <T>(work: Promise<T>, ms: number) =>
  Promise.race([work, new Promise<'blocked'>((r) => setTimeout(() => r('blocked'), ms))]);

it('answers a running job and its caller while the job holds the database', async () => {
  const user = await addUser(
    db,
    { username: 'busy', displayName: '经办', role: 'staff', scopeCode: '130802', password: 'Busy-pass-2026' },
    'test',
  );
  const token = await createSession(db, user.id, '127.0.0.1');
  expect((await sessionUser(db, token))?.username).toBe('busy');

  let release!: () => void;
  const held = new Promise<void>((r) => {
    release = r;
  });
  let inside!: () => void;
  const started = new Promise<void>((r) => {
    inside = r;
  });
  const runner = new JobRunner(db, {
    slow: async (_params, ctx) => {
      await db.transaction(async (tx) => {
        await sql`SELECT 1`.execute(tx.db);
        // As an import reports progress: without waiting for the write, which waits for this transaction.
        void ctx.progress('已读取 10,000 行').catch(() => undefined);
        inside();
        await held;
      });
      return { done: true };
    },
  });
  const job = await runner.submit('slow', {}, 'busy');
  await started;

  // The database is held: a query waits, but the job and the session are answered at once.
  expect(await within(sql`SELECT 1`.execute(db.db), 300)).toBe('blocked');
  const running = await within(runner.get(Number(job.id)), 300);
  expect(running).toMatchObject({ status: 'running', progress: '已读取 10,000 行' });
  expect(await within(sessionUser(db, token), 300)).toMatchObject({ username: 'busy' });

  release();
  await runner.idle();
  expect(await runner.get(Number(job.id))).toMatchObject({ status: 'succeeded', result: { done: true } });
  // Logging out ends the remembered session at once.
  await revokeSession(db, token);
  expect(await sessionUser(db, token)).toBeUndefined();
});
