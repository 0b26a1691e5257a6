// `canbao demo --out DIR`: the population as each county's 参保人员花名册 and each department's
// list, the way offices send them — one file per county (and per department), CSV and/or XLSX.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { HISTORY_FILE_HEADERS } from '../../collection/enrollment-history-import.service.js';
import { DEPARTMENT_NAMES, type Department } from '../../identities/departments.js';
import { DISABILITY_KIND_NAMES, type IdentityCode, STUDENT_NAMES } from '../../policy/vocabulary.js';
import { DEMO_HISTORY_YEARS, demoHistoryYears } from './enrollment-history.js';
import { RELATION_NAMES } from './households.js';
import type { DemoIdentity, DemoPerson } from './model.js';
import { PERSON_STATUS_NAMES } from './model.js';
import { DEFAULT_AS_OF, generateHouseholds, type PopulationOptions, planCounties } from './population.js';
import type { DemoCounty } from './regions.js';
import { type DemoEncoding, openCsvSink, openXlsxSink, type TableSink } from './sinks.js';
import type { PopulationTally } from './summary.js';

export const PERSON_HEADERS = [
  '序号',
  '姓名',
  '公民身份号码',
  '性别',
  '出生日期',
  '户号',
  '与户主关系',
  '联系电话',
  '乡镇（街道）',
  '村（社区）',
  '村（社区）代码',
  '人员状态',
  '职工医保',
  '在校学生',
  '学校',
  '学生类别',
] as const;
const PERSON_WIDTHS = [8, 10, 22, 6, 12, 20, 10, 14, 16, 22, 16, 10, 10, 10, 22, 22];

export const LIST_HEADERS = [
  '序号',
  '姓名',
  '公民身份号码',
  '人员类别',
  '残疾等级',
  '残疾类别',
  '风险是否消除',
  '是否脱贫人口',
  '认定日期',
] as const;
const LIST_WIDTHS = [8, 10, 22, 18, 10, 10, 12, 12, 12];

/** Words the departments write in 人员类别 (all understood by the list importer). */
export const CATEGORY_LABELS: Partial<Record<IdentityCode, string>> = {
  tekun: '特困人员',
  dibao: '低保对象',
  dibao_edge: '低保边缘家庭成员',
  orphan: '孤儿',
  unsupported_child: '事实无人抚养儿童',
  returned_to_poverty: '返贫致贫人口',
  unstable_out_of_poverty: '脱贫不稳定人口',
  edge_poverty: '边缘易致贫人口',
  sudden_hardship: '突发严重困难人口',
  out_of_poverty: '脱贫人口',
  disability: '残疾人',
  priority_care: '重点优抚对象',
};

const GRADE_WORDS = ['', '一级', '二级', '三级', '四级'];
const STUDENT_WORDS = {
  school: '中小学生',
  college: '大中专院校学生',
  college_freshman: STUDENT_NAMES.college_freshman,
} as const;

export const LIST_DEPARTMENTS: readonly { department: Department; file: string; title: string }[] = [
  {
    department: 'civil_affairs',
    file: '民政_困难群众名单',
    title: '特困、低保、低保边缘、孤儿及事实无人抚养儿童名单',
  },
  {
    department: 'agriculture',
    file: '农业农村_脱贫人口及监测对象名单',
    title: '脱贫人口及防止返贫监测对象名单',
  },
  { department: 'disability_federation', file: '残联_残疾人名单', title: '持证残疾人名单' },
  { department: 'veterans_affairs', file: '退役军人_重点优抚对象名单', title: '重点优抚对象名单' },
];

export function personCells(p: DemoPerson, n: number): string[] {
  return [
    String(n),
    p.name,
    p.idNumber,
    p.sex === 'male' ? '男' : '女',
    p.birthDate,
    p.householdNumber,
    RELATION_NAMES[p.relation],
    p.phone ?? '',
    p.townshipName,
    p.villageName,
    p.villageCode,
    PERSON_STATUS_NAMES[p.status],
    p.employeeInsurance ? '是' : '否',
    p.student ? '是' : '否',
    p.school ?? '',
    p.student ? STUDENT_WORDS[p.student] : '',
  ];
}

export function identityCells(i: DemoIdentity, n: number): string[] {
  const a = i.attributes;
  return [
    String(n),
    i.name,
    i.idNumber,
    CATEGORY_LABELS[i.category] ?? i.category,
    a.grade ? GRADE_WORDS[a.grade]! : '',
    a.kind ? DISABILITY_KIND_NAMES[a.kind] : '',
    a.riskEliminated === undefined ? '' : a.riskEliminated ? '是' : '否',
    a.formerlyPoor === undefined ? '' : a.formerlyPoor ? '是' : '否',
    i.validFrom,
  ];
}

export interface DemoFilesOptions extends PopulationOptions {
  out: string;
  encoding?: DemoEncoding;
  formats?: readonly ('csv' | 'xlsx')[];
  /** Insurance year in the titles; default the year after asOf (autumn 2024 collects for 2025). */
  year?: number;
}

