// The weekly bulletin (工作通报): one page for the leading group with the headline rate against the
// cited target, the township ranking, key groups and the progress trend, as HTML that prints on A4
// (inline SVG charts, no external resources) and as an XLSX workbook with one sheet per table.
import type { DbSession } from '../db/connection.js';
import { escapeCell } from '../files/escape.js';
import { loadExcelJS } from '../files/exceljs.js';
import { formatDateZh } from '../policy/dates.js';
import type { PackRegistry } from '../policy/pack-loader.js';
import { coverageLines, type TrendReport, trendOf } from './coverage.service.js';
import { type KeyGroupLine, keyGroupLines } from './keygroups.service.js';
import { type RankingReport, rankingOf } from './ranking.service.js';
import { citeText, resolveReportScope, targetsOf } from './report-scope.js';

export interface Bulletin {
  title: string;
  region: string;
  regionName: string;
  year: number;
  asOf: string;
  packId: string;
  headline: {
    enrolled: number;
    denominator: number;
    denominatorSource: 'statistics' | 'registry';
    ratePercent: number | null;
    targetPercent: number;
    citation: string;
    enrolledLastYear: number;
    notBelowLastYear: boolean | null;
    enrolledThisPeriod: number;
  };
  ranking: RankingReport;
  keyGroups: KeyGroupLine[];
  trend: TrendReport;
}

export async function buildBulletin(
  db: DbSession,
  packs: PackRegistry,
  input: { region: string; year: number; asOf?: string; since?: string },
): Promise<Bulletin> {
  const scope = await resolveReportScope(db, packs, input);
  const target = targetsOf(scope);
  const top = (await coverageLines(db, scope, target))[0];
  if (!top) throw new Error('coverage returned no lines');
  const ranking = await rankingOf(db, scope, input.since);
  const trend = await trendOf(db, scope);
  const before = trend.days.find((d) => d.day === ranking.previousAsOf)?.cumulative ?? 0;
  return {
    title: `${scope.regionName}${scope.year}年度城乡居民基本医疗保险参保工作通报`,
    region: scope.region,
    regionName: scope.regionName,
    year: scope.year,
    asOf: scope.asOf,
    packId: scope.pack.pack.id,
    headline: {
      enrolled: top.enrolled,
      denominator: top.denominator,
      denominatorSource: top.denominatorSource,
      ratePercent: top.ratePercent,
      targetPercent: target.overallPercent,
      citation: citeText(scope.pack, target.cite),
      enrolledLastYear: top.enrolledLastYear,
      notBelowLastYear: top.notBelowLastYear,
      enrolledThisPeriod: top.enrolled - before,
    },
    ranking,
    keyGroups: (await keyGroupLines(db, scope)).filter((g) => g.kind !== 'category' || g.members > 0),
    trend,
  };
}

const esc = (s: string | number): string =>
  String(s).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
const pct = (p: number | null): string => (p === null ? '—' : `${p.toFixed(2)}%`);
const num = (n: number): string => n.toLocaleString('zh-CN');

/** Horizontal bars of the township rates with the target as a dashed line. */
export function townshipChart(r: RankingReport): string {
  const rowH = 18;
  const left = 110;
  const width = 640;
  const barW = width - left - 60;
  const h = r.lines.length * rowH + 30;
  const x = (p: number) => left + (barW * Math.min(100, Math.max(0, p))) / 100;
  const bars = r.lines
    .map((l, i) => {
      const y = 10 + i * rowH;
      const rate = l.ratePercent ?? 0;
      const colour = l.meetsTarget ? '#2f7d32' : '#c0392b';
      return (
        `<text x="${left - 6}" y="${y + 12}" text-anchor="end" font-size="11">${esc(l.name)}</text>` +
        `<rect x="${left}" y="${y + 2}" width="${(x(rate) - left).toFixed(1)}" height="${rowH - 6}" fill="${colour}"/>` +
        `<text x="${(x(rate) + 4).toFixed(1)}" y="${y + 12}" font-size="10">${esc(pct(l.ratePercent))}</text>`
      );
    })
    .join('');
  const tx = x(r.targetPercent).toFixed(1);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${h}" viewBox="0 0 ${width} ${h}" role="img" aria-label="各乡镇参保率">` +
    bars +
    `<line x1="${tx}" y1="4" x2="${tx}" y2="${h - 16}" stroke="#333" stroke-dasharray="4 3"/>` +
    `<text x="${tx}" y="${h - 4}" text-anchor="middle" font-size="10">目标 ${r.targetPercent}%</text></svg>`
  );
}

