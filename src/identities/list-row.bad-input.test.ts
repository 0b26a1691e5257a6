// Bad cells in a department list: impossible dates are rejected by row and column; ID numbers are
// normalised where it is safe (lower-case x, full-width digits, spaces) and rejected otherwise.
import { describe, expect, it } from 'vitest';
import { checkDigit } from '../registry/id-document.js';
import { parseListRow, resolveListColumns } from './list-row.js';

const headers = ['公民身份号码', '姓名', '人员类别', '认定日期', '终止日期', '变更类型'];
const columns = resolveListColumns(headers);
const X_ID = (() => {
  for (let n = 1; ; n++) {
    const first17 = `13080219850101${String(n).padStart(3, '0')}`;
    if (checkDigit(first17) === 'X') return `${first17}X`;
  }
})();
const fullWidth = (s: string) =>
  s.replace(/[0-9A-Za-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

const row = (cells: Record<string, string>) =>
  parseListRow(
    9,
    { 姓名: '张三', 人员类别: '特困人员', 变更类型: '新增', ...cells },
    columns,
    'civil_affairs',
  );

describe('department list rows with bad input', () => {
  it('rejects 2025-02-30 and 2025/13/01, naming row and column', () => {
    for (const [column, value] of [
      ['认定日期', '2025-02-30'],
      ['终止日期', '2025/13/01'],
      ['认定日期', '2025年2月29日'],
    ] as const) {
      expect(row({ 公民身份号码: X_ID, [column]: value })).toEqual({
        issues: [expect.objectContaining({ rowNumber: 9, column, value, code: 'bad_date' })],
      });
    }
    expect(row({ 公民身份号码: X_ID, 认定日期: '2024-02-29' })).toMatchObject({
      row: { validFrom: '2024-02-29' },
    });
  });

  it('normalises lower-case x, full-width digits and spaces; rejects the rest', () => {
    for (const spelt of [X_ID.toLowerCase(), fullWidth(X_ID.toLowerCase()), `  ${X_ID} `, `\u3000${X_ID}`])
      expect(row({ 公民身份号码: spelt }), spelt).toMatchObject({ row: { docNo: X_ID } });
    for (const bad of [
      `${X_ID.slice(0, 17)}Y`,
      X_ID.replace('0', 'O'),
      `${X_ID.slice(0, 6)}-${X_ID.slice(6)}`,
      X_ID.slice(1),
    ])
      expect(row({ 公民身份号码: bad }), bad).toEqual({
        issues: [
          expect.objectContaining({
            column: '公民身份号码',
            value: bad,
            code: expect.stringMatching(/^id_/),
          }),
        ],
      });
  });
});