export interface WrittenFile {
  path: string;
  rows: number;
}

function countyTitle(county: DemoCounty): string {
  return `${county.cityName}${county.name}`;
}

const HISTORY_WIDTHS = [22, 10, 8, 10, 14];

class CountyFiles {
  private readonly persons: TableSink[] = [];
  /** 往年参保记录: what `canbao enrollment import` takes, from the same draw as the database load. */
  private readonly history: TableSink[] = [];
  private readonly lists = new Map<Department, TableSink[]>();
  private personNo = 0;
  private readonly listNo = new Map<Department, number>();

  private constructor(
    readonly county: DemoCounty,
    private readonly seed: string | number,
    private readonly year: number,
  ) {}

  static async open(county: DemoCounty, options: DemoFilesOptions, year: number, asOf: string) {
    const files = new CountyFiles(county, options.seed, year);
    const formats = options.formats ?? ['csv', 'xlsx'];
    const place = countyTitle(county);
    const [y, m, d] = asOf.split('-').map(Number);
    const stamp = `（截至${y}年${m}月${d}日）`;
    const base = join(options.out, `${county.code}${county.name}`);
    for (const format of formats) {
      const personsTitle = `${place}${year}年城乡居民参保人员花名册`;
      files.persons.push(
        format === 'csv'
          ? await openCsvSink(`${base}_参保人员花名册.csv`, PERSON_HEADERS, options.encoding ?? 'utf-8')
          : await openXlsxSink(
              `${base}_参保人员花名册.xlsx`,
              '花名册',
              personsTitle,
              PERSON_HEADERS,
              PERSON_WIDTHS,
            ),
      );
      const historyTitle = `${place}${year - DEMO_HISTORY_YEARS}—${year - 1}年度城乡居民医保参保记录`;
      files.history.push(
        format === 'csv'
          ? await openCsvSink(`${base}_往年参保记录.csv`, HISTORY_FILE_HEADERS, options.encoding ?? 'utf-8')
          : await openXlsxSink(
              `${base}_往年参保记录.xlsx`,
              '参保记录',
              historyTitle,
              HISTORY_FILE_HEADERS,
              HISTORY_WIDTHS,
            ),
      );
      for (const list of LIST_DEPARTMENTS) {
        const path = `${base}_${list.file}.${format}`;
        const title = `${place}${DEPARTMENT_NAMES[list.department]}${list.title}${stamp}`;
        const sink =
          format === 'csv'
            ? await openCsvSink(path, LIST_HEADERS, options.encoding ?? 'utf-8')
            : await openXlsxSink(path, '名单', title, LIST_HEADERS, LIST_WIDTHS);
        files.lists.set(list.department, [...(files.lists.get(list.department) ?? []), sink]);
      }
    }
    return files;
  }

  async person(p: DemoPerson): Promise<void> {
    const cells = personCells(p, ++this.personNo);
    for (const sink of this.persons) await sink.write(cells);
    for (const h of demoHistoryYears(this.seed, p, this.year)) {
      const row = [
        p.idNumber,
        p.name,
        String(h.year),
        h.enrolled ? '已参保' : '未参保',
        h.reimbursed === null ? '' : h.reimbursed ? '是' : '否',
      ];
      for (const sink of this.history) await sink.write(row);
    }
  }

  async identity(i: DemoIdentity): Promise<void> {
    const n = (this.listNo.get(i.department) ?? 0) + 1;
    this.listNo.set(i.department, n);
    const cells = identityCells(i, n);
    for (const sink of this.lists.get(i.department) ?? []) await sink.write(cells);
  }

  async close(): Promise<WrittenFile[]> {
    const all = [...this.persons, ...this.history, ...[...this.lists.values()].flat()];
    for (const sink of all) await sink.close();
    return all.map((s) => ({ path: s.path, rows: s.rows }));
  }
}

/** Write every county's files; one county's files are open at a time. */
export async function writeDemoFiles(
  options: DemoFilesOptions,
  hooks: { onProgress?: (persons: number) => void; tally?: PopulationTally } = {},
): Promise<WrittenFile[]> {
  const { onProgress, tally } = hooks;
  await mkdir(options.out, { recursive: true });
  const asOf = options.asOf ?? DEFAULT_AS_OF;
  const year = options.year ?? Number(asOf.slice(0, 4)) + 1;
  const counties = new Map(planCounties(options).map(({ county }) => [county.code, county]));
  const written: WrittenFile[] = [];
  let current: CountyFiles | undefined;
  let persons = 0;
  for (const household of generateHouseholds(options)) {
    if (current?.county.code !== household.countyCode) {
      if (current) written.push(...(await current.close()));
      current = await CountyFiles.open(counties.get(household.countyCode)!, options, year, asOf);
    }
    for (const p of household.members) await current.person(p);
    for (const i of household.identities) await current.identity(i);
    tally?.add(household, current.county.name);
    persons += household.members.length;
    if (onProgress && persons % 100_000 < household.members.length) onProgress(persons);
  }
  if (current) written.push(...(await current.close()));
  return written;
}
