// `canbao demo taxfile --region R --year Y --out FILE [--rows N]`: a demo tax payment return file
// with planted differences, for trying `canbao reconcile`.
import type { Command } from 'commander';
import { print, printJson, withDatabase } from '../cli/output.js';
import { OutcomeError } from '../policy/outcome.js';
import { CLASS_NAMES, CLASSES } from './reconcile.repository.js';
import { generateTaxfile } from './taxfile.js';

export function registerTaxfileCommand(program: Command): void {
  const demo = program.commands.find((c) => c.name() === 'demo') ?? program.command('demo');
  // `demo` has its own --out (a directory); without positional options (on `demo` and on the
  // program above it, which has no options of its own) `demo` would take taxfile's --out.
  program.enablePositionalOptions();
  demo.enablePositionalOptions();
  demo
    .command('taxfile')
    .description(
      '按数据库中的核定和缴费记录生成演示税务缴费明细，埋入各类已知差异，并写出清单（.manifest.json）',
    )
    .requiredOption('--region <地区代码>', '地区（6位区划代码）')
    .requiredOption('--year <年度>', '参保年度')
    .requiredOption('--out <文件>', '输出文件（.csv 或 .xlsx）')
    .option('--rows <行数>', '最多行数（未写入的已核定人员计为未缴费）')
    .option('--per-class <笔数>', '每类埋入的差异笔数')
    .option('--seed <种子>', '随机种子', 'canbao')
    .option('--json', '输出 JSON')
    .action(
      async (o: {
        region: string;
        year: string;
        out: string;
        rows?: string;
        perClass?: string;
        seed: string;
        json?: boolean;
      }) => {
        const int = (t: string, opt: string): number => {
          if (!/^\d+$/.test(t))
            throw new OutcomeError([
              { severity: 'error', code: 'bad_option', expression: opt, message: `应为正整数，收到“${t}”` },
            ]);
          return Number(t);
        };
        const m = await withDatabase((db) =>
          generateTaxfile(db, {
            region: o.region,
            year: int(o.year, '--year'),
            out: o.out,
            seed: o.seed,
            ...(o.rows ? { rows: int(o.rows, '--rows') } : {}),
            ...(o.perClass ? { perClass: int(o.perClass, '--per-class') } : {}),
          }),
        );
        if (o.json) return printJson({ ...m, expected: undefined });
        print(`已写出 ${m.file}（${m.rows} 行）和 ${m.file}.manifest.json。埋入的差异：`);
        for (const c of CLASSES) print(`  ${CLASS_NAMES[c]}（${c}）：${m.counts[c]}`);
        print(`\n对账：canbao reconcile ${m.file} --region ${m.region} --year ${m.year} --out 对账结果`);
      },
    );
}
