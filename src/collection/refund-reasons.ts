// The names of every refund reason and life event the collection side records. The pack's own
// refund reasons (REFUND_REASONS) keep their names in the policy vocabulary; the reasons that come
// from the engine or from payment handling rather than from a pack list are named here, so the pack
// schema stays exactly what the documents say.
import {
  EVENT_NAMES,
  EVENT_TYPES,
  REFUND_REASON_NAMES,
  REFUND_REASONS,
  type RefundReason,
} from '../policy/vocabulary.js';

/** Reasons the pack does not list: decided by the engine or by the payment's own state. */
export const EXTRA_REFUND_REASONS = ['later_certification', 'overpayment', 'rejected_payment'] as const;
export type ExtraRefundReason = (typeof EXTRA_REFUND_REASONS)[number];

export const ALL_REFUND_REASONS = [...REFUND_REASONS, ...EXTRA_REFUND_REASONS] as const;
export type AnyRefundReason = RefundReason | ExtraRefundReason;

export const REFUND_REASON_LABELS: Record<AnyRefundReason, string> = {
  ...REFUND_REASON_NAMES,
  later_certification: '缴费后认定为困难人员（退还资助部分）',
  overpayment: '多缴',
  rejected_payment: '缴费未被受理',
};

export const isRefundReason = (s: string): s is AnyRefundReason =>
  (ALL_REFUND_REASONS as readonly string[]).includes(s);

export const REFUND_STATES = ['requested', 'approved', 'rejected', 'paid'] as const;
export type RefundState = (typeof REFUND_STATES)[number];
export const REFUND_STATE_NAMES: Record<RefundState, string> = {
  requested: '已申请',
  approved: '已审核同意',
  rejected: '已驳回',
  paid: '已交税务退付',
};

/** Events that end or pause cover here; each is also the refund reason it gives rise to. */
export const SUSPENDING_EVENTS = [
  'death',
  'military_service',
  'prison',
  'employee_insurance',
  'other_region',
] as const;
export type SuspendingEvent = (typeof SUSPENDING_EVENTS)[number];

export const LIFE_EVENT_TYPES = [...SUSPENDING_EVENTS, ...EVENT_TYPES] as const;
export type LifeEventType = (typeof LIFE_EVENT_TYPES)[number];

export const LIFE_EVENT_NAMES: Record<LifeEventType, string> = {
  death: '死亡',
  military_service: '应征入伍（服兵役）',
  prison: '服刑',
  employee_insurance: '参加职工医保',
  other_region: '参加其他统筹地区医保（迁出）',
  ...EVENT_NAMES,
};

const LIFE_EVENT_ALIASES: Record<string, LifeEventType> = {
  死亡: 'death',
  服役: 'military_service',
  服兵役: 'military_service',
  入伍: 'military_service',
  服刑: 'prison',
  职工医保: 'employee_insurance',
  参加职工医保: 'employee_insurance',
  迁出: 'other_region',
  异地参保: 'other_region',
  新生儿: 'newborn',
  职工医保断保: 'employee_insurance_lapse',
  福利机构接收: 'welfare_institution_entry',
  退役军人: 'veteran',
  征兵退回: 'returned_conscript',
  刑满释放: 'released_from_prison',
  社区矫正: 'community_correction',
};

/** A type as typed by a user: the code or its short Chinese name. */
export function parseLifeEventType(text: string): LifeEventType | undefined {
  const t = text.trim();
  if ((LIFE_EVENT_TYPES as readonly string[]).includes(t)) return t as LifeEventType;
  return LIFE_EVENT_ALIASES[t];
}

export const isSuspending = (t: LifeEventType): t is SuspendingEvent =>
  (SUSPENDING_EVENTS as readonly string[]).includes(t);
