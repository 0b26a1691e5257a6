// Streaming table readers for CSV and XLSX with bounded memory: rows come out in batches as the
// file is read, never the whole file at once.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import iconv from 'iconv-lite';
import { OutcomeError } from '../policy/outcome.js';
import { CsvParser } from './csv-parser.js';
import { detectDelimiter, detectEncoding, type TextEncodingName } from './encoding.js';
import ExcelJS from './exceljs.js';
import { detectHeader, normalizeHeader } from './header.js';

export interface ReadTableOptions {
  /** Normalised header names the caller understands; used to find the header row. */
  knownHeaders?: Iterable<string>;
  /** How many leading non-empty rows may hold titles and the header (default 10). */
  maxHeaderScan?: number;
  /** Minimum number of known names in the header row (default 2). */
  minHeaderMatches?: number;
}

export class TableRow {
  #cells: Record<string, string> | undefined;
  constructor(
    /** The row number a person sees when opening the file (1-based, title rows counted). */
    readonly rowNumber: number,
    /** Cell texts in header order (shorter when trailing cells are empty). */
    readonly values: string[],
    private readonly headers: readonly string[],
  ) {}

  /** Cells by header name, built on first use. */
  get cells(): Record<string, string> {
    if (!this.#cells) {
      const c: Record<string, string> = {};
      this.headers.forEach((h, i) => {
        if (h !== '') c[h] = this.values[i] ?? '';
      });
      this.#cells = c;
    }
    return this.#cells;
  }
}

export interface Table {
  format: 'csv' | 'xlsx';
  encoding?: TextEncodingName;
  /** Normalised header names by column (an empty string for a column without a header). */
  headers: string[];
  headerRowNumber: number;
  /** Data rows in batches (empty rows skipped). Can be consumed once. */
  batches(size?: number): AsyncIterable<TableRow[]>;
  [Symbol.asyncIterator](): AsyncIterator<TableRow>;
}

interface RawRecord {
  rowNumber: number;
  values: string[];
}

function isEmpty(values: readonly string[]): boolean {
  for (const v of values) if (v.trim() !== '') return false;
  return true;
}

export async function readTable(path: string, options: ReadTableOptions = {}): Promise<Table> {
  const ext = extname(path).toLowerCase();
  let source: AsyncIterator<RawRecord[]>;
  let format: Table['format'];
  let encoding: TextEncodingName | undefined;
  if (ext === '.xlsx' || ext === '.xlsm') {
    format = 'xlsx';
    source = xlsxRecords(path);
  } else if (ext === '.csv' || ext === '.txt' || ext === '.tsv') {
    format = 'csv';
    const opened = await csvRecords(path);
    source = opened.records;
    encoding = opened.encoding;
  } else if (ext === '.xls') {
    throw new OutcomeError([
      {
        severity: 'error',
        code: 'unsupported_format',
        expression: path,
        message: '不支持旧版 .xls 文件，请在 Excel/WPS 中“另存为” .xlsx 或 CSV 后再导入',
      },
    ]);
  } else {
    throw new OutcomeError([
      {
        severity: 'error',
        code: 'unsupported_format',
        expression: path,
        message: `不支持的文件类型“${ext || '无扩展名'}”，请使用 .xlsx 或 .csv`,
      },
    ]);
  }

  const known = new Set<string>();
  for (const k of options.knownHeaders ?? []) known.add(normalizeHeader(k));
  const scan: RawRecord[] = [];
  const maxScan = options.maxHeaderScan ?? 10;
  // Records read past the header scan wait here until batches() hands them out.
  let carry: RawRecord[] = [];
  while (scan.length < maxScan) {
    const next = await source.next();
    if (next.done) break;
    const records = next.value;
    let k = 0;
    for (; k < records.length && scan.length < maxScan; k++)
      if (!isEmpty(records[k]!.values)) scan.push(records[k]!);
    carry = records.slice(k);
  }
  const detected = detectHeader(
    scan.map((r) => r.values),
    known,
    options.minHeaderMatches ?? 2,
  );
  if (!detected) {
    await source.return?.();
    throw new OutcomeError([
      {
        severity: 'error',
        code: 'header_not_found',
        expression: path,
        message:
          scan.length === 0
            ? '文件是空的'
            : `前 ${scan.length} 个非空行里没有找到表头（如“姓名”“身份证号码”），请检查文件或提供列映射文件`,
      },
    ]);
  }
  const headers = detected.headers;
  const headerRowNumber = scan[detected.lastHeaderIndex]!.rowNumber;
  const pending = scan.slice(detected.lastHeaderIndex + 1);
  let consumed = false;

  async function* batches(size = 2000): AsyncGenerator<TableRow[]> {
    if (consumed) throw new Error('table rows can be read only once');
    consumed = true;
    let batch: TableRow[] = [];
    const add = (records: readonly RawRecord[]): void => {
      for (const r of records)
        if (!isEmpty(r.values)) batch.push(new TableRow(r.rowNumber, r.values, headers));
    };
    add(pending);
    add(carry);
    carry = [];
    try {
      for (;;) {
        while (batch.length >= size) {
          yield batch.slice(0, size);
          batch = batch.slice(size);
        }
        const next = await source.next();
        if (next.done) break;
        add(next.value);
      }
      if (batch.length > 0) yield batch;
    } finally {
      await source.return?.();
    }
  }

  return {
    format,
    ...(encoding ? { encoding } : {}),
    headers,
    headerRowNumber,
    batches,
    async *[Symbol.asyncIterator]() {
      for await (const b of batches()) yield* b;
    },
  };
}

