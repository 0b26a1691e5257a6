// `canbao campaign open|list|unrenewed`: the year rollover from the command line.
import type { Command } from 'commander';
import { cliActor } from '../audit/audit-log.js';
import { print, printJson, table, withDatabase } from '../cli/output.js';
import { writeCsv, writeXlsx } from '../files/index.js';
import { DEPARTMENT_NAMES, type Department } from '../identities/departments.js';
import { OutcomeError } from '../policy/outcome.js';
import { shippedPacks } from '../policy/pack-loader.js';
import { IDENTITY_NAMES, type IdentityCode } from '../policy/vocabulary.js';
import { maskId } from '../registry/id-document.js';
import {
  allUnrenewed,
  checkUnrenewed,
  listCampaigns,
  openCampaign,
  type UnrenewedRow,
  unrenewed,
} from './campaign.service.js';

const STATUS_NAMES: Record<string, string> = { open: '征缴中', closed: '已结束' };
const LAST_STATUS_NAMES: Record<string, string> = { enrolled: '已参保', suspended: '已参保（后暂停）' };
export const UNRENEWED_HEADERS = [
  '证件号码',
  '姓名',
  '村（社区）',
  '村（社区）代码',
  '联系电话',
  '户号',
  '上年状态',
];

export function categoryName(code: string): string {
  return IDENTITY_NAMES[code as IdentityCode] ?? code;
}

function year(text: string, option = '--year'): number {
  const n = Number(text);
  if (!/^\d{4}$/.test(text.trim()))
    throw new OutcomeError([
      {
        severity: 'error',
        code: 'bad-year',
        expression: `${option} ${text}`,
        message: '年度应为四位数字，如 2026',
      },
    ]);
  return n;
}

export function unrenewedCells(r: UnrenewedRow, fullId: boolean): string[] {
  return [
    fullId ? r.docNo : maskId(r.docNo),
    r.name,
    r.villageName ?? '',
    r.villageCode,
    r.phone ?? '',
    r.householdNo ?? '',
    LAST_STATUS_NAMES[r.lastStatus] ?? r.lastStatus,
  ];
}

