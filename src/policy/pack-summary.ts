// A readable reading of one resolved pack (`canbao policy show`): every section as labelled lines,
// each with the clause it rests on, and the subsidy table with the amounts the engine computes.
// The same structure feeds `policy diff` (compared line by line) and the leaflet, so the three
// never disagree about what a pack says.
import { assess } from './assess.js';
import { formatDateZh } from './dates.js';
import { formatYuan } from './money.js';
import type { Amount, Cite, IdentityCondition, SubsidyRule } from './pack.schema.js';
import type { PackRegistry, ResolvedPack } from './pack-loader.js';
import type { AssessRequest, Identity } from './request.schema.js';
import { type AssessmentOutcome, type AssessmentResult, isError } from './result.js';
import { describeCondition } from './subsidy.js';
import {
  CHANNEL_NAMES,
  EVENT_NAMES,
  EVENT_TYPES,
  FUNDING_SOURCE_NAMES,
  IDENTITY_NAMES,
  REFUND_REASON_NAMES,
  STUDENT_NAMES,
} from './vocabulary.js';

export interface SummaryLine {
  /** Stable key within the section, used by `policy diff` to pair lines of two packs. */
  key: string;
  label: string;
  value: string;
  /** For list-like values (channels), the items, so a diff can say what was added or removed. */
  items?: string[];
  /** "双政办发〔2024〕11号 三、（四）2." (plus "（适用国家规定）" when inherited). */
  cite?: string;
  inherited?: boolean;
  /** Illustrations (example dates) that differ between any two packs and mean nothing in a diff. */
  noDiff?: boolean;
}

export interface SummarySection {
  key: string;
  title: string;
  /** The whole section comes from the national defaults. */
  inherited: boolean;
  lines: SummaryLine[];
}

export interface SubsidyRow {
  rules: string[];
  /** The identities of the row, joined with 、 in `who`. */
  identities: string[];
  who: string;
  method: '全额' | '比例' | '定额';
  /** 全额 / 90% / 定额280元 */
  methodText: string;
  tierName: string;
  standardFen: number;
  subsidyFen: number;
  payableFen: number;
  fundingSource: string;
  cite: string;
  /** When the engine gives this person a higher subsidy under another rule (就高不就低). */
  engineNote?: string;
  /** Who the rule leaves out (朔州: "不含已纳入低保、特困供养范围人员"). */
  excludes?: string;
}

export interface PackSummary {
  id: string;
  regionName: string;
  year: number;
  hash: string;
  base: string | null;
  sources: { number: string; title: string; issuer: string; date: string | null; national: boolean }[];
  sections: SummarySection[];
  subsidies: SubsidyRow[];
  notes: string[];
  baseNotes: string[];
  /** Sections taken from the national defaults, in Chinese. */
  inherited: string[];
}

export const SECTION_TITLES: Record<string, string> = {
  contribution: '缴费档次与标准',
  fiscalSubsidy: '财政补助',
  subsidies: '分类资助',
  lateCertification: '困难对象认定时间（同缴同补）',
  collection: '集中征缴期与业务期',
  benefit: '待遇享受期',
  late: '集中期外参保',
  waitingPeriod: '断保后待遇等待期',
  incentive: '连续参保激励',
  events: '特殊情形',
  refunds: '退费',
  channels: '缴费渠道',
  enrollment: '参保要求',
  targets: '参保目标',
  reporting: '通报、调度与对账',
};

const FREQ: Record<string, string> = { weekly: '每周', fortnightly: '每半月', monthly: '每月' };

/** "双政办发〔2024〕11号 三、（四）2." with the inherited mark every rule line must show. */
export function citeText(resolved: ResolvedPack, cite: Cite, inherited = false): string {
  const doc = resolved.pack.sources.find((s) => s.id === cite.source)?.number ?? cite.source;
  return `${doc} ${cite.clause}${inherited ? '（本方案未规定，适用国家规定）' : ''}`;
}

/** Assess one person under exactly this pack with the one-person engine (never re-implemented here). */
export function assessIn(
  resolved: ResolvedPack,
  packs: PackRegistry,
  request: Partial<AssessRequest>,
): AssessmentOutcome {
  const outcome = assess(
    { region: resolved.pack.region, year: resolved.pack.year, identities: [], ...request },
    packs,
  );
  // The registry must hold this very pack (same content), or the amounts would be another pack's.
  if (!isError(outcome) && (outcome.pack.id !== resolved.pack.id || outcome.pack.hash !== resolved.hash)) {
    return {
      error: {
        code: 'NO_PACK',
        message: `地区 ${resolved.pack.region} 在所给的政策包集合中对应 ${outcome.pack.id}（版本 ${outcome.pack.hash}），不是 ${resolved.pack.id}（版本 ${resolved.hash}）`,
        path: 'region',
      },
    };
  }
  return outcome;
}

