// The import job kinds (import-registry, import-identities, …): run the kind's service on the
// uploaded file, write the rejected-row report beside it, then remove the upload.
import type { DatabaseHandle } from '../db/connection.js';
import { discardUpload } from '../http/uploads.js';
import { type JobKinds, rowsProgress } from '../jobs/job-runner.js';
import type { PackRegistry } from '../policy/pack-loader.js';
import { IMPORT_KINDS, IMPORT_SPECS, importJobKind, type UploadParams } from './import-kinds.js';
import { writeRejectionReport } from './rejection-report.js';

export function importJobKinds(deps: { db: DatabaseHandle; packs: PackRegistry }): JobKinds {
  const kinds: JobKinds = {};
  for (const kind of IMPORT_KINDS) {
    kinds[importJobKind(kind)] = async (params, ctx, actor) => {
      const p = params as UploadParams & Record<string, unknown>;
      await ctx.progress('正在读取文件');
      try {
        const { summary, report } = await IMPORT_SPECS[kind].run(p, {
          db: deps.db,
          packs: deps.packs,
          actor,
          onProgress: rowsProgress(ctx),
        });
        const reportRows = report ? await writeRejectionReport(p.dir, report) : 0;
        return { ...summary, fileName: p.fileName, reportRows };
      } finally {
        await discardUpload(p.file);
      }
    };
  }
  return kinds;
}
