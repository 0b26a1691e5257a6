import { describe, expect, it } from 'vitest';
import {
  consecutiveYearsBefore,
  criticalIllnessRaise,
  lapsedYearsBefore,
  type YearRecord,
} from './continuity.js';
import { shippedPacks } from './pack-loader.js';
import { waitingDays } from './waiting.js';

const national = shippedPacks().get('national-2025')!.pack;
const enrolled = (...years: number[]): YearRecord[] => years.map((year) => ({ year, enrolled: true }));

describe('lapse and waiting period (国办发〔2024〕38号)', () => {
  it('a lapse of 2025 and 2026, enrolling for 2027, waits 3 + 1 months', () => {
    const lapsed = lapsedYearsBefore(enrolled(2023, 2024), 2027);
    expect(lapsed).toBe(2);
    expect(waitingDays(national.waitingPeriod!, 90, lapsed, 0).totalDays).toBe(120);
  });

  it('each year paid back removes a month of the variable part, never the fixed part', () => {
    const rule = national.waitingPeriod!;
    expect(waitingDays(rule, 90, 3, 1).totalDays).toBe(120);
    expect(waitingDays(rule, 90, 3, 5).totalDays).toBe(90);
  });

  it('after a lapse of 4 years or more the total stays at least 6 months', () => {
    const rule = national.waitingPeriod!;
    expect(waitingDays(rule, 90, 4, 0).totalDays).toBe(180);
    expect(waitingDays(rule, 90, 4, 3).totalDays).toBe(180);
    expect(waitingDays(rule, 90, 6, 0).totalDays).toBe(240);
    expect(waitingDays(rule, 90, 6, 5).totalDays).toBe(180);
  });

  it('no lapse when enrolled last year or never enrolled', () => {
    expect(lapsedYearsBefore(enrolled(2024), 2025)).toBe(0);
    expect(lapsedYearsBefore([], 2025)).toBe(0);
  });
});

describe('continuous-enrolment incentive', () => {
  const rule = national.incentive!;
  const cap = 30_000_000; // 30万元

  it('raises nothing before 4 full consecutive years, then 1000 yuan a year', () => {
    expect(criticalIllnessRaise(rule, enrolled(2021, 2022, 2023, 2024), 2025, cap).continuityRaiseFen).toBe(
      0,
    );
    expect(criticalIllnessRaise(rule, enrolled(2020, 2021, 2022, 2023, 2024, 2025), 2026, cap)).toMatchObject(
      {
        consecutiveYears: 6,
        continuityRaiseFen: 200_000,
      },
    );
  });

  it('adds a raise for each year without reimbursement, and a lapse resets both', () => {
    const history: YearRecord[] = [
      { year: 2019, enrolled: true, reimbursed: false },
      { year: 2020, enrolled: false },
      { year: 2021, enrolled: true, reimbursed: false },
      { year: 2022, enrolled: true, reimbursed: true },
      { year: 2023, enrolled: true, reimbursed: false },
    ];
    expect(criticalIllnessRaise(rule, history, 2024, cap)).toMatchObject({
      consecutiveYears: 3,
      zeroClaimRaiseFen: 200_000,
    });
    expect(consecutiveYearsBefore(history, 2024)).toBe(3);
  });

  it('keeps both raises within 20% of the original cap', () => {
    const history = Array.from({ length: 30 }, (_, i) => ({
      year: 1995 + i,
      enrolled: true,
      reimbursed: false,
    }));
    const r = criticalIllnessRaise(rule, history, 2025, 5_000_000);
    expect(r).toMatchObject({ totalRaiseFen: 1_000_000, capped: true });
  });
});
