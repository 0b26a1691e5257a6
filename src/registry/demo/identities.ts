// Hardship identities, drawn per household because that is how they are certified: 低保 and
// poverty status usually cover the whole household, 特困 is a person living alone without
// support, disability and 优抚 belong to one person. Rates are per-household probabilities tuned
// so that the per-person shares land where county reports put them (see SHARE_TARGETS).
import type { IdentityCode } from '../../policy/vocabulary.js';
import { daysFromCivil, isoFromDays } from './calendar.js';
import type { DemoIdentity, DemoIdentityAttributes, DemoPerson } from './model.js';
import { DEPARTMENT_OF } from './model.js';
import { type Random, WeightedTable } from './prng.js';

/**
 * Per-person shares the generator aims at, over all five seed jurisdictions together (rural
 * counties above these, urban districts below). The tests check them on 20,000 people.
 */
export const SHARE_TARGETS: Partial<Record<IdentityCode | 'monitoring', readonly [number, number]>> = {
  tekun: [0.004, 0.012],
  dibao: [0.035, 0.065],
  dibao_edge: [0.005, 0.016],
  out_of_poverty: [0.03, 0.1],
  monitoring: [0.004, 0.012],
  returned_to_poverty: [0.0002, 0.003],
  disability: [0.045, 0.075],
  priority_care: [0.001, 0.006],
};

const GRADES = new WeightedTable<1 | 2 | 3 | 4>([
  [1, 10],
  [2, 22],
  [3, 30],
  [4, 38],
]);
type Kind = NonNullable<DemoIdentityAttributes['kind']>;
const ADULT_KINDS = new WeightedTable<Kind>([
  ['physical', 52],
  ['visual', 11],
  ['hearing', 13],
  ['speech', 1],
  ['intellectual', 5],
  ['mental', 9],
  ['multiple', 9],
]);
// Among disabled children intellectual and multiple disabilities dominate.
const CHILD_KINDS = new WeightedTable<Kind>([
  ['physical', 25],
  ['visual', 5],
  ['hearing', 12],
  ['speech', 8],
  ['intellectual', 30],
  ['mental', 5],
  ['multiple', 15],
]);

function disabilityRate(age: number): number {
  if (age < 18) return 0.015;
  if (age < 45) return 0.04;
  if (age < 60) return 0.078;
  if (age < 80) return 0.13;
  return 0.21;
}

export interface HouseholdContext {
  rural: boolean;
  povertyFactor: number;
  asOfDay: number;
  /** Age in whole years on asOfDay, one per member. */
  ages: readonly number[];
  birthDays: readonly number[];
}

const POVERTY_FROM = daysFromCivil(2014, 1, 1);
const POVERTY_TO = daysFromCivil(2020, 12, 31);

/**
 * Identities of one household's members (only living people with a resident ID: department
 * lists are keyed by ID number). Also clears employee insurance in poor households, where it
 * would be implausible.
 */
