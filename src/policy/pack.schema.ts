// The policy pack: one county's (or the nation's) contribution policy for one insurance year.
// Every object is strict (unknown keys are errors) and every rule carries a citation, because a
// misspelt key that silently falls back to a default is the classic rules-as-code failure.
import { z } from 'zod';
import './zod-zh.js';
import {
  CHANNEL_CODES,
  DISABILITY_KINDS,
  EVENT_TYPES,
  FUNDING_SOURCES,
  IDENTITY_CODES,
  REFUND_REASONS,
  STUDENT_KINDS,
} from './vocabulary.js';

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: '日期格式应为 YYYY-MM-DD' });
const fen = z
  .number({ error: '金额应为整数（单位：分）' })
  .int({ error: '金额应为整数（单位：分），例如 400 元写作 40000' })
  .nonnegative({ error: '金额不能为负数' });

/** Where a rule comes from: a source document of the pack, the clause, and (for shipped texts) the exact words. */
export const citeSchema = z.strictObject({
  source: z.string({ error: '引用须写明来源文件（sources 中的 id）' }).min(1),
  clause: z.string({ error: '引用须写明条款，例如 "三、（四）2."' }).min(1),
  /** Verbatim sentence of the source text; checked against the shipped text when the source has one. */
  quote: z.string().min(1).optional(),
  /** Why this reading, when the document is silent or ambiguous. Shown to people. */
  note: z.string().min(1).optional(),
});
export type Cite = z.infer<typeof citeSchema>;
const cite = { cite: citeSchema };

export const sourceSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]+$/, { error: 'id 只能用小写字母、数字和连字符' }),
  number: z.string().min(1),
  title: z.string().min(1),
  issuer: z.string().min(1),
  /** Absent when the date is not known for sure: never guessed. */
  date: date.optional(),
  /** File name under src/policy/sources/ holding the document text, for quote checking. */
  text: z.string().optional(),
});
export type Source = z.infer<typeof sourceSchema>;

/** One identity a rule accepts, with optional attribute conditions (all must hold). */
export const identityConditionSchema = z.strictObject({
  category: z.enum(IDENTITY_CODES, { error: (i) => `未知的身份代码 ${JSON.stringify(i.input)}` }),
  gradeMin: z.number().int().min(1).max(4).optional(),
  gradeMax: z.number().int().min(1).max(4).optional(),
  kinds: z.array(z.enum(DISABILITY_KINDS)).min(1).optional(),
  formerlyPoor: z.boolean().optional(),
  riskEliminated: z.boolean().optional(),
});
export type IdentityCondition = z.infer<typeof identityConditionSchema>;

export const amountSchema = z.union([
  z.strictObject({ full: z.literal(true) }),
  z.strictObject({
    percent: z.number().gt(0, { error: '资助比例应大于 0' }).max(100, { error: '资助比例不能超过 100（%）' }),
  }),
  z.strictObject({ fixedFen: fen }),
]);
export type Amount = z.infer<typeof amountSchema>;

export const subsidyRuleSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9_-]+$/),
  name: z.string().min(1),
  identities: z.array(identityConditionSchema).min(1),
  /** Identities that exclude a person from this rule (朔州: 易返贫致贫 "不含已纳入低保、特困"). */
  unless: z.array(identityConditionSchema).min(1).optional(),
  amount: amountSchema,
  /** The contribution tier the amount refers to. */
  tier: z.string().min(1),
  fundingSource: z.enum(FUNDING_SOURCES, { error: (i) => `未知的资金来源 ${JSON.stringify(i.input)}` }),
  ...cite,
});
export type SubsidyRule = z.infer<typeof subsidyRuleSchema>;

/**
 * A subsidy the document grants without saying how much (双清 "其他困难群体…给予分类资助"). A person
 * it matches cannot be assessed unless a determined rule already covers the whole standard: the
 * engine answers "not covered" instead of silently granting nothing.
 */
export const undeterminedSubsidySchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9_-]+$/),
  name: z.string().min(1),
  identities: z.array(identityConditionSchema).min(1),
  fundingSource: z.enum(FUNDING_SOURCES),
  ...cite,
});
export type UndeterminedSubsidy = z.infer<typeof undeterminedSubsidySchema>;

export const tierSchema = z.strictObject({
  code: z.string().regex(/^[a-z0-9_]+$/),
  name: z.string().min(1),
  fen,
  ...cite,
});

export const windowSchema = z.strictObject({
  /** Calendar months (1–12) this window applies to. */
  months: z.array(z.number().int().min(1).max(12)).min(1),
  fromDay: z.number().int().min(1).max(31),
  toDay: z.number().int().min(1).max(31),
});

const periodSchema = z.strictObject({ start: date, end: date, ...cite });

export const collectionSchema = z.strictObject({
  start: date,
  end: date,
  /** Business-day windows per month; absent means every day of the period is a business day (say so in the cite). */
  windows: z.array(windowSchema).min(1).optional(),
  /** Why days outside the windows are closed (shown in the rejection). */
  closedReason: z.string().optional(),
  ...cite,
});

export const lateSchema = z.strictObject({
  /** What a person enrolling outside the collection period pays. */
  contribution: z.enum(['personal', 'personal_plus_fiscal']),
  waitingDays: z.number().int().nonnegative(),
  ...cite,
  /** Where the waiting period comes from, when another clause than the late-payment one. */
  waitingCite: citeSchema.optional(),
});

