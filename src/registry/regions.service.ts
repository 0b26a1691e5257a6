// Regions: the seed list shipped with canbao, and imports of 统计用区划代码 files.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Kysely } from 'kysely';
import type { DatabaseHandle } from '../db/connection.js';
import type { Database, NewRegion } from '../db/database.js';
import { OutcomeError, type OutcomeIssue } from '../policy/outcome.js';
import {
  createRegionStage,
  mergeRegionStage,
  REGION_STAGE,
  REGION_STAGE_COLUMNS,
  removeOrphanedStageRows,
  upsertRegions,
} from './regions.repository.js';
import { parseRegionCode } from './regions-code.js';
import { type ColumnSpec, CsvHeaderError, readCsvRecords } from './regions-csv.js';

// Works from src/ (tests, tsx) and dist/ (built CLI): both sit two levels below the project root.
export const SEED_REGIONS_FILE = new URL('../../src/registry/data/regions-seed.csv', import.meta.url);

/** Stop collecting issues past this many (the count still covers every row). */
export const MAX_ISSUES = 1000;

export interface SeedResult {
  total: number;
  changed: number;
}

/** Load the five seed jurisdictions (and the province/city rows above them). Idempotent. */
export async function seedRegions(db: Kysely<Database>): Promise<SeedResult> {
  const text = await readFile(SEED_REGIONS_FILE, 'utf8');
  const records = parse(text, { columns: true, skip_empty_lines: true }) as {
    code: string;
    name: string;
    level: string;
    parent_code: string;
  }[];
  const rows: NewRegion[] = records.map((r) => {
    const parsed = parseRegionCode(r.code);
    if (!parsed || parsed.level !== Number(r.level) || (parsed.parentCode ?? '') !== r.parent_code) {
      throw new Error(`内置区划数据有误：${r.code} ${r.name}（请重新运行 scripts/extract-regions.mjs）`);
    }
    return {
      code: parsed.code,
      name: r.name,
      level: parsed.level,
      parent_code: parsed.parentCode,
      county_code: parsed.countyCode,
      urban_rural_code: null,
    };
  });
  const changed = await db.transaction().execute((trx) => upsertRegions(trx, rows));
  return { total: rows.length, changed };
}

export const REGION_COLUMNS: readonly ColumnSpec[] = [
  { key: 'code', names: ['统计用区划代码', '区划代码', '代码'], required: true },
  { key: 'name', names: ['名称', '区划名称'], required: true },
  { key: 'urbanRural', names: ['城乡分类代码', '城乡分类'], required: false },
];

/** 城乡分类代码 (统计用城乡划分代码): 111 主城区 … 220 村庄. */
const URBAN_RURAL_CODES = new Set(['111', '112', '121', '122', '123', '210', '220']);

export interface RegionImportOptions {
  /** Apply nothing when any row is rejected (default: keep the good rows). */
  strict?: boolean;
  /** Label used in messages (default: the file name). */
  label?: string;
  /** Called every 10,000 rows read, for a job's progress. */
  onProgress?: (rowsRead: number) => void;
}

export interface ImportReport {
  /** Data rows read (after the header). */
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  /** False when strict and something was rejected: nothing changed. */
  applied: boolean;
  /** Up to MAX_ISSUES issues, in file order. */
  issues: OutcomeIssue[];
}

function csvField(value: string | number | null): string {
  if (value === null) return '';
  return `"${String(value).replaceAll('"', '""')}"`;
}

class StrictRollback extends Error {}

/** An empty report and the function that records a rejected row in it (first MAX_ISSUES kept). */
export function startReport(label: string): {
  report: ImportReport;
  reject: (line: number, column: string, message: string, code?: string) => void;
} {
  const report: ImportReport = {
    rows: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    rejected: 0,
    applied: true,
    issues: [],
  };
  const reject = (line: number, column: string, message: string, code = 'invalid') => {
    report.rejected++;
    if (report.issues.length < MAX_ISSUES) {
      report.issues.push({
        severity: 'error',
        code,
        expression: `${label} 第 ${line} 行 ${column}`,
        message,
      });
    }
  };
  return { report, reject };
}

