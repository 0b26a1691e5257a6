// Checkpoints for the embedded database. PGlite runs PostgreSQL as one standalone backend, with no
// checkpointer process, and a standalone backend never starts a checkpoint for WAL volume (that
// request goes to the checkpointer, which only exists under a postmaster). So without help pg_wal
// keeps every change since the data directory was opened: measured, 1.8 GB of WAL after 1.7 GB of
// inserts, and 17 GB (growing by 0.5 GB a minute) in the middle of a 5 GiB roster import. A
// long-running `canbao serve` on PGlite would fill its disk, and a crash would replay all of it.
//
// The keeper does what the server's checkpointer does for max_wal_size: once the WAL written since
// the last checkpoint's redo point passes a limit, it runs CHECKPOINT, after which PostgreSQL
// recycles or removes the older segments. It is called between statements (after a commit, or
// between the steps of a long import's transaction: CHECKPOINT is allowed inside one); a single
// statement's own WAL still stays until it ends.
import type { PGlite } from '@electric-sql/pglite';

/** WAL since the last checkpoint that makes the next check run one (the server would at ~540 MB). */
export const DEFAULT_WAL_LIMIT_BYTES = 256 * 1024 * 1024;
/** At most one check per interval: a check is a query (~0.2 ms on PGlite, a tenth of a payment). */
export const DEFAULT_CHECK_INTERVAL_MS = 1000;

export class PgliteWalKeeper {
  #lastCheck = Number.NEGATIVE_INFINITY;
  /** Checkpoints this keeper has run (for the trace and the tests). */
  checkpoints = 0;

  constructor(
    private readonly client: Pick<PGlite, 'query'>,
    private readonly limitBytes = DEFAULT_WAL_LIMIT_BYTES,
    private readonly intervalMs = DEFAULT_CHECK_INTERVAL_MS,
  ) {}

  /** WAL written since the redo point of the last checkpoint, in bytes. */
  async walSinceCheckpoint(): Promise<number> {
    const r = await this.client.query<{ since: number }>(
      'SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), redo_lsn)::float8 AS since FROM pg_control_checkpoint()',
    );
    return Number(r.rows[0]!.since);
  }

  /**
   * Runs CHECKPOINT when the WAL since the last one has passed the limit. Call it with the session's
   * lock held, between statements. Returns whether it checkpointed.
   */
  async checkpointIfDue(): Promise<boolean> {
    const now = Date.now();
    if (now - this.#lastCheck < this.intervalMs) return false;
    this.#lastCheck = now;
    if ((await this.walSinceCheckpoint()) < this.limitBytes) return false;
    await this.client.query('CHECKPOINT');
    this.checkpoints++;
    return true;
  }
}
