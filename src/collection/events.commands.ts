// `canbao event record|import|list`: life events one at a time or from a department's list.
import type { Command } from 'commander';
import { cliActor } from '../audit/audit-log.js';
import { print, printJson, table, withDatabase } from '../cli/output.js';
import { writeCsv } from '../files/index.js';
import { DEPARTMENT_NAMES, parseDepartment } from '../identities/departments.js';
import { formatYuan } from '../policy/money.js';
import { OutcomeError } from '../policy/outcome.js';
import { shippedPacks } from '../policy/pack-loader.js';
import { maskId } from '../registry/id-document.js';
import { importLifeEvents } from './event-import.service.js';
import { type LifeEventResult, listLifeEvents, recordLifeEvent } from './life-event.service.js';
import { citeText } from './refund.service.js';
import {
  LIFE_EVENT_NAMES,
  LIFE_EVENT_TYPES,
  type LifeEventType,
  parseLifeEventType,
} from './refund-reasons.js';

const STATUS_NAMES: Record<string, string> = {
  registered: '已登记',
  enrolled: '已参保',
  repaired: '已补缴',
  suspended: '暂停',
  terminated: '终止',
};

const bad = (code: string, expression: string, message: string): never => {
  throw new OutcomeError([{ severity: 'error', code, expression, message }]);
};

function eventType(text: string): LifeEventType {
  return (
    parseLifeEventType(text) ??
    bad('bad-type', '--type', `未知的事件类型"${text}"（可选：${LIFE_EVENT_TYPES.join('、')}）`)
  );
}

/** The lines that tell a worker what one event did. */
export function describeEventResult(r: LifeEventResult): string[] {
  const who = `${r.personName}（${maskId(r.docNo)}）`;
  if (r.status === 'already_recorded')
    return [
      `${who} ${r.occurredOn} 的"${LIFE_EVENT_NAMES[r.type]}"已登记（第 ${r.eventId} 号），本次未作任何改动。`,
    ];
  const lines = [`已登记第 ${r.eventId} 号事件：${who} ${r.occurredOn} ${LIFE_EVENT_NAMES[r.type]}。`];
  for (const c of r.personChanges) lines.push(`  ${c}`);
  for (const e of r.enrollments)
    lines.push(
      `  ${e.year} 年度参保：${STATUS_NAMES[e.before] ?? e.before} → ${STATUS_NAMES[e.after] ?? e.after}`,
    );
  for (const f of r.refunds) {
    if (f.due)
      lines.push(
        `  ${f.year} 年度缴费 ${formatYuan(f.paidFen)}：${f.created ? '已生成' : '已有'}第 ${f.refundId} 号退费申请 ${formatYuan(f.amountFen!)}${citeText(f.explanation)}`,
      );
    else
      lines.push(
        `  ${f.year} 年度缴费 ${formatYuan(f.paidFen)}：不予退费。${f.reason}${citeText(f.explanation)}`,
      );
  }
  return lines;
}

