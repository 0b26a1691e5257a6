import { describe, expect, it } from 'vitest';
import { prefixUpperBound } from './coverage-sql.js';

describe('prefixUpperBound', () => {
  it('is the next prefix, carrying over nines', () => {
    expect(prefixUpperBound('140602')).toBe('140603');
    expect(prefixUpperBound('1406')).toBe('1407');
    expect(prefixUpperBound('1409')).toBe('141');
    expect(prefixUpperBound('140699')).toBe('1407');
    expect(prefixUpperBound('999')).toBeNull();
  });
  it('bounds every code that starts with the prefix', () => {
    for (const [prefix, code] of [
      ['1409', '140999999999'],
      ['140602', '140602999999'],
      ['14', '149999'],
    ] as const) {
      const upper = prefixUpperBound(prefix)!;
      expect(code >= prefix && code < upper).toBe(true);
    }
    expect('141000' < prefixUpperBound('1409')!).toBe(false);
  });
});