/** A concrete person who meets a rule's identity condition (the lowest grade it accepts). */
export function sampleIdentity(c: IdentityCondition): Identity {
  const id: Identity = { category: c.category };
  if (c.gradeMin !== undefined || c.gradeMax !== undefined) id.grade = c.gradeMin ?? 1;
  if (c.kinds?.[0]) id.kind = c.kinds[0];
  if (c.formerlyPoor !== undefined) id.formerlyPoor = c.formerlyPoor;
  if (c.riskEliminated !== undefined) id.riskEliminated = c.riskEliminated;
  return id;
}

export function amountText(amount: Amount): { method: SubsidyRow['method']; text: string } {
  if ('full' in amount) return { method: '全额', text: '全额' };
  if ('percent' in amount) return { method: '比例', text: `${amount.percent}%` };
  return { method: '定额', text: `定额${formatYuan(amount.fixedFen)}` };
}

/** 2024-12-28 → the 10th of the second month after, an ordinary late payment date for examples. */
export function lateExampleDate(collectionEnd: string): string {
  const y = Number(collectionEnd.slice(0, 4));
  const m = Number(collectionEnd.slice(5, 7)) + 2;
  const year = m > 12 ? y + 1 : y;
  const month = m > 12 ? m - 12 : m;
  return `${year}-${String(month).padStart(2, '0')}-10`;
}

export interface LateExample {
  date: string;
  result: AssessmentResult;
}

/** What a person with no identity pays and when benefits start, paying after the collection period. */
export function lateExample(resolved: ResolvedPack, packs: PackRegistry): LateExample | { error: string } {
  const collection = resolved.pack.collection;
  if (!collection) return { error: '本方案未规定集中征缴期' };
  const date = lateExampleDate(collection.end);
  const outcome = assessIn(resolved, packs, { paymentDate: date });
  if (isError(outcome)) return { error: outcome.error.message };
  return { date, result: outcome };
}

/** 9—11月每月1—25日；12月每月1—28日 */
export function windowsText(windows: { months: number[]; fromDay: number; toDay: number }[]): string {
  return windows
    .map((w) => {
      const ms = [...w.months].sort((a, b) => a - b);
      const contiguous = ms.every((m, i) => i === 0 || m === ms[i - 1]! + 1);
      const months = ms.length > 1 && contiguous ? `${ms[0]}—${ms[ms.length - 1]}月` : `${ms.join('、')}月`;
      return `${months}每月${w.fromDay}—${w.toDay}日`;
    })
    .join('；');
}

const period = (start: string, end: string) => `${formatDateZh(start)}至${formatDateZh(end)}`;

