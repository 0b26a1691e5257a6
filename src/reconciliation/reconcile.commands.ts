// `canbao reconcile FILE --region R --year Y`: reconcile a tax payment return file; and
// `reconcile runs|show|resolve|refunds` to look at runs, settle differences and request refunds.
import { join } from 'node:path';
import type { Command } from 'commander';
import { cliActor } from '../audit/audit-log.js';
import { print, printJson, table, withDatabase } from '../cli/output.js';
import { writeCsv } from '../files/table-writer.js';
import { formatYuan } from '../policy/money.js';
import { OutcomeError } from '../policy/outcome.js';
import { maskId } from '../registry/id-document.js';
import { writeImportReports } from '../registry/import-report.js';
import { requestRefunds, resolveDifference } from './differences.service.js';
import { CLASS_NAMES, type DifferenceClass } from './reconcile.repository.js';
import { reconcile } from './reconcile.service.js';
import { RUN_STATUS_NAMES, writeReconcileReports } from './reconcile-report.js';
import {
  byClass,
  byTownship,
  parseClass,
  runHeadline,
  SUMMARY_HEADERS,
  summaryRows,
} from './reconcile-summary.js';
import { differencePages, getRun, listRuns, runTotals } from './runs.repository.js';
import { registerTaxfileCommand } from './taxfile.commands.js';

function bad(option: string, message: string): OutcomeError {
  return new OutcomeError([{ severity: 'error', code: 'bad_option', expression: option, message }]);
}

function positiveInt(text: string, option: string): number {
  if (!/^\d+$/.test(text.trim())) throw bad(option, `应为正整数，收到“${text}”`);
  return Number(text);
}

function parseFormats(text: string): ('csv' | 'xlsx')[] {
  const f = text
    .split(/[,，\s]+/)
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (f.length === 0 || f.some((x) => x !== 'csv' && x !== 'xlsx'))
    throw bad('--format', '文件格式只能是 csv、xlsx 或 csv,xlsx');
  return f as ('csv' | 'xlsx')[];
}

interface ReconcileCliOptions {
  region: string;
  year: string;
  asOf?: string;
  out?: string;
  format: string;
  fullId?: boolean;
  json?: boolean;
}

