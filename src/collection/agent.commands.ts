// `canbao agent add|list|ledger|handover|overdue`: entrusted agents (委托代征) and 限期限额缴库.
import type { Command } from 'commander';
import { cliActor } from '../audit/audit-log.js';
import { print, printJson, table, withDatabase } from '../cli/output.js';
import { formatYuan } from '../policy/money.js';
import { OutcomeError } from '../policy/outcome.js';
import {
  AGENT_KIND_NAMES,
  type AgentRow,
  addAgent,
  agentLedger,
  agentList,
  overdueAgents,
  recordHandover,
} from './agent.service.js';
import type { AgentBalance } from './agent-ledger.js';
import { yuanToFen } from './collection.commands.js';

function wholeDays(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n <= 0)
    throw new OutcomeError([
      {
        severity: 'error',
        code: 'bad-days',
        expression: '--days',
        message: `缴库期限应为正整数天数，收到"${text}"`,
      },
    ]);
  return n;
}

const agentTitle = (a: AgentRow): string =>
  `${a.name}（${a.code}，${AGENT_KIND_NAMES[a.kind]}，${a.areaName ?? ''}${a.areaCode ?? a.countyCode}）`;

function balanceLine(b: AgentBalance): string {
  return `截至 ${b.asOf}：代收 ${b.collectedCount} 笔 共 ${formatYuan(b.collectedFen)}；已缴库 ${formatYuan(b.handedOverFen)}；未缴库 ${formatYuan(b.outstandingFen)}`;
}