/** 国办发〔2024〕38号: fixed waiting period plus a variable part per further year of lapse. */
export const waitingPeriodSchema = z.strictObject({
  fixedDays: z.number().int().nonnegative(),
  daysPerExtraLapseYear: z.number().int().nonnegative(),
  /** Lapse of this many years or more keeps the total at least minDaysAfterLongLapse after repair. */
  longLapseYears: z.number().int().positive(),
  minDaysAfterLongLapse: z.number().int().nonnegative(),
  ...cite,
});

/** 国办发〔2024〕38号: continuous enrolment and zero-reimbursement years raise the critical-illness cap. */
export const incentiveSchema = z.strictObject({
  /** Raises start after this many full consecutive years. */
  afterConsecutiveYears: z.number().int().positive(),
  raisePerYearFen: fen,
  zeroClaimRaiseFen: fen,
  /** Both raises together stay within this percent of the original cap. */
  maxPercentOfCap: z.number().gt(0).max(100),
  ...cite,
});

const eventRuleBase = {
  /** Days after the event within which enrolment must be made for the special treatment. */
  withinDays: z.number().int().positive().optional(),
  /** personal = the year's personal standard (no late surcharge); none = nothing to pay that year. */
  contribution: z.enum(['personal', 'none']),
  /** When benefits start: the event date (birth, entry, lapse) or the payment date. */
  benefitFrom: z.enum(['event', 'payment']),
  ...cite,
};

export const eventRuleSchema = z.strictObject({
  ...eventRuleBase,
  /** Newborns whose birth and payment fall in two years pay both years (高阳). */
  crossYear: z.enum(['pay_both']).optional(),
  /** A subsidy that applies outside the collection period instead of the identity subsidies (双清 福利机构). */
  outsideCollectionSubsidy: z
    .strictObject({ amount: amountSchema, fundingSource: z.enum(FUNDING_SOURCES), ...cite })
    .optional(),
});
export type EventRule = z.infer<typeof eventRuleSchema>;

export const eventsSchema = z.partialRecord(z.enum(EVENT_TYPES), eventRuleSchema);

export const refundsSchema = z.strictObject({
  beforeBenefitStart: z.strictObject({ reasons: z.array(z.enum(REFUND_REASONS)).min(1), ...cite }),
  afterBenefitStart: z.strictObject({ refundPersonal: z.boolean(), ...cite }).optional(),
  /** Paid in full, then certified as hardship during the collection period: the subsidy part is refunded. */
  subsidyOnLaterCertification: z.strictObject({ refund: z.literal(true), ...cite }).optional(),
});

export const packSchema = z.strictObject({
  id: z.string().regex(/^(\d{6}|national)-\d{4}$/, { error: 'id 应为 "地区代码-年度"，如 430502-2025' }),
  region: z.string().regex(/^(\d{6}|national)$/, { error: '地区代码应为 6 位数字（GB/T 2260）或 national' }),
  regionName: z.string().min(1),
  year: z.number().int().min(2020).max(2100),
  /** The national defaults pack this one inherits from, explicitly (e.g. national-2025). */
  extends: z.string().optional(),
  /** Why the pack exists and what it leaves to the national rules; shown in `policy show`. */
  notes: z.array(z.string()).optional(),
  sources: z.array(sourceSchema).min(1),
  contribution: z
    .strictObject({
      tiers: z.array(tierSchema).min(1),
      /** The tier used when a request names none and no subsidy rule decides it. */
      defaultTier: z.strictObject({ tier: z.string(), ...cite }),
    })
    .optional(),
  fiscalSubsidy: z.strictObject({ fen, minimum: z.boolean().optional(), ...cite }).optional(),
  subsidies: z.array(subsidyRuleSchema).optional(),
  undeterminedSubsidies: z.array(undeterminedSubsidySchema).optional(),
  /** 同缴同补: identities certified after the collection period count from next year. */
  lateCertification: z.strictObject({ appliesFrom: z.literal('next_year'), ...cite }).optional(),
  collection: collectionSchema.optional(),
  benefit: periodSchema.optional(),
  studentBenefit: z.partialRecord(z.enum(STUDENT_KINDS), periodSchema).optional(),
  late: lateSchema.optional(),
  waitingPeriod: waitingPeriodSchema.optional(),
  incentive: incentiveSchema.optional(),
  events: eventsSchema.optional(),
  refunds: refundsSchema.optional(),
  channels: z
    .strictObject({
      list: z
        .array(z.enum(CHANNEL_CODES, { error: (i) => `未知的缴费渠道 ${JSON.stringify(i.input)}` }))
        .min(1),
      ...cite,
    })
    .optional(),
  enrollment: z.strictObject({ wholeHousehold: z.boolean(), ...cite }).optional(),
  targets: z
    .strictObject({
      overallPercent: z.number().gt(0).max(100),
      keyGroups: z
        .array(
          z.strictObject({
            name: z.string(),
            categories: z.array(z.enum(IDENTITY_CODES)).min(1),
            percent: z.number().gt(0).max(100),
          }),
        )
        .optional(),
      notBelowLastYear: z.boolean().optional(),
      ...cite,
    })
    .optional(),
  reporting: z
    .strictObject({
      bulletin: z.enum(['weekly', 'fortnightly', 'monthly']).optional(),
      ranking: z.enum(['weekly', 'fortnightly', 'monthly']).optional(),
      reconciliationsPerMonth: z.number().int().positive().optional(),
      departmentListsByDay: z.number().int().min(1).max(31).optional(),
      ...cite,
    })
    .optional(),
});
export type Pack = z.infer<typeof packSchema>;
export type Tier = z.infer<typeof tierSchema>;
export type Window = z.infer<typeof windowSchema>;
