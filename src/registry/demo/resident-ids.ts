// Resident ID numbers that are valid (GB 11643) and unique without remembering who got which:
// per county, one small counter per (birth date, sex) — a fixed-size array whatever the number
// of people — hands out the 499 sequence numbers of that day in a scrambled order.
import { checkDigit } from '../id-document.js';
import { compactFromDays, daysFromCivil } from './calendar.js';

const FIRST_DAY = daysFromCivil(1900, 1, 1);
const SLOTS_PER_DAY = 499; // odd 001…997 for men, even 002…998 for women

export class ResidentIdAllocator {
  private readonly used: Uint16Array;
  private readonly lastDay: number;

  constructor(
    private readonly countyCode: string,
    lastDay: number,
  ) {
    this.lastDay = lastDay;
    this.used = new Uint16Array((lastDay - FIRST_DAY + 1) * 2);
  }

  /**
   * An ID for someone born on `birthDay` (days since 1970). When that day's 499 numbers for the
   * sex are gone, the birth date moves one day earlier; the caller reads the date back from the ID.
   */
  allocate(birthDay: number, sex: 'male' | 'female'): { id: string; birthDay: number } {
    let day = Math.min(birthDay, this.lastDay);
    for (;;) {
      if (day < FIRST_DAY) throw new Error(`区县 ${this.countyCode} 的身份证顺序号已用尽`);
      const slot = (day - FIRST_DAY) * 2 + (sex === 'male' ? 1 : 0);
      const k = this.used[slot]!;
      if (k < SLOTS_PER_DAY) {
        this.used[slot] = k + 1;
        // 37 is coprime with 499, so k → j is a permutation of 0…498: no number twice.
        const j = (k * 37 + (day - FIRST_DAY) * 13) % SLOTS_PER_DAY;
        const seq = sex === 'male' ? 2 * j + 1 : 2 * j + 2;
        const first17 = `${this.countyCode}${compactFromDays(day)}${String(seq).padStart(3, '0')}`;
        return { id: first17 + checkDigit(first17), birthDay: day };
      }
      day--;
    }
  }
}

const BIRTH_CERT_LETTER: Record<string, string> = { '13': 'P', '14': 'N', '43': 'Q', '51': 'R' };

/** 出生医学证明编号: one letter and nine digits, unique per county and counter. */
export function birthCertificateNumber(countyCode: string, counter: number): string {
  const letter = BIRTH_CERT_LETTER[countyCode.slice(0, 2)] ?? 'O';
  return `${letter}${countyCode.slice(2, 6)}${String(counter).padStart(5, '0')}`;
}
