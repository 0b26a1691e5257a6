// The 明白纸 for residents (`canbao policy leaflet`): one self-contained HTML page, Chinese, large
// type, A4 print. Every amount and date on it comes from the one-person engine, so the leaflet
// cannot promise anything the assessment will not charge.
import { addDays, formatDateZh } from './dates.js';
import { formatYuan } from './money.js';
import type { PackRegistry, ResolvedPack } from './pack-loader.js';
import { assessIn, lateExample, summarizePack, windowsText } from './pack-summary.js';
import { isError } from './result.js';
import { CHANNEL_NAMES, EVENT_TYPES, REFUND_REASON_NAMES, STUDENT_NAMES } from './vocabulary.js';

/** Escape text for HTML element content and quoted attribute values. */
export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const CSS = `
@page { size: A4; margin: 14mm 14mm 16mm; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 190mm; padding: 12px; color: #111; background: #fff;
  font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "SimHei", sans-serif;
  font-size: 18px; line-height: 1.65; }
h1 { font-size: 28px; text-align: center; margin: 0 0 4px; letter-spacing: 1px; }
.sub { text-align: center; font-size: 15px; color: #444; margin: 0 0 14px; }
h2 { font-size: 21px; margin: 18px 0 6px; padding: 2px 10px; border-left: 6px solid #b22222; background: #f6eeee; }
p, li { margin: 4px 0; }
ul { padding-left: 1.4em; margin: 4px 0; }
table { width: 100%; border-collapse: collapse; margin: 6px 0; font-size: 17px; }
th, td { border: 1px solid #333; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #eee; }
td.num { text-align: right; white-space: nowrap; }
.big { font-size: 24px; font-weight: bold; color: #b22222; }
.note { font-size: 15px; color: #333; }
.cite { font-size: 13px; color: #555; }
footer { margin-top: 16px; border-top: 1px solid #999; padding-top: 6px; font-size: 13px; color: #555; }
@media print {
  body { font-size: 14pt; padding: 0; max-width: none; }
  h1 { font-size: 20pt; }
  h2 { font-size: 15pt; break-after: avoid; }
  table { font-size: 13pt; }
  tr, li { break-inside: avoid; }
  .note { font-size: 12pt; }
  .cite, footer { font-size: 10pt; }
}
`;

