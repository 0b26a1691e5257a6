// The reconciliation job kind: reconcile one tax payment file (uploaded, or a file on the server)
// for a region and year; the result is the run's summary, the tax file's bad rows its report.
import type { DatabaseHandle } from '../db/connection.js';
import { discardUpload } from '../http/uploads.js';
import { fromImportRun, writeRejectionReport } from '../imports/rejection-report.js';
import { type JobKinds, rowsProgress } from '../jobs/job-runner.js';
import { reconcile } from './reconcile.service.js';

export const RECONCILE_JOB = 'reconcile';

export interface ReconcileJobParams {
  region: string;
  year: number;
  asOf?: string;
  file: string;
  fileName: string;
  /** The job's own directory (report file); the file itself is removed afterwards when uploaded. */
  dir: string;
  uploaded: boolean;
}

export function reconcileJobKinds(deps: { db: DatabaseHandle }): JobKinds {
  return {
    [RECONCILE_JOB]: async (params, ctx, actor) => {
      const p = params as unknown as ReconcileJobParams;
      await ctx.progress(`正在对账 ${p.region} ${p.year} 年度`);
      try {
        const r = await reconcile(deps.db, p.file, {
          region: p.region,
          year: p.year,
          actor,
          ...(p.asOf ? { asOf: p.asOf } : {}),
          onProgress: rowsProgress(ctx),
        });
        const reportRows =
          r.importRunId !== null && r.rejected + r.warnings > 0
            ? await writeRejectionReport(p.dir, fromImportRun(deps.db.db, r.importRunId))
            : 0;
        return { ...r, fileName: p.fileName, reportRows };
      } finally {
        if (p.uploaded) await discardUpload(p.file);
      }
    },
  };
}
