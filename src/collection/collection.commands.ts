// `canbao payment record`: one payment from a channel or an agent, idempotent on its transaction number.
import type { Command } from 'commander';
import { print, printJson, withDatabase } from '../cli/output.js';
import { formatDateZh } from '../policy/dates.js';
import { formatYuan } from '../policy/money.js';
import { OutcomeError } from '../policy/outcome.js';
import { shippedPacks } from '../policy/pack-loader.js';
import { CHANNEL_CODES } from '../policy/vocabulary.js';
import { recordPayment } from './payment.service.js';

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
    .option('--agent <代征人>', '代征人员或单位')
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
            ...(o.agent ? { agent: o.agent } : {}),
          }),
        );
        if (o.json) return printJson(r);
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
      },
    );
}
