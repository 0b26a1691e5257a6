// `canbao refund request|approve|reject|payout|list|certifications`: the refund workflow.
import { extname } from 'node:path';
import type { Command } from 'commander';
import { cliActor } from '../audit/audit-log.js';
import { print, printJson, table, withDatabase } from '../cli/output.js';
import { writeCsv, writeXlsx } from '../files/index.js';
import { formatYuan } from '../policy/money.js';
import { OutcomeError } from '../policy/outcome.js';
import { shippedPacks } from '../policy/pack-loader.js';
import { maskId } from '../registry/id-document.js';
import type { PayoutLine } from './refund.repository.js';
import {
  approveRefund,
  citeText,
  listRefunds,
  payoutRefunds,
  rejectRefund,
  requestRefund,
  scanLaterCertifications,
} from './refund.service.js';
import {
  ALL_REFUND_REASONS,
  type AnyRefundReason,
  REFUND_REASON_LABELS,
  REFUND_STATE_NAMES,
  REFUND_STATES,
} from './refund-reasons.js';

const bad = (code: string, expression: string, message: string): never => {
  throw new OutcomeError([{ severity: 'error', code, expression, message }]);
};

function year(text: string): number {
  const n = Number(text);
  return Number.isInteger(n) && n >= 2000 && n <= 2100
    ? n
    : bad('bad-year', '--year', `年度"${text}"无效，如 2025`);
}

function refundId(text: string): number {
  const n = Number(text);
  return Number.isInteger(n) && n > 0 ? n : bad('bad-id', '退费编号', `退费编号"${text}"无效`);
}

/** Headers of the payout list for the tax bureau; it carries full ID numbers on purpose. */
export const PAYOUT_HEADERS = [
  '退费编号',
  '区县代码',
  '参保年度',
  '证件号码（完整，仅供税务退付）',
  '姓名',
  '退费原因',
  '退费金额（元）',
  '原缴费金额（元）',
  '缴费日期',
  '缴费渠道',
  '原交易流水号',
] as const;

const yuan = (fen: number) => (fen / 100).toFixed(2);

export function payoutRow(l: PayoutLine): string[] {
  return [
    String(l.id),
    l.county_code,
    String(l.year),
    l.doc_no,
    l.name,
    REFUND_REASON_LABELS[l.reason] ?? l.reason,
    yuan(l.amount_fen),
    yuan(l.payment_amount_fen),
    l.paid_on,
    l.channel,
    l.external_no,
  ];
}

