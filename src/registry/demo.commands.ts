// `canbao demo` (a demo population into files or the database) and `canbao start` (what
// `npm start` runs: a ready-to-try database with a demo population and demo accounts, what to do
// next, then the web application; `--no-serve` stops after preparing, for tests and scripts).
import type { Command } from 'commander';
import { assessRegion } from '../assessment/assess-region.service.js';
import { type DemoAccount, ensureDemoAccounts } from '../auth/demo-accounts.js';
import { type DatabaseHandle, openDatabase } from '../db/connection.js';
import { DEFAULT_HOST, DEFAULT_PORT, serveHttp } from '../http/serve.commands.js';
import { OutcomeError } from '../policy/outcome.js';
import { shippedPacks } from '../policy/pack-loader.js';
import { demoCampaign } from '../reports/demo-campaign.js';
import { countPersons, countsByCounty, identityCountsByCounty, tableExists } from './demo/demo.repository.js';
import { writeDemoFiles } from './demo/files.js';
import { loadDemoPopulation } from './demo/load.js';
import { DEFAULT_AS_OF } from './demo/population.js';
import { readRegionRows } from './demo/regions.js';
import { displayWidth, formatSummary, PopulationTally, padEnd, summaryFromCounts } from './demo/summary.js';
import { seedRegions } from './regions.service.js';

interface DemoCliOptions {
  persons: string;
  seed: string;
  out?: string;
  encoding: string;
  format: string;
  counties?: string;
  asOf: string;
  regions?: string;
}

function bad(option: string, value: string, message: string): OutcomeError {
  return new OutcomeError([
    { severity: 'error', code: 'bad_option', expression: `${option} ${value}`, message },
  ]);
}

/** "20000", "20,000", "1_000_000", "100万" → a whole number. */
export function parsePersons(text: string): number {
  const t = text.trim().replace(/[,_，]/g, '');
  const wan = /^(\d+(?:\.\d+)?)万$/.exec(t);
  const n = wan ? Math.round(Number(wan[1]) * 10_000) : /^\d+$/.test(t) ? Number(t) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > 20_000_000)
    throw bad('--persons', text, '人数应为 1 至 20,000,000 之间的整数，如 20000 或 100万');
  return n;
}

function parseCommon(o: DemoCliOptions) {
  const persons = parsePersons(o.persons);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(o.asOf))
    throw bad('--as-of', o.asOf, '日期格式应为 YYYY-MM-DD，如 2024-11-30');
  const counties = o.counties
    ?.split(/[,，\s]+/)
    .map((c) => c.trim())
    .filter(Boolean);
  if (counties?.some((c) => !/^\d{2,6}$/.test(c)))
    throw bad(
      '--counties',
      o.counties!,
      '区县代码应为 2 至 6 位数字（可用前缀，如 1406 表示朔州市各县区），用逗号分隔',
    );
  return {
    persons,
    seed: o.seed,
    asOf: o.asOf,
    ...(counties?.length ? { counties } : {}),
    ...(o.regions ? { regions: readRegionRows(o.regions) } : {}),
  };
}

async function demoToFiles(o: DemoCliOptions & { out: string }): Promise<void> {
  const common = parseCommon(o);
  const encoding = o.encoding.toLowerCase().replace(/^utf8$/, 'utf-8');
  const normalizedEncoding = encoding === 'gb18030' || encoding === 'gb2312' ? 'gbk' : encoding;
  if (normalizedEncoding !== 'utf-8' && normalizedEncoding !== 'gbk')
    throw bad('--encoding', o.encoding, 'CSV 编码只能是 utf-8 或 gbk（按 GB18030 写出）');
  const formats = o.format
    .split(/[,，\s]+/)
    .map((f) => f.trim().toLowerCase())
    .filter(Boolean);
  if (formats.length === 0 || formats.some((f) => f !== 'csv' && f !== 'xlsx'))
    throw bad('--format', o.format, '文件格式只能是 csv、xlsx 或 csv,xlsx');
  const tally = new PopulationTally();
  const started = Date.now();
  const files = await writeDemoFiles(
    {
      ...common,
      out: o.out,
      encoding: normalizedEncoding,
      formats: formats as ('csv' | 'xlsx')[],
    },
    {
      tally,
      onProgress: (n) => process.stderr.write(`\r已生成 ${n.toLocaleString('en-US')} 人…`),
    },
  );
  process.stderr.write('\n');
  process.stdout.write(
    `演示人口已写入 ${o.out}（种子 ${o.seed}，截至 ${common.asOf}，用时 ${((Date.now() - started) / 1000).toFixed(1)} 秒）\n\n`,
  );
  process.stdout.write(`${formatSummary(tally.list())}\n\n文件：\n`);
  for (const f of files) process.stdout.write(`  ${f.path}（${f.rows.toLocaleString('en-US')} 行）\n`);
}

