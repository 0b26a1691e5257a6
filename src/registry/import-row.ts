// Checking one row of a population file. Runs a million times per county file, so it works on
// the raw cell array by column index and builds the staging record directly.
import { DOC_TYPE_LABELS, type DocType, parseDocType, parseIdDocument } from './id-document.js';
import { FIELD_LABELS, type PersonField, type ResolvedColumns } from './import-columns.js';

export interface RowIssue {
  rowNumber: number;
  /** The column header as written in the file (or the field's Chinese name). */
  column: string;
  value: string;
  reason: string;
  severity: 'error' | 'warning';
  code: string;
}

/**
 * Reading the named fields of one row of a list file (department lists, enrollment history): a
 * field's trimmed cell, and a rejection that names the column as the file wrote it.
 */
export function rowFields<F extends string>(
  rowNumber: number,
  cells: Record<string, string>,
  columns: Map<F, string>,
  names: Record<F, string>,
): {
  issues: RowIssue[];
  get: (f: F) => string;
  bad: (f: F, value: string, reason: string, code: string) => void;
} {
  const issues: RowIssue[] = [];
  const get = (f: F) => {
    const h = columns.get(f);
    return h ? (cells[h] ?? '').trim() : '';
  };
  const bad = (f: F, value: string, reason: string, code: string) => {
    issues.push({ rowNumber, column: columns.get(f) ?? names[f], value, reason, severity: 'error', code });
  };
  return { issues, get, bad };
}

/**
 * Text beyond the last header column: an unquoted comma (or a shifted row) moved the cells, so
 * no cell of the row can be trusted. Empty cells there are harmless.
 */
export function extraFieldsIssue(
  rowNumber: number,
  values: readonly string[],
  width: number,
): RowIssue | undefined {
  for (let i = width; i < values.length; i++) {
    const extra = values[i] ?? '';
    if (extra.trim() === '') continue;
    return {
      rowNumber,
      column: `第 ${i + 1} 列（无表头）`,
      value: extra,
      reason: `本行有 ${values.length} 列，表头只有 ${width} 列，多出的内容没有对应的列：可能某个单元格里有未加引号的逗号，整行错位`,
      severity: 'error',
      code: 'extra_fields',
    };
  }
  return undefined;
}

export type PersonStatus = 'active' | 'deceased' | 'moved_out';

/** A row ready for the staging table; null means "not given". */
export interface StagedPerson {
  rowNumber: number;
  docType: DocType;
  docNo: string;
  name: string;
  sex: 'male' | 'female' | null;
  birthDate: string | null;
  householdNo: string | null;
  relation: string | null;
  hukouRegion: string | null;
  /** 12-digit code when the file gave one; otherwise resolved later from villageName. */
  villageCode: string | null;
  villageName: string | null;
  townshipName: string | null;
  phone: string | null;
  status: PersonStatus;
  employeeInsurance: boolean | null;
  student: boolean | null;
  school: string | null;
  /** The file had the old 15-digit number. */
  from15: boolean;
}

const STATUS_WORDS: Record<string, PersonStatus> = {
  '': 'active',
  正常: 'active',
  在册: 'active',
  有效: 'active',
  户籍在册: 'active',
  active: 'active',
  死亡: 'deceased',
  已死亡: 'deceased',
  去世: 'deceased',
  已故: 'deceased',
  deceased: 'deceased',
  迁出: 'moved_out',
  已迁出: 'moved_out',
  户籍迁出: 'moved_out',
  moved_out: 'moved_out',
};

const YES = new Set(['是', '有', 'Y', 'YES', '1', 'TRUE', '√', '参加', '已参加', '在校']);
const NO = new Set(['否', '无', 'N', 'NO', '0', 'FALSE', '×', '不是', '未参加', '']);

const RELATION_WORDS: Record<string, string> = { 本人: '户主', 户主本人: '户主', 之妻: '妻', 之夫: '夫' };

