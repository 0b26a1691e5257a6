// Cells that a spreadsheet would read as a formula (= + - @, or a leading tab / carriage return
// that some programs strip before looking) are prefixed with an apostrophe, so an exported report
// opened in Excel or WPS shows the text instead of running it (OWASP "CSV injection").
//
// Numbers are told apart from text by their whole shape, not their first character: a cell that
// is only a plain decimal number ("-1", "-400.50") is what a spreadsheet reads as a number, never
// a formula, so it is written unchanged and stays a number; "-1+cmd|' /C calc'!A0" is not a plain
// number and is escaped. A JavaScript number passed to a writer is written as a number.

const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

export function escapeCell(value: string): string {
  if (value === '') return value;
  const c = value.charCodeAt(0);
  // = + - @ \t \r
  if (c === 0x3d || c === 0x2b || c === 0x40 || c === 0x09 || c === 0x0d) return `'${value}`;
  if (c === 0x2d && !PLAIN_NUMBER.test(value)) return `'${value}`;
  return value;
}

/** A cell for the writers: text is escaped, a number is written as a number. */
export function exportCell(value: string | number): string | number {
  return typeof value === 'number' ? value : escapeCell(value);
}
