// Dates people type: impossible days and months are refused, never rolled over into the next
// month (2025-02-30 is not 2025-03-02), and a year alone is not read as an Excel serial day.
import { describe, expect, it } from 'vitest';
import { parseDate } from './import-row.js';

describe('parseDate with bad input', () => {
  it('refuses impossible dates in every accepted spelling', () => {
    for (const t of [
      '2025-02-30',
      '2025/13/01',
      '2025-00-10',
      '2025-01-00',
      '2025-02-29',
      '1900-02-29',
      '2025年2月30日',
      '2025.4.31',
      '20250230',
      '20251301',
      '2025',
      '1990',
      '1849-12-31',
      '2025-1',
      '2025-01-01T',
      '２０２５-０１-０１',
      '-1',
      '1e5',
      '',
    ])
      expect(parseDate(t), t).toBeUndefined();
  });

  it('accepts real dates, leap days included', () => {
    expect(parseDate('2024-02-29')).toBe('2024-02-29');
    expect(parseDate('2000/2/29')).toBe('2000-02-29');
    expect(parseDate(' 2025年1月5日 ')).toBe('2025-01-05');
    expect(parseDate('45658')).toBe('2025-01-01'); // an Excel serial day
  });
});
