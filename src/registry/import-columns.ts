// Which column of a population file holds which field. Offices name their columns in many ways
// (身份证号码, 公民身份号码, 证件号码 …); the common ones are known here, anything else is named in a
// mapping file ({ "column header": "field" }, JSON or YAML).
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { normalizeHeader } from '../files/header.js';
import { OutcomeError, type OutcomeIssue } from '../policy/outcome.js';

export const PERSON_FIELDS = [
  'name',
  'docNo',
  'docType',
  'householdNo',
  'relation',
  'sex',
  'birthDate',
  'phone',
  'village',
  'villageCode',
  'township',
  'hukouRegion',
  'residenceRegion',
  'status',
  'employeeInsurance',
  'student',
  'school',
] as const;
export type PersonField = (typeof PERSON_FIELDS)[number];

/** The Chinese name of each field, as used in messages; also accepted in mapping files. */
export const FIELD_LABELS: Record<PersonField, string> = {
  name: '姓名',
  docNo: '身份证号码',
  docType: '证件类型',
  householdNo: '户号',
  relation: '与户主关系',
  sex: '性别',
  birthDate: '出生日期',
  phone: '联系电话',
  village: '村(社区)',
  villageCode: '村(社区)代码',
  township: '乡镇(街道)',
  hukouRegion: '户籍地区划',
  residenceRegion: '居住地区划',
  status: '人员状态',
  employeeInsurance: '职工医保',
  student: '学生',
  school: '学校',
};

const ALIASES: Record<PersonField, string[]> = {
  name: ['姓名', '人员姓名', '参保人姓名', '成员姓名'],
  docNo: [
    '身份证号码',
    '身份证号',
    '公民身份号码',
    '证件号码',
    '证件号',
    '身份证件号码',
    '居民身份证号码',
    '社会保障号码',
    '证件号码(身份证号)',
  ],
  docType: ['证件类型', '身份证件类型', '证件种类'],
  householdNo: ['户号', '户编号', '户口编号', '家庭编号', '户籍编号'],
  relation: ['与户主关系', '与户主的关系', '家庭关系', '关系'],
  sex: ['性别'],
  birthDate: ['出生日期', '出生年月日', '出生年月'],
  phone: ['联系电话', '手机号码', '手机号', '电话', '电话号码', '联系方式'],
  village: ['村', '社区', '村(社区)', '村(居)', '村居', '行政村', '村(社区)名称', '所属村(社区)'],
  villageCode: ['村(社区)代码', '村代码', '村居代码', '村(居)代码', '村(社区)区划代码'],
  township: ['乡镇', '街道', '乡镇(街道)', '乡(镇、街道)', '乡镇街道', '所属乡镇(街道)', '乡镇名称'],
  hukouRegion: ['户籍地区划', '户籍地区划代码', '户籍所在地区划', '户籍地'],
  residenceRegion: ['居住地区划', '居住地区划代码', '常住地区划'],
  status: ['人员状态', '状态', '户籍状态'],
  employeeInsurance: ['职工医保', '是否参加职工医保', '参加职工医保', '职工医保参保'],
  student: ['学生', '是否学生', '是否在校学生', '在校学生'],
  school: ['学校', '就读学校', '学校名称'],
};

const ALIAS_TO_FIELD = new Map<string, PersonField>();
for (const f of PERSON_FIELDS) {
  for (const a of ALIASES[f]) ALIAS_TO_FIELD.set(normalizeHeader(a), f);
  ALIAS_TO_FIELD.set(normalizeHeader(FIELD_LABELS[f]), f);
}

/** Every header name the importer understands, for header-row detection. */
export function knownPersonHeaders(mapping?: ColumnMapping): string[] {
  return [...ALIAS_TO_FIELD.keys(), ...(mapping ? mapping.keys() : [])];
}

/** Normalised header → field, from a mapping file. */
export type ColumnMapping = Map<string, PersonField>;