export function registerAgentCommands(program: Command): void {
  const cmd = program.command('agent').description('委托代征：代征人员登记、代收台账、限期限额缴库');

  cmd
    .command('add')
    .description('登记代征人员（村居委会、乡镇、学校等）及其缴库期限和限额')
    .requiredOption('--code <编码>', '代征人员编码（缴费记录的 --agent 填此编码）')
    .requiredOption('--name <名称>', '代征人员或单位名称')
    .requiredOption('--kind <类型>', 'village 村居、township 乡镇、school 学校、other 其他')
    .requiredOption('--area <区划代码>', '所在村（12位）或乡镇（9位）代码')
    .option('--days <天数>', '代收款项须在多少天内缴库', '7')
    .option('--limit <元>', '未缴库金额达到多少元须立即缴库', '50000')
    .option('--json', '输出 JSON')
    .action(
      async (o: {
        code: string;
        name: string;
        kind: string;
        area: string;
        days: string;
        limit: string;
        json?: boolean;
      }) => {
        const r = await withDatabase((db) =>
          addAgent(db, {
            code: o.code,
            name: o.name,
            kind: o.kind,
            area: o.area,
            handoverDays: wholeDays(o.days),
            handoverLimitFen: yuanToFen(o.limit),
            actor: cliActor(),
          }),
        );
        if (o.json) return printJson(r);
        const a = r.agent;
        print(
          `${r.status === 'added' ? '已登记' : '此编码已登记，未重复登记'}：${agentTitle(a)}，缴库期限 ${a.handoverDays} 天，限额 ${formatYuan(a.handoverLimitFen)}`,
        );
      },
    );

  cmd
    .command('list')
    .description('代征人员列表')
    .option('--region <地区>', '区县、乡镇或村代码')
    .option('--json', '输出 JSON')
    .action(async (o: { region?: string; json?: boolean }) => {
      const rows = await withDatabase((db) => agentList(db, o.region));
      if (o.json) return printJson(rows);
      if (rows.length === 0) return print('没有登记的代征人员。');
      print(
        table(
          ['编码', '名称', '类型', '所在地区', '缴库期限', '限额', '状态'],
          rows.map((a) => [
            a.code,
            a.name,
            AGENT_KIND_NAMES[a.kind],
            `${a.areaName ?? ''}（${a.areaCode ?? a.countyCode}）`,
            `${a.handoverDays} 天`,
            formatYuan(a.handoverLimitFen),
            a.active ? '在用' : '停用',
          ]),
        ),
      );
      print(`共 ${rows.length} 个代征人员。`);
    });

  cmd
    .command('ledger')
    .description('代征台账：代收（按日）、已缴库、未缴库，以及超期、超限额提醒')
    .argument('<编码>', '代征人员编码')
    .option('--as-of <日期>', '截至日期（默认今天）')
    .option('--json', '输出 JSON')
    .action(async (code: string, o: { asOf?: string; json?: boolean }) => {
      const l = await withDatabase((db) => agentLedger(db, code, o.asOf));
      if (o.json) return printJson(l);
      print(
        `代征人员 ${agentTitle(l.agent)}：缴库期限 ${l.agent.handoverDays} 天，限额 ${formatYuan(l.agent.handoverLimitFen)}`,
      );
      print(balanceLine(l));
      if (l.byDay.length) {
        print('\n按日代收：');
        print(
          table(
            ['日期', '笔数', '金额'],
            l.byDay.map((d) => [d.date, d.count, formatYuan(d.totalFen)]),
          ),
        );
      }
      if (l.handovers.length) {
        print('\n缴库记录：');
        print(
          table(
            ['日期', '凭证号', '金额'],
            l.handovers.map((h) => [h.handedOn, h.receiptNo, formatYuan(h.amountFen)]),
          ),
        );
      }
      if (l.oldestUnhanded)
        print(
          `\n最早未缴库的代收款：${l.oldestUnhanded.date} 代收，尚余 ${formatYuan(l.oldestUnhanded.amountFen)}，已持有 ${l.oldestUnhanded.daysHeld} 天，应于 ${l.oldestUnhanded.dueBy} 前缴库`,
        );
      if (l.alerts.length) {
        print('\n提醒：');
        for (const a of l.alerts) print(`· ${a.message}`);
        process.exitCode = 1;
      } else print('\n无超期、超限额情况。');
    });

  cmd
    .command('handover')
    .description('登记一次缴库；同一凭证号重复提交只记一次')
    .argument('<编码>', '代征人员编码')
    .requiredOption('--amount <元>', '缴库金额（元）')
    .requiredOption('--date <日期>', '缴库日期 YYYY-MM-DD')
    .requiredOption('--receipt <凭证号>', '缴库凭证（收据）号')
    .option('--json', '输出 JSON')
    .action(async (code: string, o: { amount: string; date: string; receipt: string; json?: boolean }) => {
      const r = await withDatabase((db) =>
        recordHandover(db, {
          agentCode: code,
          amountFen: yuanToFen(o.amount),
          handedOn: o.date,
          receiptNo: o.receipt,
          actor: cliActor(),
        }),
      );
      if (o.json) return printJson(r);
      const h = r.handover;
      print(
        r.status === 'recorded'
          ? `已登记缴库：${h.agentCode} ${h.handedOn} ${formatYuan(h.amountFen)}（凭证号 ${h.receiptNo}），尚未缴库 ${formatYuan(r.outstandingFen)}`
          : `凭证号 ${h.receiptNo} 已登记（${h.handedOn} ${formatYuan(h.amountFen)}），未重复登记`,
      );
    });

  cmd
    .command('overdue')
    .description('列出地区内超期或超限额未缴库的代征人员')
    .requiredOption('--region <地区>', '区县、乡镇或村代码')
    .option('--as-of <日期>', '截至日期（默认今天）')
    .option('--json', '输出 JSON')
    .action(async (o: { region: string; asOf?: string; json?: boolean }) => {
      const rows = await withDatabase((db) => overdueAgents(db, o.region, o.asOf));
      if (o.json) return printJson(rows);
      if (rows.length === 0) return print(`${o.region}：没有超期或超限额未缴库的代征人员。`);
      print(
        table(
          ['编码', '名称', '所在地区', '未缴库', '超期未缴', '最早未缴日期', '持有天数'],
          rows.map(({ agent: a, balance: b }) => [
            a.code,
            a.name,
            `${a.areaName ?? ''}（${a.areaCode ?? a.countyCode}）`,
            formatYuan(b.outstandingFen),
            formatYuan(b.overdueFen),
            b.oldestUnhanded?.date ?? '—',
            b.oldestUnhanded?.daysHeld ?? '—',
          ]),
        ),
      );
      for (const { balance } of rows) for (const a of balance.alerts) print(`· ${a.message}`);
      print(`共 ${rows.length} 个代征人员需督促缴库。`);
      process.exitCode = 1;
    });
}
