// Cut a stream of CSV text into pieces of about `targetBytes` that each end at a record
// boundary, so every piece is a valid CSV document on its own (a PGlite COPY takes one blob).
// A newline inside a quoted field is not a boundary: we track quote parity. '"' and '\n' are
// single bytes in UTF-8 and never occur inside a multi-byte character, so bytes are safe.

export type CsvSource =
  | string
  | Uint8Array
  | Iterable<string | Uint8Array>
  | AsyncIterable<string | Uint8Array>
  | NodeJS.ReadableStream;

const QUOTE = 0x22;
const NEWLINE = 0x0a;
const encoder = new TextEncoder();

export async function* csvSourceChunks(source: CsvSource): AsyncGenerator<Uint8Array> {
  if (typeof source === 'string') {
    yield encoder.encode(source);
    return;
  }
  if (source instanceof Uint8Array) {
    yield source;
    return;
  }
  for await (const chunk of source as AsyncIterable<string | Uint8Array>) {
    if (typeof chunk === 'string') {
      if (chunk.length > 0) yield encoder.encode(chunk);
    } else if (chunk.length > 0) {
      yield chunk;
    }
  }
}

export async function* csvRecordBatches(source: CsvSource, targetBytes: number): AsyncGenerator<Uint8Array> {
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let inQuotes = false;
  // Offset (within the concatenated pending bytes) just after the last record boundary.
  let lastBoundary = 0;

  const concat = (): Uint8Array => {
    const all = new Uint8Array(pendingBytes);
    let at = 0;
    for (const part of pending) {
      all.set(part, at);
      at += part.length;
    }
    return all;
  };

  for await (const chunk of csvSourceChunks(source)) {
    const base = pendingBytes;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i];
      if (byte === QUOTE) inQuotes = !inQuotes;
      else if (byte === NEWLINE && !inQuotes) lastBoundary = base + i + 1;
    }
    pending.push(chunk);
    pendingBytes += chunk.length;
    if (pendingBytes >= targetBytes && lastBoundary > 0) {
      const all = concat();
      yield all.subarray(0, lastBoundary);
      const rest = all.slice(lastBoundary);
      pending = rest.length > 0 ? [rest] : [];
      pendingBytes = rest.length;
      lastBoundary = 0;
    }
  }
  if (pendingBytes > 0) yield concat();
}

/** One field for COPY ... (FORMAT csv): null is an empty unquoted field, '' is "". */
export function csvField(v: string | null): string {
  if (v === null) return '';
  if (v === '') return '""';
  const clean = v.includes('\0') ? v.replaceAll('\0', '') : v;
  if (/[",\n\r]/.test(clean) || clean.trim() !== clean) return `"${clean.replaceAll('"', '""')}"`;
  return clean;
}
