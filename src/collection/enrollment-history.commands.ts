// `canbao enrollment import|history`: past years in from the old system, one person's years out
// with what continuity earns them.
import { mkdir } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { Command } from 'commander';
import { cliActor } from '../audit/audit-log.js';
import { print, printJson, table, withDatabase } from '../cli/output.js';
import { writeCsv, writeXlsx } from '../files/index.js';
import { formatYuan } from '../policy/money.js';
import { OutcomeError } from '../policy/outcome.js';
import { shippedPacks } from '../policy/pack-loader.js';
import { maskId } from '../registry/id-document.js';
import { REPORT_HEADERS } from '../registry/import-report.js';
import type { RowIssue } from '../registry/import-row.js';
import { type PersonHistory, personHistory } from './enrollment-history.service.js';
import { importEnrollmentHistory, SOURCE_NAMES } from './enrollment-history-import.service.js';

const STATUS_NAMES: Record<string, string> = {
  registered: '已登记未缴费',
  enrolled: '已参保',
  repaired: '已补缴（不享受待遇）',
  suspended: '已参保（暂停）',
  terminated: '已参保（终止）',
};

/** Yuan with up to two decimals → fen; refused, never rounded, when finer. */
function capFen(text: string): number {
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m || Number(m[1]) === 0)
    throw new OutcomeError([
      {
        severity: 'error',
        code: 'bad-cap',
        expression: `--cap ${text}`,
        message: '大病保险原最高支付限额应为元（最多两位小数），如 300000',
      },
    ]);
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/** The rejected rows as CSV and XLSX in the registry import's report layout (行号, 列, 值, 原因, 级别). */
async function writeReports(issues: RowIssue[], sourceFile: string, dir?: string): Promise<string[]> {
  const out = dir ?? dirname(sourceFile);
  await mkdir(out, { recursive: true });
  const base = join(out, `${basename(sourceFile, extname(sourceFile))}_导入问题`);
  const rows = issues.map((r) => [
    String(r.rowNumber),
    r.column,
    r.value,
    r.reason,
    r.severity === 'error' ? '未导入' : '警告',
  ]);
  await writeCsv(`${base}.csv`, REPORT_HEADERS, rows);
  await writeXlsx(`${base}.xlsx`, '导入问题', REPORT_HEADERS, rows, [8, 16, 24, 60, 8]);
  return [`${base}.csv`, `${base}.xlsx`];
}

export function formatHistory(h: PersonHistory): string {
  const lines: string[] = [];
  const p = h.person;
  lines.push(`${p.name}（${maskId(p.docNo)}，${p.countyCode}）参保记录：`);
  if (h.years.length === 0) lines.push('没有任何年度的参保记录。');
  else
    lines.push(
      table(
        ['年度', '状态', '待遇享受期', '等待期', '来源', '当年报销'],
        h.years.map((y) => [
          y.year,
          STATUS_NAMES[y.status] ?? y.status,
          y.benefitStart
            ? `${y.benefitStart} 至 ${y.benefitEnd ?? ''}`
            : y.source === 'history'
              ? '（历史数据未载明）'
              : '—',
          y.waitingDays > 0 ? `${y.waitingDays} 天` : '无',
          SOURCE_NAMES[y.source] ?? y.source,
          y.reimbursed === null ? '' : y.reimbursed ? '是' : '否',
        ]),
      ),
    );
  const c = h.continuity;
  if (!c) {
    lines.push('', h.continuityNote ?? '');
    return lines.join('\n');
  }
  const cite = `${c.rule.cite.source} ${c.rule.cite.clause}${c.rule.inherited ? '（本地方案未规定，适用国家规定）' : ''}`;
  lines.push('', `参保激励（${c.year} 年度，政策包 ${c.packId}；依据 ${cite}）：`);
  lines.push(
    `  截至 ${c.year - 1} 年度连续参保 ${c.consecutiveYears} 年；${c.year} 年度之前连续断保 ${c.lapsedYears} 年。`,
  );
  lines.push(
    `  连续参保满 ${c.rule.afterConsecutiveYears} 年后每再连续 1 年提高 ${formatYuan(c.rule.raisePerYearFen)}：${formatYuan(c.raise.continuityRaiseFen)}。`,
  );
  lines.push(
    `  本轮连续参保中基金零报销的年度 ${c.zeroClaimYears.length} 个${c.zeroClaimYears.length ? `（${c.zeroClaimYears.join('、')}）` : ''}，每个提高 ${formatYuan(c.rule.zeroClaimRaiseFen)}：${formatYuan(c.raise.zeroClaimRaiseFen)}。`,
  );
  if (c.originalCapFen === null) {
    lines.push(
      `  合计提高大病保险最高支付限额 ${formatYuan(c.raise.totalRaiseFen)}（未设上限）。政策包未载明大病保险原最高支付限额，无法套用"两项合计不超过原限额 ${c.rule.maxPercentOfCap}%"；请用 --cap 元 指定原限额。`,
    );
  } else {
    lines.push(
      `  两项合计不超过原最高支付限额 ${formatYuan(c.originalCapFen)}（由 --cap 指定，政策包未载明）的 ${c.rule.maxPercentOfCap}%，即 ${formatYuan(c.raise.limitFen ?? 0)}。`,
    );
    lines.push(
      `  ${c.year} 年度大病保险最高支付限额提高 ${formatYuan(c.raise.totalRaiseFen)}${c.raise.capped ? '（已按上限封顶）' : ''}，为 ${formatYuan(c.originalCapFen + c.raise.totalRaiseFen)}。`,
    );
  }
  if (c.rule.cite.note) lines.push(`  规定要点：${c.rule.cite.note}`);
  lines.push('  断保后连续参保年数和零报销年度重新计算。');
  return lines.join('\n');
}

