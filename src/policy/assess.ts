// One-person assessment (核定): standard − subsidy = payable, which fund pays the subsidy, when
// benefits start, and why, step by step with the clause each step rests on. Pure: no I/O.
import { addDays, daysBetween, formatDateZh, maxDate, yearOf } from './dates.js';
import { formatYuan } from './money.js';
import { formatPath } from './outcome.js';
import type { Cite, EventRule, Pack } from './pack.schema.js';
import type { PackRegistry, ResolvedPack } from './pack-loader.js';
import { type AssessRequest, type Identity, requestSchema } from './request.schema.js';
import type {
  AssessmentError,
  AssessmentOutcome,
  AssessmentResult,
  ExplanationStep,
  Rejection,
  StepCite,
} from './result.js';
import { amountFor, decideSubsidy, describeIdentity } from './subsidy.js';
import {
  EVENT_NAMES,
  type EventType,
  FUNDING_SOURCE_NAMES,
  IDENTITY_NAMES,
  STUDENT_NAMES,
} from './vocabulary.js';
import { waitingDays } from './waiting.js';

type Mode = 'period' | 'late' | 'event';

class NotCovered extends Error {
  constructor(
    message: string,
    readonly path: string,
    readonly code: AssessmentError['error']['code'] = 'NOT_COVERED',
  ) {
    super(message);
  }
}

/** Validate then assess; a bad request answers with an error in its slot, never a throw. */
export function assess(input: unknown, packs: PackRegistry): AssessmentOutcome {
  const parsed = requestSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return {
      error: {
        code: 'INVALID_REQUEST',
        message: issue.code === 'unrecognized_keys' ? `未知的字段 ${issue.keys.join('、')}` : issue.message,
        path: formatPath(issue.path),
      },
    };
  }
  const req = parsed.data;
  const resolved = packs.find(req.region, req.year);
  if (!resolved) {
    return {
      error: {
        code: 'NO_PACK',
        message: `没有覆盖地区 ${req.region} ${req.year} 年度的政策包（可用 canbao policy list 查看已有政策包）`,
        path: 'region',
      },
    };
  }
  try {
    return assessWith(req, resolved);
  } catch (e) {
    if (e instanceof NotCovered) return { error: { code: e.code, message: e.message, path: e.path } };
    throw e;
  }
}