export function registerEventCommands(program: Command): void {
  const cmd = program
    .command('event')
    .description('人员事件：死亡、服役、服刑、参加职工医保、迁出及特殊参保情形');
  cmd
    .command('record')
    .description('登记一个事件；死亡、服役、服刑、参加职工医保、迁出会暂停或终止参保，并按政策生成退费申请')
    .requiredOption('--id <证件号码>', '证件号码')
    .requiredOption('--type <类型>', `事件类型：${LIFE_EVENT_TYPES.join('、')}`)
    .requiredOption('--date <日期>', '事件发生日期 YYYY-MM-DD')
    .option('--reported <日期>', '报告（申请）日期，默认今天；退费按此日期是否在待遇享受期开始前判断')
    .option('--source <来源>', '报告部门（卫健、民政 …）', 'manual')
    .option('--insured-elsewhere <地区代码>', '迁出：现参保地的地区代码')
    .option('--note <备注>')
    .option('--json', '输出 JSON')
    .action(
      async (o: {
        id: string;
        type: string;
        date: string;
        reported?: string;
        source: string;
        insuredElsewhere?: string;
        note?: string;
        json?: boolean;
      }) => {
        const source =
          o.source === 'manual'
            ? 'manual'
            : (parseDepartment(o.source) ?? bad('bad-source', '--source', `未知的报告部门"${o.source}"`));
        const r = await withDatabase((db) =>
          recordLifeEvent(db, shippedPacks(), {
            docNo: o.id,
            type: eventType(o.type),
            occurredOn: o.date,
            source,
            actor: cliActor(),
            ...(o.reported ? { reportedOn: o.reported } : {}),
            ...(o.insuredElsewhere ? { insuredElsewhere: o.insuredElsewhere } : {}),
            ...(o.note ? { note: o.note } : {}),
          }),
        );
        if (o.json) return printJson(r);
        print(describeEventResult(r).join('\n'));
      },
    );

  cmd
    .command('import')
    .description('导入事件名单（CSV/XLSX，如卫健、民政的死亡名单）：列"证件号码""姓名""死亡日期"或"事件日期"')
    .argument('<file>', '名单文件')
    .requiredOption('--type <类型>', '名单中事件的类型，如 death')
    .requiredOption('--source <部门>', '报送部门：卫健 或 民政')
    .option('--date-column <列名>', '日期所在列的表头（默认"死亡日期"/"事件日期"）')
    .option('--reported <日期>', '名单报送日期，默认今天')
    .option('--region <代码>', '只接受本地区的人员')
    .option('--all-or-nothing', '有任何一行被拒绝时，整份名单都不导入')
    .option('--report <file>', '把被拒绝的行写入此 CSV 文件')
    .option('--json', '输出 JSON')
    .action(async (file: string, o: Record<string, string | boolean | undefined>) => {
      const type = eventType(String(o.type));
      const source = parseDepartment(String(o.source));
      if (source !== 'health' && source !== 'civil_affairs')
        bad('bad-source', '--source', `事件名单的报送部门应为卫健或民政，而不是"${o.source}"`);
      const r = await withDatabase((db) =>
        importLifeEvents(db, shippedPacks(), {
          file,
          type,
          source: source!,
          actor: cliActor(),
          allOrNothing: o.allOrNothing === true,
          ...(typeof o.dateColumn === 'string' ? { dateColumn: o.dateColumn } : {}),
          ...(typeof o.reported === 'string' ? { reportedOn: o.reported } : {}),
          ...(typeof o.region === 'string' ? { region: o.region } : {}),
        }),
      );
      if (typeof o.report === 'string' && r.rejections.length > 0) {
        await writeCsv(
          o.report,
          ['行号', '列', '值', '原因'],
          r.rejections.map((x) => [String(x.rowNumber), x.column, x.value, x.reason]),
        );
      }
      if (o.json) return printJson(r);
      print(`${DEPARTMENT_NAMES[source!]}${LIFE_EVENT_NAMES[type]}名单 ${r.file}：读取 ${r.rowsRead} 行`);
      print(
        r.applied
          ? `新登记 ${r.recorded}，已登记过 ${r.alreadyRecorded}，拒绝 ${r.rejected} 行；生成退费申请 ${r.refundsCreated} 笔，共 ${formatYuan(r.refundedFen)}`
          : `有 ${r.rejected} 行被拒绝，按"全部或全不"要求，整份名单未导入。`,
      );
      if (r.rejections.length > 0) {
        print('\n被拒绝的行：');
        print(
          table(
            ['行号', '列', '值', '原因'],
            r.rejections.slice(0, 50).map((x) => [x.rowNumber, x.column, maskId(x.value), x.reason]),
          ),
        );
        if (r.rejections.length > 50) print(`……共 ${r.rejections.length} 条，完整清单请用 --report 导出`);
      }
      const changed = r.results.filter((x) => x.status === 'recorded').slice(0, 50);
      if (changed.length > 0) print(`\n${changed.flatMap(describeEventResult).join('\n')}`);
    });

  cmd
    .command('list')
    .description('查看一个人的事件记录')
    .requiredOption('--id <证件号码>', '证件号码')
    .option('--json', '输出 JSON')
    .action(async (o: { id: string; json?: boolean }) => {
      const r = await withDatabase((db) => listLifeEvents(db, o.id));
      if (o.json) return printJson(r);
      if (r.events.length === 0) return print(`${r.name}（${maskId(r.docNo)}）没有事件记录。`);
      print(`${r.name}（${maskId(r.docNo)}）的事件：`);
      print(
        table(
          ['编号', '事件', '日期', '来源', '备注'],
          r.events.map((e) => [
            e.id,
            LIFE_EVENT_NAMES[e.type as LifeEventType] ?? e.type,
            e.occurred_on,
            DEPARTMENT_NAMES[e.source as keyof typeof DEPARTMENT_NAMES] ??
              (e.source === 'manual' ? '手工登记' : e.source),
            e.note ?? '',
          ]),
        ),
      );
    });
}