async function csvRecords(
  path: string,
): Promise<{ records: AsyncIterator<RawRecord[]>; encoding: TextEncodingName }> {
  const fh = await open(path, 'r');
  const prefix = Buffer.alloc(64 * 1024);
  let length: number;
  try {
    ({ bytesRead: length } = await fh.read(prefix, 0, prefix.length, 0));
  } finally {
    await fh.close();
  }
  const head = prefix.subarray(0, length);
  const encoding = detectEncoding(head);
  const firstLine = iconv.decode(head, encoding).split(/\r?\n/, 1)[0] ?? '';
  const delimiter = detectDelimiter(firstLine);

  async function* records(): AsyncGenerator<RawRecord[]> {
    const decode =
      encoding === 'utf-8'
        ? (
            (d: TextDecoder) => (b: Buffer) =>
              d.decode(b, { stream: true })
          )(new TextDecoder('utf-8'))
        : (
            (d: ReturnType<typeof iconv.getDecoder>) => (b: Buffer) =>
              d.write(b)
          )(iconv.getDecoder(encoding));
    const parser = new CsvParser(delimiter);
    const file = createReadStream(path, { highWaterMark: 256 * 1024 });
    let rowNumber = 0;
    const number = (records: string[][]): RawRecord[] =>
      records.map((values) => ({ rowNumber: ++rowNumber, values }));
    try {
      for await (const buf of file as AsyncIterable<Buffer>) {
        const out: string[][] = [];
        parser.push(decode(buf), out);
        if (out.length > 0) yield number(out);
      }
      const out: string[][] = [];
      parser.end(out);
      if (out.length > 0) yield number(out);
    } finally {
      file.destroy();
    }
  }
  return { records: records(), encoding };
}

/** Cell value as the text a person sees; dates as YYYY-MM-DD. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') {
    // An 18-digit ID typed as a number has already lost its last digits; show it the way
    // Excel does (1.30802E+17) so the ID check can say what happened.
    if (Math.abs(v) > Number.MAX_SAFE_INTEGER) return v.toExponential(5).toUpperCase();
    return String(v);
  }
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.richText)) return (o.richText as { text: string }[]).map((t) => t.text).join('');
    if ('result' in o) return cellText(o.result);
    if ('formula' in o || 'sharedFormula' in o) return '';
    if (typeof o.text === 'string') return o.text;
    if ('error' in o) return '';
  }
  return String(v);
}

async function* xlsxRecords(path: string): AsyncGenerator<RawRecord[]> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, {
    sharedStrings: 'cache',
    styles: 'cache', // needed to tell date cells from numbers
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'emit',
  });
  for await (const sheet of reader) {
    let batch: RawRecord[] = [];
    for await (const row of sheet) {
      const raw = row.values as unknown[];
      const values: string[] = new Array(Math.max(0, raw.length - 1));
      for (let i = 1; i < raw.length; i++) values[i - 1] = cellText(raw[i]);
      batch.push({ rowNumber: row.number, values });
      if (batch.length >= 500) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
    return; // the first worksheet only
  }
}
