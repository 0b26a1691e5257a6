import { describe, expect, it } from 'vitest';
import { checkDigit } from '../registry/id-document.js';
import { resolveTaxColumns } from './tax-columns.js';
import { mapChannel, parseInsuranceYear, parseYuan, validateTaxRow } from './tax-row.js';

const id = (first17: string): string => first17 + checkDigit(first17);

describe('tax file rows', () => {
  it('reads amounts in yuan exactly, to the fen', () => {
    expect(parseYuan('400')).toBe(40000);
    expect(parseYuan('400.5')).toBe(40050);
    expect(parseYuan('¥1,070.05')).toBe(107005);
    expect(parseYuan('380元')).toBe(38000);
    expect(parseYuan('40.005')).toBeUndefined();
    expect(parseYuan('abc')).toBeUndefined();
  });

  it('reads the insurance year from the forms tax systems use', () => {
    expect(parseInsuranceYear('2025')).toBe(2025);
    expect(parseInsuranceYear('2025年')).toBe(2025);
    expect(parseInsuranceYear('2025-01-01至2025-12-31')).toBe(2025);
    expect(parseInsuranceYear('202501')).toBe(2025);
    expect(parseInsuranceYear('25')).toBeUndefined();
  });

  it('maps the tax bureau channel wording to channel codes', () => {
    expect(mapChannel('微信')).toBe('wechat');
    expect(mapChannel('银行批量扣款')).toBe('bank');
    expect(mapChannel('村委会代收')).toBe('agent_village');
    expect(mapChannel('电子税务局')).toBe('online_tax');
    expect(mapChannel('')).toBe('online_tax');
  });

  it('maps Chinese headers and checks a row, naming the column of each problem', () => {
    const headers = [
      '证件号码',
      '姓名',
      '所属期',
      '实缴金额(元)',
      '入库日期',
      '缴费方式',
      '电子税票号码',
      '征收地区',
    ];
    const cols = resolveTaxColumns(headers, 'f.csv');
    const good = validateTaxRow(
      3,
      [id('51202219800101001'), '张三', '2025', '400.00', '2024/10/8', '支付宝', 'R1', '512022'],
      cols,
      2025,
      '2025-01-01',
    );
    expect(good.row).toMatchObject({
      amountFen: 40000,
      paidOn: '2024-10-08',
      channel: 'alipay',
      countyCode: '512022',
    });
    const bad = validateTaxRow(4, ['', '', '2024', '-1', '明天', '', '', ''], cols, 2025, '2025-01-01');
    expect(bad.row).toBeUndefined();
    expect(bad.issues.map((i) => [i.column, i.code])).toEqual([
      ['电子税票号码', 'missing_receipt'],
      ['证件号码', 'id_empty'],
      ['姓名', 'missing_name'],
      ['所属期', 'other_year'],
      ['实缴金额(元)', 'bad_amount'],
      ['入库日期', 'bad_date'],
    ]);
    // A county's name becomes its code; a region it cannot tell is a warning, and the row is kept.
    const counties = new Map([['怀仁市', '140681']]);
    const named = (region: string) =>
      validateTaxRow(
        5,
        [id('51202219800101001'), '张三', '2025', '400.00', '2024/10/8', '支付宝', 'R2', region],
        cols,
        2025,
        '2025-01-01',
        counties,
      );
    expect(named('怀仁市')).toMatchObject({ row: { countyCode: '140681' }, issues: [] });
    const unknown = named('火星');
    expect(unknown.row).toMatchObject({ countyCode: null, regionText: '火星' });
    expect(unknown.issues).toEqual([
      expect.objectContaining({
        rowNumber: 5,
        column: '征收地区',
        value: '火星',
        code: 'unknown_region',
        severity: 'warning',
      }),
    ]);
    expect(() => resolveTaxColumns(['姓名', '证件号码'], 'f.csv')).toThrow(/缺少“险种年度”列/);
  });
});