/**
 * Import a 统计用区划代码 CSV (path, or { text } for tests). Level, parent and county come from
 * the code. Rows are validated one by one; rows whose parent is neither in the file nor already
 * known are rejected too. Safe to run again: rows are upserted by code.
 */
export async function importRegions(
  handle: DatabaseHandle,
  source: string | { text: string },
  options: RegionImportOptions = {},
): Promise<ImportReport> {
  const label = options.label ?? (typeof source === 'string' ? basename(source) : '输入');
  const { report, reject } = startReport(label);
  const firstLineOf = new Map<string, number>();

  async function* stageCsv(): AsyncGenerator<string> {
    let buffer = '';
    for await (const { line, values } of readCsvRecords(source, REGION_COLUMNS)) {
      if (++report.rows % 10_000 === 0) options.onProgress?.(report.rows);
      const rawCode = values.code ?? '';
      const name = (values.name ?? '').trim();
      const urbanRural = (values.urbanRural ?? '').trim();
      if (!rawCode) {
        reject(line, '统计用区划代码', '区划代码为空，请填写 6、9 或 12 位统计用区划代码。', 'required');
        continue;
      }
      const parsed = parseRegionCode(rawCode);
      if (!parsed) {
        reject(
          line,
          '统计用区划代码',
          `“${rawCode}”不是有效的统计用区划代码（应为 6、9 或 12 位数字，高层级以 0 补齐）。`,
        );
        continue;
      }
      if (!name) {
        reject(line, '名称', `区划 ${parsed.code} 的名称为空，请填写名称。`, 'required');
        continue;
      }
      if (urbanRural && !URBAN_RURAL_CODES.has(urbanRural)) {
        reject(
          line,
          '城乡分类代码',
          `“${urbanRural}”不是有效的城乡分类代码（应为 111、112、121、122、123、210 或 220）。`,
        );
        continue;
      }
      const first = firstLineOf.get(parsed.code);
      if (first !== undefined) {
        reject(
          line,
          '统计用区划代码',
          `区划代码 ${parsed.code} 与第 ${first} 行重复，已保留第 ${first} 行。`,
          'duplicate',
        );
        continue;
      }
      firstLineOf.set(parsed.code, line);
      buffer += `${[
        line,
        csvField(parsed.code),
        csvField(name),
        parsed.level,
        csvField(parsed.parentCode),
        csvField(parsed.countyCode),
        csvField(urbanRural || null),
      ].join(',')}\n`;
      if (buffer.length >= 256 * 1024) {
        yield buffer;
        buffer = '';
      }
    }
    if (buffer) yield buffer;
  }

  try {
    await handle.transaction(async (tx) => {
      await createRegionStage(tx.db);
      await tx.copyFrom(REGION_STAGE, REGION_STAGE_COLUMNS, stageCsv());
      for (const orphan of await removeOrphanedStageRows(tx.db)) {
        reject(
          orphan.line,
          '统计用区划代码',
          `上级区划 ${orphan.parent_code} 既不在本文件中也不在系统中，请先导入上级区划或补全文件。`,
          'missing-parent',
        );
      }
      if (options.strict && report.rejected > 0) throw new StrictRollback();
      const merged = await mergeRegionStage(tx.db);
      report.inserted = merged.inserted;
      report.updated = merged.updated;
      report.unchanged = merged.staged - merged.inserted - merged.updated;
    });
  } catch (e) {
    if (e instanceof CsvHeaderError) throw headerOutcome(label, e);
    if (!(e instanceof StrictRollback)) throw e;
    report.applied = false;
  }
  report.issues.sort((a, b) => lineOf(a) - lineOf(b));
  return report;
}

function lineOf(issue: OutcomeIssue): number {
  return Number(/第 (\d+) 行/.exec(issue.expression)?.[1] ?? 0);
}

export function headerOutcome(label: string, e: CsvHeaderError): OutcomeError {
  return new OutcomeError([
    { severity: 'error', code: 'header', expression: `${label} 表头`, message: e.message },
  ]);
}
