import { describe, expect, it } from 'vitest';
import { checkDigit } from '../registry/id-document.js';
import { parseListRow, resolveListColumns } from './list-row.js';

const id = (first17: string) => first17 + checkDigit(first17);
const ZHANG = id('13080219800101123');
const headers = ['公民身份号码', '姓名', '人员类别', '残疾等级', '残疾类别', '认定日期', '变更类型'];
const columns = resolveListColumns(headers);

describe('a department list row', () => {
  it('maps Chinese category names and attributes onto the identity codes', () => {
    const out = parseListRow(
      3,
      {
        公民身份号码: ZHANG,
        姓名: '张三',
        人员类别: '重度残疾人',
        残疾等级: '二级',
        残疾类别: '精神',
        认定日期: '2024/9/1',
        变更类型: '新增',
      },
      columns,
      'disability_federation',
    );
    expect(out).toEqual({
      row: expect.objectContaining({
        docNo: ZHANG,
        category: 'disability',
        grade: 2,
        kind: 'mental',
        validFrom: '2024-09-01',
        change: 'add',
      }),
    });
  });

  it('rejects a category the department may not certify, naming row, column and value', () => {
    const out = parseListRow(
      7,
      { 公民身份号码: ZHANG, 姓名: '张三', 人员类别: '低保对象', 变更类型: '新增' },
      columns,
      'disability_federation',
    );
    expect(out).toEqual({
      issues: [
        expect.objectContaining({
          rowNumber: 7,
          column: '人员类别',
          value: '低保对象',
          code: 'not_certifiable',
        }),
      ],
    });
  });

  it('reports every problem of a row at once', () => {
    const out = parseListRow(
      9,
      {
        公民身份号码: `${ZHANG.slice(0, 17)}0`.replace(/.$/, ZHANG.endsWith('0') ? '1' : '0'),
        姓名: '',
        人员类别: '五保户',
        认定日期: '2025-02-30',
        变更类型: '调整',
      },
      columns,
      'civil_affairs',
    );
    expect('issues' in out && out.issues.map((i) => i.code)).toEqual([
      'id_bad_check_digit',
      'missing_name',
      'unknown_category',
      'bad_date',
      'bad_change',
    ]);
  });

  it('reads removals in a change list', () => {
    const out = parseListRow(
      2,
      { 公民身份号码: ZHANG, 姓名: '张三', 人员类别: '低保', 变更类型: '减少' },
      columns,
      'civil_affairs',
    );
    expect('row' in out && out.row.change).toBe('remove');
  });
});
