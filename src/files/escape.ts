// Cells that a spreadsheet would read as a formula (= + - @, or a leading tab / carriage return
// that some programs strip before looking) are prefixed with an apostrophe, so an exported report
// opened in Excel or WPS shows the text instead of running it (OWASP "CSV injection").

export function escapeCell(value: string): string {
  if (value === '') return value;
  const c = value.charCodeAt(0);
  // = + - @ \t \r
  if (c === 0x3d || c === 0x2b || c === 0x2d || c === 0x40 || c === 0x09 || c === 0x0d) return `'${value}`;
  return value;
}
