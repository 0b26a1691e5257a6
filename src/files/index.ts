export { detectDelimiter, detectEncoding, type TextEncodingName } from './encoding.js';
export { escapeCell } from './escape.js';
export { detectHeader, normalizeHeader } from './header.js';
export { cellText, type ReadTableOptions, readTable, type Table, TableRow } from './table-reader.js';
export { type Rows, writeCsv, writeXlsx } from './table-writer.js';
