import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkDigit,
  convert15to18,
  maskId,
  normalizeDocNo,
  parseDocType,
  parseIdDocument,
} from './id-document.js';

const TODAY = '2026-01-01';
const withCheck = (first17: string): string => first17 + checkDigit(first17);

/** Generator of valid resident IDs: real address prefix, real date, any sequence. */
const validId = fc
  .record({
    addr: fc.constantFrom('130802', '430502', '512022', '140602', '110101', '810000', '820000', '830000'),
    date: fc.date({
      min: new Date('1900-01-01T00:00:00Z'),
      max: new Date('2025-12-31T00:00:00Z'),
      noInvalidDate: true,
    }),
    seq: fc.integer({ min: 0, max: 999 }),
  })
  .map(({ addr, date, seq }) =>
    withCheck(`${addr}${date.toISOString().slice(0, 10).replaceAll('-', '')}${String(seq).padStart(3, '0')}`),
  );

describe('parseIdDocument', () => {
  it('accepts a valid resident ID and derives sex and birth date', () => {
    const id = withCheck('13080219900101123');
    const r = parseIdDocument(id, undefined, TODAY);
    expect(r).toEqual({
      ok: true,
      doc: { docType: 'resident_id', docNo: id, sex: 'male', birthDate: '1990-01-01' },
    });
    const f = parseIdDocument(withCheck('13080219900101122'), undefined, TODAY);
    expect(f.ok && f.doc.sex).toBe('female');
  });

  it('knows the published example 11010519491231002X', () => {
    const r = parseIdDocument('11010519491231002x', undefined, TODAY);
    expect(r.ok && r.doc).toMatchObject({
      docNo: '11010519491231002X',
      sex: 'female',
      birthDate: '1949-12-31',
    });
  });

  it('normalises full-width digits, spaces and a leading apostrophe', () => {
    const id = withCheck('13080219900101123');
    const fullWidth = [...id].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join('');
    expect(normalizeDocNo(` '${fullWidth} `)).toBe(id);
    const r = parseIdDocument(`\t${fullWidth}　`, undefined, TODAY);
    expect(r.ok && r.doc.docNo).toBe(id);
  });

  it('rejects with Chinese reasons', () => {
    const id = withCheck('13080219900101123');
    const wrongCheck = id.slice(0, 17) + (id[17] === '0' ? '1' : '0');
    expect(parseIdDocument(wrongCheck, undefined, TODAY)).toMatchObject({
      ok: false,
      code: 'bad_check_digit',
    });
    expect(parseIdDocument(wrongCheck, undefined, TODAY)).toMatchObject({
      reason: expect.stringContaining('校验码错误'),
    });
    expect(parseIdDocument(withCheck('13080219900230123'), undefined, TODAY)).toMatchObject({
      ok: false,
      code: 'bad_birth_date',
      reason: '出生日期无效（19900230）',
    });
    expect(parseIdDocument(withCheck('13080220300101123'), undefined, TODAY)).toMatchObject({
      code: 'bad_birth_date',
    });
    expect(parseIdDocument('1308021990010112', undefined, TODAY)).toMatchObject({
      code: 'bad_length',
      reason: expect.stringContaining('长度错误'),
    });
    expect(parseIdDocument('', undefined, TODAY)).toMatchObject({ code: 'empty' });
    expect(parseIdDocument('1.30802E+17', undefined, TODAY)).toMatchObject({ code: 'scientific_notation' });
    expect(parseIdDocument('13080219900101A234', undefined, TODAY)).toMatchObject({ code: 'bad_chars' });
    expect(parseIdDocument(withCheck('03080219900101123'), undefined, TODAY)).toMatchObject({
      code: 'bad_address',
    });
  });

  it('leap days: 2000-02-29 valid, 1900-02-29 not', () => {
    expect(parseIdDocument(withCheck('13080220000229123'), undefined, TODAY).ok).toBe(true);
    expect(parseIdDocument(withCheck('13080219000229123'), undefined, TODAY)).toMatchObject({
      code: 'bad_birth_date',
    });
  });

  it('converts old 15-digit IDs to 18 digits', () => {
    const r = parseIdDocument('130802900101123', undefined, TODAY);
    expect(r.ok && r.doc).toEqual({
      docType: 'resident_id',
      docNo: withCheck('13080219900101123'),
      sex: 'male',
      birthDate: '1990-01-01',
      from15: true,
    });
    expect(convert15to18('110105491231002')).toBe('11010519491231002X');
    expect(parseIdDocument('130802900230123', undefined, TODAY)).toMatchObject({ code: 'bad_birth_date' });
  });

  it('recognises HMT residence permits and foreigner permanent residence IDs', () => {
    const hk = withCheck('81000019900101123');
    expect(parseIdDocument(hk, undefined, TODAY)).toMatchObject({ ok: true, doc: { docType: 'hmt_permit' } });
    const foreigner = withCheck('91115619900101124');
    expect(parseIdDocument(foreigner, undefined, TODAY)).toMatchObject({
      ok: true,
      doc: { docType: 'foreigner_permanent', sex: 'female', birthDate: '1990-01-01' },
    });
    // An office labelling everything 身份证 is fine; claiming a permit for a resident ID is not.
    expect(parseIdDocument(hk, 'resident_id', TODAY).ok).toBe(true);
    expect(parseIdDocument(withCheck('13080219900101123'), 'hmt_permit', TODAY)).toMatchObject({
      code: 'bad_format',
    });
  });

  it('passports and birth certificates', () => {
    expect(parseIdDocument('e12345678', 'passport', TODAY)).toEqual({
      ok: true,
      doc: { docType: 'passport', docNo: 'E12345678' },
    });
    expect(parseIdDocument('E1234', 'passport', TODAY)).toMatchObject({ ok: true });
    expect(parseIdDocument('E1234@', 'passport', TODAY)).toMatchObject({ ok: false, code: 'bad_format' });
    expect(parseIdDocument('Q440123456', undefined, TODAY)).toEqual({
      ok: true,
      doc: { docType: 'birth_certificate', docNo: 'Q440123456' },
    });
    expect(parseIdDocument('4401234567', 'birth_certificate', TODAY)).toMatchObject({ code: 'bad_format' });
    expect(parseIdDocument('E12345678', undefined, TODAY)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('护照'),
    });
  });

  it('property: generated valid IDs always validate and round-trip sex and date', () => {
    fc.assert(
      fc.property(validId, (id) => {
        const r = parseIdDocument(id, undefined, TODAY);
        expect(r.ok).toBe(true);
        if (r.ok) {
          expect(r.doc.docNo).toBe(id);
          expect(r.doc.birthDate?.replaceAll('-', '')).toBe(id.slice(6, 14));
          expect(r.doc.sex).toBe(Number(id[16]) % 2 === 1 ? 'male' : 'female');
        }
      }),
    );
  });

  it('property: any single-character change is caught', () => {
    fc.assert(
      fc.property(
        validId,
        fc.integer({ min: 0, max: 17 }),
        fc.constantFrom(...'0123456789X'),
        (id, pos, ch) => {
          fc.pre(id[pos] !== ch);
          const changed = id.slice(0, pos) + ch + id.slice(pos + 1);
          expect(parseIdDocument(changed, undefined, TODAY).ok).toBe(false);
        },
      ),
    );
  });

  it('property: swapping two different adjacent digits is caught', () => {
    fc.assert(
      fc.property(validId, fc.integer({ min: 0, max: 16 }), (id, pos) => {
        fc.pre(id[pos] !== id[pos + 1]);
        const swapped = id.slice(0, pos) + id[pos + 1] + id[pos] + id.slice(pos + 2);
        expect(parseIdDocument(swapped, undefined, TODAY).ok).toBe(false);
      }),
    );
  });
});

describe('maskId and parseDocType', () => {
  it('masks the middle', () => {
    expect(maskId('130802199001011234')).toBe('1308**********1234');
    expect(maskId('Q440123456')).toBe('Q440**3456');
    expect(maskId('E1234')).toBe('E***4');
  });
  it('reads the 证件类型 column', () => {
    expect(parseDocType('居民身份证')).toBe('resident_id');
    expect(parseDocType(' 护照 ')).toBe('passport');
    expect(parseDocType('出生医学证明')).toBe('birth_certificate');
    expect(parseDocType('军官证')).toBeUndefined();
  });
});
