// One row of a department's list (民政, 农业农村, 残联 …): who, which category, attributes, from
// when to when, and — in a change list — whether the row adds or removes the identity.
import { isValidDate, todayInChina } from '../policy/dates.js';
import type { DisabilityKind, IdentityCode } from '../policy/vocabulary.js';
import { parseIdDocument } from '../registry/id-document.js';
import { type RowIssue, rowFields } from '../registry/import-row.js';
import { parseCategory, parseDisabilityKind, parseGrade, parseYesNo } from './category-names.js';
import { DEPARTMENT_NAMES, type Department, mayCertify } from './departments.js';

export type ListField =
  | 'docNo'
  | 'name'
  | 'category'
  | 'grade'
  | 'kind'
  | 'formerlyPoor'
  | 'riskEliminated'
  | 'validFrom'
  | 'validTo'
  | 'change';

/** Header names (normalised: no spaces, half-width brackets) accepted for each field. */
export const LIST_HEADERS: Record<ListField, string[]> = {
  docNo: ['公民身份号码', '身份证号码', '身份证号', '证件号码', '证件号'],
  name: ['姓名'],
  category: ['人员类别', '类别', '身份类别', '困难类别', '救助类别', '认定类别', '人员身份'],
  grade: ['残疾等级', '等级'],
  kind: ['残疾类别', '残疾类型'],
  formerlyPoor: ['是否脱贫人口'],
  riskEliminated: ['风险是否消除', '是否风险消除', '风险消除'],
  validFrom: ['认定日期', '生效日期', '起始日期', '开始日期', '纳入日期'],
  validTo: ['终止日期', '截止日期', '失效日期', '退出日期'],
  change: ['变更类型', '变动类型', '增减', '变动情况'],
};

export const FIELD_NAMES: Record<ListField, string> = {
  docNo: '公民身份号码',
  name: '姓名',
  category: '人员类别',
  grade: '残疾等级',
  kind: '残疾类别',
  formerlyPoor: '是否脱贫人口',
  riskEliminated: '风险是否消除',
  validFrom: '认定日期',
  validTo: '终止日期',
  change: '变更类型',
};

export interface ListRow {
  rowNumber: number;
  docNo: string;
  name: string;
  category: IdentityCode;
  grade: number | null;
  kind: DisabilityKind | null;
  formerlyPoor: boolean | null;
  riskEliminated: boolean | null;
  validFrom: string | null;
  validTo: string | null;
  change: 'add' | 'remove';
}

/** header (as written) → field, for the headers of one file. */
export function resolveListColumns(headers: string[]): Map<ListField, string> {
  const out = new Map<ListField, string>();
  for (const [field, names] of Object.entries(LIST_HEADERS) as [ListField, string[]][]) {
    const found = headers.find((h) => names.includes(h));
    if (found) out.set(field, found);
  }
  return out;
}

const ADD = new Set(['新增', '增加', '纳入', '认定', 'add', '+']);
const REMOVE = new Set(['减少', '删除', '退出', '注销', '取消', '终止', 'remove', '-']);

function normDate(text: string): string | null | 'invalid' {
  const t = text.trim();
  if (t === '') return null;
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(t) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(t);
  if (!m) return 'invalid';
  const d = `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
  return isValidDate(d) ? d : 'invalid';
}

/** `today` (YYYY-MM-DD, China time) bounds birth dates; pass it once per file when parsing many rows. */
export function parseListRow(
  rowNumber: number,
  cells: Record<string, string>,
  columns: Map<ListField, string>,
  department: Department,
  today: string = todayInChina(),
): { row: ListRow } | { issues: RowIssue[] } {
  const { issues, get, bad } = rowFields(rowNumber, cells, columns, FIELD_NAMES);

  const rawId = get('docNo');
  const id = parseIdDocument(rawId, undefined, today);
  if (!id.ok) bad('docNo', rawId, id.reason, `id_${id.code}`);
  const name = get('name');
  if (name === '') bad('name', name, '姓名为空', 'missing_name');
  const rawCategory = get('category');
  const category = parseCategory(rawCategory);
  if (!category) bad('category', rawCategory, `无法识别的人员类别"${rawCategory}"`, 'unknown_category');
  else if (!mayCertify(department, category)) {
    bad('category', rawCategory, `${DEPARTMENT_NAMES[department]}部门不能认定此类别`, 'not_certifiable');
  }
  const rawGrade = get('grade');
  const grade = rawGrade === '' ? null : (parseGrade(rawGrade) ?? null);
  if (rawGrade !== '' && grade === null) bad('grade', rawGrade, '残疾等级应为一级至四级', 'bad_grade');
  const rawKind = get('kind');
  const kind = rawKind === '' ? null : (parseDisabilityKind(rawKind) ?? null);
  if (rawKind !== '' && kind === null)
    bad('kind', rawKind, '残疾类别应为肢体、视力、听力、言语、智力、精神或多重', 'bad_kind');
  if (category === 'disability' && mayCertify(department, category) && rawGrade === '') {
    bad('grade', rawGrade, '残疾人须填写残疾等级', 'missing_grade');
  }
  const flags: Partial<Record<'formerlyPoor' | 'riskEliminated', boolean | null>> = {};
  for (const f of ['formerlyPoor', 'riskEliminated'] as const) {
    const raw = get(f);
    const v = parseYesNo(raw);
    if (v === 'invalid') bad(f, raw, '应填"是"或"否"', 'bad_flag');
    flags[f] = v === 'invalid' || v === undefined ? null : v;
  }
  const dates: Partial<Record<'validFrom' | 'validTo', string | null>> = {};
  for (const f of ['validFrom', 'validTo'] as const) {
    const raw = get(f);
    const v = normDate(raw);
    if (v === 'invalid') bad(f, raw, '日期无效，应为真实日期，如 2024-09-01', 'bad_date');
    dates[f] = v === 'invalid' ? null : v;
  }
  if (dates.validFrom && dates.validTo && dates.validTo < dates.validFrom) {
    bad('validTo', get('validTo'), '终止日期早于认定日期', 'date_order');
  }
  const rawChange = get('change');
  let change: 'add' | 'remove' = 'add';
  if (columns.has('change')) {
    if (ADD.has(rawChange)) change = 'add';
    else if (REMOVE.has(rawChange)) change = 'remove';
    else bad('change', rawChange, '变更类型应为"新增"或"减少"', 'bad_change');
  }
  if (issues.length > 0 || !id.ok || !category) return { issues };
  return {
    row: {
      rowNumber,
      docNo: id.doc.docNo,
      name,
      category,
      grade,
      kind,
      formerlyPoor: flags.formerlyPoor ?? null,
      riskEliminated: flags.riskEliminated ?? null,
      validFrom: dates.validFrom ?? null,
      validTo: dates.validTo ?? null,
      change,
    },
  };
}