export function summarizePack(resolved: ResolvedPack, packs: PackRegistry): PackSummary {
  const { pack } = resolved;
  const inh = (key: string) => resolved.inherited.has(key);
  const sections: SummarySection[] = [];
  const section = (key: string, lines: SummaryLine[]) =>
    sections.push({ key, title: SECTION_TITLES[key] ?? key, inherited: inh(key), lines });
  const line = (key: string, label: string, value: string, cite: Cite | undefined, sectionKey: string) => {
    const inherited = inh(sectionKey);
    const out: SummaryLine = { key, label, value };
    if (cite) out.cite = citeText(resolved, cite, inherited);
    if (inherited) out.inherited = true;
    return out;
  };
  const missing = (what: string): SummaryLine => ({
    key: 'none',
    label: '规定',
    value: `本方案未规定${what}`,
  });

  const c = pack.contribution;
  section(
    'contribution',
    c
      ? [
          ...c.tiers.map((t) =>
            line(`tier:${t.code}`, t.name, `${formatYuan(t.fen)}/人/年`, t.cite, 'contribution'),
          ),
          ...(c.tiers.length > 1
            ? [
                line(
                  'defaultTier',
                  '未选择档次时',
                  `按${c.tiers.find((t) => t.code === c.defaultTier.tier)?.name ?? c.defaultTier.tier}核定`,
                  c.defaultTier.cite,
                  'contribution',
                ),
              ]
            : []),
        ]
      : [missing('个人缴费标准')],
  );

  const f = pack.fiscalSubsidy;
  section(
    'fiscalSubsidy',
    f
      ? [
          line(
            'fiscal',
            '人均财政补助',
            `${f.minimum ? '不低于' : ''}${formatYuan(f.fen)}/人/年`,
            f.cite,
            'fiscalSubsidy',
          ),
        ]
      : [missing('财政补助标准')],
  );

  const lc = pack.lateCertification;
  if (lc) {
    section('lateCertification', [
      line(
        'appliesFrom',
        '集中征缴期后新认定的困难对象',
        '纳入下一年度参保缴费资助范围（本年度不资助）',
        lc.cite,
        'lateCertification',
      ),
    ]);
  }

  const col = pack.collection;
  section(
    'collection',
    col
      ? [
          line('period', '集中征缴期', period(col.start, col.end), col.cite, 'collection'),
          line(
            'windows',
            '业务办理时间',
            col.windows ? windowsText(col.windows) : '征缴期内每日均可办理',
            col.cite,
            'collection',
          ),
          ...(col.closedReason ? [line('closed', '业务期外', col.closedReason, col.cite, 'collection')] : []),
        ]
      : [missing('集中征缴期')],
  );

  const b = pack.benefit;
  const benefitLines: SummaryLine[] = b
    ? [line('benefit', '集中征缴期内缴费', period(b.start, b.end), b.cite, 'benefit')]
    : [missing('待遇享受期')];
  for (const [kind, p] of Object.entries(pack.studentBenefit ?? {})) {
    if (!p) continue;
    benefitLines.push(
      line(
        `student:${kind}`,
        STUDENT_NAMES[kind as keyof typeof STUDENT_NAMES],
        period(p.start, p.end),
        p.cite,
        'studentBenefit',
      ),
    );
  }
  section('benefit', benefitLines);

  const late = pack.late;
  if (late) {
    const ex = lateExample(resolved, packs);
    const lateLines = [
      line(
        'contribution',
        '缴费标准',
        late.contribution === 'personal_plus_fiscal' ? '个人缴费标准加财政补助标准之和' : '个人缴费标准',
        late.cite,
        'late',
      ),
    ];
    if ('result' in ex) {
      lateLines.push(
        line('amount', '无资助身份的居民应缴', formatYuan(ex.result.payableFen), late.cite, 'late'),
        line('waiting', '待遇等待期', `${late.waitingDays}天`, late.waitingCite ?? late.cite, 'late'),
        {
          key: 'example',
          label: '举例',
          value: `${formatDateZh(ex.date)}缴费${formatYuan(ex.result.payableFen)}，${
            ex.result.benefitStart
              ? `自${formatDateZh(ex.result.benefitStart)}起享受待遇`
              : '本年度不能享受待遇'
          }（由核定引擎计算）`,
          noDiff: true,
        },
      );
    } else {
      lateLines.push(
        line('waiting', '待遇等待期', `${late.waitingDays}天`, late.waitingCite ?? late.cite, 'late'),
        { key: 'example', label: '举例', value: `无法计算：${ex.error}`, noDiff: true },
      );
    }
    section('late', lateLines);
  } else {
    section('late', [missing('集中征缴期外参保的缴费额和待遇等待期（按省级规定办理）')]);
  }

  const w = pack.waitingPeriod;
  if (w) {
    section('waitingPeriod', [
      line('fixed', '固定待遇等待期', `${w.fixedDays}天`, w.cite, 'waitingPeriod'),
      line(
        'perYear',
        '每多断保1年增加',
        `${w.daysPerExtraLapseYear}天（每补缴1年减少同样天数）`,
        w.cite,
        'waitingPeriod',
      ),
      line(
        'longLapse',
        `连续断保${w.longLapseYears}年及以上`,
        `修复后等待期合计不少于${w.minDaysAfterLongLapse}天`,
        w.cite,
        'waitingPeriod',
      ),
    ]);
  }

  const inc = pack.incentive;
  if (inc) {
    section('incentive', [
      line(
        'consecutive',
        `连续参保满${inc.afterConsecutiveYears}年后`,
        `每再连续参保1年，大病保险最高支付限额提高${formatYuan(inc.raisePerYearFen)}`,
        inc.cite,
        'incentive',
      ),
      line(
        'zeroClaim',
        '当年基金零报销',
        `次年提高${formatYuan(inc.zeroClaimRaiseFen)}`,
        inc.cite,
        'incentive',
      ),
      line('cap', '两项合计', `不超过原最高支付限额的${inc.maxPercentOfCap}%`, inc.cite, 'incentive'),
    ]);
  }

  const eventLines: SummaryLine[] = [];
  const standardFen = c?.tiers.find((t) => t.code === c.defaultTier.tier)?.fen;
  for (const type of EVENT_TYPES) {
    const rule = pack.events?.[type];
    if (!rule) continue;
    const parts: string[] = [];
    const subject =
      type === 'newborn'
        ? '出生'
        : type === 'welfare_institution_entry'
          ? '进入福利机构'
          : type === 'employee_insurance_lapse'
            ? '职工医保断保'
            : '事件发生';
    parts.push(rule.withinDays !== undefined ? `${subject}后${rule.withinDays}天内参保缴费` : '随参随缴');
    parts.push(
      rule.contribution === 'none'
        ? '当年不缴费'
        : `按当年个人缴费标准缴费${standardFen !== undefined ? `（${formatYuan(standardFen)}）` : ''}`,
    );
    if (rule.outsideCollectionSubsidy) {
      parts.push(
        `集中征缴期外由${FUNDING_SOURCE_NAMES[rule.outsideCollectionSubsidy.fundingSource]}${amountText(rule.outsideCollectionSubsidy.amount).text}资助`,
      );
    }
    parts.push(
      rule.benefitFrom === 'event'
        ? `自${type === 'newborn' ? '出生' : type === 'employee_insurance_lapse' ? '职工医保断保' : type === 'welfare_institution_entry' ? '进入福利机构' : '事件发生'}之日起享受待遇，不设等待期`
        : '自参保缴费之日起享受待遇',
    );
    if (rule.crossYear === 'pay_both') parts.push('出生至缴费跨两个年度的，缴纳两个年度的个人缴费部分');
    const inherited = inh(`events.${type}`);
    const out: SummaryLine = {
      key: `event:${type}`,
      label: EVENT_NAMES[type],
      value: parts.join('；'),
      cite: citeText(resolved, rule.cite, inherited),
    };
    if (inherited) out.inherited = true;
    eventLines.push(out);
  }
  const eventsInherited = eventLines.length > 0 && eventLines.every((l) => l.inherited);
  sections.push({
    key: 'events',
    title: SECTION_TITLES.events!,
    inherited: eventsInherited,
    lines: eventLines.length > 0 ? eventLines : [missing('新生儿等特殊情形')],
  });

  const r = pack.refunds;
  if (r) {
    const refundLines = [
      line(
        'before',
        '待遇享受期开始前',
        `因${r.beforeBenefitStart.reasons.map((x) => REFUND_REASON_NAMES[x]).join('、')}可申请退费`,
        r.beforeBenefitStart.cite,
        'refunds',
      ),
    ];
    if (r.afterBenefitStart) {
      refundLines.push(
        line(
          'after',
          '待遇享受期开始后',
          r.afterBenefitStart.refundPersonal ? '可退还个人缴费' : '个人缴费不再退回',
          r.afterBenefitStart.cite,
          'refunds',
        ),
      );
    }
    if (r.subsidyOnLaterCertification) {
      refundLines.push(
        line(
          'laterCertification',
          '已缴费后在集中征缴期内认定为困难对象',
          '退还资助部分',
          r.subsidyOnLaterCertification.cite,
          'refunds',
        ),
      );
    }
    section('refunds', refundLines);
  } else {
    section('refunds', [missing('退费规则（按省级规定办理）')]);
  }

  const ch = pack.channels;
  if (ch) {
    const items = ch.list.map((x) => CHANNEL_NAMES[x]);
    section('channels', [{ ...line('list', '可用渠道', items.join('、'), ch.cite, 'channels'), items }]);
  } else {
    section('channels', [missing('缴费渠道')]);
  }

  const en = pack.enrollment;
  if (en) {
    section('enrollment', [
      line(
        'wholeHousehold',
        '以户参保',
        en.wholeHousehold ? '同一户口簿内符合条件的家庭成员应同时参保，不能选择性参保' : '可按人参保',
        en.cite,
        'enrollment',
      ),
    ]);
  }

  const t = pack.targets;
  if (t) {
    const tl = [line('overall', '总体参保率', `不低于${t.overallPercent}%`, t.cite, 'targets')];
    for (const g of t.keyGroups ?? []) {
      tl.push(line(`group:${g.name}`, g.name, `参保率不低于${g.percent}%`, t.cite, 'targets'));
    }
    if (t.notBelowLastYear) tl.push(line('notBelowLastYear', '参保人数', '不低于上年', t.cite, 'targets'));
    section('targets', tl);
  }

  const rp = pack.reporting;
  if (rp) {
    const rl: SummaryLine[] = [];
    if (rp.bulletin) rl.push(line('bulletin', '通报', FREQ[rp.bulletin]!, rp.cite, 'reporting'));
    if (rp.ranking) rl.push(line('ranking', '排名', FREQ[rp.ranking]!, rp.cite, 'reporting'));
    if (rp.reconciliationsPerMonth)
      rl.push(
        line(
          'reconciliation',
          '税务与医保对账',
          `每月至少${rp.reconciliationsPerMonth}次`,
          rp.cite,
          'reporting',
        ),
      );
    if (rp.departmentListsByDay)
      rl.push(
        line(
          'departmentLists',
          '部门名单报送',
          `每月${rp.departmentListsByDay}日前报送动态调整信息`,
          rp.cite,
          'reporting',
        ),
      );
    section('reporting', rl);
  }

  const base = resolved.base ? packs.get(resolved.base.id) : undefined;
  return {
    id: pack.id,
    regionName: pack.regionName,
    year: pack.year,
    hash: resolved.hash,
    base: resolved.base?.id ?? null,
    sources: pack.sources.map((s) => ({
      number: s.number,
      title: s.title,
      issuer: s.issuer,
      date: s.date ?? null,
      national: base?.pack.sources.some((o) => o.id === s.id) ?? false,
    })),
    sections,
    subsidies: subsidyRows(resolved, packs),
    notes: base ? (pack.notes ?? []).filter((n) => !(base.pack.notes ?? []).includes(n)) : (pack.notes ?? []),
    baseNotes: base?.pack.notes ?? [],
    inherited: [...resolved.inherited].map((k) =>
      k.startsWith('events.')
        ? `${SECTION_TITLES.events}·${EVENT_NAMES[k.slice(7) as keyof typeof EVENT_NAMES]}`
        : (SECTION_TITLES[k] ?? (k === 'studentBenefit' ? '学生待遇享受期' : k)),
    ),
  };
}