export function registerReconcileCommands(program: Command): void {
  // `reconcile` and its subcommands share option names (--region, --json): options belong to the
  // command they follow, which commander needs enabled on every level above.
  program.enablePositionalOptions();
  const cmd = program
    .command('reconcile')
    .description('税务缴费数据对账：导入税务返回的缴费明细，与核定和本地缴费记录逐人比对，列出差异和退费清单')
    .argument('[文件]', '税务缴费明细（CSV，UTF-8 或 GBK；或 XLSX）')
    .option('--region <地区代码>', '对账地区（6位区划代码）')
    .option('--year <年度>', '参保年度')
    .option('--as-of <日期>', '对账日期 YYYY-MM-DD（默认今天）')
    .option('--out <目录>', '差异明细、退费清单和汇总写入此目录')
    .option('--format <格式>', '明细文件格式：csv、xlsx 或 csv,xlsx', 'csv,xlsx')
    .option('--full-id', '明细中显示完整证件号码')
    .option('--json', '输出 JSON')
    .enablePositionalOptions()
    .action(async (file: string | undefined, o: ReconcileCliOptions) => {
      if (!file) {
        cmd.help();
        return;
      }
      if (!o.region) throw bad('--region', '请用 --region 指定对账地区（6位区划代码）');
      if (!o.year) throw bad('--year', '请用 --year 指定参保年度');
      if (o.asOf !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(o.asOf))
        throw bad('--as-of', '日期格式应为 YYYY-MM-DD');
      const formats = parseFormats(o.format);
      await withDatabase(async (db) => {
        const r = await reconcile(db, file, {
          region: o.region!,
          year: positiveInt(o.year, '--year'),
          actor: cliActor(),
          ...(o.asOf ? { asOf: o.asOf } : {}),
        });
        const run = await getRun(db, r.runId);
        const totals = await runTotals(db, r.runId);
        const files: string[] = [];
        if (o.out && r.status === 'reconciled') {
          files.push(
            ...(await writeReconcileReports(db, r.runId, o.out, { formats, fullId: o.fullId === true })),
          );
          const summary = join(o.out, `对账汇总_${r.runId}.csv`);
          await writeCsv(summary, SUMMARY_HEADERS, summaryRows(totals));
          files.push(summary);
        }
        if ((r.rejected > 0 || r.warnings > 0) && r.importRunId !== null && r.status === 'reconciled')
          files.push(...(await writeImportReports(db.db, r.importRunId, file, o.out)));
        if (o.json) return printJson({ ...r, totals: byClass(totals), townships: byTownship(totals), files });
        if (r.status === 'unchanged') {
          print(`此文件（内容相同）已在对账批次 ${r.runId} 中对过账，本次未作任何更改。`);
          print('用 canbao reconcile show 查看该批次的差异。');
          return;
        }
        print(runHeadline(run));
        printSummary(totals);
        if (r.ignoredColumns.length > 0) print(`\n未使用的列：${r.ignoredColumns.join('、')}`);
        if (files.length > 0) {
          print('\n文件：');
          for (const f of files) print(`  ${f}`);
        }
        print(
          `\n下一步：canbao reconcile show ${r.runId} --class duplicate；canbao reconcile refunds ${r.runId}（生成退费申请）`,
        );
      });
    });

  cmd
    .command('runs')
    .description('对账批次列表')
    .option('--region <地区代码>')
    .option('--year <年度>')
    .option('--json', '输出 JSON')
    .action(async (o: { region?: string; year?: string; json?: boolean }) => {
      const runs = await withDatabase((db) =>
        listRuns(db, {
          ...(o.region ? { region: o.region } : {}),
          ...(o.year ? { year: positiveInt(o.year, '--year') } : {}),
        }),
      );
      if (o.json) return printJson(runs);
      if (runs.length === 0)
        return print('还没有对账批次。用 canbao reconcile 文件 --region 地区 --year 年度 对账。');
      print(
        table(
          [
            '批次',
            '地区',
            '年度',
            '对账日期',
            '文件',
            '行数',
            '一致',
            '新差异',
            '遗留',
            '消除',
            '应退',
            '应补',
            '操作人',
            '时间',
          ],
          runs.map((r) => [
            r.id,
            r.region,
            r.year,
            r.asOf,
            r.fileName,
            r.rowsRead,
            r.matched,
            r.differencesNew,
            r.differencesCarried,
            r.differencesSettled,
            formatYuan(r.refundDueFen),
            formatYuan(r.owedFen),
            r.startedBy ?? '',
            r.startedAt,
          ]),
        ),
      );
    });

  cmd
    .command('show')
    .description('一个对账批次的汇总和差异明细')
    .argument('<批次>')
    .option('--class <类别>', '只看一类差异（如 duplicate、unpaid）')
    .option('--limit <条数>', '最多显示条数', '50')
    .option('--full-id', '显示完整证件号码')
    .option('--json', '输出 JSON')
    .action(async (id: string, o: { class?: string; limit: string; fullId?: boolean; json?: boolean }) => {
      const runId = positiveInt(id, '批次');
      const cls = parseClass(o.class);
      const limit = positiveInt(o.limit, '--limit');
      await withDatabase(async (db) => {
        const run = await getRun(db, runId);
        const totals = await runTotals(db, runId);
        const shown = [];
        for await (const page of differencePages(
          db,
          runId,
          cls ? { class: cls } : {},
          Math.min(limit, 5000),
        )) {
          shown.push(...page.map((d) => ({ ...d, docNo: o.fullId ? d.docNo : maskId(d.docNo) })));
          if (shown.length >= limit) break;
        }
        const list = shown.slice(0, limit);
        if (o.json)
          return printJson({
            run,
            totals: byClass(totals),
            townships: byTownship(totals),
            differences: list,
          });
        print(runHeadline(run));
        printSummary(totals);
        if (list.length === 0) return print('\n没有符合条件的差异。');
        print('');
        print(
          table(
            [
              '编号',
              '类别',
              '本次',
              '证件号码',
              '姓名',
              '乡镇（街道）',
              '税票号',
              '应缴',
              '税务实缴',
              '本地记录',
              '差额',
              '状态',
            ],
            list.map((d) => [
              d.id,
              CLASS_NAMES[d.class],
              RUN_STATUS_NAMES[d.runStatus],
              d.docNo,
              d.name,
              d.townshipName ?? '',
              d.receiptNo ?? '',
              d.payableFen === null ? '' : formatYuan(d.payableFen),
              d.taxFen === null ? '' : formatYuan(d.taxFen),
              d.localFen === null ? '' : formatYuan(d.localFen),
              formatYuan(d.amountFen),
              d.state === 'resolved'
                ? `已处理：${d.resolvedReason ?? ''}`
                : d.state === 'settled'
                  ? '已消除'
                  : '待处理',
            ]),
          ),
        );
        if (list.length === limit)
          print(`（只显示前 ${limit} 条；用 --limit 或 canbao reconcile 的 --out 导出全部）`);
      });
    });

  cmd
    .command('resolve')
    .description('处理一条差异：写明处理说明（如已退费、已补缴、系重复登记），记入操作日志')
    .argument('<差异编号>')
    .requiredOption('--reason <说明>', '处理说明')
    .option('--json', '输出 JSON')
    .action(async (id: string, o: { reason: string; json?: boolean }) => {
      const r = await withDatabase((db) =>
        resolveDifference(db, positiveInt(id, '差异编号'), o.reason, cliActor()),
      );
      if (o.json) return printJson(r);
      print(
        `差异 ${r.id}（${CLASS_NAMES[r.class as DifferenceClass] ?? r.class}）已标记为已处理：${r.reason}`,
      );
    });

  cmd
    .command('refunds')
    .description('按对账批次的退费清单生成退费申请（重复缴费、多缴）；重复执行不会重复申请')
    .argument('<批次>')
    .option('--json', '输出 JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      const r = await withDatabase((db) => requestRefunds(db, positiveInt(id, '批次'), cliActor()));
      if (o.json) return printJson(r);
      print(
        `对账批次 ${r.runId} 的退费清单共 ${r.listed} 笔，合计 ${formatYuan(r.amountFen)}：` +
          `新登记税务缴费 ${r.paymentsRecorded} 笔，新生成退费申请 ${r.refundsRequested} 笔` +
          (r.alreadyRequested > 0 ? `，此前已申请 ${r.alreadyRequested} 笔（未重复申请）` : '') +
          '。',
      );
    });
  registerTaxfileCommand(program);
}

function printSummary(totals: Parameters<typeof byClass>[0]): void {
  print('');
  print(
    table(
      ['类别', '笔数', '税务实缴', '差额（应退/应补）'],
      byClass(totals).map((c) => [c.name, c.count, formatYuan(c.taxFen), formatYuan(c.amountFen)]),
    ),
  );
  const towns = byTownship(totals);
  if (towns.length === 0) return;
  print('');
  print(
    table(
      ['乡镇（街道）', '一致', '差异', '未缴费', '重复', '多缴', '少缴', '应退', '应补'],
      towns.map((t) => [
        t.townshipName,
        t.matched,
        t.differences,
        t.counts.unpaid ?? 0,
        t.counts.duplicate ?? 0,
        t.counts.amount_over ?? 0,
        t.counts.amount_under ?? 0,
        formatYuan(t.refundDueFen),
        formatYuan(t.owedFen),
      ]),
    ),
  );
}
