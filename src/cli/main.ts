// The `canbao` command. Each domain registers its own subcommands; this file only wires them.
import { Command } from 'commander';
import { registerAssessCommands } from '../assessment/assess.commands.js';
import { registerAssessRegionCommands } from '../assessment/assess-region.commands.js';
import { registerUserCommands } from '../auth/user.commands.js';
import { registerAgentCommands } from '../collection/agent.commands.js';
import { registerCampaignCommands } from '../collection/campaign.commands.js';
import { registerCollectionCommands } from '../collection/collection.commands.js';
import { registerEnrollCommands } from '../collection/enroll.commands.js';
import { registerEnrollmentCommands } from '../collection/enrollment-history.commands.js';
import { registerEventCommands } from '../collection/events.commands.js';
import { registerHouseholdCommands } from '../collection/household.commands.js';
import { registerRefundCommands } from '../collection/refund.commands.js';
import { registerDbCommands } from '../db/db.commands.js';
import { DATABASE_UNAVAILABLE, isDatabaseUnavailable } from '../db/unavailable.js';
import { registerServeCommands } from '../http/serve.commands.js';
import { registerIdentitiesCommands } from '../identities/identities.commands.js';
import { OutcomeError } from '../policy/outcome.js';
import { registerPolicyCommands } from '../policy/policy.commands.js';
import { registerReconcileCommands } from '../reconciliation/reconcile.commands.js';
import { registerDemoCommands } from '../registry/demo.commands.js';
import { registerRegionsCommands } from '../registry/regions.commands.js';
import { registerRegistryCommands } from '../registry/registry.commands.js';
import { registerReportCommands } from '../reports/report.commands.js';

export function buildProgram(): Command {
  const program = new Command('canbao')
    .description('城乡居民基本医疗保险参保缴费管理系统')
    .showHelpAfterError('（使用 canbao --help 查看用法）');
  for (const register of [
    registerAssessCommands,
    registerPolicyCommands,
    registerDbCommands,
    registerRegionsCommands,
    registerRegistryCommands,
    registerDemoCommands,
    registerIdentitiesCommands,
    registerAssessRegionCommands,
    registerCollectionCommands,
    registerCampaignCommands,
    registerEnrollmentCommands,
    registerAgentCommands,
    registerHouseholdCommands,
    registerEnrollCommands,
    registerEventCommands,
    registerRefundCommands,
    registerServeCommands,
    registerUserCommands,
    registerReconcileCommands,
    registerReportCommands,
  ]) {
    register(program);
  }
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (e) {
    if (e instanceof OutcomeError) {
      for (const issue of e.issues) process.stderr.write(`错误 ${issue.expression}：${issue.message}\n`);
      process.exitCode = 2;
      return;
    }
    if (isDatabaseUnavailable(e)) {
      // Down, restarting or unreachable: say so in Chinese (with the driver's words for the operator).
      const detail = e instanceof Error && e.message ? `（${e.message}）` : '';
      process.stderr.write(`错误：${DATABASE_UNAVAILABLE.message}${detail}\n`);
      process.exitCode = 3;
      return;
    }
    throw e;
  }
}
