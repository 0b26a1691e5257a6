// Reads the CSV files of the regions domain (区划代码 lists, population bases): UTF-8 or
// GB18030/GBK (detected), optional title rows above the header, header names in Chinese.
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import iconv from 'iconv-lite';

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
    parse({ relax_column_count: true, skip_empty_lines: true, trim: true, info: true, relax_quotes: true }),
  );
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