function out(line = ''): void {
  process.stdout.write(`${line}\n`);
}

async function demoToDatabase(
  handle: DatabaseHandle,
  options: ReturnType<typeof parseCommon>,
): Promise<void> {
  const started = Date.now();
  const result = await loadDemoPopulation(handle, options, (stage) =>
    process.stderr.write(`正在导入演示人口（${stage}）…\n`),
  );
  out(
    `已导入演示人口 ${result.persons.toLocaleString('en-US')} 人、${result.households.toLocaleString('en-US')} 户` +
      (result.identities === null ? '' : `、困难群众身份 ${result.identities.toLocaleString('en-US')} 条`) +
      (result.enrollments === null ? '' : `、往年参保记录 ${result.enrollments.toLocaleString('en-US')} 条`) +
      `（种子 ${options.seed}，用时 ${((Date.now() - started) / 1000).toFixed(1)} 秒）`,
  );
}

async function printDatabaseSummary(handle: DatabaseHandle): Promise<void> {
  const counties = await countsByCounty(handle.db);
  const identities = (await tableExists(handle.db, 'person_identities'))
    ? await identityCountsByCounty(handle.db)
    : [];
  out(formatSummary(summaryFromCounts(counties, identities)));
}

/** Suggestions for what to try next, shown only for the commands this build has. */
const NEXT_STEPS: readonly { path: string[]; example: string; what: string }[] = [
  { path: ['policy', 'list'], example: 'canbao policy list', what: '查看五个地区的政策包' },
  { path: ['policy', 'show'], example: 'canbao policy show 430502 2025', what: '双清区 2025 年度政策要点' },
  {
    path: ['policy', 'leaflet'],
    example: 'canbao policy leaflet 512022 2025',
    what: '生成乐至县参保缴费明白纸',
  },
  { path: ['regions', 'list'], example: 'canbao regions list 512022', what: '乐至县的乡镇' },
  { path: ['assess'], example: 'canbao assess --help', what: '核定个人缴费（含逐步说明）' },
  { path: ['registry', 'import'], example: 'canbao registry import 花名册.xlsx', what: '导入参保人员花名册' },
  {
    path: ['registry', 'village'],
    example: 'canbao registry village 430502001001',
    what: '一个村（社区）的住户和人员',
  },
  {
    path: ['identities', 'import'],
    example: 'canbao identities import 名单.csv --department 民政 --county 430502',
    what: '导入部门困难群众名单',
  },
  {
    path: ['assess-region'],
    example: 'canbao assess-region 430502 2025',
    what: '核定双清区全部人员的个人应缴',
  },
  {
    path: ['assessment', 'what-if'],
    example: 'canbao assessment what-if 430502 2025 --set subsidies.dibao-half.amount.percent=60',
    what: '政策试算：低保资助改为60%',
  },
  {
    path: ['campaign', 'unrenewed'],
    example: 'canbao campaign unrenewed --region 430502 --year 2025',
    what: '双清区上年已参保、今年尚未参保的人（按村、户）',
  },
  {
    path: ['demo'],
    example: 'canbao demo --persons 100000 --out 演示文件',
    what: '生成演示花名册和部门名单文件，可用来试导入',
  },
  { path: ['serve'], example: 'canbao serve', what: '启动网页管理界面' },
];

function hasCommand(program: Command, path: readonly string[]): boolean {
  let current: Command | undefined = program;
  for (const name of path) current = current?.commands.find((c) => c.name() === name);
  return current !== undefined;
}

interface StartOptions {
  persons: string;
  seed: string;
  /** false with --no-serve: prepare the database and stop (tests, scripts). */
  serve: boolean;
  port: string;
  host: string;
}

function printAccounts(accounts: readonly DemoAccount[]): void {
  if (accounts.length === 0) {
    out('网页登录：使用已有的用户账号（忘记密码可用 npx canbao user passwd <用户名> 重置）。');
    return;
  }
  out('已创建演示账号（密码只显示这一次，请记下）：');
  for (const a of accounts)
    out(`  用户名 ${a.username}  密码 ${a.password}  ${a.roleName}${a.scope ? `，管辖 ${a.scope}` : ''}`);
}

