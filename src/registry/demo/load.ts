// `canbao demo` without --out, and `canbao start`: the demo population straight into the
// database by COPY, in one transaction, streaming (three passes over the deterministic
// generator — households, persons, identities — instead of holding anything in memory).
import { sql } from 'kysely';
import type { DatabaseHandle } from '../../db/connection.js';
import { OutcomeError } from '../../policy/outcome.js';
import {
  advanceSequences,
  countPersons,
  HOUSEHOLD_COLUMNS,
  IDENTITY_COLUMNS,
  PERSON_COLUMNS,
  reserveIds,
  tableExists,
} from './demo.repository.js';
import { demoYear, insertDemoHistory } from './enrollment-history.js';
import { RELATION_NAMES } from './households.js';
import type { DemoHousehold } from './model.js';
import { DEFAULT_AS_OF, generateHouseholds, type PopulationOptions, planCounties } from './population.js';
import { PopulationTally } from './summary.js';

/** One CSV field for COPY: null is an unquoted empty field (NULL), '' must be quoted. */
function field(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v !== 'string') return String(v);
  if (v === '' || /[",\r\n]/.test(v)) return `"${v.replaceAll('"', '""')}"`;
  return v;
}

/** Rows as CSV text in ~64 KB strings. */
async function* csvChunks(
  rows: Iterable<(string | number | boolean | null | undefined)[]>,
): AsyncGenerator<string> {
  let chunk = '';
  for (const row of rows) {
    chunk += `${row.map(field).join(',')}\n`;
    if (chunk.length > 65_536) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

export interface LoadResult {
  persons: number;
  households: number;
  identities: number | null;
  /** Enrollment history rows of the years before the demo year (null when the table is absent). */
  enrollments: number | null;
  tally: PopulationTally;
}

/**
 * Load a demo population. Refuses when the chosen counties already hold persons: the demo is
 * for an empty registry, and loading it twice would clash on ID numbers.
 */
export async function loadDemoPopulation(
  handle: DatabaseHandle,
  options: PopulationOptions,
  onProgress?: (stage: string) => void,
): Promise<LoadResult> {
  const plan = planCounties(options);
  const codes = plan.map((p) => p.county.code);
  const existing = await countPersons(handle.db, codes);
  if (existing > 0)
    throw new OutcomeError([
      {
        severity: 'error',
        code: 'demo_not_empty',
        expression: `区县 ${codes.join('、')}`,
        message: `数据库中这些区县已有 ${existing.toLocaleString('en-US')} 人，演示人口只导入空库；请换一个数据目录（CANBAO_DATA_DIR）或先清空数据库`,
      },
    ]);
  const names = new Map(plan.map((p) => [p.county.code, p.county.name]));
  const withIdentities = await tableExists(handle.db, 'person_identities');
  const withEnrollments = await tableExists(handle.db, 'enrollments');
  const tally = new PopulationTally();

  return handle.transaction(async (tx) => {
    const base = await reserveIds(tx, withIdentities);
    const households = (): Generator<DemoHousehold> => generateHouseholds(options);

    onProgress?.('户');
    const householdCount = await tx.copyFrom(
      'households',
      HOUSEHOLD_COLUMNS,
      csvChunks(
        (function* () {
          let h = base.household;
          let p = base.person;
          for (const household of households()) {
            tally.add(household, names.get(household.countyCode) ?? household.countyCode);
            yield [h++, household.countyCode, household.householdNumber, household.villageCode, p];
            p += household.members.length;
          }
        })(),
      ),
    );

    onProgress?.('人');
    const personCount = await tx.copyFrom(
      'persons',
      PERSON_COLUMNS,
      csvChunks(
        (function* () {
          let h = base.household;
          let p = base.person;
          for (const household of households()) {
            for (const m of household.members)
              yield [
                p++,
                m.countyCode,
                m.docType,
                m.idNumber,
                m.name,
                m.sex,
                m.birthDate,
                h,
                RELATION_NAMES[m.relation],
                m.villageCode,
                m.villageCode,
                m.phone,
                m.status,
                m.employeeInsurance,
                m.student !== null,
                m.school,
              ];
            h++;
          }
        })(),
      ),
    );

    let identityCount: number | null = null;
    if (withIdentities) {
      onProgress?.('身份');
      identityCount = await tx.copyFrom(
        'person_identities',
        IDENTITY_COLUMNS,
        csvChunks(
          (function* () {
            let p = base.person;
            let i = base.identity;
            for (const household of households()) {
              for (const identity of household.identities) {
                const index = household.members.findIndex((m) => m.idNumber === identity.idNumber);
                const a = identity.attributes;
                yield [
                  i++,
                  identity.countyCode,
                  p + index,
                  identity.category,
                  a.grade ?? null,
                  a.kind ?? null,
                  a.formerlyPoor ?? null,
                  a.riskEliminated ?? null,
                  identity.department,
                  identity.validFrom,
                ];
              }
              p += household.members.length;
            }
          })(),
        ),
      );
    }
    await advanceSequences(tx, withIdentities);
    // Fresh statistics for the planner: COPY leaves none until autovacuum runs.
    await sql`ANALYZE households`.execute(tx.db);
    await sql`ANALYZE persons`.execute(tx.db);
    if (withIdentities) await sql`ANALYZE person_identities`.execute(tx.db);
    // Past years from the same seed, computed in the database from the rows just copied.
    let enrollmentCount: number | null = null;
    if (withEnrollments) {
      onProgress?.('往年参保');
      enrollmentCount = await insertDemoHistory(
        tx,
        options.seed,
        demoYear(options.asOf ?? DEFAULT_AS_OF),
        base.person,
      );
      await sql`ANALYZE enrollments`.execute(tx.db);
    }
    return {
      persons: personCount,
      households: householdCount,
      identities: identityCount,
      enrollments: enrollmentCount,
      tally,
    };
  });
}
