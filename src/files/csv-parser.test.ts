import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvParser } from './csv-parser.js';

function parseAll(chunks: string[], delimiter = ','): string[][] {
  const p = new CsvParser(delimiter);
  const out: string[][] = [];
  for (const c of chunks) p.push(c, out);
  p.end(out);
  return out;
}

function toCsv(records: string[][]): string {
  return records
    .map((r) => r.map((f) => (/[",\r\n]/.test(f) || f === '' ? `"${f.replaceAll('"', '""')}"` : f)).join(','))
    .join('\r\n');
}

describe('CsvParser', () => {
  it('parses quotes, escaped quotes, embedded newlines, CRLF and a BOM', () => {
    expect(parseAll(['\uFEFFa,"b,1","c""d"\r\n', '"x\ny",,z\n'])).toEqual([
      ['a', 'b,1', 'c"d'],
      ['x\ny', '', 'z'],
    ]);
    expect(parseAll(['a\tb\n1\t2'], '\t')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(parseAll(['a,b,\n'])).toEqual([['a', 'b', '']]);
    expect(parseAll(['5"3,x'])).toEqual([['5"3', 'x']]);
  });

  it('property: any split of the text into chunks gives the same records', () => {
    const field = fc.string({ unit: fc.constantFrom('a', '张', ',', '"', '\n', '\r\n', ' ', 'X') });
    fc.assert(
      fc.property(
        fc.array(fc.array(field, { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (records, cuts) => {
          const text = toCsv(records);
          const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
          const chunks: string[] = [];
          let last = 0;
          for (const p of points) {
            chunks.push(text.slice(last, p));
            last = p;
          }
          chunks.push(text.slice(last));
          expect(parseAll(chunks)).toEqual(records);
        },
      ),
    );
  });
});
