// `canbao report coverage|trend|keygroups|ranking|bulletin|settlement|worklist|followup|quality|
// targets|targets-set` and `canbao demo campaign`: every report answers from the database, prints a
// Chinese table, and writes --json, --xlsx FILE or --html FILE where that makes sense.
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { cliActor } from '../audit/audit-log.js';
import { print, printJson, table, withDatabase } from '../cli/output.js';
import { shippedPacks } from '../policy/pack-loader.js';
import { buildBulletin, bulletinHtml, writeBulletinXlsx } from './bulletin.service.js';
import { coverageReport, trendReport } from './coverage.service.js';
import { demoCampaign } from './demo-campaign.js';
import { keyGroupReport } from './keygroups.service.js';
import { qualityReport } from './quality.service.js';
import { rankingReport } from './ranking.service.js';
import { n, pct, writeWorkbook, yuan } from './report-output.js';
import { reportError } from './report-scope.js';
import { SETTLEMENT_PERSON_HEADERS, settlementPersonCells, settlementReport } from './settlement.service.js';
import { listTownshipTargets, setTownshipTarget } from './targets.service.js';
import { recordFollowup, WORKLIST_HEADERS, worklistCells, worklistReport } from './worklist.service.js';

interface Common {
  region: string;
  year: string;
  asOf?: string;
  json?: boolean;
  xlsx?: string;
  html?: string;
  fullId?: boolean;
  limit?: string;
  since?: string;
}

function int(text: string, option: string): number {
  if (!/^\d+$/.test(text.trim())) throw reportError('bad_option', option, `应为正整数，收到“${text}”`);
  return Number(text);
}

function input(o: Common) {
  return {
    region: o.region,
    year: int(o.year, '--year'),
    ...(o.asOf ? { asOf: o.asOf } : {}),
    ...(o.limit ? { limit: int(o.limit, '--limit') } : {}),
    ...(o.since ? { since: o.since } : {}),
    fullId: o.fullId === true,
  };
}

function scoped(cmd: Command, regionHelp = '地区：6 位区县（或地市）、9 位乡镇或 12 位村居代码'): Command {
  return cmd
    .requiredOption('--region <地区代码>', regionHelp)
    .requiredOption('--year <年度>', '参保年度')
    .option('--as-of <日期>', '统计截至日期 YYYY-MM-DD（默认今天）')
    .option('--json', '输出 JSON');
}

