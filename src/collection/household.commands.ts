// `canbao household status|incomplete`: a household's enrollment and payments for a year, and the
// households of a region that enrolled only in part (整户参保).
import type { Command } from 'commander';
import { print, printJson, table, withDatabase } from '../cli/output.js';
import { writeCsv, writeXlsx } from '../files/index.js';
import { formatYuan } from '../policy/money.js';
import { OutcomeError } from '../policy/outcome.js';
import { shippedPacks } from '../policy/pack-loader.js';
import { householdStatus, type IncompleteHousehold, incompleteReport } from './household.service.js';

function yearOption(text: string): number {
  const n = Number(text);
  if (!/^\d{4}$/.test(text.trim()))
    throw new OutcomeError([
      {
        severity: 'error',
        code: 'bad-year',
        expression: '--year',
        message: `参保年度应为四位年份，收到"${text}"`,
      },
    ]);
  return n;
}

const INCOMPLETE_HEADERS = [
  '户号',
  '乡镇（街道）',
  '村（社区）',
  '村代码',
  '户主',
  '联系电话',
  '已参保人数',
  '应参保人数',
  '未参保成员',
];

function incompleteRow(h: IncompleteHousehold): string[] {
  return [
    h.household_no,
    h.township_name ?? '',
    h.village_name ?? '',
    h.village_code ?? '',
    h.head_name ?? '',
    h.phone ?? '',
    String(h.enrolled),
    String(h.eligible),
    h.missing.map((m) => `${m.name}（${m.relation ?? '—'}，${m.docNo}）`).join('、'),
  ];
}

export function registerHouseholdCommands(program: Command): void {
  const cmd = program.command('household').description('家庭户参保缴费情况；整户参保核查');

  cmd
    .command('status')
    .description('一户的参保缴费情况：每个成员的参保状态、应缴、已缴、待遇享受期')
    .argument('<户号或证件号码>', '户号，或任一成员的证件号码')
    .requiredOption('--year <年度>', '参保年度')
    .option('--as-of <日期>', '年龄计算日期（默认今天）')
    .option('--full-id', '显示完整证件号码')
    .option('--json', '输出 JSON')
    .action(async (key: string, o: { year: string; asOf?: string; fullId?: boolean; json?: boolean }) => {
      const list = await withDatabase((db) =>
        householdStatus(db, key, {
          year: yearOption(o.year),
          ...(o.asOf ? { asOf: o.asOf } : {}),
          fullId: o.fullId === true,
        }),
      );
      if (o.json) return printJson(list);
      for (const s of list) {
        const h = s.household;
        print(
          `户号 ${h.household_no}  ${h.village_name ?? ''}（${h.village_code ?? '无村代码'}）  ${s.year} 年度`,
        );
        print(
          table(
            [
              '关系',
              '姓名',
              '证件号码',
              '年龄',
              '参保状态',
              '应缴',
              '已缴',
              '缴费日期',
              '缴费渠道',
              '待遇享受期',
              '等待期',
            ],
            s.members.map((m) => [
              m.relation ?? '—',
              m.name,
              m.docNo,
              m.age ?? '—',
              m.enrollmentStatusName,
              m.owesText,
              m.payment
                ? `${formatYuan(m.payment.amountFen)}${m.payment.status === 'accepted' ? '' : `（${m.payment.statusName}）`}`
                : '—',
              m.payment?.paidOn ?? '—',
              m.payment ? `${m.payment.channelName}${m.payment.agent ? `（${m.payment.agent}）` : ''}` : '—',
              m.benefitStart && m.benefitEnd ? `${m.benefitStart} 至 ${m.benefitEnd}` : '—',
              m.waitingDays === null ? '—' : `${m.waitingDays} 天`,
            ]),
          ),
        );
        const t = s.totals;
        print(
          `合计：${t.members} 人，已参保 ${t.enrolled} 人，尚需缴费 ${formatYuan(t.dueFen)}${t.notAssessed ? `（另有 ${t.notAssessed} 人未核定）` : ''}`,
        );
      }
    });

  cmd
    .command('incomplete')
    .description('整户参保核查：列出部分符合条件的成员已参保、部分未参保的家庭户')
    .requiredOption('--region <地区>', '区县（6位）、乡镇（9位）或村（12位）代码')
    .requiredOption('--year <年度>', '参保年度')
    .option('--xlsx <文件>', '导出为 XLSX')
    .option('--csv <文件>', '导出为 CSV')
    .option('--full-id', '显示完整证件号码')
    .option('--json', '输出 JSON')
    .action(
      async (o: {
        region: string;
        year: string;
        xlsx?: string;
        csv?: string;
        fullId?: boolean;
        json?: boolean;
      }) => {
        const r = await withDatabase((db) =>
          incompleteReport(db, shippedPacks(), {
            region: o.region,
            year: yearOption(o.year),
            fullId: o.fullId === true,
          }),
        );
        if (o.json) return printJson(r);
        print(r.header);
        const rows = r.households.map(incompleteRow);
        if (o.xlsx)
          print(`已导出 ${await writeXlsx(o.xlsx, '未整户参保', INCOMPLETE_HEADERS, rows)} 户到 ${o.xlsx}`);
        if (o.csv) print(`已导出 ${await writeCsv(o.csv, INCOMPLETE_HEADERS, rows)} 户到 ${o.csv}`);
        if (!o.xlsx && !o.csv && rows.length > 0) print(table(INCOMPLETE_HEADERS, rows));
        const missing = r.households.reduce((a, h) => a + h.missing.length, 0);
        print(`共 ${r.households.length} 户、${missing} 人未随户参保。`);
      },
    );
}
