import { describe, expect, it } from 'vitest';
import { villagesAgree } from './coverage.js';

const line = (code: string, eligible: number, enrolled: number, enrolledLastYear: number) => ({
  code,
  eligible,
  enrolled,
  enrolledLastYear,
});
const group = (village: string, eligible: number, enrolled: number, last_year: number) => ({
  village,
  eligible,
  enrolled,
  last_year,
});

describe('villagesAgree', () => {
  it('accepts the villages the report lists without people, and a village whose people are all ineligible', () => {
    // Found at 2,000 persons: a village of people all insured elsewhere has eligible 0 and enrolled 0
    // on both sides, and an earlier comparison that dropped such lines from the report failed.
    const lines = [
      line('140602001001', 3, 2, 1),
      line('140602001002', 0, 0, 0),
      line('140602001003', 0, 0, 0),
    ];
    expect(villagesAgree(lines, [group('140602001001', 3, 2, 1), group('140602001002', 0, 0, 0)])).toBe(true);
  });

  it('names the first village whose counts differ or that one side lacks', () => {
    expect(villagesAgree([line('1', 3, 2, 1)], [group('1', 3, 1, 1)])).toBe(
      '村 1：报表 应参保 3、已参保 2、上年参保 1，基准 应参保 3、已参保 1、上年参保 1',
    );
    expect(villagesAgree([], [group('1', 0, 0, 0)])).toContain('村 1 不在报表中');
    expect(villagesAgree([line('2', 1, 0, 0)], [])).toBe('村 2 在报表中有人数，基准中没有此村的人员');
  });
});
