// Household views of a campaign year: who in a household is enrolled, owes or has paid (户内参保缴费
//情况), and the region's households that enrolled only in part, against the pack's rule that a
// household enrolls together (一户一档, 整户参保, e.g. 高阳 一、（三）1.).
import { EXCLUSION_NAMES } from '../assessment/assess-region.repository.js';
import type { DbSession } from '../db/connection.js';
import { todayInChina } from '../policy/dates.js';
import { refuse } from '../policy/outcome.js';
import type { PackRegistry } from '../policy/pack-loader.js';
import { citeText } from '../policy/pack-summary.js';
import { CHANNEL_NAMES, type ChannelCode } from '../policy/vocabulary.js';
import { maskId, parseIdDocument } from '../registry/id-document.js';
import {
  findHouseholdById,
  findHouseholds,
  findPersonsByDocNo,
  type HouseholdRow,
  householdMembers,
} from '../registry/person.repository.js';
import { regionCodePrefix } from './agent.service.js';
import {
  type IncompleteHouseholdRow,
  incompleteHouseholds,
  membersYear,
} from './household-status.repository.js';

export const ENROLLMENT_STATUS_NAMES: Record<string, string> = {
  registered: '已登记未缴费',
  enrolled: '已参保',
  repaired: '已补缴（往年）',
  suspended: '已暂停',
  terminated: '已终止',
};
const PAYMENT_STATUS_NAMES = { accepted: '已入账', review: '待审核', rejected: '已退回' } as const;

function checkYear(year: number): number {
  if (!Number.isInteger(year) || year < 2000 || year > 2100)
    refuse('bad-year', 'year', `参保年度应为四位数字年份，收到"${year}"`);
  return year;
}

/** The households a key names: a household number (in any county), or a member's ID number. */
export async function householdsByKey(s: DbSession, key: string): Promise<HouseholdRow[]> {
  const text = key.trim();
  const byNo = await findHouseholds(s.db, text);
  if (byNo.length > 0) return byNo;
  const parsed = parseIdDocument(text);
  const persons = await findPersonsByDocNo(s.db, parsed.ok ? parsed.doc.docNo : text.toUpperCase());
  const ids = [...new Set(persons.map((p) => p.household_id).filter((id): id is number => id !== null))];
  const found: HouseholdRow[] = [];
  for (const id of ids) {
    const h = await findHouseholdById(s.db, id);
    if (h) found.push(h);
  }
  if (persons.length > 0 && found.length === 0)
    refuse('no-household', 'key', `${maskId(text)} 没有登记在任何家庭户中`);
  if (found.length === 0) refuse('no-household', 'key', `没有户号 ${text}，也没有以此为证件号码的人员`);
  return found;
}

export interface MemberStatus {
  personId: number;
  name: string;
  docNo: string;
  relation: string | null;
  age: number | null;
  personStatus: 'active' | 'deceased' | 'moved_out';
  /** Not eligible for resident insurance: deceased, moved out, employee insurance, insured elsewhere. */
  ineligibleReason: string | null;
  enrollmentStatus: string | null;
  enrollmentStatusName: string;
  /** What the assessment says they owe: null when not assessed (or excluded / held for review). */
  payableFen: number | null;
  owesText: string;
  payment: {
    status: 'accepted' | 'review' | 'rejected';
    statusName: string;
    amountFen: number;
    paidOn: string;
    channel: string;
    channelName: string;
    agent: string | null;
  } | null;
  /** Still to pay: assessed amount minus an accepted payment, never negative. */
  dueFen: number;
  benefitStart: string | null;
  benefitEnd: string | null;
  waitingDays: number | null;
}

export interface HouseholdStatus {
  household: HouseholdRow;
  year: number;
  asOf: string;
  members: MemberStatus[];
  totals: { members: number; enrolled: number; notAssessed: number; dueFen: number };
}

function ageOn(birth: string | null, on: string): number | null {
  if (!birth) return null;
  const years = Number(on.slice(0, 4)) - Number(birth.slice(0, 4));
  return on.slice(5) < birth.slice(5) ? years - 1 : years;
}

export interface HouseholdStatusOptions {
  year: number;
  /** Age on this date (default today, China time). */
  asOf?: string;
  fullId?: boolean;
}