export function registerCampaignCommands(program: Command): void {
  const cmd = program
    .command('campaign')
    .description('年度征缴：开办新年度、结转身份、上年已参保本年未续保名单');
  cmd
    .command('open')
    .description('按该年度政策包开办征缴（重复开办返回已有的），结转困难群众身份并列出需重新认定的')
    .requiredOption('--region <区县代码>', '区县代码（6 位）')
    .requiredOption('--year <年度>', '参保年度，如 2026')
    .option('--date <日期>', '开办日期（默认今天）')
    .option('--json', '输出 JSON')
    .action(async (o: { region: string; year: string; date?: string; json?: boolean }) => {
      const result = await withDatabase((db) =>
        openCampaign(db, shippedPacks(), {
          county: o.region,
          year: year(o.year),
          ...(o.date ? { date: o.date } : {}),
          actor: cliActor(),
        }),
      );
      if (o.json) return printJson(result);
      const c = result.campaign;
      const place = c.countyName ? `${c.countyName}（${c.countyCode}）` : c.countyCode;
      print(
        result.created
          ? `已开办${place} ${c.year} 年度征缴：政策包 ${c.packId}（${c.packHash}），开办日期 ${c.openedOn}。`
          : `${place} ${c.year} 年度征缴已于 ${c.openedOn} 开办（政策包 ${c.packId}），本次未作改动。`,
      );
      if (result.packChanged)
        print(`注意：政策包已在开办后修改（开办时 ${c.packHash}），核定请按当前政策包重新进行。`);
      print(
        `集中征缴期 ${result.collection.start} 至 ${result.collection.end}，待遇享受期 ${result.benefit.start} 至 ${result.benefit.end}（${result.collection.cite.source} ${result.collection.cite.clause}）。`,
      );
      print(
        `\n结转身份：征缴期首日（${result.collection.start}）仍有效的困难群众身份 ${result.carriedTotal} 条，直接带入 ${c.year} 年度：`,
      );
      if (result.carried.length > 0)
        print(
          table(
            ['身份', '条数', '人数'],
            result.carried.map((r) => [categoryName(r.category), r.identities, r.persons]),
          ),
        );
      print(
        `\n需重新认定：${result.recertify.total} 条身份在待遇期开始（${result.benefit.start}）前到期，请通知认定部门复核。`,
      );
      if (result.recertify.items.length > 0) {
        print(
          table(
            ['证件号码', '姓名', '身份', '认定部门', '到期日', '村（社区）代码'],
            result.recertify.items
              .slice(0, 30)
              .map((r) => [
                maskId(r.docNo),
                r.name,
                categoryName(r.category),
                DEPARTMENT_NAMES[r.department as Department] ?? r.department,
                r.validTo,
                r.villageCode,
              ]),
          ),
        );
        if (result.recertify.total > 30) print(`……共 ${result.recertify.total} 条，完整清单请用 --json`);
      }
    });

  cmd
    .command('list')
    .description('已开办的年度征缴')
    .option('--region <区县代码>', '只看此区县')
    .option('--json', '输出 JSON')
    .action(async (o: { region?: string; json?: boolean }) => {
      const rows = await withDatabase((db) => listCampaigns(db, o.region ? { county: o.region } : {}));
      if (o.json) return printJson(rows);
      if (rows.length === 0)
        return print('还没有开办任何年度征缴（canbao campaign open --region 区县代码 --year 年度）。');
      print(
        table(
          ['区县', '年度', '状态', '政策包', '开办日期', '开办人', '结转身份'],
          rows.map((r) => [
            r.countyName ? `${r.countyName}（${r.countyCode}）` : r.countyCode,
            r.year,
            STATUS_NAMES[r.status] ?? r.status,
            r.packId,
            r.openedOn,
            r.openedBy ?? '',
            r.carriedIdentities,
          ]),
        ),
      );
    });

  cmd
    .command('unrenewed')
    .description('上年已参保、本年尚未参保的人员（按村、户排列），可导出 CSV/XLSX 供村里逐户动员')
    .requiredOption('--region <区县代码>', '区县代码（6 位）')
    .requiredOption('--year <年度>', '本年度，如 2026（与上年 2025 比较）')
    .option('--village <代码>', '只看此村（12 位）或乡镇（9 位）')
    .option('--csv <file>', '导出为 CSV')
    .option('--xlsx <file>', '导出为 XLSX')
    .option('--full-id', '显示完整证件号码')
    .option('--json', '输出 JSON（前 1000 人及总数）')
    .action(
      async (o: {
        region: string;
        year: string;
        village?: string;
        csv?: string;
        xlsx?: string;
        fullId?: boolean;
        json?: boolean;
      }) => {
        const q = { county: o.region, year: year(o.year), ...(o.village ? { village: o.village } : {}) };
        const fullId = o.fullId === true;
        checkUnrenewed(q);
        await withDatabase(async (db) => {
          const rows = () =>
            (async function* () {
              for await (const r of allUnrenewed(db, q)) yield unrenewedCells(r, fullId);
            })();
          if (o.csv) print(`已导出 ${await writeCsv(o.csv, UNRENEWED_HEADERS, rows())} 人到 ${o.csv}`);
          if (o.xlsx)
            print(
              `已导出 ${await writeXlsx(o.xlsx, '未续保', UNRENEWED_HEADERS, rows(), [22, 10, 22, 16, 14, 20, 16])} 人到 ${o.xlsx}`,
            );
          if (o.csv || o.xlsx) return;
          const page = await unrenewed(db, { ...q, limit: o.json ? 1000 : 50 });
          if (o.json)
            return printJson({
              ...page,
              items: page.items.map((r) => ({ ...r, docNo: fullId ? r.docNo : maskId(r.docNo) })),
            });
          print(
            `${page.countyName ?? page.county} ${q.year - 1} 年度已参保、${q.year} 年度尚未参保：${page.total} 人${o.village ? `（${o.village}）` : ''}`,
          );
          if (page.items.length > 0)
            print(
              table(
                UNRENEWED_HEADERS,
                page.items.map((r) => unrenewedCells(r, fullId)),
              ),
            );
          if (page.total > page.items.length)
            print(`……仅显示前 ${page.items.length} 人，完整名单请用 --csv 或 --xlsx 导出`);
        });
      },
    );
}
