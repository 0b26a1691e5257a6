// Whether a refund is due and how much, from the pack's refund rules: before the benefit period
// starts, refunds for the listed reasons; after it starts, none on suspension; and (高阳) the
// subsidy part back for someone who paid in full and was certified as hardship during the period.
import { formatDateZh } from './dates.js';
import { formatYuan } from './money.js';
import type { ResolvedPack } from './pack-loader.js';
import type { ExplanationStep } from './result.js';
import { REFUND_REASON_NAMES, type RefundReason } from './vocabulary.js';

export type RefundRequest =
  | { kind: 'suspension'; reason: RefundReason; requestDate: string; benefitStart: string; paidFen: number }
  | {
      kind: 'later_certification';
      certifiedOn: string;
      paidFen: number;
      /** What the person would have paid with the new identity. */
      payableNowFen: number;
    };

export type RefundDecision =
  | { due: true; amountFen: number; explanation: ExplanationStep[] }
  | { due: false; reason: string; explanation: ExplanationStep[] }
  | { notCovered: string };

export function decideRefund(resolved: ResolvedPack, req: RefundRequest): RefundDecision {
  const { pack } = resolved;
  const doc = (source: string) => pack.sources.find((s) => s.id === source)?.number ?? source;
  const refunds = pack.refunds;
  if (req.kind === 'later_certification') {
    const rule = refunds?.subsidyOnLaterCertification;
    const collection = pack.collection;
    if (!rule || !collection) return { notCovered: `政策包 ${pack.id} 未规定缴费后认定困难身份的退费` };
    const cite = {
      document: doc(rule.cite.source),
      clause: rule.cite.clause,
      ...(rule.cite.quote ? { quote: rule.cite.quote } : {}),
    };
    if (req.certifiedOn < collection.start || req.certifiedOn > collection.end) {
      const text = `${formatDateZh(req.certifiedOn)}认定，不在集中征缴期（${formatDateZh(collection.start)}至${formatDateZh(collection.end)}）内，不按此条退还资助部分。`;
      return {
        due: false,
        reason: text,
        explanation: [{ rule: 'refunds.subsidyOnLaterCertification', text, cite }],
      };
    }
    const amountFen = Math.max(0, req.paidFen - req.payableNowFen);
    const text = `已缴${formatYuan(req.paidFen)}，认定后应缴${formatYuan(req.payableNowFen)}，退还资助部分${formatYuan(amountFen)}。`;
    return amountFen > 0
      ? { due: true, amountFen, explanation: [{ rule: 'refunds.subsidyOnLaterCertification', text, cite }] }
      : {
          due: false,
          reason: text,
          explanation: [{ rule: 'refunds.subsidyOnLaterCertification', text, cite }],
        };
  }
  if (!refunds) return { notCovered: `政策包 ${pack.id} 未规定退费规则，请按省级规定处理` };
  const before = refunds.beforeBenefitStart;
  const beforeCite = {
    document: doc(before.cite.source),
    clause: before.cite.clause,
    ...(before.cite.quote ? { quote: before.cite.quote } : {}),
  };
  if (req.requestDate >= req.benefitStart) {
    const after = refunds.afterBenefitStart;
    const text = `${formatDateZh(req.requestDate)}申请时待遇享受期已于${formatDateZh(req.benefitStart)}开始，暂停参保关系的，个人缴费不予退回。`;
    if (after && !after.refundPersonal) {
      return {
        due: false,
        reason: text,
        explanation: [
          {
            rule: 'refunds.afterBenefitStart',
            text,
            cite: {
              document: doc(after.cite.source),
              clause: after.cite.clause,
              ...(after.cite.quote ? { quote: after.cite.quote } : {}),
            },
          },
        ],
      };
    }
    const t2 = `待遇享受期已开始，本方案只规定待遇享受期开始前的退费，不予退费。`;
    return {
      due: false,
      reason: t2,
      explanation: [{ rule: 'refunds.beforeBenefitStart', text: t2, cite: beforeCite }],
    };
  }
  if (!before.reasons.includes(req.reason)) {
    const allowed = before.reasons.map((r) => REFUND_REASON_NAMES[r]).join('、');
    const text = `"${REFUND_REASON_NAMES[req.reason]}"不在可退费原因（${allowed}）之列。`;
    return {
      due: false,
      reason: text,
      explanation: [{ rule: 'refunds.beforeBenefitStart', text, cite: beforeCite }],
    };
  }
  const text = `待遇享受期（${formatDateZh(req.benefitStart)}起）开始前因${REFUND_REASON_NAMES[req.reason]}申请，退还个人缴费${formatYuan(req.paidFen)}。`;
  return {
    due: true,
    amountFen: req.paidFen,
    explanation: [{ rule: 'refunds.beforeBenefitStart', text, cite: beforeCite }],
  };
}