/**
 * Each county's campaign under way, so the dashboard, rankings and worklists have something to show
 * on first start: every pack's region assessed for its year, then the deterministic demo payments
 * up to the demo date (`canbao demo campaign`).
 */
async function demoCampaigns(handle: DatabaseHandle): Promise<void> {
  const packs = shippedPacks();
  for (const { pack } of packs.all()) {
    if (pack.region === 'national') continue;
    const who = { region: pack.region, year: pack.year, asOf: DEFAULT_AS_OF };
    await assessRegion(handle, packs, { ...who, startedBy: 'demo' });
    const r = await demoCampaign(handle, packs, { ...who, actor: 'demo' });
    out(
      `演示征缴：${pack.regionName} ${pack.year} 年度核定 ${r.assessed.toLocaleString('en-US')} 人，截至 ${r.asOf} 已参保 ${r.enrolledTotal.toLocaleString('en-US')} 人`,
    );
  }
}

async function start(program: Command, o: StartOptions): Promise<void> {
  const persons = parsePersons(o.persons);
  const handle = await openDatabase();
  let accounts: DemoAccount[];
  try {
    const regions = await seedRegions(handle.db);
    out(
      `数据库已就绪（${handle.kind === 'server' ? 'PostgreSQL 服务器' : '内置数据库 PGlite'}），区划 ${regions.total} 条。`,
    );
    const existing = await countPersons(handle.db);
    if (existing === 0) {
      await demoToDatabase(handle, { persons, seed: o.seed, asOf: DEFAULT_AS_OF });
      await demoCampaigns(handle);
    } else out(`数据库中已有 ${existing.toLocaleString('en-US')} 人，不再生成演示人口。`);
    accounts = await ensureDemoAccounts(handle);
    out();
    await printDatabaseSummary(handle);
  } finally {
    await handle.close();
  }
  out();
  out('接下来可以试试：');
  const steps = NEXT_STEPS.filter((s) => hasCommand(program, s.path));
  const width = Math.max(...steps.map((s) => displayWidth(s.example)));
  // A new user has canbao only inside the project, so the examples are given as `npx canbao …`.
  for (const s of steps) out(`  npx ${padEnd(s.example, width)}  # ${s.what}`);
  out(`  npx ${padEnd('canbao --help', width)}  # 全部命令`);
  out();
  printAccounts(accounts);
  if (o.serve) await serveHttp({ port: o.port, host: o.host });
}

export function registerDemoCommands(program: Command): void {
  program
    .command('start')
    .description(
      '一键开始：准备数据库、载入区划，空库时生成演示人口和演示账号，然后启动网页服务（npm start）',
    )
    .option('--persons <n>', '空库时生成的演示人数', '20000')
    .option('--seed <seed>', '演示人口的随机种子', 'canbao')
    .option('--no-serve', '只准备数据库和演示账号，不启动网页服务')
    .option('--port <端口>', '网页服务端口', DEFAULT_PORT)
    .option('--host <地址>', '网页服务监听地址', DEFAULT_HOST)
    .action((o: StartOptions) => start(program, o));

  program
    .command('demo')
    .description(
      '生成演示人口：各区县参保人员花名册和各部门困难群众名单（写入文件，或省略 --out 导入数据库）',
    )
    .option('--persons <n>', '人数（如 20000、100万）', '20000')
    .option('--seed <seed>', '随机种子：同一种子生成同样的人', 'canbao')
    .option('--out <dir>', '输出目录；省略时导入数据库')
    .option('--encoding <enc>', 'CSV 编码：utf-8 或 gbk（按 GB18030 写出）', 'utf-8')
    .option('--format <list>', '文件格式：csv、xlsx 或 csv,xlsx', 'csv,xlsx')
    .option('--counties <codes>', '只生成这些区县（代码或前缀，逗号分隔，如 512022,1406）')
    .option('--as-of <date>', '花名册截止日期（年龄、新生儿、认定日期以此为准）', DEFAULT_AS_OF)
    .option('--regions <file>', '行政区划种子文件（code,name,level,parent_code），默认用内置种子')
    .action(async (o: DemoCliOptions) => {
      if (o.out) {
        await demoToFiles({ ...o, out: o.out });
        return;
      }
      const options = parseCommon(o);
      const handle = await openDatabase();
      try {
        await seedRegions(handle.db);
        await demoToDatabase(handle, options);
        out();
        await printDatabaseSummary(handle);
      } finally {
        await handle.close();
      }
    });
}