export function registerReportCommands(program: Command): void {
  program.enablePositionalOptions();
  const report = program
    .command('report')
    .description('参保统计报表：参保率、重点人群、乡镇排名、工作通报、资助资金结算、工作清单、数据质量')
    .enablePositionalOptions();

  scoped(report.command('coverage').description('参保率：区县、乡镇、村居逐级统计，对照目标、阶段目标和上年'))
    .option('--level <层级>', '只显示到此层级：county、township 或 village', 'village')
    .option('--xlsx <文件>', '写出 XLSX')
    .action(async (o: Common & { level: string }) => {
      const depth = { county: 6, township: 9, village: 12 }[o.level];
      if (!depth) throw reportError('bad_option', '--level', '层级只能是 county、township 或 village');
      await withDatabase(async (db) => {
        const r = await coverageReport(db, shippedPacks(), input(o));
        const lines = r.lines.filter((l) => l.code.length <= depth);
        if (o.xlsx)
          await writeWorkbook(o.xlsx, [
            {
              name: '参保率',
              headers: [
                '层级',
                '区划代码',
                '名称',
                '应参保',
                '已参保',
                '未参保',
                '基数',
                '基数来源',
                '参保率(%)',
                '是否达标',
                '阶段目标日期',
                '阶段目标(%)',
                '上年参保',
                '较上年',
              ],
              rows: lines.map((l) => [
                { total: '合计', county: '区县', township: '乡镇', village: '村居' }[l.level],
                l.code,
                l.name,
                String(l.eligible),
                String(l.enrolled),
                String(l.notEnrolled),
                String(l.denominator),
                l.denominatorSource === 'statistics' ? '统计部门常住人口' : '花名册应参保',
                l.ratePercent === null ? '' : l.ratePercent.toFixed(2),
                l.meetsTarget === null ? '' : l.meetsTarget ? '是' : '否',
                l.phaseTarget?.dueOn ?? '',
                l.phaseTarget ? String(l.phaseTarget.ratePercent) : '',
                String(l.enrolledLastYear),
                String(l.changeFromLastYear),
              ]),
            },
          ]);
        if (o.json) return printJson({ ...r, lines });
        print(
          `${r.regionName} ${r.year} 年度参保率（截至 ${r.asOf}）；目标 ${r.target.overallPercent}%（${r.target.citation}）`,
        );
        print(
          table(
            ['名称', '代码', '应参保', '已参保', '参保率', '目标', '阶段目标', '上年', '较上年'],
            lines.map((l) => [
              `${'  '.repeat(Math.max(0, (l.code.length - r.region.length) / 3))}${l.name}`,
              l.code,
              n(l.denominator),
              n(l.enrolled),
              pct(l.ratePercent),
              l.meetsTarget === null ? '—' : l.meetsTarget ? '达标' : '未达标',
              l.phaseTarget ? `${l.phaseTarget.dueOn} ${l.phaseTarget.ratePercent}%` : '',
              n(l.enrolledLastYear),
              `${l.changeFromLastYear >= 0 ? '+' : ''}${n(l.changeFromLastYear)}`,
            ]),
          ),
        );
        if (r.lines.some((l) => l.denominatorSource === 'registry'))
          print(
            '\n注：未导入统计部门常住人口基数的地区，以花名册应参保人数（不含职工医保、外地参保、死亡、迁出）为分母。',
          );
        if (o.xlsx) print(`\n已写出 ${o.xlsx}`);
      });
    });

  scoped(report.command('trend').description('参保进度趋势：按日、按周累计参保人数')).action(
    async (o: Common) => {
      await withDatabase(async (db) => {
        const t = await trendReport(db, shippedPacks(), input(o));
        if (o.json) return printJson(t);
        print(`${t.region} ${t.year} 年度参保进度（${t.from} 至 ${t.asOf}，按周）`);
        print(
          table(
            ['周起', '周止', '本周新增', '累计'],
            t.weeks.map((w) => [w.weekStart, w.weekEnd, n(w.added), n(w.cumulative)]),
          ),
        );
      });
    },
  );

  scoped(report.command('keygroups').description('重点人群参保情况及未参保人员名单'))
    .option('--xlsx <文件>', '写出 XLSX（各人群统计和未参保名单）')
    .option('--limit <人数>', '名单最多人数', '1000')
    .option('--full-id', '名单显示完整证件号码')
    .action(async (o: Common) => {
      await withDatabase(async (db) => {
        const r = await keyGroupReport(db, shippedPacks(), input(o));
        if (o.xlsx)
          await writeWorkbook(o.xlsx, [
            {
              name: '重点人群',
              headers: ['人群', '人数', '已参保', '未参保', '参保率(%)', '目标(%)'],
              rows: r.groups.map((g) => [
                g.name,
                String(g.members),
                String(g.enrolled),
                String(g.missing),
                g.ratePercent?.toFixed(2) ?? '',
                g.targetPercent === null ? '' : String(g.targetPercent),
              ]),
            },
            {
              name: '未参保名单',
              headers: ['村（社区）', '户编号', '姓名', '证件号码', '联系电话', '出生日期', '所属人群'],
              rows: r.missing.map((m) => [
                m.villageName,
                m.householdNo,
                m.name,
                m.id,
                m.phone,
                m.birthDate,
                m.groups.join('、'),
              ]),
            },
          ]);
        if (o.json) return printJson(r);
        print(`${r.regionName} ${r.year} 年度重点人群参保情况（截至 ${r.asOf}；目标依据 ${r.citation}）`);
        print(
          table(
            ['人群', '人数', '已参保', '未参保', '参保率', '目标'],
            r.groups.map((g) => [
              g.name,
              n(g.members),
              n(g.enrolled),
              n(g.missing),
              pct(g.ratePercent),
              g.targetPercent === null ? '—' : `${g.targetPercent}%`,
            ]),
          ),
        );
        print(
          `\n未参保人员 ${r.missing.length}${r.missingTruncated ? '+（已截断，用 --limit 或 --xlsx）' : ''} 人：`,
        );
        print(
          table(
            ['村（社区）', '户编号', '姓名', '证件号码', '电话', '人群'],
            r.missing
              .slice(0, 50)
              .map((m) => [m.villageName, m.householdNo, m.name, m.id, m.phone, m.groups.join('、')]),
          ),
        );
        if (o.xlsx) print(`\n已写出 ${o.xlsx}`);
      });
    });

  scoped(report.command('ranking').description('乡镇（街道）参保率排名：本期、上期、变化'))
    .option('--since <日期>', '上期日期（默认按政策包规定的排名频次）')
    .option('--xlsx <文件>', '写出 XLSX')
    .action(async (o: Common) => {
      await withDatabase(async (db) => {
        const r = await rankingReport(db, shippedPacks(), input(o));
        const headers = [
          '名次',
          '乡镇（街道）',
          '已参保',
          '应参保',
          '参保率',
          '上期参保率',
          '较上期(百分点)',
          '上期名次',
        ];
        const rows = r.lines.map((l) => [
          String(l.rank),
          l.name,
          n(l.enrolled),
          n(l.eligible),
          pct(l.ratePercent),
          pct(l.previousRatePercent),
          l.changePoints === null ? '—' : l.changePoints.toFixed(2),
          l.previousRank === null ? '—' : String(l.previousRank),
        ]);
        if (o.xlsx) await writeWorkbook(o.xlsx, [{ name: '乡镇排名', headers, rows }]);
        if (o.json) return printJson(r);
        print(
          `${r.regionName} ${r.year} 年度乡镇参保率排名（${r.previousAsOf} → ${r.asOf}；${r.rhythm}；目标 ${r.targetPercent}%）`,
        );
        print(table(headers, rows));
        if (o.xlsx) print(`\n已写出 ${o.xlsx}`);
      });
    });

  scoped(report.command('bulletin').description('参保工作通报：可打印的 HTML（A4）和 XLSX，含图表'))
    .option('--since <日期>', '上期日期（默认按政策包规定的通报频次）')
    .option('--html <文件>', '写出 HTML（浏览器打印为 A4）')
    .option('--xlsx <文件>', '写出 XLSX')
    .action(async (o: Common) => {
      await withDatabase(async (db) => {
        const b = await buildBulletin(db, shippedPacks(), input(o));
        if (o.html) await writeFile(o.html, bulletinHtml(b), 'utf8');
        if (o.xlsx) await writeBulletinXlsx(b, o.xlsx);
        if (o.json) return printJson(b);
        const h = b.headline;
        print(`${b.title}（截至 ${b.asOf}）`);
        print(
          `已参保 ${n(h.enrolled)} 人 / ${n(h.denominator)}，参保率 ${pct(h.ratePercent)}，目标 ${h.targetPercent}%（${h.citation}）；本期新增 ${n(h.enrolledThisPeriod)} 人；上年 ${n(h.enrolledLastYear)} 人`,
        );
        for (const f of [o.html, o.xlsx]) if (f) print(`已写出 ${f}`);
        if (!o.html && !o.xlsx) print('用 --html 文件 或 --xlsx 文件 写出通报。');
      });
    });

  scoped(
    report.command('settlement').description('资助参保资金结算：按资金来源、资助类别、乡镇汇总，附逐人明细'),
  )
    .option('--xlsx <文件>', '写出 XLSX（汇总和逐人明细）')
    .option('--full-id', '明细显示完整证件号码')
    .action(async (o: Common) => {
      await withDatabase(async (db) => {
        const { report: r, query } = await settlementReport(db, shippedPacks(), input(o));
        if (o.xlsx)
          await writeWorkbook(o.xlsx, [
            {
              name: '汇总',
              headers: [
                '资金来源',
                '资助类别',
                '乡镇',
                '资助人数',
                '核定资助(元)',
                '已参保人数',
                '已结算资助(元)',
                '未结算资助(元)',
              ],
              rows: r.lines.map((l) => [
                l.fundingSourceName,
                l.categoryName,
                l.townshipName,
                String(l.persons),
                yuan(l.assessedFen),
                String(l.settledPersons),
                yuan(l.settledFen),
                yuan(l.unsettledFen),
              ]),
            },
            {
              name: '逐人明细',
              headers: SETTLEMENT_PERSON_HEADERS,
              rows: settlementPersonCells(db, query, o.fullId === true),
            },
          ]);
        if (o.json) return printJson(r);
        print(`${r.regionName} ${r.year} 年度资助参保资金结算（截至 ${r.asOf}；政策包 ${r.packId}）`);
        print(
          table(
            ['资金来源', '资助类别', '人数', '核定资助(元)', '已参保', '已结算(元)', '未结算(元)'],
            r.lines
              .filter((l) => l.level !== 'township')
              .map((l) => [
                l.level === 'category' ? '' : l.fundingSourceName,
                l.categoryName,
                n(l.persons),
                yuan(l.assessedFen),
                n(l.settledPersons),
                yuan(l.settledFen),
                yuan(l.unsettledFen),
              ]),
          ),
        );
        if (o.xlsx) print(`\n已写出 ${o.xlsx}（含按乡镇汇总和逐人明细）`);
      });
    });

  scoped(
    report.command('worklist').description('村（社区）工作清单：按优先级列出需上门或电话动员的人员'),
    '地区：12 位村居或 9 位乡镇代码（也可 6 位区县）',
  )
    .option('--xlsx <文件>', '写出 XLSX')
    .option('--limit <人数>', '最多人数', '5000')
    .option('--full-id', '显示完整证件号码')
    .action(async (o: Common) => {
      await withDatabase(async (db) => {
        const r = await worklistReport(db, shippedPacks(), input(o));
        if (o.xlsx)
          await writeWorkbook(o.xlsx, [
            { name: '工作清单', headers: WORKLIST_HEADERS, rows: r.entries.map(worklistCells) },
          ]);
        if (o.json) return printJson(r);
        print(
          `${r.regionName} ${r.year} 年度工作清单（截至 ${r.asOf}，共 ${r.entries.length}${r.truncated ? '+' : ''} 人）`,
        );
        for (const rule of r.rules) print(`  · ${rule}`);
        print(table([...WORKLIST_HEADERS], r.entries.slice(0, 100).map(worklistCells)));
        if (r.entries.length > 100) print(`……另有 ${r.entries.length - 100} 人，用 --xlsx 导出全部。`);
        if (o.xlsx) print(`\n已写出 ${o.xlsx}`);
      });
    });

  report
    .command('followup')
    .description('在工作清单上记录跟进情况')
    .requiredOption('--id <证件号码>', '人员证件号码')
    .requiredOption('--year <年度>', '参保年度')
    .requiredOption(
      '--kind <事项>',
      '清单事项：key_group、newborn、employee_lapse、household_partial、lapsed_payer',
    )
    .requiredOption('--note <情况>', '跟进情况')
    .option('--json', '输出 JSON')
    .action(async (o: { id: string; year: string; kind: string; note: string; json?: boolean }) => {
      const f = await withDatabase((db) =>
        recordFollowup(db, {
          docNo: o.id,
          year: int(o.year, '--year'),
          kind: o.kind,
          note: o.note,
          actor: cliActor(),
        }),
      );
      if (o.json) return printJson(f);
      print(`已记录 ${f.name} 的跟进情况（${f.at}）。`);
    });

  scoped(
    report
      .command('quality')
      .description('数据质量：无效证件号码、疑似重复登记、已死亡仍参保、重复参保、重复缴费'),
  )
    .option('--xlsx <文件>', '写出 XLSX')
    .option('--limit <行数>', '明细最多行数', '1000')
    .option('--full-id', '显示完整证件号码')
    .action(async (o: Common) => {
      await withDatabase(async (db) => {
        const r = await qualityReport(db, shippedPacks(), input(o));
        if (o.xlsx)
          await writeWorkbook(o.xlsx, [
            {
              name: '问题统计',
              headers: ['问题', '人数'],
              rows: r.counts.map((c) => [c.name, String(c.persons)]),
            },
            {
              name: '问题明细',
              headers: ['问题', '说明', '村（社区）', '姓名', '证件号码'],
              rows: r.rows.map((x) => [x.kindName, x.detail, x.villageName, x.name, x.id]),
            },
          ]);
        if (o.json) return printJson(r);
        print(`${r.regionName} ${r.year} 年度数据质量`);
        print(
          table(
            ['问题', '人数'],
            r.counts.map((c) => [c.name, n(c.persons)]),
          ),
        );
        if (r.rows.length > 0)
          print(
            `\n${table(
              ['问题', '说明', '村（社区）', '姓名', '证件号码'],
              r.rows.slice(0, 50).map((x) => [x.kindName, x.detail, x.villageName, x.name, x.id]),
            )}`,
          );
        if (o.xlsx) print(`\n已写出 ${o.xlsx}`);
      });
    });

  report
    .command('targets-set')
    .description('设置乡镇（街道）阶段性参保率目标')
    .requiredOption('--region <乡镇代码>', '9 位乡镇（街道）代码')
    .requiredOption('--year <年度>', '参保年度')
    .requiredOption('--due <日期>', '目标日期 YYYY-MM-DD')
    .requiredOption('--rate <百分比>', '目标参保率，如 80 或 95.5')
    .action(async (o: { region: string; year: string; due: string; rate: string }) => {
      const rate = Number(o.rate.replace(/%$/, ''));
      const t = await withDatabase((db) =>
        setTownshipTarget(db, {
          region: o.region,
          year: int(o.year, '--year'),
          dueOn: o.due,
          ratePercent: rate,
          actor: cliActor(),
        }),
      );
      print(
        `已设置 ${t.name ?? t.region} ${t.year} 年度阶段目标：${t.dueOn} 前参保率达到 ${t.ratePercent}%。`,
      );
    });

  report
    .command('targets')
    .description('查看乡镇阶段性目标')
    .requiredOption('--region <地区代码>', '区县或乡镇代码')
    .requiredOption('--year <年度>', '参保年度')
    .option('--json', '输出 JSON')
    .action(async (o: { region: string; year: string; json?: boolean }) => {
      const list = await withDatabase((db) => listTownshipTargets(db, o.region, int(o.year, '--year')));
      if (o.json) return printJson(list);
      if (list.length === 0) return print('尚未设置阶段目标。用 canbao report targets-set 设置。');
      print(
        table(
          ['乡镇（街道）', '代码', '目标日期', '目标参保率'],
          list.map((t) => [t.name ?? '', t.region, t.dueOn, `${t.ratePercent}%`]),
        ),
      );
    });

  const demo = program.commands.find((c) => c.name() === 'demo') ?? program.command('demo');
  demo.enablePositionalOptions();
  demo
    .command('campaign')
    .description('演示征缴进度：按核定结果生成截至某日的缴费和参保记录（可重复运行，不会重复写入）')
    .requiredOption('--region <地区代码>', '地区（6 位区划代码）')
    .requiredOption('--year <年度>', '参保年度')
    .requiredOption('--as-of <日期>', '截至日期 YYYY-MM-DD')
    .option('--seed <种子>', '随机种子', 'canbao')
    .option('--json', '输出 JSON')
    .action(async (o: { region: string; year: string; asOf: string; seed: string; json?: boolean }) => {
      const r = await withDatabase((db) =>
        demoCampaign(db, shippedPacks(), {
          region: o.region,
          year: int(o.year, '--year'),
          asOf: o.asOf,
          seed: o.seed,
          actor: cliActor(),
        }),
      );
      if (o.json) return printJson(r);
      print(
        `已生成截至 ${r.asOf} 的演示征缴记录：新增缴费 ${n(r.payments)} 笔、新增参保 ${n(r.enrollments)} 人；${r.region} ${r.year} 年度现已参保 ${n(r.enrolledTotal)} 人（核定 ${n(r.assessed)} 人）。`,
      );
      print(`查看：canbao report coverage --region ${r.region} --year ${r.year} --as-of ${r.asOf}`);
    });
}