/** Cumulative enrolled by week as a line with points. */
export function trendChart(t: TrendReport, denominator: number): string {
  const width = 640;
  const height = 200;
  const pad = { l: 60, r: 20, t: 10, b: 30 };
  const weeks = t.weeks;
  const maxY = Math.max(1, denominator, ...weeks.map((w) => w.cumulative));
  const px = (i: number) => pad.l + ((width - pad.l - pad.r) * i) / Math.max(1, weeks.length - 1);
  const py = (v: number) => height - pad.b - ((height - pad.t - pad.b) * v) / maxY;
  const points = weeks.map((w, i) => `${px(i).toFixed(1)},${py(w.cumulative).toFixed(1)}`).join(' ');
  const labels = weeks
    .map((w, i) =>
      i % Math.ceil(weeks.length / 8) === 0 || i === weeks.length - 1
        ? `<text x="${px(i).toFixed(1)}" y="${height - 12}" text-anchor="middle" font-size="10">${esc(w.weekEnd.slice(5))}</text>`
        : '',
    )
    .join('');
  const base =
    denominator > 0
      ? `<line x1="${pad.l}" y1="${py(denominator).toFixed(1)}" x2="${width - pad.r}" y2="${py(denominator).toFixed(1)}" stroke="#999" stroke-dasharray="4 3"/>` +
        `<text x="${pad.l - 4}" y="${(py(denominator) + 4).toFixed(1)}" text-anchor="end" font-size="10">${esc(num(denominator))}</text>`
      : '';
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="累计参保人数">` +
    `<line x1="${pad.l}" y1="${height - pad.b}" x2="${width - pad.r}" y2="${height - pad.b}" stroke="#333"/>` +
    base +
    `<polyline fill="none" stroke="#1f5fa8" stroke-width="2" points="${points}"/>` +
    weeks
      .map(
        (w, i) =>
          `<circle cx="${px(i).toFixed(1)}" cy="${py(w.cumulative).toFixed(1)}" r="2.5" fill="#1f5fa8"/>`,
      )
      .join('') +
    labels +
    `</svg>`
  );
}

export function bulletinHtml(b: Bulletin): string {
  const h = b.headline;
  const rankingRows = b.ranking.lines
    .map(
      (l) =>
        `<tr class="${l.meetsTarget ? '' : 'below'}"><td>${l.rank}</td><td>${esc(l.name)}</td><td class="n">${num(l.enrolled)}</td>` +
        `<td class="n">${num(l.eligible)}</td><td class="n">${pct(l.ratePercent)}</td><td class="n">${l.changePoints === null ? '—' : `${l.changePoints >= 0 ? '+' : ''}${l.changePoints.toFixed(2)}`}</td>` +
        `<td class="n">${l.previousRank ?? '—'}</td><td>${l.phaseTarget ? `${esc(l.phaseTarget.dueOn)} 达 ${l.phaseTarget.ratePercent}%${l.phaseTarget.met ? '（已达到）' : '（未达到）'}` : '—'}</td></tr>`,
    )
    .join('');
  const groupRows = b.keyGroups
    .map(
      (g) =>
        `<tr class="${g.meetsTarget === false ? 'below' : ''}"><td>${esc(g.name)}</td><td class="n">${num(g.members)}</td><td class="n">${num(g.enrolled)}</td>` +
        `<td class="n">${num(g.missing)}</td><td class="n">${pct(g.ratePercent)}</td><td class="n">${g.targetPercent === null ? '—' : `${g.targetPercent}%`}</td></tr>`,
    )
    .join('');
  const lastYear =
    h.notBelowLastYear === null
      ? `上年度参保 ${num(h.enrolledLastYear)} 人`
      : `上年度参保 ${num(h.enrolledLastYear)} 人，本年度${h.notBelowLastYear ? '已不低于' : '尚低于'}上年`;
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(b.title)}</title>
<style>
@page { size: A4; margin: 15mm 12mm; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "SimSun", sans-serif; font-size: 12px; color: #111; max-width: 186mm; margin: 0 auto; }
h1 { font-size: 20px; text-align: center; margin: 0 0 4px; }
.sub { text-align: center; color: #444; margin-bottom: 12px; }
h2 { font-size: 14px; border-left: 4px solid #1f5fa8; padding-left: 6px; margin: 14px 0 6px; }
table { width: 100%; border-collapse: collapse; page-break-inside: auto; }
tr { page-break-inside: avoid; }
th, td { border: 1px solid #999; padding: 2px 4px; }
th { background: #eef2f7; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.below td { color: #b03a2e; }
.chart { page-break-inside: avoid; }
.note { color: #555; font-size: 10px; margin-top: 10px; }
</style></head><body>
<h1>${esc(b.title)}</h1>
<div class="sub">截至 ${esc(formatDateZh(b.asOf))}（本期自 ${esc(b.ranking.previousAsOf)} 起）</div>
<h2>一、总体进度</h2>
<p>${esc(b.regionName)}已参保 <b>${num(h.enrolled)}</b> 人，${h.denominatorSource === 'statistics' ? '统计部门常住人口基数' : '应参保人数（花名册）'} ${num(h.denominator)} 人，参保率 <b>${pct(h.ratePercent)}</b>，目标 ${h.targetPercent}%（${esc(h.citation)}），${h.ratePercent !== null && h.ratePercent >= h.targetPercent ? '已达到目标' : `距目标尚差 ${h.ratePercent === null ? '—' : (h.targetPercent - h.ratePercent).toFixed(2)} 个百分点`}。本期新增参保 ${num(h.enrolledThisPeriod)} 人；${esc(lastYear)}。</p>
<div class="chart">${trendChart(b.trend, h.denominator)}</div>
<h2>二、乡镇（街道）排名</h2>
<p>${esc(b.ranking.rhythm)}；红色为未达到总体目标的乡镇。</p>
<table><thead><tr><th>名次</th><th>乡镇（街道）</th><th>已参保</th><th>应参保</th><th>参保率</th><th>较上期（百分点）</th><th>上期名次</th><th>阶段目标</th></tr></thead><tbody>${rankingRows}</tbody></table>
<div class="chart">${townshipChart(b.ranking)}</div>
<h2>三、重点人群</h2>
<table><thead><tr><th>人群</th><th>人数</th><th>已参保</th><th>未参保</th><th>参保率</th><th>目标</th></tr></thead><tbody>${groupRows}</tbody></table>
<p class="note">数据来源：canbao 参保系统数据库实时统计；政策包 ${esc(b.packId)}；生成于 ${esc(new Date().toISOString().slice(0, 16).replace('T', ' '))}（UTC）。</p>
</body></html>
`;
}

