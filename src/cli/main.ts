// The `canbao` command. Each domain registers its own subcommands; this file only wires them.
import { Command } from 'commander';
import { OutcomeError } from '../policy/outcome.js';

export async function main(argv: string[]): Promise<void> {
  const program = new Command('canbao')
    .description('城乡居民基本医疗保险参保缴费管理系统')
    .showHelpAfterError('（使用 canbao --help 查看用法）')
    .configureOutput({ outputError: (str, write) => write(str) });
  const registrars: ((program: Command) => void)[] = [];
  for (const register of registrars) register(program);
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof OutcomeError) {
      for (const issue of e.issues) process.stderr.write(`错误 ${issue.expression}：${issue.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw e;
  }
}
