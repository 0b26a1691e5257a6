export { detectDelimiter, detectEncoding, type TextEncodingName } from './encoding.js';
export { escapeCell, exportCell } from './escape.js';
export { detectHeader, normalizeHeader } from './header.js';
export { cellText, type ReadTableOptions, readTable, type Table, TableRow } from './table-reader.js';
export { type Cell, type Rows, writeCsv, writeXlsx } from './table-writer.js';
