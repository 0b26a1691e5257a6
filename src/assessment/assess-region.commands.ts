// `canbao assess-region` and `canbao assessment ledger|export|what-if|explain`.

import type { Command } from 'commander';
import { cliActor } from '../audit/audit-log.js';
import { print, printJson, table, withDatabase } from '../cli/output.js';
import { writeCsv, writeXlsx } from '../files/index.js';
import { assess } from '../policy/assess.js';
import { renderExplanation } from '../policy/explain-text.js';
import { formatYuan } from '../policy/money.js';
import { OutcomeError } from '../policy/outcome.js';
import { applyOverlay, parseOverlaySet } from '../policy/overlay.js';
import { shippedPacks } from '../policy/pack-loader.js';
import {
  FUNDING_SOURCE_NAMES,
  type FundingSource,
  IDENTITY_NAMES,
  type IdentityCode,
} from '../policy/vocabulary.js';
import { maskId, parseIdDocument } from '../registry/id-document.js';
import { EXCLUSION_NAMES, type SourceTotal } from './assess-region.repository.js';
import { type AssessmentChange, assessRegion, resolveScope, whatIf } from './assess-region.service.js';
import { type LedgerDimension, ledger } from './ledger.repository.js';
import { personRequest } from './person-request.repository.js';
import { writeTaxExport } from './tax-export.js';

const sourceName = (s: string) => FUNDING_SOURCE_NAMES[s as FundingSource] ?? s;
const categoryName = (c: string | null) => (c ? (IDENTITY_NAMES[c as IdentityCode] ?? c) : '—');
const year = (y: string) => {
  const n = Number(y);
  if (!Number.isInteger(n))
    throw new OutcomeError([
      { severity: 'error', code: 'bad-year', expression: 'YEAR', message: `年度应为数字，收到 "${y}"` },
    ]);
  return n;
};

function changesTable(changes: AssessmentChange[]): string {
  return table(
    ['证件号码', '姓名', '原应缴', '现应缴', '已缴', '应退', '原身份', '现身份'],
    changes.map((c) => [
      maskId(c.docNo),
      c.name,
      c.oldStatus === 'assessed' ? formatYuan(c.oldPayableFen) : '不参保',
      c.newStatus === 'assessed' ? formatYuan(c.newPayableFen) : '不参保',
      formatYuan(c.paidFen),
      c.refundDueFen > 0 ? formatYuan(c.refundDueFen) : '',
      categoryName(c.oldCategory),
      categoryName(c.newCategory),
    ]),
  );
}

function sourcesTable(rows: SourceTotal[]): string {
  return table(
    ['资金来源', '人数', '资助金额'],
    rows.map((r) => [sourceName(r.fundingSource), r.persons, formatYuan(r.subsidyFen)]),
  );
}

