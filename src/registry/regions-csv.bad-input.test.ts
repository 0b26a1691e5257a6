// The regions-domain CSV reader (区划代码, population bases) with bad files: a 100 MB cell stops at
// the record limit with the line named; random bytes end in a Chinese error, never a crash.
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutcomeError } from '../policy/outcome.js';
import { CsvHeaderError, readCsvRecords } from './regions-csv.js';

const COLUMNS = [
  { key: 'code', names: ['区划代码'], required: true },
  { key: 'name', names: ['名称'], required: true },
];
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'canbao-regions-bad-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function read(path: string): Promise<number | Error> {
  try {
    let n = 0;
    for await (const _ of readCsvRecords(path, COLUMNS)) n++;
    return n;
  } catch (e) {
    if (e instanceof OutcomeError || e instanceof CsvHeaderError) {
      expect(e.message).toMatch(/[\u4e00-\u9fff]/);
      return e;
    }
    throw e;
  }
}

describe('readCsvRecords with bad files', () => {
  it('a 100 MB cell is refused at its line with memory bounded', async () => {
    const path = join(dir, 'huge.csv');
    const fh = await open(path, 'w');
    await fh.write('区划代码,名称\n130802,"');
    const mb = Buffer.alloc(1024 * 1024, 'A');
    for (let i = 0; i < 100; i++) await fh.write(mb);
    await fh.write('"\n');
    await fh.close();
    const rss = process.memoryUsage().rss;
    const e = await read(path);
    expect(e).toBeInstanceOf(OutcomeError);
    expect((e as OutcomeError).issues[0]).toMatchObject({
      expression: 'huge.csv: 第 2 行',
      code: 'record_too_long',
    });
    expect(process.memoryUsage().rss - rss).toBeLessThan(64 * 1024 ** 2);
  });

  it('random bytes are read or refused in Chinese, never crash (150 runs)', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 1500 }),
          fc
            .uint8Array({ maxLength: 200 })
            .map((b) => Buffer.concat([Buffer.from('区划代码,名称\n130802,双桥区\n"'), b])),
        ),
        async (bytes) => {
          const path = join(dir, `random-${n++}.csv`);
          await writeFile(path, bytes);
          await read(path);
          await rm(path);
        },
      ),
      { seed: 20_261_123, numRuns: 150 },
    );
  });
});
