// What the engine needs to know about a person beyond their identities when they enrol or pay:
// their birth date and any special-case event on file (newborn, employee-insurance lapse, welfare
// institution, veteran …), how many years they lapsed right before this one and how many of those
// they paid back (国办发〔2024〕38号 waiting period), and whether they registered as a college freshman.
import { sql } from 'kysely';
import type { DbSession } from '../db/connection.js';
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
const EVENT_LOOKBACK_DAYS = 366;

export async function enrollmentContext(
  tx: DbSession,
  person: { id: number; countyCode: string; birthDate: string | null },
  year: number,
  asOf: string,
  packs: PackRegistry,
): Promise<EnrollmentContext> {
  const history = await sql<{ year: number; status: string; student_kind: string | null }>`
    SELECT year, status, student_kind FROM enrollments WHERE person_id = ${person.id} AND year <= ${year}
    ORDER BY year`.execute(tx.db);
  const records: YearRecord[] = history.rows
    .filter((h) => h.year < year)
    .map((h) => ({ year: h.year, enrolled: (INSURED_STATUSES as readonly string[]).includes(h.status) }));
  const lapsedYears = lapsedYearsBefore(records, year);
  // Only missed years inside the current lapse count as paid back.
  const paidBackYears =
    lapsedYears === 0
      ? 0
      : history.rows.filter((h) => h.status === 'repaired' && h.year >= year - lapsedYears && h.year < year)
          .length;
  const studentKind = history.rows.find((h) => h.year === year)?.student_kind;

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
    return ctx;
  }
  const events = await sql<{ type: string; occurred_on: string }>`
    SELECT type, occurred_on::text AS occurred_on FROM life_events
    WHERE person_id = ${person.id} AND type IN (${sql.join(EVENT_TYPES.filter((t) => t !== 'newborn'))})
      AND occurred_on <= ${asOf}::date AND occurred_on >= ${asOf}::date - ${EVENT_LOOKBACK_DAYS}::int
    ORDER BY occurred_on DESC, id DESC LIMIT 1`.execute(tx.db);
  const ev = events.rows[0];
  if (ev) ctx.event = { type: ev.type as EventType, date: ev.occurred_on };
  return ctx;
}
