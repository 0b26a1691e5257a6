import { describe, expect, it } from 'vitest';
import { normalizeHeader } from '../files/header.js';
import { OutcomeError } from '../policy/outcome.js';
import { checkDigit } from './id-document.js';
import { parseColumnMapping, resolveColumns } from './import-columns.js';
import { parseDate, validateRow } from './import-row.js';

const TODAY = '2026-01-01';
const id = (first17: string): string => first17 + checkDigit(first17);
const HEADERS = [
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
].map(normalizeHeader);
const cols = resolveColumns(HEADERS, 'f.csv');
const row = (over: Partial<Record<string, string>>): string[] => {
  const base: Record<string, string> = {
    序号: '1',
    姓名: '张三',
    公民身份号码: id('13080219900101123'),
    性别: '男',
    出生日期: '1990-01-01',
    户号: 'H001',
    与户主关系: '户主',
    联系电话: '13800138000',
    '乡镇(街道)': '石洞子沟街道',
    '村(社区)': '东关村',
    '村(社区)代码': '130802001001',
    人员状态: '正常',
    职工医保: '否',
    在校学生: '否',
  };
  return HEADERS.map((h) => over[h] ?? base[h] ?? '');
};

describe('resolveColumns', () => {
  it('maps the usual Chinese headers, ignores the rest', () => {
    expect(cols.index).toMatchObject({ name: 1, docNo: 2, sex: 3, village: 9, villageCode: 10, student: 13 });
    expect(cols.ignored).toEqual(['序号']);
  });
  it('reports missing and ambiguous columns, and takes a mapping file', () => {
    expect(() => resolveColumns(['姓名', '地址'], 'f.csv')).toThrow(/缺少“身份证号码”列/);
    expect(() => resolveColumns(['姓名', '身份证号码', '证件号码', '村'], 'f.csv')).toThrow(
      /都被识别为“身份证号码”/,
    );
    const mapping = parseColumnMapping(
      '{"人员名称": "name", "身份证": "身份证号码", "所在村": "village"}',
      'm.json',
    );
    expect(resolveColumns(['人员名称', '身份证', '所在村'], 'f.csv', mapping).index).toEqual({
      name: 0,
      docNo: 1,
      village: 2,
    });
    expect(() => parseColumnMapping('所在村: 村庄', 'm.yaml')).toThrow(OutcomeError);
  });
});

describe('validateRow', () => {
  it('accepts a good row', () => {
    const r = validateRow(5, row({}), cols, TODAY);
    expect(r.issues).toEqual([]);
    expect(r.person).toMatchObject({
      rowNumber: 5,
      docType: 'resident_id',
      name: '张三',
      sex: 'male',
      birthDate: '1990-01-01',
      householdNo: 'H001',
      relation: '户主',
      villageCode: '130802001001',
      villageName: '东关村',
      status: 'active',
      employeeInsurance: false,
    });
  });

  it('reports each problem with its column, value and reason', () => {
    const bad = id('13080219900101123').slice(0, 17) + (id('13080219900101123').endsWith('0') ? '1' : '0');
    expect(validateRow(7, row({ 公民身份号码: bad }), cols, TODAY).issues).toEqual([
      expect.objectContaining({
        rowNumber: 7,
        column: '公民身份号码',
        value: bad,
        reason: expect.stringContaining('校验码错误'),
      }),
    ]);
    const r = validateRow(
      8,
      row({ 姓名: ' ', 性别: '女', 出生日期: '1991-01-01', 人员状态: '失踪' }),
      cols,
      TODAY,
    );
    expect(r.person).toBeUndefined();
    expect(r.issues.map((i) => [i.column, i.code])).toEqual([
      ['姓名', 'missing_name'],
      ['性别', 'sex_mismatch'],
      ['出生日期', 'birth_date_mismatch'],
      ['人员状态', 'bad_status'],
    ]);
    expect(r.issues[1]?.reason).toBe('性别与证件号码不符（号码显示为男）');
  });

  it('keeps a row with a bad phone as a warning', () => {
    const r = validateRow(9, row({ 联系电话: '12345' }), cols, TODAY);
    expect(r.person?.phone).toBeNull();
    expect(r.issues).toEqual([expect.objectContaining({ severity: 'warning', code: 'bad_phone' })]);
  });

  it('needs a village and a consistent village code', () => {
    expect(validateRow(3, row({ '村(社区)': '', '村(社区)代码': '' }), cols, TODAY).issues[0]?.code).toBe(
      'missing_village',
    );
    expect(validateRow(3, row({ '村(社区)': '130802001002' }), cols, TODAY).issues[0]?.code).toBe(
      'village_mismatch',
    );
  });

  it('parses the date spellings offices use', () => {
    for (const t of [
      '1990-01-01',
      '1990/1/1',
      '1990.1.1',
      '1990年1月1日',
      '19900101',
      '32874',
      '1990-01-01 00:00:00',
    ])
      expect(parseDate(t)).toBe('1990-01-01');
    expect(parseDate('1990-02-30')).toBeUndefined();
  });
});
