// Finding the header row in files made by people: a title row or two on top ("XX村2025年参保人员
// 花名册"), sometimes a two-level header where a merged group cell ("基本信息") sits over the real
// column names ("姓名", "身份证号码"), and names written with line breaks, full-width brackets or a
// leading "*" for required columns.

/** Canonical form of a header cell for matching: no whitespace, ASCII brackets, no required-mark. */
export function normalizeHeader(text: string): string {
  return text
    .replace(/[\s\u3000\u00a0\u200b]+/g, '')
    .replace(/（/g, '(')
    .replace(/）/g, ')')
    .replace(/^[*＊]+|[*＊]+$/g, '');
}

export interface DetectedHeader {
  /** Index (into the scanned records) of the last header row; data starts after it. */
  lastHeaderIndex: number;
  headers: string[];
}

function score(record: readonly string[], known: ReadonlySet<string>): number {
  let n = 0;
  for (const cell of record) if (cell !== '' && known.has(normalizeHeader(cell))) n++;
  return n;
}

/**
 * Pick the header among the first records: the first record with the most known header names
 * (at least `minMatches`). When the record just below (or above) it also holds known names, the
 * header spans two rows and is combined: the lower cell wins, an empty lower cell (a vertically
 * merged cell) takes the upper one. A name that then occurs twice is prefixed with its group
 * label ("户主信息姓名"). Without known names the first non-empty record is the header.
 */
export function detectHeader(
  records: readonly (readonly string[])[],
  known: ReadonlySet<string>,
  minMatches = 2,
): DetectedHeader | undefined {
  if (records.length === 0) return undefined;
  let best = -1;
  let bestScore = 0;
  if (known.size > 0) {
    records.forEach((r, i) => {
      const s = score(r, known);
      if (s > bestScore) {
        best = i;
        bestScore = s;
      }
    });
  }
  if (best < 0 || bestScore < Math.min(minMatches, known.size)) {
    if (known.size > 0) return undefined;
    return { lastHeaderIndex: 0, headers: records[0]!.map(normalizeHeader) };
  }
  const below = records[best + 1];
  const above = records[best - 1];
  if (below && score(below, known) >= 1)
    return { lastHeaderIndex: best + 1, headers: combine(records[best]!, below) };
  // Above: a group row has known names or several labels; a title row has one cell.
  if (above && (score(above, known) >= 1 || nonEmpty(above) >= 2))
    return { lastHeaderIndex: best, headers: combine(above, records[best]!) };
  return { lastHeaderIndex: best, headers: records[best]!.map(normalizeHeader) };
}

function nonEmpty(record: readonly string[]): number {
  let n = 0;
  for (const c of record) if (c.trim() !== '') n++;
  return n;
}

function combine(upper: readonly string[], lower: readonly string[]): string[] {
  const width = Math.max(upper.length, lower.length);
  const headers: string[] = [];
  const groups: string[] = [];
  let group = '';
  for (let i = 0; i < width; i++) {
    const u = normalizeHeader(upper[i] ?? '');
    const l = normalizeHeader(lower[i] ?? '');
    // A horizontally merged group label is only in its first cell: carry it to the right.
    if (u !== '') group = u;
    groups.push(l !== '' ? group : '');
    headers.push(l !== '' ? l : u);
  }
  const count = new Map<string, number>();
  for (const h of headers) count.set(h, (count.get(h) ?? 0) + 1);
  return headers.map((h, i) => (h !== '' && (count.get(h) ?? 0) > 1 && groups[i] ? `${groups[i]}${h}` : h));
}