function parseBool(text: string): boolean | null | undefined {
  const t = text.trim().toUpperCase();
  if (t === '') return null;
  if (YES.has(t)) return true;
  if (NO.has(t)) return false;
  return undefined;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

const DATE_PARTS =
  /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$/;

/** 1990-01-01, 1990/1/1, 1990.1.1, 1990年1月1日, 19900101, or an Excel serial day number → YYYY-MM-DD. */
export function parseDate(text: string): string | undefined {
  const t = text.trim();
  if (t.length === 10 && t.charCodeAt(4) === 45 && t.charCodeAt(7) === 45) {
    // Fast path for YYYY-MM-DD.
    const y = Number(t.slice(0, 4));
    const m = Number(t.slice(5, 7));
    const d = Number(t.slice(8, 10));
    if (
      Number.isInteger(y) &&
      Number.isInteger(m) &&
      Number.isInteger(d) &&
      y >= 1850 &&
      m >= 1 &&
      m <= 12 &&
      d >= 1 &&
      d <= daysInMonth(y, m)
    )
      return t;
  }
  let y: number;
  let m: number;
  let d: number;
  const parts = DATE_PARTS.exec(t);
  if (parts) {
    y = Number(parts[1]);
    m = Number(parts[2]);
    d = Number(parts[3]);
  } else if (/^\d{8}$/.test(t)) {
    y = Number(t.slice(0, 4));
    m = Number(t.slice(4, 6));
    d = Number(t.slice(6, 8));
  } else if (/^\d{4,5}$/.test(t)) {
    // Excel serial (days since 1899-12-30) from a date cell exported as a number; but "2025" is a
    // year written alone (serial 2025 would be 1905-07-17), not a date.
    if (t.length === 4 && Number(t) >= 1850 && Number(t) <= 2100) return undefined;
    const date = new Date(Date.UTC(1899, 11, 30) + Number(t) * 86_400_000);
    return date.toISOString().slice(0, 10);
  } else {
    return undefined;
  }
  if (y < 1850 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return undefined;
  return `${y}-${pad2(m)}-${pad2(d)}`;
}

function parseSex(text: string): 'male' | 'female' | null | undefined {
  const t = text.trim().toUpperCase();
  if (t === '') return null;
  if (t === '男' || t === '1' || t === 'M' || t === 'MALE' || t === '男性') return 'male';
  if (t === '女' || t === '2' || t === 'F' || t === 'FEMALE' || t === '女性') return 'female';
  return undefined;
}

const SEX_LABEL = { male: '男', female: '女' } as const;
const CJK_SPACE = /([\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])/g;

const SPACE = /\s/;
/** How a spreadsheet formula starts; no name does. */
const FORMULA_START = /^[=+\-@]/;

function cleanName(text: string): string {
  if (!SPACE.test(text)) return text;
  // "张 三" is 张三; "John  SMITH" keeps one space.
  return text.trim().replace(/\s+/g, ' ').replace(CJK_SPACE, '$1');
}

const MOBILE = /^1[3-9]\d{9}$/;
const LANDLINE = /^0\d{2,3}-?\d{7,8}(-\d{1,6})?$/;

function cleanPhone(text: string): string | undefined {
  if (MOBILE.test(text)) return text;
  let t = text.replace(/[\s\u3000]/g, '').replace(/[－—]/g, '-');
  if (t.startsWith('+86')) t = t.slice(3);
  else if (t.startsWith('86') && t.length === 13) t = t.slice(2);
  return MOBILE.test(t) || LANDLINE.test(t) ? t : undefined;
}

const REGION_CODE = /^(\d{6}|\d{9}|\d{12})$/;

/**
 * Check one row. Returns the staging record when the row can be loaded (possibly with warnings),
 * or only issues when it cannot. `today` bounds birth dates.
 */
export function validateRow(
  rowNumber: number,
  values: readonly string[],
  columns: ResolvedColumns,
  today: string,
): { person?: StagedPerson; issues: RowIssue[] } {
  const issues: RowIssue[] = [];
  const { index, header } = columns;
  const cell = (f: PersonField): string => {
    const i = index[f];
    return i === undefined ? '' : (values[i] ?? '');
  };
  const col = (f: PersonField): string => header[f] ?? FIELD_LABELS[f];
  const error = (f: PersonField, value: string, code: string, reason: string): void => {
    issues.push({ rowNumber, column: col(f), value, reason, severity: 'error', code });
  };
  const warn = (f: PersonField, value: string, code: string, reason: string): void => {
    issues.push({ rowNumber, column: col(f), value, reason, severity: 'warning', code });
  };

  const name = cleanName(cell('name'));
  if (name === '') error('name', '', 'missing_name', '姓名为空');
  else if (name.length > 50) error('name', name, 'bad_name', '姓名过长（超过50个字）');
  else if (FORMULA_START.test(name))
    error('name', name, 'bad_name', '姓名不能以 = + - @ 开头（这是表格公式的写法），请填写真实姓名');
  else if (/\d/.test(name)) error('name', name, 'bad_name', '姓名含有数字，请检查是否与其他列错位');

  let declared: DocType | undefined;
  const docTypeText = cell('docType');
  if (docTypeText.trim() !== '') {
    declared = parseDocType(docTypeText);
    if (!declared)
      error(
        'docType',
        docTypeText,
        'bad_doc_type',
        `无法识别的证件类型，可填：${Object.values(DOC_TYPE_LABELS).join('、')}`,
      );
  }
  const docRaw = cell('docNo');
  const id = parseIdDocument(docRaw, declared, today);
  if (!id.ok) error('docNo', docRaw, `id_${id.code}`, id.reason);

  let sex: 'male' | 'female' | null = id.ok ? (id.doc.sex ?? null) : null;
  const sexText = cell('sex');
  const sexGiven = parseSex(sexText);
  if (sexGiven === undefined) error('sex', sexText, 'bad_sex', '性别应填“男”或“女”');
  else if (sexGiven !== null) {
    if (sex !== null && sexGiven !== sex)
      error('sex', sexText, 'sex_mismatch', `性别与证件号码不符（号码显示为${SEX_LABEL[sex]}）`);
    sex = sexGiven;
  }

  let birthDate: string | null = id.ok ? (id.doc.birthDate ?? null) : null;
  const birthText = cell('birthDate');
  if (birthText.trim() !== '') {
    const given = parseDate(birthText);
    if (given === undefined)
      error('birthDate', birthText, 'bad_birth_date', '出生日期无效，请填写如 1990-01-01');
    else if (given > today) error('birthDate', birthText, 'future_birth_date', '出生日期晚于今天');
    else if (birthDate !== null && given !== birthDate) {
      // 出生年月 (a month only) matches when the month matches.
      if (!(/^\d{4}\D+\d{1,2}\D*$/.test(birthText.trim()) && given.slice(0, 7) === birthDate.slice(0, 7)))
        error(
          'birthDate',
          birthText,
          'birth_date_mismatch',
          `出生日期与证件号码不符（号码显示为${birthDate}）`,
        );
    } else birthDate = given;
  }

  const householdNo = cell('householdNo').trim() || null;
  if (householdNo !== null && householdNo.length > 40)
    error('householdNo', householdNo, 'bad_household_no', '户号过长（超过40个字符）');
  let relation = cell('relation').trim().replace(/\s+/g, '') || null;
  if (relation !== null) relation = RELATION_WORDS[relation] ?? relation;
  if (relation !== null && relation.length > 20)
    error('relation', relation, 'bad_relation', '与户主关系过长（超过20个字）');

  const hukouText = cell('hukouRegion').trim();
  let hukouRegion: string | null = null;
  if (hukouText !== '') {
    if (REGION_CODE.test(hukouText)) hukouRegion = hukouText;
    else error('hukouRegion', hukouText, 'bad_region_code', '户籍地区划应为6、9或12位数字代码');
  }

  // The village: a 12-digit code from 村(社区)代码, 居住地区划 or the 村(社区) cell itself, else
  // the 村(社区) name, resolved against the regions table later. Codes given twice must agree.
  const villageText = cell('village').trim();
  let villageCode: string | null = null;
  let villageName: string | null = null;
  if (/^\d{12}$/.test(villageText)) villageCode = villageText;
  else if (villageText !== '') villageName = villageText;
  for (const f of ['villageCode', 'residenceRegion'] as const) {
    const text = cell(f).trim();
    if (text === '') continue;
    if (!/^\d{12}$/.test(text)) error(f, text, 'bad_region_code', `${FIELD_LABELS[f]}应为12位村（社区）代码`);
    else if (villageCode !== null && villageCode !== text)
      error(f, text, 'village_mismatch', `与村（社区）代码 ${villageCode} 不一致`);
    else villageCode = text;
  }
  if (villageCode === null && villageName === null)
    error('village', '', 'missing_village', '村（社区）为空，请填写村名或12位区划代码');
  const townshipName = cell('township').trim() || null;

  const phoneText = cell('phone').trim();
  let phone: string | null = null;
  if (phoneText !== '') {
    const p = cleanPhone(phoneText);
    if (p === undefined) warn('phone', phoneText, 'bad_phone', '联系电话格式不对，已忽略（手机号应为11位）');
    else phone = p;
  }

  const statusText = cell('status').trim();
  const status = STATUS_WORDS[statusText];
  if (status === undefined) error('status', statusText, 'bad_status', '人员状态应为“正常”“死亡”或“迁出”');

  const employeeText = cell('employeeInsurance');
  const employeeInsurance = parseBool(employeeText);
  if (employeeInsurance === undefined) error('employeeInsurance', employeeText, 'bad_bool', '应填“是”或“否”');
  const studentText = cell('student');
  const student = parseBool(studentText);
  if (student === undefined) error('student', studentText, 'bad_bool', '应填“是”或“否”');
  const school = cell('school').trim() || null;

  if (columns.width !== undefined) {
    const extra = extraFieldsIssue(rowNumber, values, columns.width);
    if (extra) issues.push(extra);
  }

  for (const issue of issues) if (issue.severity === 'error') return { issues };
  if (!id.ok || status === undefined || employeeInsurance === undefined || student === undefined)
    return { issues };
  return {
    person: {
      rowNumber,
      docType: id.doc.docType,
      docNo: id.doc.docNo,
      name,
      sex,
      birthDate,
      householdNo,
      relation,
      hukouRegion,
      villageCode,
      villageName,
      townshipName,
      phone,
      status,
      employeeInsurance,
      student,
      school,
      from15: id.doc.from15 === true,
    },
    issues,
  };
}
