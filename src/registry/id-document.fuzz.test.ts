// Fuzzing the ID validator (fast-check, fixed seed): any input is answered, never thrown; every
// valid number built from a region, a birth date and a sequence is accepted in any safe spelling
// (lower-case x, full-width digits, spaces, Excel's apostrophe); any single changed character, any
// swap of two neighbouring digits and any foreign character is rejected.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDigit, type DocType, normalizeDocNo, parseIdDocument } from './id-document.js';

const SEED = 20_261_123;
const TODAY = '2026-01-01';
const DOC_TYPES: (DocType | undefined)[] = [
  undefined,
  'resident_id',
  'hmt_permit',
  'foreigner_permanent',
  'passport',
  'birth_certificate',
];

const pad = (n: number, w: number) => String(n).padStart(w, '0');

/** A real resident ID: mainland region (11–65, not 81–83 or 9x), a real past birth date, a sequence. */
const validId = fc
  .record({
    province: fc.integer({ min: 11, max: 65 }),
    rest: fc.integer({ min: 0, max: 9999 }),
    birth: fc.date({
      min: new Date('1900-01-01T00:00:00Z'),
      max: new Date(`${TODAY}T00:00:00Z`),
      noInvalidDate: true,
    }),
    seq: fc.integer({ min: 0, max: 999 }),
  })
  .map(({ province, rest, birth, seq }) => {
    const date = birth.toISOString().slice(0, 10);
    const first17 = `${province}${pad(rest, 4)}${date.replaceAll('-', '')}${pad(seq, 3)}`;
    return { id: first17 + checkDigit(first17), birthDate: date, male: seq % 2 === 1 };
  });

const fullWidth = (s: string) =>
  s.replace(/[0-9A-Za-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

describe('parseIdDocument', () => {
  it('answers any string with ok or a Chinese reason, never throws (400 runs)', () => {
    const idish = fc.string({
      unit: fc.constantFrom(
        '0',
        '1',
        '3',
        '8',
        '9',
        'X',
        'x',
        '１',
        'ｘ',
        ' ',
        '\u3000',
        "'",
        '-',
        'E',
        '+',
        '.',
        '张',
      ),
      maxLength: 24,
    });
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), idish),
        fc.constantFrom(...DOC_TYPES),
        (raw, declared) => {
          const r = parseIdDocument(raw, declared, TODAY);
          if (r.ok) {
            expect(r.doc.docNo).toMatch(/^[0-9A-Z]+$/);
            expect(parseIdDocument(r.doc.docNo, r.doc.docType, TODAY)).toEqual(
              r.doc.from15 ? expect.anything() : r,
            );
          } else expect(r.reason).toMatch(/[\u4e00-\u9fff]/);
        },
      ),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('accepts every valid ID, in every safe spelling, as the same canonical number (500 runs)', () => {
    fc.assert(
      fc.property(
        validId,
        fc.constantFrom('plain', 'lower', 'full', 'spaces', 'apostrophe'),
        ({ id, birthDate, male }, how) => {
          const spelt =
            how === 'lower'
              ? id.toLowerCase()
              : how === 'full'
                ? fullWidth(id.toLowerCase())
                : how === 'spaces'
                  ? ` ${id.slice(0, 6)} ${id.slice(6, 14)}\u3000${id.slice(14)}\t`
                  : how === 'apostrophe'
                    ? `'${id}`
                    : id;
          const r = parseIdDocument(spelt, undefined, TODAY);
          expect(r).toEqual({
            ok: true,
            doc: { docType: 'resident_id', docNo: id, sex: male ? 'male' : 'female', birthDate },
          });
        },
      ),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('rejects any single changed character of a valid ID (500 runs)', () => {
    fc.assert(
      fc.property(validId, fc.nat(17), fc.constantFrom(...'0123456789X'), ({ id }, at, c) => {
        fc.pre(id[at] !== c && (at === 17 || c !== 'X'));
        const changed = id.slice(0, at) + c + id.slice(at + 1);
        expect(parseIdDocument(changed, undefined, TODAY).ok).toBe(false);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('rejects any swap of two different neighbouring digits among the first 17 (300 runs)', () => {
    fc.assert(
      fc.property(validId, fc.nat(15), ({ id }, at) => {
        fc.pre(id[at] !== id[at + 1]);
        const swapped = id.slice(0, at) + id[at + 1] + id[at] + id.slice(at + 2);
        expect(parseIdDocument(swapped, undefined, TODAY).ok).toBe(false);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('rejects a valid ID with a foreign character put in or a digit dropped (300 runs)', () => {
    const foreign = fc.constantFrom('-', 'O', 'o', 'l', 'I', '.', '/', '张', '０'.repeat(2), '*', 'Y');
    fc.assert(
      fc.property(validId, fc.nat(18), foreign, fc.boolean(), ({ id }, at, c, drop) => {
        const broken = drop
          ? id.slice(0, at % 18) + id.slice((at % 18) + 1)
          : id.slice(0, at) + c + id.slice(at);
        expect(parseIdDocument(broken, undefined, TODAY).ok).toBe(false);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('accepts old 15-digit IDs as their 18-digit form (200 runs)', () => {
    fc.assert(
      fc.property(validId, ({ id }) => {
        fc.pre(id.slice(6, 8) === '19');
        const id15 = id.slice(0, 6) + id.slice(8, 17);
        const r = parseIdDocument(id15, undefined, TODAY);
        expect(r).toMatchObject({ ok: true, doc: { docNo: id, from15: true } });
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('normalisation is idempotent and never lengthens (400 runs)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (raw) => {
        const once = normalizeDocNo(raw);
        expect(normalizeDocNo(once)).toBe(once);
        expect(once.length).toBeLessThanOrEqual(raw.length);
      }),
      { seed: SEED, numRuns: 400 },
    );
  });
});