export function registerRefundCommands(program: Command): void {
  const cmd = program.command('refund').description('退费：申请、审核、驳回、交税务退付');
  cmd
    .command('request')
    .description('申请退费：按政策包判断是否可退、退多少；不可退时说明原因和依据')
    .requiredOption('--id <证件号码>', '缴费人证件号码')
    .requiredOption('--year <年度>', '参保年度')
    .requiredOption(
      '--reason <原因>',
      `退费原因：${ALL_REFUND_REASONS.map((r) => `${r}（${REFUND_REASON_LABELS[r]}）`).join('、')}`,
    )
    .option('--date <日期>', '申请日期，默认今天')
    .option('--note <备注>')
    .option('--json', '输出 JSON')
    .action(
      async (o: {
        id: string;
        year: string;
        reason: string;
        date?: string;
        note?: string;
        json?: boolean;
      }) => {
        const r = await withDatabase((db) =>
          requestRefund(db, shippedPacks(), {
            docNo: o.id,
            year: year(o.year),
            reason: o.reason,
            actor: cliActor(),
            ...(o.date ? { requestedOn: o.date } : {}),
            ...(o.note ? { note: o.note } : {}),
          }),
        );
        if (o.json) return printJson(r);
        const f = r.refund;
        print(
          `${r.created ? '已生成' : '已有'}第 ${f.id} 号退费申请：${r.personName} ${f.year} 年度，${REFUND_REASON_LABELS[f.reason]}，退 ${formatYuan(f.amount_fen)}（${REFUND_STATE_NAMES[f.state]}）${citeText(f.explanation)}`,
        );
        for (const s of f.explanation) print(`  ${s.text}`);
      },
    );

  cmd
    .command('approve')
    .description('审核同意一笔已申请的退费')
    .argument('<退费编号>')
    .option('--note <意见>')
    .action(async (id: string, o: { note?: string }) => {
      const r = await withDatabase((db) => approveRefund(db, refundId(id), cliActor(), o.note));
      print(`第 ${r.id} 号退费已审核同意，${formatYuan(r.amount_fen)}，待交税务退付。`);
    });

  cmd
    .command('reject')
    .description('驳回一笔已申请的退费（须写明理由）')
    .argument('<退费编号>')
    .requiredOption('--note <理由>', '驳回理由')
    .action(async (id: string, o: { note: string }) => {
      const r = await withDatabase((db) => rejectRefund(db, refundId(id), cliActor(), o.note));
      print(`第 ${r.id} 号退费已驳回：${r.decision_note}`);
    });

  cmd
    .command('payout')
    .description('把本地区已审核同意的退费作为一个批次交税务退付（状态改为已交税务退付），并导出退付清单')
    .requiredOption('--region <代码>', '地区代码')
    .requiredOption('--batch <批次>', '批次名称；同一批次再次执行只重新导出清单')
    .option('--out <file>', '退付清单文件（.csv 或 .xlsx），含完整证件号码，仅供报送税务部门')
    .option('--json', '输出 JSON')
    .action(async (o: { region: string; batch: string; out?: string; json?: boolean }) => {
      if (o.out && !['.csv', '.xlsx'].includes(extname(o.out).toLowerCase()))
        bad('bad-out', '--out', '退付清单应为 .csv 或 .xlsx 文件');
      const r = await withDatabase((db) =>
        payoutRefunds(db, { region: o.region, batch: o.batch, actor: cliActor() }),
      );
      if (o.out) {
        const rows = r.lines.map(payoutRow);
        if (extname(o.out).toLowerCase() === '.xlsx')
          await writeXlsx(
            o.out,
            '退费退付清单',
            PAYOUT_HEADERS,
            rows,
            [10, 10, 10, 22, 10, 24, 14, 14, 12, 12, 22],
          );
        else await writeCsv(o.out, PAYOUT_HEADERS, rows);
      }
      if (o.json) return printJson(r);
      print(
        r.alreadyPaid
          ? `批次"${r.batch}"此前已交税务退付（${r.lines.length} 笔，${formatYuan(r.totalFen)}），本次未改动任何退费。`
          : `批次"${r.batch}"：${r.lines.length} 笔退费交税务退付，共 ${formatYuan(r.totalFen)}。`,
      );
      if (o.out) print(`退付清单已写入 ${o.out}（含完整证件号码，仅限报送税务部门，请妥善保管）。`);
    });

  cmd
    .command('list')
    .description('退费清单（证件号码脱敏）')
    .requiredOption('--region <代码>', '地区代码')
    .option('--year <年度>', '参保年度')
    .option(
      '--state <状态>',
      `状态：${REFUND_STATES.map((s) => `${s}（${REFUND_STATE_NAMES[s]}）`).join('、')}`,
    )
    .option('--full-id', '显示完整证件号码')
    .option('--json', '输出 JSON')
    .action(
      async (o: { region: string; year?: string; state?: string; fullId?: boolean; json?: boolean }) => {
        const rows = await withDatabase((db) =>
          listRefunds(db, {
            region: o.region,
            ...(o.year ? { year: year(o.year) } : {}),
            ...(o.state ? { state: o.state } : {}),
          }),
        );
        const shown = rows.map((r) => ({ ...r, doc_no: o.fullId ? r.doc_no : maskId(r.doc_no) }));
        if (o.json) return printJson(shown);
        if (shown.length === 0) return print('没有符合条件的退费。');
        print(
          table(
            ['编号', '年度', '证件号码', '姓名', '原因', '金额', '状态', '申请日期', '批次'],
            shown.map((r) => [
              r.id,
              r.year,
              r.doc_no,
              r.name,
              REFUND_REASON_LABELS[r.reason as AnyRefundReason] ?? r.reason,
              formatYuan(r.amount_fen),
              REFUND_STATE_NAMES[r.state],
              r.requested_on,
              r.payout_batch ?? '',
            ]),
          ),
        );
        print(`共 ${shown.length} 笔，${formatYuan(shown.reduce((s, r) => s + r.amount_fen, 0))}`);
      },
    );

  cmd
    .command('certifications')
    .description('缴费后在集中征缴期内被认定为困难人员的，按政策退还资助部分（如高阳县）')
    .requiredOption('--region <代码>', '地区代码')
    .requiredOption('--year <年度>', '参保年度')
    .option('--date <日期>', '申请日期，默认今天')
    .option('--json', '输出 JSON')
    .action(async (o: { region: string; year: string; date?: string; json?: boolean }) => {
      const r = await withDatabase((db) =>
        scanLaterCertifications(db, shippedPacks(), {
          region: o.region,
          year: year(o.year),
          actor: cliActor(),
          ...(o.date ? { requestedOn: o.date } : {}),
        }),
      );
      if (o.json) return printJson(r);
      print(
        `缴费后新认定身份的 ${r.candidates} 人：新生成退费申请 ${r.created} 笔，共 ${formatYuan(r.refundedFen)}；已有 ${r.existing} 笔；不予退费 ${r.notDue.length} 人。`,
      );
      if (r.notDue.length > 0)
        print(
          table(
            ['证件号码', '姓名', '原因'],
            r.notDue.slice(0, 50).map((n) => [maskId(n.docNo), n.name, n.reason]),
          ),
        );
    });
}
