// What the engine needs to know about a person beyond their identities when they enrol or pay:
// their birth date and any special-case event on file (newborn, employee-insurance lapse, welfare
// institution, veteran …), how many years they lapsed right before this one and how many of those
// they paid back (国办发〔2024〕38号 waiting period), and whether they registered as a college freshman.
// The rows are read with the person (person-request.repository.ts); this decides from them.

import { lapsedYearsBefore, type YearRecord } from '../policy/continuity.js';
import { daysBetween } from '../policy/dates.js';
import type { PackRegistry } from '../policy/pack-loader.js';
import type { AssessRequest } from '../policy/request.schema.js';
import { EVENT_TYPES, type EventType, STUDENT_KINDS, type StudentKind } from '../policy/vocabulary.js';

export type EnrollmentContext = Pick<
  AssessRequest,
  'birthDate' | 'event' | 'lapsedYears' | 'paidBackYears' | 'student'
>;

/** Statuses that mean the person was insured here that year (a suspension ends cover, it did not lapse). */
export const INSURED_STATUSES = ['enrolled', 'suspended', 'terminated'] as const;

/** Special-case events older than this are not looked at: every pack's deadline is shorter. */
export const EVENT_LOOKBACK_DAYS = 366;

/** Recorded events that are special cases for the engine; a newborn is known from the birth date. */
export const SPECIAL_EVENT_TYPES = EVENT_TYPES.filter((t) => t !== 'newborn');

export interface ContextRows {
  /** Enrollment rows of this year and earlier. */
  history: { year: number; status: string; student_kind: string | null }[] | null;
  /** The latest special-case event within the look-back. */
  event: { type: string; date: string } | null;
}

export function contextFrom(
  rows: ContextRows,
  person: { countyCode: string; birthDate: string | null },
  year: number,
  asOf: string,
  packs: PackRegistry,
): EnrollmentContext {
  const history = rows.history ?? [];
  const records: YearRecord[] = history
    .filter((h) => h.year < year)
    .map((h) => ({ year: h.year, enrolled: (INSURED_STATUSES as readonly string[]).includes(h.status) }));
  const lapsedYears = lapsedYearsBefore(records, year);
  // Only missed years inside the current lapse count as paid back.
  const paidBackYears =
    lapsedYears === 0
      ? 0
      : history.filter((h) => h.status === 'repaired' && h.year >= year - lapsedYears && h.year < year)
          .length;
  const studentKind = history.find((h) => h.year === year)?.student_kind;

  const ctx: EnrollmentContext = {};
  if (person.birthDate) ctx.birthDate = person.birthDate;
  if (lapsedYears > 0) ctx.lapsedYears = lapsedYears;
  if (paidBackYears > 0) ctx.paidBackYears = paidBackYears;
  if (studentKind && (STUDENT_KINDS as readonly string[]).includes(studentKind))
    ctx.student = studentKind as StudentKind;

  // A birth inside the pack's newborn window is the newborn case; otherwise the latest recorded
  // special-case event, and the engine says whether its deadline was met.
  const newborn = packs.find(person.countyCode, year)?.pack.events?.newborn;
  if (
    newborn &&
    person.birthDate &&
    person.birthDate <= asOf &&
    daysBetween(person.birthDate, asOf) <= (newborn.withinDays ?? EVENT_LOOKBACK_DAYS)
  ) {
    ctx.event = { type: 'newborn', date: person.birthDate };
  } else if (rows.event) {
    ctx.event = { type: rows.event.type as EventType, date: rows.event.date };
  }
  return ctx;
}
