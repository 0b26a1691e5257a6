// `canbao regions …`: import 统计用区划代码 files, list the tree, load and edit the population base.
import type { Command } from 'commander';
import { openDatabase } from '../db/connection.js';
import { OutcomeError } from '../policy/outcome.js';
import { importPopulation, setPopulation } from './population-base.service.js';
import { getRegion, listChildren } from './regions.repository.js';
import { type ImportReport, importRegions, seedRegions } from './regions.service.js';
import { LEVEL_NAMES, parseRegionCode } from './regions-code.js';

function out(line = ''): void {
  process.stdout.write(`${line}\n`);
}

function bad(expression: string, message: string): OutcomeError {
  return new OutcomeError([{ severity: 'error', code: 'bad_argument', expression, message }]);
}

function printReport(what: string, report: ImportReport): void {
  out(
    `${what}：读取 ${report.rows} 行，新增 ${report.inserted}，更新 ${report.updated}，未变 ${report.unchanged}，拒绝 ${report.rejected}。`,
  );
  if (!report.applied) out('因使用 --strict 且有被拒绝的行，本次未写入任何数据；请修正后重新导入。');
  for (const issue of report.issues) out(`  错误 ${issue.expression}：${issue.message}`);
  if (report.rejected > report.issues.length)
    out(`  ……另有 ${report.rejected - report.issues.length} 条错误未列出。`);
  if (report.rejected > 0) {
    if (report.applied) out('其余行已导入。修正被拒绝的行后可重新导入整个文件，已导入的行不会重复。');
    process.exitCode = 2;
  }
}

export function registerRegionsCommands(program: Command): void {
  const regions = program
    .command('regions')
    .description('区划：导入统计用区划代码、查看区划树、常住人口基数');

  regions
    .command('import')
    .description('导入统计用区划代码 CSV（列：统计用区划代码、名称，可选 城乡分类代码；UTF-8 或 GBK）')
    .argument('<FILE>', 'CSV 文件')
    .option('--strict', '有任何错误行时整个文件都不导入')
    .action(async (file: string, o: { strict?: boolean }) => {
      const handle = await openDatabase();
      try {
        printReport('区划导入', await importRegions(handle, file, { strict: o.strict ?? false }));
      } finally {
        await handle.close();
      }
    });

  regions
    .command('seed')
    .description('载入内置的五个试点区县（双桥区、双清区、乐至县、朔州市各县区、高阳县）的乡镇和村居')
    .action(async () => {
      const handle = await openDatabase();
      try {
        const r = await seedRegions(handle.db);
        out(`内置区划 ${r.total} 条，新增或更新 ${r.changed} 条。`);
      } finally {
        await handle.close();
      }
    });

  regions
    .command('list')
    .description('列出某区划的下级（不填则列出省级）')
    .argument('[PARENT]', '上级区划代码，如 130802 或 130802001')
    .action(async (parent?: string) => {
      const parsed = parent === undefined ? null : parseRegionCode(parent);
      if (parent !== undefined && !parsed) {
        throw bad(`区划代码 ${parent}`, '应为 6、9 或 12 位数字，如 130802（县）或 130802001（乡镇）。');
      }
      const handle = await openDatabase();
      try {
        if (parsed) {
          const region = await getRegion(handle.db, parsed.code);
          if (!region)
            throw bad(
              `区划代码 ${parsed.code}`,
              '系统中没有该区划。先运行 canbao regions seed 或 canbao regions import。',
            );
          out(`${region.code} ${region.name}（${LEVEL_NAMES[region.level]}）`);
        }
        const children = await listChildren(handle.db, parsed?.code ?? null);
        if (children.length === 0) {
          out(
            parsed
              ? '没有下级区划。'
              : '系统中还没有区划。运行 canbao regions seed 载入试点区县，或 canbao regions import 文件。',
          );
          return;
        }
        for (const c of children) {
          const pop =
            c.population === null
              ? ''
              : `  常住人口 ${c.population.toLocaleString('zh-CN')}（${c.populationYear} 年）`;
          const sub = c.children > 0 ? `  下级 ${c.children} 个` : '';
          out(`${c.code.padEnd(12)}  ${c.name}（${LEVEL_NAMES[c.level]}）${sub}${pop}`);
        }
        out(`共 ${children.length} 个。`);
      } finally {
        await handle.close();
      }
    });

  regions
    .command('population')
    .description('导入某年度常住人口基数 CSV（列：区划代码、常住人口），作为参保率的分母')
    .argument('<FILE>', 'CSV 文件')
    .requiredOption('--year <Y>', '年度，如 2025')
    .option('--source <TEXT>', '数据来源说明（默认文件名）')
    .option('--strict', '有任何错误行时整个文件都不导入')
    .action(async (file: string, o: { year: string; source?: string; strict?: boolean }) => {
      const year = Number(o.year);
      const handle = await openDatabase();
      try {
        const report = await importPopulation(handle, file, {
          year,
          strict: o.strict ?? false,
          ...(o.source ? { source: o.source } : {}),
        });
        printReport(`${year} 年常住人口导入`, report);
      } finally {
        await handle.close();
      }
    });

  regions
    .command('population-set')
    .description('修改一个区划某年度的常住人口')
    .argument('<CODE>', '区划代码')
    .argument('<YEAR>', '年度')
    .argument('<N>', '常住人口')
    .action(async (code: string, yearText: string, nText: string) => {
      const n = /^\d+$/.test(nText.replaceAll(',', '')) ? Number(nText.replaceAll(',', '')) : Number.NaN;
      if (Number.isNaN(n)) throw bad(`常住人口 ${nText}`, '应为不小于 0 的整数，如 12345。');
      const handle = await openDatabase();
      try {
        const { previous } = await setPopulation(handle.db, code, Number(yearText), n);
        const canonical = parseRegionCode(code)?.code ?? code;
        out(
          previous === null
            ? `已设置 ${canonical} ${yearText} 年常住人口为 ${n}。`
            : `已将 ${canonical} ${yearText} 年常住人口由 ${previous} 改为 ${n}。`,
        );
      } finally {
        await handle.close();
      }
    });
}
