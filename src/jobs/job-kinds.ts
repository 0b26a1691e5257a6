// Every kind of background job, assembled in one place from the domains that define them.
import { assessmentJobKinds } from '../assessment/assess-region.job.js';
import type { DatabaseHandle } from '../db/connection.js';
import { importJobKinds } from '../imports/import.jobs.js';
import type { PackRegistry } from '../policy/pack-loader.js';
import { reconcileJobKinds } from '../reconciliation/reconcile.job.js';
import type { JobKinds } from './job-runner.js';

export function jobKinds(deps: { db: DatabaseHandle; packs: PackRegistry }): JobKinds {
  return { ...assessmentJobKinds(deps), ...importJobKinds(deps), ...reconcileJobKinds(deps) };
}
