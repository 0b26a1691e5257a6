// Fuzzing the readers every import uses (fast-check, fixed seeds so a failure can be replayed):
// arbitrary text and bytes never crash or hang the CSV parser or the table reader; whatever the
// product's writers write reads back the same; random or damaged .xlsx files always end in a
// Chinese OutcomeError, never another exception.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutcomeError } from '../policy/outcome.js';
import { CsvParser } from './csv-parser.js';
import { escapeCell } from './escape.js';
import { readTable } from './table-reader.js';
import { writeCsv, writeXlsx } from './table-writer.js';

const SEED = 20_261_123;
const KNOWN = ['姓名', '身份证号码'];
const HEADERS = ['姓名', '身份证号码', '备注'];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'canbao-fuzz-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function parseChunks(chunks: readonly string[], delimiter = ','): string[][] {
  const p = new CsvParser(delimiter);
  const out: string[][] = [];
  for (const c of chunks) p.push(c, out);
  p.end(out);
  return out;
}

/** Cut text at random points. */
function cut(text: string, points: readonly number[]): string[] {
  const at = [...new Set(points.map((p) => p % (text.length + 1)))].sort((a, b) => a - b);
  const chunks: string[] = [];
  let last = 0;
  for (const p of at) {
    chunks.push(text.slice(last, p));
    last = p;
  }
  chunks.push(text.slice(last));
  return chunks;
}

/** Read all rows; an OutcomeError is an answer, anything else fails the property. */
async function readAll(path: string): Promise<Record<string, string>[] | OutcomeError> {
  try {
    const out: Record<string, string>[] = [];
    for await (const row of await readTable(path, { knownHeaders: KNOWN })) out.push(row.cells);
    return out;
  } catch (e) {
    if (e instanceof OutcomeError) {
      for (const i of e.issues) expect(i.message).toMatch(/[\u4e00-\u9fff]/);
      return e;
    }
    throw e;
  }
}

// Cell text people and attackers write: CSV specials, formula starts, CJK, emoji, printable ASCII.
const cellChar = fc.oneof(
  fc.constantFrom(',', '"', '\r', '\n', '\r\n', '\t', ' ', '=', '-', '+', '@', "'", '张', '三', '李', '😀'),
  fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  fc.integer({ min: 0x4e00, max: 0x4e80 }).map((c) => String.fromCharCode(c)),
);
const cellText = fc.string({ unit: cellChar, maxLength: 12 });
const rowsArb = fc.array(fc.array(cellText, { minLength: 3, maxLength: 3 }), { maxLength: 8 });

describe('CsvParser on arbitrary text', () => {
  it('never throws or hangs, whatever the text and however it is cut (400 runs)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.constantFrom(',', '\t', ';'),
        (text, points, delimiter) => {
          const whole = parseChunks([text], delimiter);
          // Cutting the text anywhere gives the same records.
          expect(parseChunks(cut(text, points), delimiter)).toEqual(whole);
          for (const r of whole) expect(r.length).toBeGreaterThan(0);
        },
      ),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('text without quotes loses nothing: the records joined back give the text (300 runs)', () => {
    const unit = fc.constantFrom('a', '张', ',', '\n', '\r\n', ' ', '=');
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 60 }), (text) => {
        const records = parseChunks([text]);
        const back = records.map((r) => r.join(',')).join('\n');
        const expected = text.replaceAll('\r\n', '\n').replace(/\n$/, '');
        expect(back).toBe(expected);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe('readTable on arbitrary bytes', () => {
  it('a .csv of random bytes is read or refused with an OutcomeError (300 runs)', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 2000 }),
          // Mostly text with a few stray bytes: the hard case for encoding detection.
          fc.tuple(rowsArb, fc.uint8Array({ maxLength: 6 }), fc.nat()).map(([rows, bytes, at]) => {
            const text = Buffer.from(['姓名,身份证号码,备注', ...rows.map((r) => r.join(','))].join('\r\n'));
            const p = at % (text.length + 1);
            return Buffer.concat([text.subarray(0, p), bytes, text.subarray(p)]);
          }),
        ),
        async (bytes) => {
          const path = join(dir, `random-${n++}.csv`);
          await writeFile(path, bytes);
          await readAll(path);
          await rm(path);
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe('round trips through the product writers', () => {
  const expected = (rows: readonly (readonly string[])[]) =>
    rows
      .map((r) => r.map(escapeCell))
      .filter((r) => r.some((v) => v.trim() !== ''))
      .map((r) => Object.fromEntries(HEADERS.map((h, i) => [h, r[i] ?? ''])));

  it('writeCsv → readTable gives back every row, formula cells escaped (200 runs)', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(rowsArb, async (rows) => {
        const path = join(dir, `roundtrip-${n++}.csv`);
        await writeCsv(path, HEADERS, rows);
        expect(await readAll(path)).toEqual(expected(rows));
        await rm(path);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('writeXlsx → readTable gives back every row (60 runs; XML turns a CR into LF, so no CR)', async () => {
    let n = 0;
    const noCr = rowsArb.map((rows) => rows.map((r) => r.map((v) => v.replaceAll('\r', ''))));
    await fc.assert(
      fc.asyncProperty(noCr, async (rows) => {
        const path = join(dir, `roundtrip-${n++}.xlsx`);
        await writeXlsx(path, '表', HEADERS, rows);
        expect(await readAll(path)).toEqual(expected(rows));
        await rm(path);
      }),
      { seed: SEED, numRuns: 60 },
    );
  });
});

describe('readTable on broken .xlsx files', () => {
  let good: Buffer;
  beforeAll(async () => {
    const path = join(dir, 'good.xlsx');
    await writeXlsx(
      path,
      '花名册',
      HEADERS,
      Array.from({ length: 50 }, (_, i) => [`张${i}`, '130802199001011234', '']),
    );
    good = await readFile(path);
  });

  it('random bytes named .xlsx always end in an OutcomeError (200 runs)', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 3000 }),
          // A zip signature in front, so the bytes get past the first glance.
          fc
            .uint8Array({ maxLength: 3000 })
            .map((b) => Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), b])),
        ),
        async (bytes) => {
          const path = join(dir, `random-${n++}.xlsx`);
          await writeFile(path, bytes);
          expect(await readAll(path)).toBeInstanceOf(OutcomeError);
          await rm(path);
        },
      ),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('a real workbook with bytes changed, cut or inserted is read or refused, never crashes (200 runs)', async () => {
    let n = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.constantFrom('flip', 'cut', 'insert'),
        async (edits, how) => {
          let bytes = Buffer.from(good);
          for (const [at, v] of edits) {
            const p = at % bytes.length;
            if (how === 'flip') bytes[p] = (bytes[p] ?? 0) ^ v;
            else if (how === 'cut') bytes = bytes.subarray(0, Math.max(1, p));
            else bytes = Buffer.concat([bytes.subarray(0, p), Buffer.from([v]), bytes.subarray(p)]);
          }
          const path = join(dir, `damaged-${n++}.xlsx`);
          await writeFile(path, bytes);
          if ((await readAll(path)) instanceof OutcomeError) refused++;
          await rm(path);
        },
      ),
      { seed: SEED, numRuns: 200 },
    );
    expect(refused).toBeGreaterThan(0);
  });
});