export function assessWith(req: AssessRequest, resolved: ResolvedPack): AssessmentResult {
  const { pack } = resolved;
  const steps: ExplanationStep[] = [];
  const cite = (c: Cite | undefined, section?: string): StepCite | null => citeOf(resolved, c, section);
  const step = (rule: string, text: string, c: Cite | undefined, section?: string) =>
    steps.push({ rule, text, cite: cite(c, section ?? rule.split(/[.[]/)[0]) });

  step(
    'pack',
    `适用${pack.regionName}${pack.year}年度政策包 ${pack.id}（版本 ${resolved.hash}）。`,
    undefined,
  );
  const contribution = pack.contribution;
  if (!contribution) throw new NotCovered(`政策包 ${pack.id} 未规定缴费标准`, 'year');
  const collection = pack.collection;
  if (!collection) throw new NotCovered(`政策包 ${pack.id} 未规定集中征缴期`, 'paymentDate');
  const benefit = pack.benefit;
  if (!benefit) throw new NotCovered(`政策包 ${pack.id} 未规定待遇享受期`, 'year');

  const tierOf = (code: string) => contribution.tiers.find((t) => t.code === code);
  if (req.tier !== undefined && !tierOf(req.tier)) {
    const options = contribution.tiers.map((t) => `${t.code}（${t.name} ${formatYuan(t.fen)}）`).join('、');
    throw new NotCovered(`缴费档次 "${req.tier}" 不存在，可选：${options}`, 'tier', 'UNKNOWN_TIER');
  }
  const pay = req.paymentDate;
  let rejection: Rejection | undefined;

  // 1. When: inside the collection period, late, or a special event that has its own terms.
  const special = specialEvent(req, pack, benefit.start, collection.end);
  let mode: Mode;
  if (pay !== undefined && pay < collection.start) {
    // Before this year's campaign opens nothing can be paid for this year, special case or not.
    rejection = {
      code: 'COLLECTION_NOT_OPEN',
      message: `${formatDateZh(pay)}${pack.year}年度集中征缴期尚未开始（${formatDateZh(collection.start)}开始），不能缴纳该年度费用。`,
    };
    step('collection', rejection.message, collection.cite);
  }
  if (special) {
    mode = 'event';
    const eventCite = special.rule.cite;
    step(`events.${special.type}`, special.text, eventCite, `events.${special.type}`);
  } else {
    if (req.event) {
      const has = pack.events?.[req.event.type];
      steps.push({
        rule: `events.${req.event.type}`,
        text: has
          ? `${EVENT_NAMES[req.event.type]}：${eventMissReason(req, has)}，按一般规则核定。`
          : `本方案及国家默认规则均未规定"${EVENT_NAMES[req.event.type]}"特殊情形，按一般规则核定。`,
        cite: has ? cite(has.cite, `events.${req.event.type}`) : null,
      });
    }
    if (pay === undefined) {
      mode = 'period';
      step(
        'collection',
        `未给出缴费日期，按集中征缴期（${formatDateZh(collection.start)}至${formatDateZh(collection.end)}）内缴费核定。`,
        collection.cite,
      );
    } else if (pay < collection.start) {
      mode = 'period';
    } else if (pay <= collection.end) {
      mode = 'period';
      step(
        'collection',
        `缴费日期${formatDateZh(pay)}在集中征缴期（${formatDateZh(collection.start)}至${formatDateZh(collection.end)}）内。`,
        collection.cite,
      );
      const closed = outsideWindows(pay, collection);
      if (closed) {
        rejection = { code: 'OUTSIDE_BUSINESS_WINDOW', message: closed };
        step('collection.windows', closed, collection.cite, 'collection');
      }
    } else {
      mode = 'late';
      if (pay > benefit.end) {
        rejection = {
          code: 'YEAR_CLOSED',
          message: `${formatDateZh(pay)}已过${pack.year}年度待遇享受期（至${formatDateZh(benefit.end)}），不能再缴纳该年度费用。`,
        };
        step('benefit', rejection.message, benefit.cite);
      }
      if (!pack.late) {
        throw new NotCovered(
          `政策包 ${pack.id} 未规定集中征缴期（至${formatDateZh(collection.end)}）外的参保缴费，无法核定${formatDateZh(pay)}的缴费；请按省级规定处理或补充政策包`,
          'paymentDate',
        );
      }
      step(
        'late',
        `缴费日期${formatDateZh(pay)}在集中征缴期（至${formatDateZh(collection.end)}）之后，属集中征缴期外参保。`,
        pack.late.cite,
      );
    }
  }

  // 2. The tier: the request's, else the winning subsidy rule's, else the pack's default.
  const tierFen = (code: string) => tierOf(code)!.fen;
  const fiscal = pack.fiscalSubsidy;
  const baseStandard = (tierCode: string): number => {
    if (mode === 'event' && special!.contribution === 'none') return 0;
    if (mode === 'late' && pack.late!.contribution === 'personal_plus_fiscal') {
      if (!fiscal)
        throw new NotCovered(`政策包 ${pack.id} 未规定财政补助标准，无法计算集中期外缴费额`, 'paymentDate');
      return tierFen(tierCode) + fiscal.fen;
    }
    return tierFen(tierCode);
  };

  // 3. Identities that count this year (同缴同补: certified after the period → next year).
  const identities: Identity[] = [];
  for (const id of req.identities) {
    if (id.certifiedOn && pack.lateCertification && id.certifiedOn > collection.end) {
      step(
        'lateCertification',
        `${describeIdentity(id)}于${formatDateZh(id.certifiedOn)}认定，在集中征缴期结束之后，纳入下一年度资助范围，本年度不享受资助。`,
        pack.lateCertification.cite,
      );
      continue;
    }
    identities.push(id);
  }

  const eventSubsidy =
    mode === 'event' && pay !== undefined && pay > collection.end
      ? special!.rule.outsideCollectionSubsidy
      : undefined;
  const noSubsidy = mode === 'event' && special!.contribution === 'none';
  const provisional = req.tier ?? contribution.defaultTier.tier;
  const decision =
    eventSubsidy || noSubsidy
      ? undefined
      : decideSubsidy(pack, identities, tierFen, req.tier ? baseStandard(req.tier) : Number.MAX_SAFE_INTEGER);
  const tier = req.tier ?? decision?.winner?.rule.tier ?? provisional;
  const standardFen = baseStandard(tier);
  const tierRow = tierOf(tier)!;

  if (standardFen === 0) {
    step(
      'contribution',
      `按上述特殊情形，本年度个人不缴费（原个人缴费标准${formatYuan(tierRow.fen)}）。`,
      special!.rule.cite,
      `events.${special!.type}`,
    );
  } else if (mode === 'late' && pack.late!.contribution === 'personal_plus_fiscal') {
    step(
      'late',
      `集中征缴期外参保按个人缴费标准加财政补助标准之和缴费：${formatYuan(tierRow.fen)} + ${formatYuan(fiscal!.fen)} = ${formatYuan(standardFen)}。`,
      pack.late!.cite,
    );
  } else {
    const why = req.tier
      ? `按申报的${tierRow.name}`
      : tier !== contribution.defaultTier.tier
        ? `按资助规则所对应的${tierRow.name}`
        : contribution.tiers.length > 1
          ? `未申报档次，按默认的${tierRow.name}`
          : `按${tierRow.name}`;
    step(
      `contribution.tiers.${tier}`,
      `${why}，缴费标准为${formatYuan(standardFen)}。`,
      contribution.tiers.find((t) => t.code === tier)!.cite,
      'contribution',
    );
  }

  // 4. The subsidy: one, the highest.
  let subsidyFen = 0;
  let category: AssessmentResult['category'] = null;
  let subsidyRule: string | null = null;
  let fundingSource: AssessmentResult['fundingSource'] = null;
  if (eventSubsidy) {
    subsidyFen = Math.min(amountFor(eventSubsidy.amount, standardFen), standardFen);
    subsidyRule = `events.${special!.type}.outsideCollectionSubsidy`;
    fundingSource = eventSubsidy.fundingSource;
    step(
      subsidyRule,
      `集中参保缴费规定时间外，参保费用由${FUNDING_SOURCE_NAMES[eventSubsidy.fundingSource]}资助${formatYuan(subsidyFen)}。`,
      eventSubsidy.cite,
      `events.${special!.type}`,
    );
  } else if (decision) {
    const { winner, candidates, nearMisses } = decision;
    for (const miss of nearMisses)
      step(`subsidies.${miss.rule.id}`, `${miss.rule.name}：${miss.reason}。`, miss.rule.cite, 'subsidies');
    const ordered = [...candidates].sort((a, b) => b.cappedFen - a.cappedFen || a.index - b.index);
    for (const c of ordered) {
      const capped = Math.min(c.amountFen, standardFen);
      const amountText =
        capped < c.amountFen
          ? `${formatYuan(c.amountFen)}（以应缴额为限，${formatYuan(capped)}）`
          : formatYuan(capped);
      if (c === winner) continue;
      const lostBecause =
        capped < (winner ? Math.min(winner.amountFen, standardFen) : 0)
          ? '资助额低于胜出的规则'
          : '资助额与胜出规则相同，按政策包中的先后次序取在前的规则';
      step(
        `subsidies.${c.rule.id}`,
        `${c.rule.name}：${describeIdentity(c.identity)}可获资助${amountText}，但${lostBecause}（就高不就低，不重复资助）。`,
        c.rule.cite,
        'subsidies',
      );
    }
    if (winner) {
      subsidyFen = Math.min(winner.amountFen, standardFen);
      category = winner.identity.category;
      subsidyRule = winner.rule.id;
      fundingSource = winner.rule.fundingSource;
      const capNote =
        subsidyFen < winner.amountFen ? `（规则资助${formatYuan(winner.amountFen)}，以应缴额为限）` : '';
      step(
        `subsidies.${winner.rule.id}`,
        `${winner.rule.name}：${describeIdentity(winner.identity)}资助${formatYuan(subsidyFen)}${capNote}，资金来源：${FUNDING_SOURCE_NAMES[winner.rule.fundingSource]}。${candidates.length > 1 ? '多重身份按就高不就低取其一。' : ''}`,
        winner.rule.cite,
        'subsidies',
      );
    } else if (identities.length > 0) {
      steps.push({
        rule: 'subsidies',
        text: `${identities.map((i) => IDENTITY_NAMES[i.category]).join('、')}在本方案中没有适用的资助规则，不享受资助。`,
        cite: null,
      });
    } else {
      steps.push({ rule: 'subsidies', text: '无特殊身份，不享受参保资助。', cite: null });
    }
  }
  const open = decision?.undetermined[0];
  if (open && subsidyFen < standardFen) {
    const source = pack.sources.find((s) => s.id === open.rule.cite.source)?.number ?? open.rule.cite.source;
    throw new NotCovered(
      `${open.rule.name}：${source} ${open.rule.cite.clause}规定给予资助，但未规定资助标准，无法核定；请在政策包中补充资助标准后再核定`,
      `identities[${req.identities.indexOf(identities[open.identityIndex]!)}].category`,
    );
  }
  const payableFen = standardFen - subsidyFen;
  steps.push({
    rule: 'payable',
    text: `个人应缴 = ${formatYuan(standardFen)} − ${formatYuan(subsidyFen)} = ${formatYuan(payableFen)}。`,
    cite: null,
  });

  // 5. Benefits: from when, until when, after what waiting period.
  let start: string;
  let end = benefit.end;
  let waiting = 0;
  const studentPeriod = req.student ? pack.studentBenefit?.[req.student] : undefined;
  if (req.student && !studentPeriod) {
    steps.push({
      rule: 'studentBenefit',
      text: `本方案未对${STUDENT_NAMES[req.student]}另设待遇享受期，按一般规定。`,
      cite: null,
    });
  }
  if (mode === 'event') {
    start = special!.benefitStart;
    step(
      `events.${special!.type}`,
      `待遇自${formatDateZh(start)}起享受，不设待遇等待期。`,
      special!.rule.cite,
      `events.${special!.type}`,
    );
  } else if (mode === 'late') {
    const breakdown = lapseWaiting(req, pack, pack.late!.waitingDays, steps, resolved);
    waiting = breakdown;
    start = addDays(pay!, waiting);
    step(
      'late',
      `集中征缴期外参保设待遇等待期${waiting}天，待遇自${formatDateZh(pay!)}起${waiting}天后即${formatDateZh(start)}起享受。`,
      pack.late!.waitingCite ?? pack.late!.cite,
    );
  } else {
    start = studentPeriod?.start ?? benefit.start;
    if (studentPeriod) {
      end = studentPeriod.end;
      step(
        `studentBenefit.${req.student}`,
        `${STUDENT_NAMES[req.student!]}待遇享受期为${formatDateZh(start)}至${formatDateZh(end)}。`,
        studentPeriod.cite,
        'studentBenefit',
      );
    } else {
      step(
        'benefit',
        rejection
          ? `本次缴费不予受理；在集中征缴期的业务期内缴费的，待遇享受期为${formatDateZh(start)}至${formatDateZh(end)}。`
          : `集中征缴期内缴费，待遇享受期为${formatDateZh(start)}至${formatDateZh(end)}。`,
        benefit.cite,
      );
    }
    if ((req.lapsedYears ?? 0) > 0) {
      if (pack.waitingPeriod) {
        waiting = lapseWaiting(req, pack, pack.waitingPeriod.fixedDays, steps, resolved);
        start = addDays(maxDate(pay ?? start, start), waiting);
        step(
          'waitingPeriod',
          `断保后再参保设待遇等待期${waiting}天，自${formatDateZh(start)}起享受待遇。`,
          pack.waitingPeriod.cite,
        );
      } else {
        steps.push({
          rule: 'waitingPeriod',
          text: `本方案（${pack.year}年度）没有断保待遇等待期的规定，不设等待期。`,
          cite: null,
        });
      }
    }
  }
  if (!rejection && start > end) {
    rejection = {
      code: 'YEAR_CLOSED',
      message: `待遇起始日${formatDateZh(start)}已晚于${pack.year}年度待遇享受期结束日${formatDateZh(end)}，不能再缴纳该年度费用，请缴纳下一年度。`,
    };
    step('benefit', rejection.message, benefit.cite);
  }

  const result: AssessmentResult = {
    region: req.region,
    year: req.year,
    pack: { id: pack.id, hash: resolved.hash },
    tier,
    standardFen,
    subsidyFen,
    payableFen,
    category,
    subsidyRule,
    fundingSource,
    accepted: rejection === undefined,
    benefitStart: rejection ? null : start,
    benefitEnd: rejection ? null : end,
    waitingDays: rejection ? 0 : waiting,
    explanation: steps,
  };
  if (rejection) result.rejection = rejection;
  if (special?.alsoPayYears) result.alsoPayYears = special.alsoPayYears;
  return result;
}

interface SpecialEvent {
  type: EventType;
  rule: EventRule;
  /** What is paid: the rule's, except where the special case only waives the waiting period. */
  contribution: EventRule['contribution'];
  benefitStart: string;
  text: string;
  alsoPayYears?: number[];
}

/** The event's own terms apply when the pack has a rule for it and its deadline is met. */
function specialEvent(
  req: AssessRequest,
  pack: Pack,
  periodStart: string,
  collectionEnd: string,
): SpecialEvent | null | undefined {
  const event = req.event;
  if (!event) return undefined;
  const rule = pack.events?.[event.type];
  if (!rule) return null;
  const pay = req.paymentDate;
  const name = EVENT_NAMES[event.type];
  const eventDate = event.type === 'newborn' ? (event.date ?? req.birthDate) : event.date;
  if (!eventDate && rule.benefitFrom === 'event') {
    throw new NotCovered(
      `${name}须给出事件日期（event.date${event.type === 'newborn' ? ' 或 birthDate' : ''}）`,
      'event.date',
      'INVALID_REQUEST',
    );
  }
  if (eventDate && pay && pay < eventDate) {
    throw new NotCovered(
      `缴费日期${formatDateZh(pay)}早于${name}事件日期${formatDateZh(eventDate)}`,
      'paymentDate',
      'INVALID_REQUEST',
    );
  }
  if (eventDate && rule.withinDays !== undefined && pay && daysBetween(eventDate, pay) > rule.withinDays)
    return null;
  const within =
    rule.withinDays !== undefined && eventDate
      ? pay
        ? `于${formatDateZh(eventDate)}后第${daysBetween(eventDate, pay)}天参保缴费，在${rule.withinDays}天内`
        : `未给出缴费日期，按在${rule.withinDays}天内参保缴费核定`
      : '';
  const payText = rule.contribution === 'none' ? '当年不缴费' : '按当年度个人缴费标准缴费';

  if (event.type === 'newborn') {
    const birthYear = yearOf(eventDate!);
    if (birthYear === req.year) {
      const alsoPay =
        rule.crossYear === 'pay_both' && pay && yearOf(pay) > req.year ? [yearOf(pay)] : undefined;
      return {
        type: event.type,
        rule,
        contribution: rule.contribution,
        benefitStart: maxDate(eventDate!, periodStart),
        text: `新生儿${within}，${payText}，自出生之日起享受待遇。${alsoPay ? `出生至缴费跨两个年度，还须缴纳${alsoPay.join('、')}年度个人缴费部分。` : ''}`,
        ...(alsoPay ? { alsoPayYears: alsoPay } : {}),
      };
    }
    if (birthYear === req.year - 1 && rule.crossYear === 'pay_both' && pay && yearOf(pay) === req.year) {
      return {
        type: event.type,
        rule,
        contribution: 'personal',
        benefitStart: periodStart,
        text: `新生儿出生于${birthYear}年、${within}，跨两个年度，按规定缴纳两个年度的个人缴费部分，本年度待遇自${formatDateZh(periodStart)}起享受。`,
        alsoPayYears: [birthYear],
      };
    }
    if (birthYear === req.year - 1 && pay && pay > collectionEnd) {
      // Born late last year and paying this year's contribution after the campaign but within the
      // newborn deadline: still a newborn, so no waiting period (国办发〔2024〕38号: 新生儿等特殊群体
      // 不设待遇等待期). A "no payment" rule covers the birth year only: this year is paid.
      return {
        type: event.type,
        rule,
        contribution: 'personal',
        benefitStart: periodStart,
        text: `新生儿出生于${birthYear}年、${within}，新生儿不设待遇等待期，按当年度个人缴费标准缴费，本年度待遇自${formatDateZh(periodStart)}起享受。`,
      };
    }
    return null;
  }
  if (event.type === 'employee_insurance_lapse' && eventDate && yearOf(eventDate) !== req.year) return null;
  const from = rule.benefitFrom === 'event' ? eventDate! : (pay ?? periodStart);
  return {
    type: event.type,
    rule,
    contribution: rule.contribution,
    benefitStart: maxDate(from, periodStart),
    text: `${name}${within ? `${within}` : ''}，${payText}，自${rule.benefitFrom === 'event' ? '事件发生之日' : '参保缴费之日'}起享受待遇。`,
  };
}

function eventMissReason(req: AssessRequest, rule: EventRule): string {
  const event = req.event!;
  const eventDate = event.type === 'newborn' ? (event.date ?? req.birthDate) : event.date;
  if (eventDate && rule.withinDays !== undefined && req.paymentDate) {
    const days = daysBetween(eventDate, req.paymentDate);
    if (days > rule.withinDays)
      return `事件日期${formatDateZh(eventDate)}后第${days}天才缴费，超过规定的${rule.withinDays}天`;
  }
  return `事件日期不在${req.year}年度，不适用该年度的特殊规定`;
}

function lapseWaiting(
  req: AssessRequest,
  pack: Pack,
  fixedDays: number,
  steps: ExplanationStep[],
  resolved: ResolvedPack,
): number {
  const lapsed = req.lapsedYears ?? 0;
  if (lapsed === 0 || !pack.waitingPeriod) return fixedDays;
  const b = waitingDays(pack.waitingPeriod, fixedDays, lapsed, req.paidBackYears ?? 0);
  const parts = [`固定等待期${b.fixedDays}天`, `连续断保${lapsed}年，变动等待期${b.variableDays}天`];
  if (b.repairedDays > 0) parts.push(`补缴${req.paidBackYears}年减少${b.repairedDays}天`);
  if (b.floorDays > 0 && b.totalDays === b.floorDays)
    parts.push(`断保${pack.waitingPeriod.longLapseYears}年及以上合计不少于${b.floorDays}天`);
  steps.push({
    rule: 'waitingPeriod',
    text: `${parts.join('；')}；合计${b.totalDays}天。`,
    cite: citeOf(resolved, pack.waitingPeriod.cite, 'waitingPeriod'),
  });
  return b.totalDays;
}

function outsideWindows(date: string, collection: NonNullable<Pack['collection']>): string | undefined {
  if (!collection.windows) return undefined;
  const month = Number(date.slice(5, 7));
  const day = Number(date.slice(8, 10));
  const window = collection.windows.find((w) => w.months.includes(month));
  if (window && day >= window.fromDay && day <= window.toDay) return undefined;
  const reason = collection.closedReason ? `（${collection.closedReason}）` : '';
  return window
    ? `${formatDateZh(date)}不在${month}月业务期（${window.fromDay}日至${window.toDay}日）内${reason}，不能办理缴费，请在业务期内缴费。`
    : `${month}月没有缴费业务期${reason}，不能办理缴费。`;
}

function citeOf(resolved: ResolvedPack, c: Cite | undefined, section: string | undefined): StepCite | null {
  if (!c) return null;
  const source = resolved.pack.sources.find((s) => s.id === c.source);
  const out: StepCite = { document: source?.number ?? c.source, clause: c.clause };
  if (c.quote) out.quote = c.quote;
  if (c.note) out.note = c.note;
  if (section && resolved.inherited.has(section)) out.inherited = true;
  return out;
}
