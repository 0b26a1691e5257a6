// Chinese offices send CSV in UTF-8 (with or without BOM, from WPS or newer Excel) or in
// GBK/GB18030 (older Excel "CSV (逗号分隔)"). A prefix that decodes as strict UTF-8 is UTF-8;
// anything else is read as GB18030, the superset of GBK and GB2312.

export type TextEncodingName = 'utf-8' | 'gb18030' | 'utf-16le';

export function detectEncoding(prefix: Uint8Array): TextEncodingName {
  if (prefix[0] === 0xef && prefix[1] === 0xbb && prefix[2] === 0xbf) return 'utf-8';
  if (prefix[0] === 0xff && prefix[1] === 0xfe) return 'utf-16le';
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
