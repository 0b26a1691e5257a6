import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, fromEpochDay, isValidDate, toEpochDay } from './dates.js';

describe('calendar dates', () => {
  it('agrees with Temporal.PlainDate on day arithmetic', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -200_000, max: 200_000 }),
        fc.integer({ min: -1000, max: 1000 }),
        (epoch, n) => {
          const expected = Temporal.PlainDate.from('1970-01-01').add({ days: epoch });
          const date = fromEpochDay(epoch);
          expect(date).toBe(expected.toString());
          expect(toEpochDay(date)).toBe(epoch);
          expect(addDays(date, n)).toBe(expected.add({ days: n }).toString());
        },
      ),
    );
  });

  it('counts the DOMAIN example: paid 2025-03-10 with 90 days → 2025-06-08', () => {
    expect(addDays('2025-03-10', 90)).toBe('2025-06-08');
    expect(daysBetween('2025-05-01', '2025-07-30')).toBe(90);
  });

  it('rejects dates that do not exist', () => {
    expect(isValidDate('2025-02-30')).toBe(false);
    expect(isValidDate('2024-02-29')).toBe(true);
    expect(isValidDate('2025-13-01')).toBe(false);
    expect(isValidDate('2025-1-01')).toBe(false);
  });
});
