// `canbao payment record|household|repair|review|list`: payments from a channel, an agent or a
// counter, idempotent on the transaction or receipt number; repairs of a lapse; held payments.
import type { Command } from 'commander';
import { cliActor } from '../audit/audit-log.js';
import { print, printJson, table, withDatabase } from '../cli/output.js';
import { formatDateZh } from '../policy/dates.js';
import { formatYuan } from '../policy/money.js';
import { OutcomeError } from '../policy/outcome.js';
import { shippedPacks } from '../policy/pack-loader.js';
import { CHANNEL_CODES, CHANNEL_NAMES, type ChannelCode } from '../policy/vocabulary.js';
import { maskId } from '../registry/id-document.js';
import { payHousehold } from './household-payment.service.js';
import { listPayments } from './payment.repository.js';
import { recordPayment } from './payment.service.js';
import { normaliseDocNo } from './registration.service.js';
import { recordRepairPayment } from './repair.service.js';
import { reviewHeldPayment } from './review.service.js';

/** "40", "40.5", "40.50" yuan → fen; anything finer than a fen is refused, never rounded. */
export function yuanToFen(text: string): number {
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) {
    throw new OutcomeError([
      {
        severity: 'error',
        code: 'bad-amount',
        expression: '--amount',
        message: `金额"${text}"无效：应为元，最多两位小数，如 40 或 40.50`,
      },
    ]);
  }
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

export function registerCollectionCommands(program: Command): void {
  const cmd = program.command('payment').description('缴费记录');
  cmd
    .command('record')
    .description('记录一笔缴费：按缴费当日的政策核对应缴金额和业务期；同一交易号重复提交只记一次')
    .requiredOption('--id <证件号码>', '缴费人证件号码')
    .requiredOption('--year <年度>', '参保年度')
    .requiredOption('--amount <元>', '实收金额（元）')
    .requiredOption('--date <日期>', '缴费日期 YYYY-MM-DD')
    .requiredOption('--channel <渠道>', `缴费渠道：${CHANNEL_CODES.join('、')}`)
    .requiredOption('--ref <交易号>', '交易流水号或收据号')
    .option('--agent <代征人员编码>', '代征人员编码（委托代征渠道必填）')
    .option('--hold', '金额不符时不拒收，记为待审核（渠道已收款时使用）')
    .option('--json', '输出 JSON')
    .action(
      async (o: {
        id: string;
        year: string;
        amount: string;
        date: string;
        channel: string;
        ref: string;
        agent?: string;
        hold?: boolean;
        json?: boolean;
      }) => {
        const r = await withDatabase((db) =>
          recordPayment(db, shippedPacks(), {
            docNo: o.id,
            year: Number(o.year),
            amountFen: yuanToFen(o.amount),
            paidOn: o.date,
            channel: o.channel,
            externalNo: o.ref,
            recordedBy: cliActor(),
            onWrongAmount: o.hold ? 'hold' : 'refuse',
            ...(o.agent ? { agent: o.agent } : {}),
          }),
        );
        if (o.json) return printJson(r);
        if (r.status === 'held')
          return print(
            `第 ${r.paymentId} 笔缴费已收下，待审核：${r.reviewReason}。用 canbao payment review 处理。`,
          );
        if (r.status === 'already_recorded')
          return print(
            `此交易号已记录（第 ${r.paymentId} 笔，${r.personName}，${formatYuan(r.amountFen)}），未重复记录。`,
          );
        print(`已记录第 ${r.paymentId} 笔缴费：${r.personName} ${o.year} 年度 ${formatYuan(r.amountFen)}。`);
        if (r.benefitStart && r.benefitEnd) {
          print(
            `待遇享受期：${formatDateZh(r.benefitStart)} 至 ${formatDateZh(r.benefitEnd)}${r.waitingDays ? `（待遇等待期 ${r.waitingDays} 天）` : ''}`,
          );
        }
        if (r.alsoPayYears) print(`还须缴纳 ${r.alsoPayYears.join('、')} 年度的个人缴费部分。`);
      },
    );
  registerHouseholdPayment(cmd);
  registerRepair(cmd);
  registerReview(cmd);
  registerList(cmd);
}

function registerHouseholdPayment(cmd: Command): void {
  cmd
    .command('household')
    .description('为全户已登记未缴费的成员一次收款（一张收据）；同一收据号重复提交不重复记录')
    .argument('<户号或成员证件号码>')
    .requiredOption('--year <年度>', '参保年度')
    .requiredOption('--amount <元>', '全户实收金额（元）')
    .requiredOption('--date <日期>', '缴费日期 YYYY-MM-DD')
    .requiredOption('--channel <渠道>', `缴费渠道：${CHANNEL_CODES.join('、')}`)
    .requiredOption('--ref <收据号>', '收据号或交易流水号')
    .option('--agent <代征人员编码>', '代征人员编码')
    .option('--json', '输出 JSON')
    .action(
      async (
        key: string,
        o: {
          year: string;
          amount: string;
          date: string;
          channel: string;
          ref: string;
          agent?: string;
          json?: boolean;
        },
      ) => {
        const r = await withDatabase((db) =>
          payHousehold(db, shippedPacks(), {
            key,
            year: Number(o.year),
            amountFen: yuanToFen(o.amount),
            paidOn: o.date,
            channel: o.channel,
            externalNo: o.ref,
            recordedBy: cliActor(),
            ...(o.agent ? { agent: o.agent } : {}),
          }),
        );
        if (o.json) return printJson(r);
        print(`户 ${r.householdNo} ${o.year} 年度缴费 ${formatYuan(r.totalFen)}：`);
        print(
          table(
            ['证件号码', '姓名', '金额', '结果', '待遇享受期'],
            r.payments.map((p) => [
              maskId(p.docNo),
              p.name,
              formatYuan(p.result.amountFen),
              p.result.status === 'recorded' ? `已记录（第 ${p.result.paymentId} 笔）` : '此前已记录',
              p.result.benefitStart && p.result.benefitEnd
                ? `${formatDateZh(p.result.benefitStart)}至${formatDateZh(p.result.benefitEnd)}`
                : '',
            ]),
          ),
        );
      },
    );
}