export async function writeBulletinXlsx(b: Bulletin, path: string): Promise<void> {
  const ExcelJS = await loadExcelJS();
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: path,
    useStyles: true,
    useSharedStrings: false,
  });
  const sheet = (name: string, headers: string[], rows: (string | number)[][]) => {
    const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = headers.map((h, i) => ({
      header: h,
      key: String(i),
      width: Math.max(10, h.length * 2 + 4),
    }));
    ws.getRow(1).font = { bold: true };
    ws.getRow(1).commit();
    for (const r of rows) ws.addRow(r.map((c) => (typeof c === 'string' ? escapeCell(c) : c))).commit();
    ws.commit();
  };
  const h = b.headline;
  sheet(
    '总体进度',
    ['项目', '数值'],
    [
      ['通报', b.title],
      ['截至日期', b.asOf],
      ['已参保人数', h.enrolled],
      [h.denominatorSource === 'statistics' ? '常住人口基数' : '应参保人数（花名册）', h.denominator],
      ['参保率(%)', h.ratePercent ?? ''],
      ['目标(%)', h.targetPercent],
      ['目标依据', h.citation],
      ['本期新增参保', h.enrolledThisPeriod],
      ['上年度参保人数', h.enrolledLastYear],
      ['政策包', b.packId],
    ],
  );
  sheet(
    '乡镇排名',
    [
      '名次',
      '乡镇（街道）',
      '区划代码',
      '已参保',
      '应参保',
      '参保率(%)',
      '上期参保率(%)',
      '较上期(百分点)',
      '上期名次',
      '阶段目标日期',
      '阶段目标(%)',
    ],
    b.ranking.lines.map((l) => [
      l.rank,
      l.name,
      l.code,
      l.enrolled,
      l.eligible,
      l.ratePercent ?? '',
      l.previousRatePercent ?? '',
      l.changePoints ?? '',
      l.previousRank ?? '',
      l.phaseTarget?.dueOn ?? '',
      l.phaseTarget?.ratePercent ?? '',
    ]),
  );
  sheet(
    '重点人群',
    ['人群', '人数', '已参保', '未参保', '参保率(%)', '目标(%)'],
    b.keyGroups.map((g) => [
      g.name,
      g.members,
      g.enrolled,
      g.missing,
      g.ratePercent ?? '',
      g.targetPercent ?? '',
    ]),
  );
  sheet(
    '进度趋势',
    ['周起', '周止', '本周新增', '累计参保'],
    b.trend.weeks.map((w) => [w.weekStart, w.weekEnd, w.added, w.cumulative]),
  );
  await wb.commit();
}