/**
 * One row per rule (split when its identities come out differently), amounts from the engine for a
 * person holding just that identity.
 */
export function subsidyRows(resolved: ResolvedPack, packs: PackRegistry): SubsidyRow[] {
  const rows: SubsidyRow[] = [];
  const rules = resolved.pack.subsidies ?? [];
  const inherited = resolved.inherited.has('subsidies');
  for (const rule of rules) {
    let current: SubsidyRow | undefined;
    let currentKey = '';
    for (const condition of rule.identities) {
      const outcome = assessIn(resolved, packs, { identities: [sampleIdentity(condition)] });
      const row = rowFor(resolved, rule, condition, outcome, inherited);
      const key = `${row.subsidyFen}/${row.payableFen}/${row.engineNote ?? ''}`;
      if (current && key === currentKey) {
        current.identities.push(...row.identities);
        current.who = current.identities.join('、');
      } else {
        current = row;
        currentKey = key;
        rows.push(row);
      }
    }
  }
  return rows;
}

function rowFor(
  resolved: ResolvedPack,
  rule: SubsidyRule,
  condition: IdentityCondition,
  outcome: AssessmentOutcome,
  inherited: boolean,
): SubsidyRow {
  const tier = resolved.pack.contribution?.tiers.find((t) => t.code === rule.tier);
  const a = amountText(rule.amount);
  const row: SubsidyRow = {
    rules: [rule.id],
    identities: [describeCondition(condition)],
    who: describeCondition(condition),
    method: a.method,
    methodText: a.text,
    tierName: tier?.name ?? rule.tier,
    standardFen: 0,
    subsidyFen: 0,
    payableFen: 0,
    fundingSource: FUNDING_SOURCE_NAMES[rule.fundingSource],
    cite: citeText(resolved, rule.cite, inherited),
  };
  if (rule.unless) row.excludes = `不含已具有${rule.unless.map(describeCondition).join('、')}身份的人员`;
  if (isError(outcome)) {
    row.engineNote = `无法核定：${outcome.error.message}`;
    return row;
  }
  row.standardFen = outcome.standardFen;
  row.subsidyFen = outcome.subsidyFen;
  row.payableFen = outcome.payableFen;
  if (outcome.subsidyRule !== rule.id) {
    const winner = resolved.pack.subsidies?.find((s) => s.id === outcome.subsidyRule);
    row.engineNote = winner
      ? `同时符合"${winner.name}"，按就高不就低适用该项`
      : `核定引擎未适用本项（${IDENTITY_NAMES[condition.category]}）`;
  }
  return row;
}