export function registerAssessRegionCommands(program: Command): void {
  program
    .command('assess-region')
    .description(
      '核定一个地区一个年度的全部人员：缴费标准、资助、个人应缴、资金来源；再次运行只更新有变化的人',
    )
    .argument('<地区>', '区县或市代码（6 位），如 430502 或 140600')
    .argument('<年度>')
    .option('--as-of <日期>', '按此日有效的身份核定（默认今天）')
    .option('--json', '输出 JSON')
    .action(async (region: string, y: string, opts: { asOf?: string; json?: boolean }) => {
      const r = await withDatabase((db) =>
        assessRegion(db, shippedPacks(), {
          region,
          year: year(y),
          startedBy: cliActor(),
          ...(opts.asOf ? { asOf: opts.asOf } : {}),
        }),
      );
      if (opts.json) return printJson(r);
      const t = r.totals;
      print(
        `核定完成（第 ${r.runId} 次，政策包 ${r.pack.id} 版本 ${r.pack.hash}，身份截至 ${r.scope.asOf}）`,
      );
      print(
        `人员 ${t.persons}：核定 ${t.assessed}，不参保 ${t.excluded}（${
          Object.entries(r.exclusions)
            .map(([k, n]) => `${EXCLUSION_NAMES[k] ?? k} ${n}`)
            .join('，') || '无'
        }）`,
      );
      print(
        `缴费标准合计 ${formatYuan(t.standardFen)}，资助合计 ${formatYuan(t.subsidyFen)}，个人应缴合计 ${formatYuan(t.payableFen)}`,
      );
      print(`本次新增 ${r.inserted} 人，核定结果变化 ${r.changed} 人`);
      if (r.refundDue.persons > 0) {
        print(
          `其中已缴费多于现应缴、应退费 ${r.refundDue.persons} 人，共 ${formatYuan(r.refundDue.amountFen)}（按政策包退费规则办理）`,
        );
      }
      if (r.bySource.length) print(`\n资助按资金来源：\n${sourcesTable(r.bySource)}`);
      if (r.changes.length)
        print(`\n核定结果有变化的人员（前 ${r.changes.length} 名）：\n${changesTable(r.changes)}`);
    });

  const cmd = program
    .command('assessment')
    .description('核定结果：资助台账、推送税务的明细、政策试算、单人说明');
  cmd
    .command('ledger')
    .description('资助资金台账：按资金来源、身份类别、乡镇汇总（与逐人核定结果分毫相符）')
    .argument('<地区>')
    .argument('<年度>')
    .option('--by <维度>', 'source、category、township 的组合，逗号分隔', 'source,category')
    .option('--out <file>', '导出为 .csv 或 .xlsx')
    .option('--json', '输出 JSON')
    .action(async (region: string, y: string, opts: { by: string; out?: string; json?: boolean }) => {
      const by = opts.by.split(',').map((s) => s.trim()) as LedgerDimension[];
      const { scope } = resolveScope(shippedPacks(), region, year(y));
      const rows = await withDatabase((db) => ledger(db, scope, by));
      if (opts.json) return printJson(rows);
      const headers = ['资金来源', '身份类别', '乡镇', '人数', '资助金额（元）'];
      const lines = rows.map((r) => [
        sourceName(r.fundingSource),
        categoryName(r.category),
        r.townshipName ?? r.township ?? '—',
        String(r.persons),
        (r.subsidyFen / 100).toFixed(2),
      ]);
      const total = rows.reduce((a, r) => a + r.subsidyFen, 0);
      lines.push(['合计', '', '', String(rows.reduce((a, r) => a + r.persons, 0)), (total / 100).toFixed(2)]);
      if (opts.out) {
        const n = opts.out.endsWith('.xlsx')
          ? await writeXlsx(opts.out, '资助台账', headers, lines)
          : await writeCsv(opts.out, headers, lines);
        return print(`已导出 ${n} 行到 ${opts.out}`);
      }
      print(table(headers, lines));
    });
  cmd
    .command('export')
    .description('导出推送税务部门的核定明细（证件、姓名、特殊人员类别、资助、个人应缴）')
    .argument('<地区>')
    .argument('<年度>')
    .requiredOption('--out <file>', '.csv 或 .xlsx 文件')
    .action(async (region: string, y: string, opts: { out: string }) => {
      const { scope } = resolveScope(shippedPacks(), region, year(y));
      const n = await withDatabase((db) => writeTaxExport(db, scope, opts.out));
      print(`已导出 ${n} 人的核定明细到 ${opts.out}`);
    });
  cmd
    .command('what-if')
    .description('政策试算：按修改后的政策核定（不保存），比较各资金来源的资助总额和受影响人员')
    .argument('<地区>')
    .argument('<年度>')
    .requiredOption(
      '--set <路径=值>',
      '如 subsidies.dibao-half.amount.percent=60（可多次）',
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .option('--as-of <日期>')
    .option('--json', '输出 JSON')
    .action(async (region: string, y: string, opts: { set: string[]; asOf?: string; json?: boolean }) => {
      const { resolved } = resolveScope(shippedPacks(), region, year(y));
      const overlay = applyOverlay(resolved, opts.set.map(parseOverlaySet));
      const r = await withDatabase((db) =>
        whatIf(db, overlay, { region, year: year(y), ...(opts.asOf ? { asOf: opts.asOf } : {}) }),
      );
      if (opts.json) return printJson(r);
      print(`试算：${opts.set.join('；')}（不保存）`);
      if (r.before.totals.persons === 0) {
        print(
          `提示：${region} ${y} 年度尚未核定，"现行"一栏为 0；请先运行 canbao assess-region ${region} ${y}。`,
        );
      }
      const sources = [
        ...new Set([...r.before.bySource, ...r.after.bySource].map((s) => s.fundingSource)),
      ].sort();
      const find = (list: SourceTotal[], s: string) =>
        list.find((x) => x.fundingSource === s)?.subsidyFen ?? 0;
      print(
        table(
          ['资金来源', '现行', '试算', '变化'],
          [
            ...sources.map((s) => [
              sourceName(s),
              formatYuan(find(r.before.bySource, s)),
              formatYuan(find(r.after.bySource, s)),
              formatYuan(find(r.after.bySource, s) - find(r.before.bySource, s)),
            ]),
            [
              '资助合计',
              formatYuan(r.before.totals.subsidyFen),
              formatYuan(r.after.totals.subsidyFen),
              formatYuan(r.after.totals.subsidyFen - r.before.totals.subsidyFen),
            ],
            [
              '个人应缴合计',
              formatYuan(r.before.totals.payableFen),
              formatYuan(r.after.totals.payableFen),
              formatYuan(r.after.totals.payableFen - r.before.totals.payableFen),
            ],
          ],
        ),
      );
      print(
        `\n受影响 ${r.affected} 人${r.people.length ? `（前 ${r.people.length} 名）：\n${changesTable(r.people)}` : '。'}`,
      );
    });
  cmd
    .command('explain')
    .description('说明一个人的核定结果：按其现有身份逐条引用政策条款')
    .argument('<证件号码>')
    .argument('<年度>')
    .option('--as-of <日期>')
    .action(async (raw: string, y: string, opts: { asOf?: string }) => {
      const parsed = parseIdDocument(raw);
      const docNo = parsed.ok ? parsed.doc.docNo : raw.trim();
      const asOf = opts.asOf ?? new Date().toISOString().slice(0, 10);
      const found = await withDatabase((db) => personRequest(db, docNo, year(y), asOf));
      if (!found)
        throw new OutcomeError([
          { severity: 'error', code: 'no-person', expression: docNo, message: '一人一档中没有此人' },
        ]);
      const { person, request } = found;
      print(`${person.name}（${maskId(docNo)}）`);
      print(renderExplanation(assess(request, shippedPacks()), 0));
    });
}