export async function householdStatus(
  s: DbSession,
  key: string,
  options: HouseholdStatusOptions,
): Promise<HouseholdStatus[]> {
  const year = checkYear(options.year);
  const asOf = options.asOf ?? todayInChina();
  const households = await householdsByKey(s, key);
  const out: HouseholdStatus[] = [];
  for (const household of households) {
    const members = await householdMembers(s.db, household.id);
    const years = await membersYear(
      s,
      members.map((m) => m.id),
      year,
    );
    const rows: MemberStatus[] = members.map((m) => {
      const y = years.get(m.id);
      const ineligibleReason =
        m.status !== 'active'
          ? EXCLUSION_NAMES[m.status]!
          : m.employee_insurance
            ? EXCLUSION_NAMES.employee_insurance!
            : y?.assessment_status === 'excluded' && y.exclusion_reason
              ? (EXCLUSION_NAMES[y.exclusion_reason] ?? y.exclusion_reason)
              : null;
      const pay = y?.payment_status
        ? {
            status: y.payment_status,
            statusName: PAYMENT_STATUS_NAMES[y.payment_status],
            amountFen: y.paid_fen!,
            paidOn: y.paid_on!,
            channel: y.channel!,
            channelName: CHANNEL_NAMES[y.channel as ChannelCode] ?? y.channel!,
            agent: y.agent,
          }
        : null;
      const payableFen = y?.assessment_status === 'assessed' ? y.payable_fen : null;
      const owesText =
        y?.assessment_status === 'assessed'
          ? `应缴 ${(y.payable_fen! / 100).toFixed(2)} 元`
          : y?.assessment_status === 'review'
            ? '核定待审核'
            : y?.assessment_status === 'excluded'
              ? `不参保（${ineligibleReason ?? '已排除'}）`
              : '未核定';
      const paidFen = pay?.status === 'accepted' ? pay.amountFen : 0;
      return {
        personId: m.id,
        name: m.name,
        docNo: options.fullId ? m.doc_no : maskId(m.doc_no),
        relation: m.relation,
        age: ageOn(m.birth_date, asOf),
        personStatus: m.status,
        ineligibleReason,
        enrollmentStatus: y?.enrollment_status ?? null,
        enrollmentStatusName: y?.enrollment_status
          ? ENROLLMENT_STATUS_NAMES[y.enrollment_status]!
          : ineligibleReason
            ? `不参保（${ineligibleReason}）`
            : '未登记',
        payableFen,
        owesText,
        payment: pay,
        dueFen: payableFen === null ? 0 : Math.max(0, payableFen - paidFen),
        benefitStart: y?.benefit_start ?? null,
        benefitEnd: y?.benefit_end ?? null,
        waitingDays: y?.waiting_days ?? null,
      };
    });
    out.push({
      household,
      year,
      asOf,
      members: rows,
      totals: {
        members: rows.length,
        enrolled: rows.filter((r) => r.enrollmentStatus === 'enrolled').length,
        notAssessed: rows.filter((r) => r.payableFen === null && r.ineligibleReason === null).length,
        dueFen: rows.reduce((a, r) => a + r.dueFen, 0),
      },
    });
  }
  return out;
}

export interface IncompleteHousehold extends Omit<IncompleteHouseholdRow, 'missing'> {
  missing: { name: string; docNo: string; relation: string | null }[];
}

export interface IncompleteReport {
  region: string;
  year: number;
  /** The pack's whole-household rule, or why there is none. */
  rule:
    | { applies: true; packId: string; citation: string; quote: string | null }
    | { applies: false; packId: string | null; message: string };
  header: string;
  households: IncompleteHousehold[];
}

export async function incompleteReport(
  s: DbSession,
  packs: PackRegistry,
  input: { region: string; year: number; fullId?: boolean },
): Promise<IncompleteReport> {
  const region = input.region.trim();
  const prefix = regionCodePrefix(region);
  const year = checkYear(input.year);
  const resolved = packs.find(region, year);
  const enrollment = resolved?.pack.enrollment;
  const rule: IncompleteReport['rule'] =
    resolved && enrollment?.wholeHousehold
      ? {
          applies: true,
          packId: resolved.pack.id,
          citation: citeText(resolved, enrollment.cite, resolved.inherited.has('enrollment')),
          quote: enrollment.cite.quote ?? null,
        }
      : {
          applies: false,
          packId: resolved?.pack.id ?? null,
          message: resolved
            ? `政策包 ${resolved.pack.id} 没有"整户参保"的规定，以下名单仅供参考`
            : `没有覆盖 ${region} ${year} 年度的政策包，无法确认是否要求整户参保，以下名单仅供参考`,
        };
  const header = rule.applies
    ? `${region} ${year} 年度部分成员未参保的家庭户（依据：${rule.citation}${rule.quote ? `："${rule.quote}"` : ''}）`
    : `${region} ${year} 年度部分成员未参保的家庭户（${rule.message}）`;
  const rows = await incompleteHouseholds(s, prefix, year);
  const households = rows.map((r) => ({
    ...r,
    // The phone is what the village worker calls to finish the household: shown in full.
    missing: r.missing.map((m) => ({ ...m, docNo: input.fullId ? m.docNo : maskId(m.docNo) })),
  }));
  return { region, year, rule, header, households };
}
