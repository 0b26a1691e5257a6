// Reads the CSV files of the regions domain (区划代码 lists, population bases): UTF-8 or
// GB18030/GBK (detected), optional title rows above the header, header names in Chinese.
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import iconv from 'iconv-lite';
import { MAX_RECORD_CHARS } from '../files/csv-parser.js';
import { OutcomeError } from '../policy/outcome.js';

export interface CsvRecord {
  /** 1-based line number in the file, as a spreadsheet would show it. */
  line: number;
  /** Cell values by the canonical column key. */
  values: Record<string, string>;
}

export interface ColumnSpec {
  key: string;
  /** Accepted header names, first one is the one we show in messages. */
  names: readonly string[];
  required: boolean;
}

export class CsvHeaderError extends Error {}

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/** UTF-8 when the sample decodes cleanly (or has a BOM); otherwise GB18030 (a superset of GBK). */
export function detectEncoding(sample: Uint8Array): 'utf8' | 'gb18030' {
  if (UTF8_BOM.every((b, i) => sample[i] === b)) return 'utf8';
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
    return 'utf8';
  } catch {
    return 'gb18030';
  }
}

async function* decodedText(source: AsyncIterable<Buffer>): AsyncGenerator<string> {
  let decoder: ReturnType<typeof iconv.getDecoder> | null = null;
  for await (const chunk of source) {
    decoder ??= iconv.getDecoder(detectEncoding(chunk.subarray(0, 64 * 1024)), { stripBOM: true });
    const text = decoder.write(chunk);
    if (text) yield text;
  }
  const tail = decoder?.end();
  if (tail) yield tail;
}

const normalizeHeader = (s: string) => s.replace(/^\uFEFF/, '').replace(/\s+/g, '');

/**
 * Stream the records of a CSV file (path or text). The header is the first of the first 10 lines
 * naming every required column; lines above it (titles) are skipped. Throws CsvHeaderError with a
 * Chinese message when no such line exists.
 */
export async function* readCsvRecords(
  source: string | { text: string },
  columns: readonly ColumnSpec[],
): AsyncGenerator<CsvRecord> {
  const input =
    typeof source === 'string'
      ? Readable.from(decodedText(createReadStream(source)))
      : Readable.from([source.text.replace(/^\uFEFF/, '')]);
  const parser = input.pipe(
    parse({
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      info: true,
      relax_quotes: true,
      // An unclosed quote or a file that is no table would otherwise be read whole into one cell.
      max_record_size: MAX_RECORD_CHARS,
    }),
  );
  try {
    yield* records(parser, columns);
  } catch (e) {
    const csv = e as { code?: unknown; lines?: unknown };
    if (typeof csv.code !== 'string' || !csv.code.startsWith('CSV_')) throw e;
    const where = `${typeof source === 'string' ? basename(source) : '文件'}: 第 ${String(csv.lines ?? '?')} 行`;
    throw new OutcomeError([
      {
        severity: 'error',
        code: csv.code === 'CSV_MAX_RECORD_SIZE' ? 'record_too_long' : 'bad_csv',
        expression: where,
        message:
          csv.code === 'CSV_MAX_RECORD_SIZE'
            ? `这一行超过 ${MAX_RECORD_CHARS / 1024 / 1024} MB，已停止读取：可能是引号没有闭合，或文件不是表格`
            : 'CSV 格式错误，无法读取这一行，请用 Excel/WPS 打开后重新另存为 CSV',
      },
    ]);
  }
}

async function* records(
  parser: AsyncIterable<unknown>,
  columns: readonly ColumnSpec[],
): AsyncGenerator<CsvRecord> {
  let indexByKey: Map<string, number> | null = null;
  let seen = 0;
  for await (const { record, info } of parser as AsyncIterable<{
    record: string[];
    info: { lines: number };
  }>) {
    if (!indexByKey) {
      seen++;
      const header = record.map(normalizeHeader);
      const found = new Map<string, number>();
      for (const col of columns) {
        const at = header.findIndex((h) => col.names.includes(h));
        if (at >= 0) found.set(col.key, at);
      }
      if (columns.every((c) => !c.required || found.has(c.key))) {
        indexByKey = found;
      } else if (seen >= 10) {
        break;
      }
      continue;
    }
    const values: Record<string, string> = {};
    for (const [key, at] of indexByKey) values[key] = record[at] ?? '';
    yield { line: info.lines, values };
  }
  if (!indexByKey) {
    const wanted = columns
      .filter((c) => c.required)
      .map((c) => c.names.join('/'))
      .join('、');
    throw new CsvHeaderError(
      `前 10 行中找不到表头：需要列 ${wanted}。请检查文件是否为 CSV、表头是否在前 10 行内。`,
    );
  }
}
