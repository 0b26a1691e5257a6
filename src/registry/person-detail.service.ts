// The person page's answer: the stored rows of person-detail.repository with Chinese names beside
// every code, ID numbers masked for roles that may not see them, and the explanation of the year's
// assessment (the same computation and clauses as `canbao assessment explain`).

import { EXCLUSION_NAMES } from '../assessment/assess-region.repository.js';
import { personRequest } from '../assessment/person-request.repository.js';
import { ENROLLMENT_STATUS_NAMES } from '../collection/enrollment.repository.js';
import { LIFE_EVENT_NAMES, REFUND_REASON_LABELS, REFUND_STATE_NAMES } from '../collection/refund-reasons.js';
import type { DbSession } from '../db/connection.js';
import { DEPARTMENT_NAMES } from '../identities/departments.js';
import { assess } from '../policy/assess.js';
import { todayInChina } from '../policy/dates.js';
import { renderExplanation } from '../policy/explain-text.js';
import type { PackRegistry } from '../policy/pack-loader.js';
import type { AssessmentOutcome } from '../policy/result.js';
import { CHANNEL_NAMES, FUNDING_SOURCE_NAMES, IDENTITY_NAMES } from '../policy/vocabulary.js';
import { DOC_TYPE_LABELS, maskId } from './id-document.js';
import { type PersonDetailRow, personDetail } from './person-detail.repository.js';

const name = (names: Record<string, string>, code: string | null): string | null =>
  code === null ? null : (names[code] ?? code);

export const PERSON_STATUS_NAMES: Record<string, string> = {
  active: '正常',
  deceased: '死亡',
  moved_out: '迁出',
};
export const ASSESSMENT_STATUS_NAMES: Record<string, string> = {
  assessed: '已核定',
  excluded: '不参保',
  review: '待人工核定',
};
const PAYMENT_STATUS_NAMES: Record<string, string> = {
  accepted: '已入账',
  review: '待审核',
  rejected: '已退回',
};

export interface Explanation {
  year: number;
  asOf: string;
  /** The assessment as computed now, with each step's clause; an error when no pack covers the year. */
  outcome: AssessmentOutcome;
  /** The same as readable text. */
  text: string;
}

/** Explain one person's assessment for a year from their identities valid on asOf. */
export async function explainPerson(
  s: DbSession,
  packs: PackRegistry,
  docNo: string,
  year: number,
  asOf: string,
): Promise<Explanation | undefined> {
  const found = await personRequest(s, docNo, year, asOf);
  if (!found) return undefined;
  const outcome = assess(found.request, packs);
  return { year, asOf, outcome, text: renderExplanation(outcome, 0).replace(/^【第 1 人】\n/, '') };
}

export type PersonView = ReturnType<typeof viewOf> & { explanation: Explanation | null };

function viewOf(p: PersonDetailRow, fullId: boolean) {
  const id = (s: string) => (fullId ? s : maskId(s));
  const today = todayInChina();
  return {
    ...p,
    docNo: id(p.docNo),
    docTypeName: DOC_TYPE_LABELS[p.docType as keyof typeof DOC_TYPE_LABELS] ?? p.docType,
    phone: p.phone === null ? null : id(p.phone),
    statusName: PERSON_STATUS_NAMES[p.status] ?? p.status,
    members: p.members.map((m) => ({ ...m, docNo: id(m.docNo), statusName: PERSON_STATUS_NAMES[m.status] })),
    identities: p.identities.map((i) => ({
      ...i,
      current: i.validTo === null || i.validTo >= today,
      categoryName: name(IDENTITY_NAMES, i.category),
      departmentName: name(DEPARTMENT_NAMES, i.department),
    })),
    assessments: p.assessments.map((a) => ({
      ...a,
      statusName: name(ASSESSMENT_STATUS_NAMES, a.status),
      categoryName: name(IDENTITY_NAMES, a.category),
      fundingSourceName: name(FUNDING_SOURCE_NAMES, a.fundingSource),
      exclusionReasonName: name(EXCLUSION_NAMES, a.exclusionReason),
    })),
    payments: p.payments.map((x) => ({
      ...x,
      channelName: name(CHANNEL_NAMES, x.channel),
      statusName: name(PAYMENT_STATUS_NAMES, x.status),
    })),
    refunds: p.refunds.map((r) => ({
      ...r,
      reasonName: name(REFUND_REASON_LABELS, r.reason),
      stateName: name(REFUND_STATE_NAMES, r.state),
    })),
    enrollments: p.enrollments.map((e) => ({ ...e, statusName: name(ENROLLMENT_STATUS_NAMES, e.status) })),
    events: p.events.map((e) => ({ ...e, typeName: name(LIFE_EVENT_NAMES, e.type) })),
  };
}

/**
 * The person page. With a `year`, the page also explains that year's assessment (one more query and
 * the pack computation); without one, the stored assessment rows say the amounts, rule and funding
 * source, and a lookup stays one statement.
 */
export async function personView(
  s: DbSession,
  packs: PackRegistry,
  key: { id: number } | { docNo: string },
  opts: { fullId: boolean; year?: number; asOf: string; authorize?: (row: PersonDetailRow) => void },
): Promise<{ row: PersonDetailRow; view: PersonView } | undefined> {
  const row = await personDetail(s, key);
  if (!row) return undefined;
  opts.authorize?.(row);
  const year = opts.year;
  const explanation = year === undefined ? null : await explainPerson(s, packs, row.docNo, year, opts.asOf);
  const view = { ...viewOf(row, opts.fullId), explanation: explanation ?? null };
  return { row, view };
}