function registerRepair(cmd: Command): void {
  cmd
    .command('repair')
    .description('补缴断保年度（按该年度个人缴费标准），每补缴 1 年减少 1 个月变动待遇等待期')
    .requiredOption('--id <证件号码>', '缴费人证件号码')
    .requiredOption('--missed-year <年度>', '补缴的断保年度')
    .requiredOption('--amount <元>', '实收金额（元）')
    .requiredOption('--date <日期>', '缴费日期 YYYY-MM-DD')
    .requiredOption('--channel <渠道>', `缴费渠道：${CHANNEL_CODES.join('、')}`)
    .requiredOption('--ref <交易号>', '交易流水号或收据号')
    .option('--json', '输出 JSON')
    .action(
      async (o: {
        id: string;
        missedYear: string;
        amount: string;
        date: string;
        channel: string;
        ref: string;
        json?: boolean;
      }) => {
        const r = await withDatabase((db) =>
          recordRepairPayment(db, shippedPacks(), {
            docNo: o.id,
            missedYear: Number(o.missedYear),
            amountFen: yuanToFen(o.amount),
            paidOn: o.date,
            channel: o.channel,
            externalNo: o.ref,
            recordedBy: cliActor(),
          }),
        );
        if (o.json) return printJson(r);
        if (r.status === 'already_recorded')
          return print(`此交易号已记录（第 ${r.paymentId} 笔），未重复记录。`);
        print(
          `已记录第 ${r.paymentId} 笔补缴：${r.personName} ${o.missedYear} 年度 ${formatYuan(r.amountFen)}。`,
        );
        for (const s of r.explanation)
          print(`  ${s.text}${s.cite ? `（${s.cite.document} ${s.cite.clause}）` : ''}`);
      },
    );
}

function registerReview(cmd: Command): void {
  cmd
    .command('review')
    .description('审核金额不符的待审核缴费：受理（多缴部分转退费）或驳回（全额转退费）')
    .argument('<缴费编号>')
    .option('--accept', '受理')
    .option('--reject', '驳回')
    .requiredOption('--note <意见>', '审核意见')
    .option('--json', '输出 JSON')
    .action(async (id: string, o: { accept?: boolean; reject?: boolean; note: string; json?: boolean }) => {
      if (Boolean(o.accept) === Boolean(o.reject)) {
        throw new OutcomeError([
          {
            severity: 'error',
            code: 'decision',
            expression: '--accept/--reject',
            message: '请选择 --accept 或 --reject 之一',
          },
        ]);
      }
      const r = await withDatabase((db) =>
        reviewHeldPayment(db, shippedPacks(), {
          paymentId: Number(id),
          decision: o.accept ? 'accept' : 'reject',
          note: o.note,
          actor: cliActor(),
        }),
      );
      if (o.json) return printJson(r);
      print(r.message);
    });
}

const PAYMENT_STATUS_NAMES: Record<string, string> = {
  accepted: '已受理',
  review: '待审核',
  rejected: '已驳回',
};

function registerList(cmd: Command): void {
  cmd
    .command('list')
    .description('查询缴费记录（证件号码默认脱敏）')
    .option('--id <证件号码>', '某人的缴费')
    .option('--region <地区代码>', '区县、乡镇或村代码')
    .option('--year <年度>', '参保年度')
    .option('--status <状态>', '状态：accepted、review、rejected')
    .option('--limit <条数>', '最多显示条数', '50')
    .option('--full-id', '显示完整证件号码')
    .option('--json', '输出 JSON')
    .action(
      async (o: {
        id?: string;
        region?: string;
        year?: string;
        status?: string;
        limit: string;
        fullId?: boolean;
        json?: boolean;
      }) => {
        const rows = await withDatabase((db) =>
          listPayments(db, {
            ...(o.id ? { docNo: normaliseDocNo(o.id) } : {}),
            ...(o.region ? { region: o.region } : {}),
            ...(o.year ? { year: Number(o.year) } : {}),
            ...(o.status ? { status: o.status } : {}),
            limit: Number(o.limit),
          }),
        );
        const shown = rows.map((r) => ({ ...r, doc_no: o.fullId ? r.doc_no : maskId(r.doc_no) }));
        if (o.json) return printJson(shown);
        if (shown.length === 0) return print('没有符合条件的缴费记录。');
        print(
          table(
            ['编号', '证件号码', '姓名', '年度', '金额', '日期', '渠道', '交易号', '状态'],
            shown.map((r) => [
              r.id,
              r.doc_no,
              r.name,
              r.year,
              formatYuan(r.amount_fen),
              r.paid_on,
              CHANNEL_NAMES[r.channel as ChannelCode] ?? r.channel,
              r.external_no,
              `${PAYMENT_STATUS_NAMES[r.status] ?? r.status}${r.kind === 'repair' ? '（补缴）' : ''}${r.review_reason ? `：${r.review_reason}` : ''}`,
            ]),
          ),
        );
      },
    );
}
