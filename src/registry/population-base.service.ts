// The population base per region and year (常住人口, from the statistics bureau): the
// denominator of every coverage rate.
import { basename } from 'node:path';
import type { Kysely } from 'kysely';
import { audit, cliActor } from '../audit/audit-log.js';
import type { DatabaseHandle } from '../db/connection.js';
import type { Database, NewPopulationBase } from '../db/database.js';
import { OutcomeError } from '../policy/outcome.js';
import {
  getPopulation,
  knownRegionCodes,
  populationsFor,
  upsertPopulation,
} from './population-base.repository.js';
import { getRegion } from './regions.repository.js';
import { headerOutcome, type ImportReport, startReport } from './regions.service.js';
import { parseRegionCode } from './regions-code.js';
import { type ColumnSpec, CsvHeaderError, readCsvRecords } from './regions-csv.js';

export const POPULATION_COLUMNS: readonly ColumnSpec[] = [
  { key: 'code', names: ['区划代码', '统计用区划代码', '代码'], required: true },
  { key: 'population', names: ['常住人口', '常住人口数', '人口'], required: true },
];

const BATCH = 1000;

export function checkYear(year: number): string | null {
  return Number.isInteger(year) && year >= 2000 && year <= 2100
    ? null
    : `年度“${year}”无效，应为 2000–2100 之间的整数。`;
}

/** A head count: digits, optionally with thousands separators. */
export function parsePopulation(raw: string): number | null {
  const text = raw.trim().replaceAll(',', '').replaceAll('，', '');
  if (!/^\d{1,9}$/.test(text)) return null;
  return Number(text);
}

export interface PopulationImportOptions {
  year: number;
  /** Where the numbers come from (default: the file name). */
  source?: string;
  strict?: boolean;
  label?: string;
  /** Called every 10,000 rows read, for a job's progress. */
  onProgress?: (rowsRead: number) => void;
}

class StrictRollback extends Error {}

/** Import 区划代码,常住人口 rows for one year. Upserts by (region, year); rejects unknown regions. */
export async function importPopulation(
  handle: DatabaseHandle,
  input: string | { text: string },
  options: PopulationImportOptions,
): Promise<ImportReport> {
  const label = options.label ?? (typeof input === 'string' ? basename(input) : '输入');
  const yearProblem = checkYear(options.year);
  if (yearProblem)
    throw new OutcomeError([{ severity: 'error', code: 'year', expression: '--year', message: yearProblem }]);
  const source = options.source ?? label;
  const { report, reject } = startReport(label);
  const firstLineOf = new Map<string, number>();

  try {
    await handle.transaction(async (tx) => {
      let batch: { line: number; row: NewPopulationBase }[] = [];
      const flush = async () => {
        const known = await knownRegionCodes(
          tx.db,
          batch.map((b) => b.row.region_code),
        );
        const good = batch.filter((b) => {
          if (known.has(b.row.region_code)) return true;
          reject(
            b.line,
            '区划代码',
            `区划 ${b.row.region_code} 不在系统中，请先用 canbao regions import 导入区划。`,
            'unknown-region',
          );
          return false;
        });
        const before = await populationsFor(
          tx.db,
          options.year,
          good.map((g) => g.row.region_code),
        );
        for (const g of good) {
          const old = before.get(g.row.region_code);
          if (old === undefined) report.inserted++;
          else if (old === g.row.population) report.unchanged++;
          else report.updated++;
        }
        await upsertPopulation(
          tx.db,
          good.map((g) => g.row),
        );
        batch = [];
      };
      for await (const { line, values } of readCsvRecords(input, POPULATION_COLUMNS)) {
        if (++report.rows % 10_000 === 0) options.onProgress?.(report.rows);
        const rawCode = values.code ?? '';
        const parsed = parseRegionCode(rawCode);
        if (!parsed) {
          reject(
            line,
            '区划代码',
            rawCode ? `“${rawCode}”不是有效的区划代码（应为 6、9 或 12 位数字）。` : '区划代码为空。',
          );
          continue;
        }
        const population = parsePopulation(values.population ?? '');
        if (population === null) {
          reject(line, '常住人口', `常住人口“${values.population ?? ''}”应为不小于 0 的整数。`);
          continue;
        }
        const first = firstLineOf.get(parsed.code);
        if (first !== undefined) {
          reject(
            line,
            '区划代码',
            `区划 ${parsed.code} 与第 ${first} 行重复，已保留第 ${first} 行。`,
            'duplicate',
          );
          continue;
        }
        firstLineOf.set(parsed.code, line);
        batch.push({
          line,
          row: {
            region_code: parsed.code,
            county_code: parsed.countyCode,
            year: options.year,
            population,
            source,
          },
        });
        if (batch.length >= BATCH) await flush();
      }
      if (batch.length) await flush();
      if (options.strict && report.rejected > 0) throw new StrictRollback();
    });
  } catch (e) {
    if (e instanceof CsvHeaderError) throw headerOutcome(label, e);
    if (!(e instanceof StrictRollback)) throw e;
    report.applied = false;
    report.inserted = report.updated = report.unchanged = 0;
  }
  return report;
}

/** Set one region's population for one year (manual correction). */
export async function setPopulation(
  db: Kysely<Database>,
  code: string,
  year: number,
  population: number,
  /** Who made the change, for the audit log (default the CLI user). */
  actor: string = cliActor(),
): Promise<{ previous: number | null }> {
  const issues = [];
  const parsed = parseRegionCode(code);
  if (!parsed)
    issues.push({
      expression: '区划代码',
      message: `“${code}”不是有效的区划代码（应为 6、9 或 12 位数字）。`,
    });
  const yearProblem = checkYear(year);
  if (yearProblem) issues.push({ expression: '年度', message: yearProblem });
  if (!Number.isInteger(population) || population < 0 || population > 999_999_999) {
    issues.push({ expression: '常住人口', message: `常住人口“${population}”应为不小于 0 的整数。` });
  }
  if (parsed && !(await getRegion(db, parsed.code))) {
    issues.push({ expression: '区划代码', message: `区划 ${parsed.code} 不在系统中，请先导入区划。` });
  }
  if (issues.length || !parsed) {
    throw new OutcomeError(issues.map((i) => ({ severity: 'error' as const, code: 'invalid', ...i })));
  }
  return db.transaction().execute(async (trx) => {
    const before = await getPopulation(trx, parsed.code, year);
    await upsertPopulation(trx, [
      { region_code: parsed.code, county_code: parsed.countyCode, year, population, source: '手工修改' },
    ]);
    await audit(
      { db: trx },
      {
        actor,
        action: 'population.set',
        entity: 'population_base',
        entityId: `${parsed.code}:${year}`,
        countyCode: parsed.countyCode,
        before: before ? { population: before.population } : null,
        after: { population },
      },
    );
    return { previous: before?.population ?? null };
  });
}