function fieldFromName(name: string): PersonField | undefined {
  if ((PERSON_FIELDS as readonly string[]).includes(name)) return name as PersonField;
  return ALIAS_TO_FIELD.get(normalizeHeader(name));
}

/** Parse the content of a mapping file: `{ "column header": "field" }`, field as code or Chinese name. */
export function parseColumnMapping(text: string, fileName: string): ColumnMapping {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (e) {
    throw new OutcomeError([
      {
        severity: 'error',
        code: 'mapping_syntax',
        expression: fileName,
        message: `映射文件不是有效的 JSON/YAML：${(e as Error).message}`,
      },
    ]);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new OutcomeError([
      {
        severity: 'error',
        code: 'mapping_shape',
        expression: fileName,
        message: '映射文件应为 { "表头": "字段" } 的形式，例如 { "身份证": "docNo" }',
      },
    ]);
  }
  const issues: OutcomeIssue[] = [];
  const mapping: ColumnMapping = new Map();
  for (const [header, value] of Object.entries(data)) {
    const field = typeof value === 'string' ? fieldFromName(value) : undefined;
    if (!field) {
      issues.push({
        severity: 'error',
        code: 'mapping_unknown_field',
        expression: `${fileName}: ${header}`,
        message: `未知字段“${String(value)}”，可用字段：${PERSON_FIELDS.map((f) => `${f}（${FIELD_LABELS[f]}）`).join('、')}`,
      });
      continue;
    }
    mapping.set(normalizeHeader(header), field);
  }
  if (issues.length > 0) throw new OutcomeError(issues);
  return mapping;
}

export async function loadColumnMapping(path: string): Promise<ColumnMapping> {
  return parseColumnMapping(await readFile(path, 'utf8'), path);
}

export interface ResolvedColumns {
  /** Column index of each field present in the file. */
  index: Partial<Record<PersonField, number>>;
  /** Header text of each field's column, for messages. */
  header: Partial<Record<PersonField, string>>;
  /** Headers the importer ignores. */
  ignored: string[];
  /** Number of header columns: a row with text beyond them is misaligned. */
  width?: number;
}

/** Match the file's headers to fields; missing required columns and ambiguous columns are errors. */
export function resolveColumns(
  headers: readonly string[],
  fileName: string,
  mapping?: ColumnMapping,
): ResolvedColumns {
  const index: Partial<Record<PersonField, number>> = {};
  const header: Partial<Record<PersonField, string>> = {};
  const ignored: string[] = [];
  const issues: OutcomeIssue[] = [];
  headers.forEach((h, i) => {
    if (h === '') return;
    const field = mapping?.get(h) ?? ALIAS_TO_FIELD.get(h);
    if (!field) {
      ignored.push(h);
      return;
    }
    const seen = header[field];
    if (seen !== undefined) {
      issues.push({
        severity: 'error',
        code: 'ambiguous_column',
        expression: `${fileName}: 表头`,
        message: `列“${seen}”和列“${h}”都被识别为“${FIELD_LABELS[field]}”，请删除其中一列或用映射文件（--mapping）指定`,
      });
      return;
    }
    index[field] = i;
    header[field] = h;
  });
  for (const f of ['name', 'docNo'] as const) {
    if (index[f] === undefined) {
      issues.push({
        severity: 'error',
        code: 'missing_column',
        expression: `${fileName}: 表头`,
        message: `缺少“${FIELD_LABELS[f]}”列（可用的表头如：${ALIASES[f].slice(0, 4).join('、')}），或用映射文件（--mapping）指定`,
      });
    }
  }
  if (index.village === undefined && index.villageCode === undefined && index.residenceRegion === undefined) {
    issues.push({
      severity: 'error',
      code: 'missing_column',
      expression: `${fileName}: 表头`,
      message: '缺少“村(社区)”列（填村名或12位区划代码）或“居住地区划”列，或用映射文件（--mapping）指定',
    });
  }
  if (issues.length > 0) throw new OutcomeError(issues);
  return { index, header, ignored, width: headers.length };
}
