// What can be imported from an uploaded file, each kind with its form fields and the same service
// its CLI command runs (no import logic here): the job's result is the summary the CLI prints, the
// rejected rows go to the job's report file.
import { importEnrollmentHistory } from '../collection/enrollment-history-import.service.js';
import { importLifeEvents } from '../collection/event-import.service.js';
import { parseLifeEventType } from '../collection/refund-reasons.js';
import type { DatabaseHandle } from '../db/connection.js';
import { HttpError } from '../http/errors.js';
import { parseDepartment } from '../identities/departments.js';
import { importDepartmentList } from '../identities/list-import.service.js';
import type { PackRegistry } from '../policy/pack-loader.js';
import { importPersons } from '../registry/import.service.js';
import { importPopulation } from '../registry/population-base.service.js';
import { importRegions } from '../registry/regions.service.js';
import { fromImportRun, fromOutcomeIssues, fromRowIssues } from './rejection-report.js';

export const IMPORT_KINDS = [
  'registry',
  'identities',
  'events',
  'enrollments',
  'population',
  'regions',
] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export const IMPORT_KIND_NAMES: Record<ImportKind, string> = {
  registry: '花名册',
  identities: '部门名单',
  events: '死亡名单/事件',
  enrollments: '历年参保',
  population: '人口基数',
  regions: '行政区划',
};

/** Kinds a department submitter may upload: their own department's lists. */
export const DEPARTMENT_KINDS: readonly ImportKind[] = ['identities', 'events'];

export const importJobKind = (kind: ImportKind) => `import-${kind}`;

/** The stored upload a job reads: the file, its name as sent, and the directory for its report. */
export interface UploadParams {
  file: string;
  fileName: string;
  dir: string;
}

type Fields = Record<string, string>;
type Params = Record<string, unknown>;
type ReportRows =
  | Iterable<readonly [string, string, string, string]>
  | AsyncIterable<readonly [string, string, string, string]>;

export interface ImportRun {
  summary: Record<string, unknown>;
  report?: ReportRows;
}

interface RunContext {
  db: DatabaseHandle;
  packs: PackRegistry;
  actor: string;
  onProgress: (rowsRead: number) => void;
}

interface KindSpec {
  /** The form fields as job parameters (besides the file); a bad field is a Chinese 400. */
  params(fields: Fields): Params;
  run(p: UploadParams & Params, ctx: RunContext): Promise<ImportRun>;
}

const bad = (field: string, message: string): never => {
  throw new HttpError(400, 'BAD_FIELD', message, field);
};
const flag = (v: string | undefined) =>
  v !== undefined && ['true', '1', 'on', 'yes', '是'].includes(v.trim());
const text = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());

function county(fields: Fields, required: boolean): string | undefined {
  const c = text(fields.county);
  if (c === undefined) return required ? bad('county', '请填写区县代码 county（6 位）') : undefined;
  if (!/^\d{6}$/.test(c)) bad('county', `区县代码"${c}"应为 6 位数字`);
  return c;
}

function date(fields: Fields, name: string, label: string): string | undefined {
  const d = text(fields[name]);
  if (d !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(d))
    bad(name, `${label}"${d}"应为 YYYY-MM-DD 格式的日期`);
  return d;
}

/** The department named in a form field, as its code (civil_affairs …); Chinese names are accepted. */
export function departmentField(fields: Fields): string | undefined {
  const d = text(fields.department);
  if (d === undefined) return undefined;
  return parseDepartment(d) ?? bad('department', `未知的部门"${d}"`);
}

const defined = (o: Params): Params =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