export function leafletHtml(resolved: ResolvedPack, packs: PackRegistry): string {
  const { pack } = resolved;
  const e = escapeHtml;
  const summary = summarizePack(resolved, packs);
  const body: string[] = [];
  const h2 = (t: string) => body.push(`<h2>${e(t)}</h2>`);
  const p = (t: string, cls?: string) => body.push(`<p${cls ? ` class="${cls}"` : ''}>${e(t)}</p>`);
  const ul = (items: string[]) => body.push(`<ul>${items.map((i) => `<li>${e(i)}</li>`).join('')}</ul>`);
  const title = `${pack.regionName}${pack.year}年度城乡居民医保参保缴费明白纸`;
  const contribution = pack.contribution;
  const collection = pack.collection;
  const benefit = pack.benefit;

  // 1. What you pay.
  h2('一、每人缴多少钱');
  if (contribution) {
    const tiers = contribution.tiers;
    body.push(
      `<p>${pack.year}年度个人缴费标准：${tiers
        .map(
          (t) =>
            `${e(tiers.length > 1 ? t.name : '每人每年')} <span class="big">${e(formatYuan(t.fen))}</span>`,
        )
        .join('，')}。</p>`,
    );
    if (tiers.length > 1) {
      const def = tiers.find((t) => t.code === contribution.defaultTier.tier);
      if (def) p(`可自愿选择缴费档次；未选择的按${def.name}（${formatYuan(def.fen)}）缴费。`);
    }
    if (pack.fiscalSubsidy) {
      p(
        `政府财政还为每位参保居民补助${pack.fiscalSubsidy.minimum ? '不低于' : ''}${formatYuan(pack.fiscalSubsidy.fen)}。`,
      );
    }
    const rows: string[][] = [];
    for (const t of tiers) {
      const o = assessIn(resolved, packs, { tier: t.code });
      const who = tiers.length > 1 ? `一般居民（选${t.name}）` : '一般居民';
      rows.push(
        isError(o)
          ? [who, formatYuan(t.fen), '—', `无法核定：${o.error.message}`]
          : [who, formatYuan(o.standardFen), '无', formatYuan(o.payableFen)],
      );
    }
    for (const r of summary.subsidies) {
      rows.push([
        r.excludes ? `${r.who}（${r.excludes}）` : r.who,
        formatYuan(r.standardFen),
        `${r.methodText}资助 ${formatYuan(r.subsidyFen)}`,
        r.engineNote?.startsWith('无法核定') ? r.engineNote : formatYuan(r.payableFen),
      ]);
    }
    body.push(
      `<table><thead><tr><th>人员类别</th><th>缴费标准</th><th>政府资助</th><th>个人缴纳</th></tr></thead><tbody>${rows
        .map(
          ([who, std, sub, pay]) =>
            `<tr><td>${e(who!)}</td><td class="num">${e(std!)}</td><td>${e(sub!)}</td><td class="num"><strong>${e(pay!)}</strong></td></tr>`,
        )
        .join('')}</tbody></table>`,
    );
    p(
      '同时具有多种身份的，按资助最高的一项享受，不重复资助。困难人员身份以民政、农业农村（乡村振兴）、残联、退役军人事务等部门认定的名单为准。',
      'note',
    );
    if (pack.lateCertification) p('集中征缴期结束后新认定的困难人员，从下一年度起享受参保资助。', 'note');
  } else {
    p('本地政策未规定个人缴费标准，请咨询当地医保部门。');
  }

  // 2. When.
  h2('二、什么时候缴');
  if (collection) {
    body.push(
      `<p>集中征缴期：<strong>${e(formatDateZh(collection.start))}至${e(formatDateZh(collection.end))}</strong>。</p>`,
    );
    if (collection.windows) {
      p(
        `办理时间：${windowsText(collection.windows)}。${collection.closedReason ? `${collection.closedReason}。` : ''}`,
      );
    } else p('征缴期内每天都可以缴费。');
    p('请尽早缴费，不要等到最后几天。', 'note');
  } else p('本地政策未规定集中征缴期，请咨询当地医保部门。');

  // 3. Where and how.
  h2('三、在哪里缴、怎么缴');
  if (pack.channels) {
    ul(pack.channels.list.map((c) => CHANNEL_NAMES[c]));
    p('缴费时请核对参保人姓名和身份证号码，保存好缴费凭证。', 'note');
  } else p('请咨询村（居）委会或当地税务、医保部门。');

  // 4. Late.
  h2('四、错过集中征缴期怎么办');
  if (pack.late && collection) {
    const ex = lateExample(resolved, packs);
    p(
      `集中征缴期结束后参保缴费的，${
        pack.late.contribution === 'personal_plus_fiscal'
          ? '须按个人缴费标准加财政补助标准之和缴费'
          : '按个人缴费标准缴费'
      }，并且要等待${pack.late.waitingDays}天（待遇等待期）后才能报销。`,
    );
    if ('result' in ex) {
      p(
        `举例：${formatDateZh(ex.date)}缴费，一般居民需缴纳${formatYuan(ex.result.payableFen)}，${
          ex.result.benefitStart
            ? `从${formatDateZh(ex.result.benefitStart)}起才能享受医保待遇`
            : '本年度已不能享受医保待遇'
        }。`,
      );
    }
    if (pack.waitingPeriod) {
      const w = pack.waitingPeriod;
      p(
        `断保后再参保的，每多断保1年，等待期再增加${w.daysPerExtraLapseYear}天；每补缴1年可减少${w.daysPerExtraLapseYear}天；连续断保${w.longLapseYears}年及以上的，等待期合计不少于${w.minDaysAfterLongLapse}天。`,
        'note',
      );
    }
  } else {
    p('本地政策文件未规定集中征缴期外参保办法，请按省级规定咨询当地医保部门。请务必在集中征缴期内缴费。');
  }

  // 5. Special cases.
  h2('五、新生儿等特殊情况');
  const events = EVENT_TYPES.filter((t) => pack.events?.[t]);
  if (events.length === 0) p('本地政策未规定特殊情况，请咨询当地医保部门。');
  else {
    const items = summary.sections
      .find((s) => s.key === 'events')!
      .lines.filter((l) => l.key.startsWith('event:'))
      .map((l) => `${l.label}：${l.value}。`);
    ul(items);
    const newborn = pack.events?.newborn;
    if (newborn && benefit) {
      const birth = `${pack.year}-03-15`;
      const pay = addDays(birth, Math.min(30, newborn.withinDays ?? 30));
      const o = assessIn(resolved, packs, { birthDate: birth, paymentDate: pay, event: { type: 'newborn' } });
      if (!isError(o)) {
        p(
          `举例：${formatDateZh(birth)}出生的宝宝，${formatDateZh(pay)}参保${
            o.payableFen === 0 ? '，当年不用缴费' : `缴费${formatYuan(o.payableFen)}`
          }，${o.benefitStart ? `从${formatDateZh(o.benefitStart)}起享受医保待遇` : ''}。`,
        );
      }
      if (newborn.crossYear === 'pay_both') {
        // 高阳: born late in the year, paid early next year — the engine says which years are due.
        const lateBirth = `${pack.year}-12-10`;
        const nextPay = addDays(lateBirth, 40);
        const c = assessIn(resolved, packs, {
          birthDate: lateBirth,
          paymentDate: nextPay,
          event: { type: 'newborn' },
        });
        if (!isError(c) && c.alsoPayYears) {
          p(
            `又如：${formatDateZh(lateBirth)}出生、${formatDateZh(nextPay)}参保的，除${pack.year}年度的${formatYuan(c.payableFen)}外，还须缴纳${c.alsoPayYears.join('、')}年度的个人缴费部分，两个年度分别享受待遇。`,
          );
        }
      }
    }
  }

  // 6. Refunds.
  h2('六、退费');
  const refunds = pack.refunds;
  if (refunds) {
    const items = [
      `待遇享受期开始前，因${refunds.beforeBenefitStart.reasons.map((r) => REFUND_REASON_NAMES[r]).join('、')}，可以申请退费。`,
    ];
    if (refunds.afterBenefitStart)
      items.push(
        refunds.afterBenefitStart.refundPersonal
          ? '待遇享受期开始后，可以申请退还个人缴费。'
          : '待遇享受期开始后，个人缴费不再退回。',
      );
    if (refunds.subsidyOnLaterCertification)
      items.push('在集中征缴期内已全额缴费、后被认定为困难人员的，退还应资助的部分。');
    ul(items);
  } else p('本地政策未规定退费办法，请咨询当地医保、税务部门。');

  // 7. Benefits.
  h2('七、什么时候能报销');
  if (benefit) {
    body.push(
      `<p>在集中征缴期内缴费的，待遇享受期为<strong>${e(formatDateZh(benefit.start))}至${e(formatDateZh(benefit.end))}</strong>。</p>`,
    );
    for (const [kind, period] of Object.entries(pack.studentBenefit ?? {})) {
      if (period)
        p(
          `${STUDENT_NAMES[kind as keyof typeof STUDENT_NAMES]}：${formatDateZh(period.start)}至${formatDateZh(period.end)}。`,
        );
    }
  } else p('本地政策未规定待遇享受期，请咨询当地医保部门。');
  if (pack.enrollment?.wholeHousehold)
    p('同一户口簿内符合条件的家庭成员应当同时参保，不能只给部分成员参保。');
  p('已参加职工医保或在外地参保的，不要重复参保。', 'note');

  // 8. Sources.
  h2('八、政策依据');
  ul(
    summary.sources.map(
      (s) => `${s.number}《${s.title}》（${s.issuer}${s.date ? `，${formatDateZh(s.date)}` : ''}）`,
    ),
  );

  const html = [
    '<!DOCTYPE html>',
    '<html lang="zh-CN">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${e(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    `<h1>${e(title)}</h1>`,
    `<p class="sub">${e(`参保缴费，健康有保障。以下金额均按本地政策由系统核定计算。`)}</p>`,
    ...body,
    `<footer>${e(
      `政策包 ${pack.id}，版本 ${resolved.hash}。本明白纸由 canbao 根据上述政策文件生成，具体以当地医保、税务部门解释为准。`,
    )}</footer>`,
    '</body>',
    '</html>',
    '',
  ];
  return html.join('\n');
}