export function registerEnrollmentCommands(program: Command): void {
  // `enrollment` may also be registered by the collection commands: add to it rather than clash.
  const cmd =
    program.commands.find((c) => c.name() === 'enrollment') ??
    program.command('enrollment').description('参保记录：往年参保历史的导入与查询');
  cmd
    .command('import')
    .description('导入往年参保历史（CSV/XLSX，列：证件号码、姓名、年度、参保状态、是否发生报销）；可重复导入')
    .argument('<file>', '历史数据文件')
    .requiredOption('--county <代码>', '区县代码（6 位）')
    .option('--all-or-nothing', '有任何一行被拒绝时，整个文件都不导入')
    .option('--report-dir <dir>', '问题报告（CSV 和 XLSX）写到此目录（默认与文件同目录）')
    .option('--json', '输出 JSON')
    .action(
      async (
        file: string,
        o: { county: string; allOrNothing?: boolean; reportDir?: string; json?: boolean },
      ) => {
        const result = await withDatabase((db) =>
          importEnrollmentHistory(db, {
            file,
            county: o.county,
            actor: cliActor(),
            allOrNothing: o.allOrNothing === true,
          }),
        );
        const reports =
          result.rejections.length > 0 ? await writeReports(result.rejections, file, o.reportDir) : [];
        if (o.json) return printJson({ ...result, reports });
        print(
          `读取 ${result.rowsRead} 行${result.years.length ? `（${result.years.join('、')} 年度）` : ''}`,
        );
        print(
          result.applied
            ? `新增 ${result.inserted}，更新 ${result.updated}，未变 ${result.unchanged}，拒绝 ${result.rejected} 行`
            : `有 ${result.rejected} 行被拒绝，按"全部或全不"要求，整个文件未导入。`,
        );
        if (result.rejections.length > 0) {
          print('\n被拒绝的行：');
          print(
            table(
              ['行号', '列', '值', '原因'],
              result.rejections.slice(0, 30).map((r) => [r.rowNumber, r.column, maskId(r.value), r.reason]),
            ),
          );
          print(`问题报告：${reports.join('、')}`);
        }
      },
    );
  cmd
    .command('history')
    .description('一个人各年度的参保状态、待遇期、等待期和来源，以及连续参保激励')
    .argument('<证件号码>')
    .option('--cap <元>', '大病保险原最高支付限额（政策包未载明时用于计算 20% 上限）')
    .option('--json', '输出 JSON')
    .action(async (id: string, o: { cap?: string; json?: boolean }) => {
      const options = o.cap ? { originalCapFen: capFen(o.cap) } : {};
      const h = await withDatabase((db) => personHistory(db.db, shippedPacks(), id, options));
      if (o.json) return printJson(h);
      print(formatHistory(h));
    });
}