export const IMPORT_SPECS: Record<ImportKind, KindSpec> = {
  registry: {
    params: (f) => ({ allOrNothing: flag(f.allOrNothing) }),
    async run(p, ctx) {
      const r = await importPersons(ctx.db, p.file, {
        actor: ctx.actor,
        allOrNothing: p.allOrNothing === true,
        writeReports: false,
        onProgress: ctx.onProgress,
      });
      const { file: _file, reportFiles: _reports, ...summary } = r;
      return {
        summary,
        ...(r.rejected + r.warnings > 0 ? { report: fromImportRun(ctx.db.db, r.runId) } : {}),
      };
    },
  },
  identities: {
    params(f) {
      const kind = text(f.kind);
      if (kind !== undefined && kind !== 'snapshot' && kind !== 'changes')
        bad('kind', '名单类型 kind 应为 snapshot（全量）或 changes（增减）');
      return defined({
        department: departmentField(f) ?? bad('department', '请选择报送部门 department'),
        county: county(f, true),
        kind,
        asOf: date(f, 'asOf', '名单日期'),
        allOrNothing: flag(f.allOrNothing),
      });
    },
    async run(p, ctx) {
      const r = await importDepartmentList(ctx.db, {
        file: p.file,
        department: p.department as never,
        county: p.county as string,
        ...(p.kind ? { kind: p.kind as 'snapshot' | 'changes' } : {}),
        ...(p.asOf ? { asOf: p.asOf as string } : {}),
        allOrNothing: p.allOrNothing === true,
        importedBy: ctx.actor,
        onProgress: ctx.onProgress,
      });
      const { rejections, changes: _changes, ...summary } = r;
      return { summary, report: fromRowIssues(rejections) };
    },
  },
  events: {
    params(f) {
      const department = departmentField(f) ?? 'health';
      if (department !== 'health' && department !== 'civil_affairs')
        bad('department', '事件名单的报送部门应为卫健或民政');
      const type = text(f.type) ?? 'death';
      return defined({
        department,
        county: county(f, false),
        type: parseLifeEventType(type) ?? bad('type', `未知的事件类型"${type}"`),
        reportedOn: date(f, 'reportedOn', '名单报送日期'),
        dateColumn: text(f.dateColumn),
        allOrNothing: flag(f.allOrNothing),
      });
    },
    async run(p, ctx) {
      const r = await importLifeEvents(ctx.db, ctx.packs, {
        file: p.file,
        type: p.type as never,
        source: p.department as never,
        actor: ctx.actor,
        allOrNothing: p.allOrNothing === true,
        ...(p.county ? { region: p.county as string } : {}),
        ...(p.reportedOn ? { reportedOn: p.reportedOn as string } : {}),
        ...(p.dateColumn ? { dateColumn: p.dateColumn as string } : {}),
        onProgress: ctx.onProgress,
      });
      const { rejections, results: _results, ...summary } = r;
      return { summary: { ...summary, file: p.fileName }, report: fromRowIssues(rejections) };
    },
  },
  enrollments: {
    params: (f) => ({ county: county(f, true), allOrNothing: flag(f.allOrNothing) }),
    async run(p, ctx) {
      const r = await importEnrollmentHistory(ctx.db, {
        file: p.file,
        county: p.county as string,
        actor: ctx.actor,
        allOrNothing: p.allOrNothing === true,
        onProgress: ctx.onProgress,
      });
      const { rejections, ...summary } = r;
      return { summary, report: fromRowIssues(rejections) };
    },
  },
  population: {
    params(f) {
      const year = Number(text(f.year));
      if (!Number.isInteger(year) || year < 2000 || year > 2100)
        bad('year', '请填写年度 year（2000–2100 的整数）');
      return defined({ year, source: text(f.source), strict: flag(f.strict) });
    },
    async run(p, ctx) {
      const r = await importPopulation(ctx.db, p.file, {
        year: p.year as number,
        strict: p.strict === true,
        label: p.fileName,
        source: (p.source as string | undefined) ?? p.fileName,
        onProgress: ctx.onProgress,
      });
      const { issues, ...summary } = r;
      return { summary, report: fromOutcomeIssues(issues) };
    },
  },
  regions: {
    params: (f) => ({ strict: flag(f.strict) }),
    async run(p, ctx) {
      const r = await importRegions(ctx.db, p.file, {
        strict: p.strict === true,
        label: p.fileName,
        onProgress: ctx.onProgress,
      });
      const { issues, ...summary } = r;
      return { summary, report: fromOutcomeIssues(issues) };
    },
  },
};