/** Terminal width of a string: CJK and full-width characters take two columns. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    w +=
      (cp >= 0x1100 && cp <= 0x115f) ||
      (cp >= 0x2e80 && cp <= 0xa4cf) ||
      (cp >= 0xac00 && cp <= 0xd7a3) ||
      (cp >= 0xf900 && cp <= 0xfaff) ||
      (cp >= 0xfe30 && cp <= 0xfe4f) ||
      (cp >= 0xff00 && cp <= 0xff60) ||
      (cp >= 0xffe0 && cp <= 0xffe6) ||
      cp === 0x2014
        ? 2
        : 1;
  }
  return w;
}

/** A plain-text table with columns padded by display width. */
export function textTable(head: string[], rows: string[][], indent = '  '): string {
  const widths = head.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? ''))));
  const fmt = (cells: string[]) =>
    indent +
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat(widths[i]! - displayWidth(c))))
      .join('  ')
      .trimEnd();
  return [fmt(head), indent + widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt)].join('\n');
}

const NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
const numeral = (i: number) =>
  i < 10 ? NUMERALS[i]! : i < 20 ? `十${NUMERALS[i - 10] ?? ''}` : String(i + 1);

/** The readable Chinese text of `canbao policy show`. */
export function renderSummary(s: PackSummary): string {
  const out: string[] = [];
  out.push(`${s.regionName} ${s.year}年度城乡居民基本医疗保险政策（${s.id}，版本 ${s.hash}）`);
  if (s.base) out.push(`本方案未规定的事项适用国家默认规则（${s.base}）。`);
  let n = 0;
  const head = (title: string) => out.push('', `${numeral(n++)}、${title}`);

  head('政策依据');
  s.sources.forEach((src, i) => {
    out.push(
      `  ${i + 1}. ${src.number}《${src.title}》，${src.issuer}，${src.date ? formatDateZh(src.date) : '日期未载明'}${src.national ? '（国家规定）' : ''}`,
    );
  });

  const renderSection = (sec: SummarySection) => {
    head(`${sec.title}${sec.inherited ? '（适用国家规定）' : ''}`);
    for (const l of sec.lines) {
      out.push(`  ${l.label}：${l.value}`);
      if (l.cite) out.push(`    依据：${l.cite}`);
    }
  };
  for (const sec of s.sections) {
    renderSection(sec);
    if (sec.key === 'fiscalSubsidy') {
      head(
        `${SECTION_TITLES.subsidies}${s.inherited.includes(SECTION_TITLES.subsidies!) ? '（适用国家规定）' : ''}`,
      );
      if (s.subsidies.length === 0) out.push('  本方案未规定分类资助。');
      else {
        out.push(
          textTable(
            ['对象', '资助方式', '档次', '资助额', '个人缴纳', '资金来源', '依据条款'],
            s.subsidies.flatMap((r) => [
              [
                r.identities[0]!,
                r.methodText,
                r.tierName,
                formatYuan(r.subsidyFen),
                formatYuan(r.payableFen),
                r.fundingSource,
                r.cite,
              ],
              // One identity per line keeps the table narrow enough for a terminal.
              ...r.identities.slice(1).map((who) => [who, '', '', '', '', '', '']),
            ]),
          ),
        );
        for (const r of s.subsidies) {
          if (r.excludes) out.push(`  注：${r.who}：${r.excludes}。`);
          if (r.engineNote) out.push(`  注：${r.who}：${r.engineNote}。`);
        }
        out.push(
          '  （资助额、个人缴纳由核定引擎按仅具有该身份的居民计算；多重身份就高不就低，不重复资助。）',
        );
      }
    }
  }

  head('适用国家规定的事项');
  out.push(s.inherited.length > 0 ? `  ${s.inherited.join('、')}` : '  无（本方案对各事项均有规定）。');

  if (s.notes.length > 0 || s.baseNotes.length > 0) {
    head('说明');
    for (const note of s.notes) out.push(`  · ${note}`);
    for (const note of s.baseNotes) out.push(`  · （国家默认规则）${note}`);
  }
  return `${out.join('\n')}\n`;
}
