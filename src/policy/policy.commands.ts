// `canbao policy list | show | diff | leaflet`: reading the shipped policy packs.
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { formatDateZh } from './dates.js';
import { leafletHtml } from './leaflet.js';
import { formatYuan } from './money.js';
import { OutcomeError } from './outcome.js';
import { diffPacks, renderDiff } from './pack-diff.js';
import { type PackRegistry, type ResolvedPack, shippedPacks } from './pack-loader.js';
import { renderSummary, SECTION_TITLES, summarizePack, textTable } from './pack-summary.js';

export function registerPolicyCommands(program: Command): void {
  const policy = program.command('policy').description('政策包：列表、查看、比较、生成明白纸');

  policy
    .command('list')
    .description('列出全部政策包（含国家默认规则）')
    .option('--json', '输出 JSON')
    .action((opts: { json?: boolean }) => {
      const packs = shippedPacks();
      const rows = packs.all().map(listRow);
      if (opts.json) {
        write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      write(
        `${textTable(
          ['id', '地区', '年度', '个人缴费标准', '集中征缴期', '版本', '继承自'],
          rows.map((r) => [
            r.id,
            r.regionName,
            String(r.year),
            r.tiers.length > 0 ? r.tiers.map((t) => `${t.name}${formatYuan(t.fen)}`).join('，') : '—',
            r.collection ? `${formatDateZh(r.collection.start)}至${formatDateZh(r.collection.end)}` : '—',
            r.hash,
            r.extends ?? '—',
          ]),
          '',
        )}\n`,
      );
    });

  policy
    .command('show')
    .description('以中文显示某地区某年度的政策要点（地区可为 6 位或 12 位区划代码）')
    .argument('<region>', '地区代码，如 430502 或 140602，或 national')
    .argument('<year>', '参保年度，如 2025')
    .option('--json', '输出解析后的政策包（含版本 hash 与继承的国家规则）')
    .action((region: string, year: string, opts: { json?: boolean }) => {
      const packs = shippedPacks();
      const resolved = resolveRegionYear(packs, region, year);
      const summary = summarizePack(resolved, packs);
      if (opts.json) {
        write(
          `${JSON.stringify(
            {
              id: resolved.pack.id,
              hash: resolved.hash,
              file: resolved.file,
              base: resolved.base?.id ?? null,
              inherited: [...resolved.inherited],
              pack: resolved.pack,
              summary,
            },
            null,
            2,
          )}\n`,
        );
        return;
      }
      write(renderSummary(summary));
    });

  policy
    .command('diff')
    .description('比较两个政策包的差异（如 130802-2025 430502-2025，或 地区:年度）')
    .argument('<a>', '政策包 id 或 地区:年度')
    .argument('<b>', '政策包 id 或 地区:年度')
    .option('--json', '输出 JSON')
    .action((a: string, b: string, opts: { json?: boolean }) => {
      const packs = shippedPacks();
      const diff = diffPacks(resolvePackRef(packs, a, 'A'), resolvePackRef(packs, b, 'B'), packs);
      write(opts.json ? `${JSON.stringify(diff, null, 2)}\n` : renderDiff(diff));
    });

  policy
    .command('leaflet')
    .description('生成面向居民的参保缴费明白纸（单个 HTML 文件，可直接打印 A4）')
    .argument('<region>', '地区代码（6 位或 12 位）')
    .argument('<year>', '参保年度')
    .option('--out <file>', '写入文件；省略时输出到标准输出')
    .action((region: string, year: string, opts: { out?: string }) => {
      const packs = shippedPacks();
      const html = leafletHtml(resolveRegionYear(packs, region, year), packs);
      if (opts.out) {
        writeFileSync(opts.out, html, 'utf8');
        process.stderr.write(`已生成明白纸：${opts.out}\n`);
      } else write(html);
    });
}

function write(text: string): void {
  process.stdout.write(text);
}

interface ListRow {
  id: string;
  region: string;
  regionName: string;
  year: number;
  tiers: { code: string; name: string; fen: number }[];
  fiscalSubsidyFen: number | null;
  collection: { start: string; end: string } | null;
  hash: string;
  file: string;
  extends: string | null;
  inherited: string[];
}

function listRow(r: ResolvedPack): ListRow {
  const p = r.pack;
  return {
    id: p.id,
    region: p.region,
    regionName: p.regionName,
    year: p.year,
    tiers: (p.contribution?.tiers ?? []).map((t) => ({ code: t.code, name: t.name, fen: t.fen })),
    fiscalSubsidyFen: p.fiscalSubsidy?.fen ?? null,
    collection: p.collection ? { start: p.collection.start, end: p.collection.end } : null,
    hash: r.hash,
    file: r.file,
    extends: r.base?.id ?? null,
    inherited: [...r.inherited].map((k) => SECTION_TITLES[k] ?? k),
  };
}

function parseYear(year: string, where: string): number {
  if (!/^\d{4}$/.test(year)) {
    throw new OutcomeError([
      {
        severity: 'error',
        code: 'bad-year',
        expression: where,
        message: `年度应为 4 位数字，如 2025（收到 "${year}"）。`,
      },
    ]);
  }
  return Number(year);
}

/** REGION YEAR → the pack covering it (6- or 12-digit codes; "national" for the national defaults). */
export function resolveRegionYear(
  packs: PackRegistry,
  region: string,
  year: string,
  where = 'REGION',
): ResolvedPack {
  const y = parseYear(year, 'YEAR');
  if (region === 'national') {
    const r = packs.get(`national-${y}`);
    if (r) return r;
  } else if (!/^\d{6}(\d{6})?$/.test(region)) {
    throw new OutcomeError([
      {
        severity: 'error',
        code: 'bad-region',
        expression: where,
        message: `地区代码应为 6 位（区县）或 12 位（村居）数字，如 430502（收到 "${region}"）。`,
      },
    ]);
  } else {
    const r = packs.find(region, y);
    if (r) return r;
  }
  throw new OutcomeError([
    {
      severity: 'error',
      code: 'no-pack',
      expression: where,
      message: `没有覆盖地区 ${region} ${y} 年度的政策包，可用 canbao policy list 查看已有政策包。`,
    },
  ]);
}

/** "130802-2025", "national-2025" or "140602:2025". */
export function resolvePackRef(packs: PackRegistry, ref: string, where: string): ResolvedPack {
  const byRegion = /^(\d{6}|\d{12}|national):(\d+)$/.exec(ref);
  if (byRegion) return resolveRegionYear(packs, byRegion[1]!, byRegion[2]!, where);
  const r = packs.get(ref);
  if (r) return r;
  throw new OutcomeError([
    {
      severity: 'error',
      code: 'no-pack',
      expression: where,
      message: `没有政策包 "${ref}"；请写政策包 id（如 430502-2025）或 地区:年度（如 140602:2025），可用 canbao policy list 查看。`,
    },
  ]);
}
