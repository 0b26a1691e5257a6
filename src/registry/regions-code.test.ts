import { describe, expect, it } from 'vitest';
import { parseRegionCode } from './regions-code.js';

describe('parseRegionCode', () => {
  it('derives level, canonical code, parent and county from 12-digit codes with trailing zeros', () => {
    expect(parseRegionCode('130000000000')).toEqual({
      code: '130000',
      level: 1,
      parentCode: null,
      countyCode: null,
    });
    expect(parseRegionCode('130800000000')).toEqual({
      code: '130800',
      level: 2,
      parentCode: '130000',
      countyCode: null,
    });
    expect(parseRegionCode('130802000000')).toMatchObject({ code: '130802', level: 3, parentCode: '130800' });
    expect(parseRegionCode('130802001000')).toMatchObject({
      code: '130802001',
      level: 4,
      parentCode: '130802',
      countyCode: '130802',
    });
    expect(parseRegionCode('130802001001')).toMatchObject({
      code: '130802001001',
      level: 5,
      parentCode: '130802001',
      countyCode: '130802',
    });
  });

  it('accepts the short 6- and 9-digit forms', () => {
    expect(parseRegionCode(' 512022 ')).toMatchObject({ code: '512022', level: 3 });
    expect(parseRegionCode('512022100')).toMatchObject({ code: '512022100', level: 4 });
  });

  it('rejects malformed codes', () => {
    for (const bad of ['', '13080', '1308020010', '13080200100a', '000000', '130000001000', '130802000001']) {
      expect(parseRegionCode(bad), bad).toBeNull();
    }
  });
});