export function drawIdentities(random: Random, members: DemoPerson[], ctx: HouseholdContext): DemoIdentity[] {
  const out: DemoIdentity[] = [];
  const eligible = (i: number): boolean =>
    members[i]!.status === 'active' && members[i]!.docType === 'resident_id';
  const collectionStart = daysFromCivil(Number(isoFromDays(ctx.asOfDay).slice(0, 4)), 9, 1);
  const certified = (i: number, fromDay: number, toDay: number): string => {
    const start = Math.max(fromDay, ctx.birthDays[i]!);
    const end = Math.max(start, Math.min(toDay, ctx.asOfDay));
    return isoFromDays(random.int(start, end));
  };
  // Recent certifications: mostly earlier years, some during this collection period (同缴同补).
  const recent = (yearsBack: number): number =>
    random.chance(0.1) ? collectionStart : ctx.asOfDay - Math.floor(yearsBack * 365);
  const add = (
    i: number,
    category: IdentityCode,
    validFrom: string,
    attributes: DemoIdentityAttributes = {},
  ) => {
    const p = members[i]!;
    // A household certified before a child was born covers the child from birth.
    const born = isoFromDays(ctx.birthDays[i]!);
    out.push({
      idNumber: p.idNumber,
      name: p.name,
      countyCode: p.countyCode,
      villageCode: p.villageCode,
      category,
      attributes,
      department: DEPARTMENT_OF[category]!,
      validFrom: validFrom < born ? born : validFrom,
    });
  };

  // Person-level: disability and priority care.
  const severe: number[] = [];
  members.forEach((p, i) => {
    if (!eligible(i)) return;
    const age = ctx.ages[i]!;
    if (age >= 1 && random.chance(disabilityRate(age))) {
      const grade = GRADES.pick(random);
      const kind = (age < 18 ? CHILD_KINDS : ADULT_KINDS).pick(random);
      if (grade <= 2) severe.push(i);
      add(i, 'disability', certified(i, ctx.asOfDay - 15 * 365, ctx.asOfDay), { grade, kind });
    }
    if (age >= 45 && random.chance(p.sex === 'male' ? 0.013 : 0.0015))
      add(i, 'priority_care', certified(i, ctx.asOfDay - 20 * 365, ctx.asOfDay));
  });

  // Household-level: poverty history, monitoring, 低保, 特困, 低保边缘.
  const all = members.map((_, i) => i).filter(eligible);
  const head = 0;
  const single = members.length === 1;
  const poorHistory = random.chance(ctx.rural ? 0.085 * ctx.povertyFactor : 0.012);
  const returned = random.chance(poorHistory ? 0.015 : ctx.rural ? 0.0004 : 0);
  let monitoring: IdentityCode | undefined;
  let formerlyPoor = false;
  if (!returned) {
    if (poorHistory && random.chance(0.08)) {
      formerlyPoor = random.chance(0.3);
      monitoring = formerlyPoor ? 'sudden_hardship' : 'unstable_out_of_poverty';
    } else if (!poorHistory && random.chance(ctx.rural ? 0.005 : 0.0015)) {
      monitoring = random.chance(0.65) ? 'edge_poverty' : 'sudden_hardship';
    }
  }
  const headAge = ctx.ages[head] ?? 0;
  const tekun = single && random.chance(headAge >= 60 ? 0.2 : severe.length > 0 ? 0.4 : 0.015);
  let dibaoRate = ctx.rural ? 0.042 : 0.03;
  if (poorHistory) dibaoRate *= 5;
  if (monitoring || returned) dibaoRate *= 3;
  if (severe.length > 0) dibaoRate *= 2.5;
  if (single && headAge >= 60) dibaoRate *= 1.6;
  const dibao = !tekun && random.chance(Math.min(0.7, dibaoRate));
  const dibaoEdge = !tekun && !dibao && random.chance(ctx.rural ? 0.013 : 0.011);

  if (poorHistory || returned || monitoring) {
    const from = certified(head, POVERTY_FROM, POVERTY_TO);
    const monitorFrom = isoFromDays(random.int(recent(3), ctx.asOfDay));
    const riskEliminated = random.chance(0.4);
    for (const i of all) {
      if (returned) add(i, 'returned_to_poverty', monitorFrom);
      else if (monitoring)
        add(i, monitoring, monitorFrom, formerlyPoor ? { riskEliminated, formerlyPoor } : { riskEliminated });
      else add(i, 'out_of_poverty', from);
    }
  }
  if (tekun && all.includes(head)) add(head, 'tekun', certified(head, recent(10), ctx.asOfDay));
  if (dibao) {
    // 重残单列施保: sometimes only the severely disabled member is covered.
    const covered = severe.length > 0 && members.length > 1 && random.chance(0.2) ? severe : all;
    const from = isoFromDays(random.int(recent(8), ctx.asOfDay));
    for (const i of covered) add(i, 'dibao', from);
  }
  if (dibaoEdge) {
    const from = isoFromDays(random.int(recent(3), ctx.asOfDay));
    for (const i of all) add(i, 'dibao_edge', from);
  }
  // Children raised by grandparents: a few are orphans or de facto unsupported.
  const grandchildren = all.filter((i) => members[i]!.relation === 'grandchild' && ctx.ages[i]! < 18);
  if (grandchildren.length > 0 && random.chance(0.05)) {
    const category: IdentityCode = random.chance(0.3) ? 'orphan' : 'unsupported_child';
    for (const i of grandchildren) add(i, category, certified(i, recent(6), ctx.asOfDay));
  }

  if (out.some((x) => x.department === 'civil_affairs' || x.department === 'agriculture'))
    for (const p of members) p.employeeInsurance = false;
  return out;
}
