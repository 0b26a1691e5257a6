// Chinese offices send CSV in UTF-8 (with or without BOM, from WPS or newer Excel) or in
// GBK/GB18030 (older Excel "CSV (逗号分隔)"). A prefix that decodes as strict UTF-8 is UTF-8;
// anything else is read as GB18030, the superset of GBK and GB2312. Excel's "Unicode 文本" is
// UTF-16 with a byte-order mark; without one, UTF-16 shows as a zero byte in every other place.

export type TextEncodingName = 'utf-8' | 'gb18030' | 'utf-16le' | 'utf-16be';

export function detectEncoding(prefix: Uint8Array): TextEncodingName {
  if (prefix[0] === 0xef && prefix[1] === 0xbb && prefix[2] === 0xbf) return 'utf-8';
  if (prefix[0] === 0xff && prefix[1] === 0xfe) return 'utf-16le';
  if (prefix[0] === 0xfe && prefix[1] === 0xff) return 'utf-16be';
  let even = 0;
  let odd = 0;
  for (let i = 0; i < prefix.length; i++) if (prefix[i] === 0) i % 2 === 0 ? even++ : odd++;
  // Header names and digits are ASCII: in UTF-16 their high byte is zero.
  if (even === 0 && odd * 8 >= prefix.length) return 'utf-16le';
  if (odd === 0 && even * 8 >= prefix.length) return 'utf-16be';
  try {
    // stream: true tolerates a character cut in half at the end of the prefix.
    new TextDecoder('utf-8', { fatal: true }).decode(prefix, { stream: true });
    return 'utf-8';
  } catch {
    return 'gb18030';
  }
}

/** The most frequent of comma, tab and semicolon on the first line. */
export function detectDelimiter(firstLine: string): string {
  let best = ',';
  let bestCount = 0;
  for (const d of [',', '\t', ';']) {
    const n = firstLine.split(d).length - 1;
    if (n > bestCount) {
      best = d;
      bestCount = n;
    }
  }
  return best;
}

/**
 * A text table holds no NUL bytes and few control characters other than tab, line breaks and
 * the old end-of-file mark; random bytes, an .xlsx or a PDF renamed to .csv hold many.
 */
export function looksBinary(prefix: Uint8Array, encoding: TextEncodingName): boolean {
  if (encoding === 'utf-16le' || encoding === 'utf-16be') return false;
  let control = 0;
  for (let i = 0; i < prefix.length; i++) {
    const b = prefix[i]!;
    if (b === 0) return true;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1a) control++;
  }
  return control * 100 > prefix.length;
}
