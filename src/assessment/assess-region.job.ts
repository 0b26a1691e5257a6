// The region assessment job kind: 核定 one region and year in the background.
import type { DatabaseHandle } from '../db/connection.js';
import type { JobKinds } from '../jobs/job-runner.js';
import type { PackRegistry } from '../policy/pack-loader.js';
import { assessRegion } from './assess-region.service.js';

export function assessmentJobKinds(deps: { db: DatabaseHandle; packs: PackRegistry }): JobKinds {
  return {
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
  };
}
