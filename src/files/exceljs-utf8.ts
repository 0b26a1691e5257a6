// exceljs's streaming reader decodes every zip chunk on its own (utils/parse-sax.js), so a Chinese
// character split across two chunks becomes "�" — names silently changed, rows rejected (exceljs
// issue #2063). This module must be imported before exceljs: it puts a parse-sax into the
// CommonJS cache that decodes with one streaming TextDecoder per sheet, which exceljs then uses.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const parseSaxPath = require.resolve('exceljs/lib/utils/parse-sax.js');
const { SaxesParser } = require('saxes') as { SaxesParser: new () => SaxesLike };

interface SaxesLike {
  on(event: string, fn: (value: unknown) => void): void;
  write(text: string): void;
}

async function* parseSax(
  iterable: AsyncIterable<Uint8Array | string>,
): AsyncGenerator<{ eventType: string; value: unknown }[]> {
  const parser = new SaxesParser();
  const decoder = new TextDecoder('utf-8');
  let error: unknown;
  let events: { eventType: string; value: unknown }[] = [];
  parser.on('error', (err) => {
    error = err;
  });
  parser.on('opentag', (value) => events.push({ eventType: 'opentag', value }));
  parser.on('text', (value) => events.push({ eventType: 'text', value }));
  parser.on('closetag', (value) => events.push({ eventType: 'closetag', value }));
  for await (const chunk of iterable) {
    parser.write(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    if (error) throw error;
    yield events;
    events = [];
  }
  const rest = decoder.decode();
  if (rest) {
    parser.write(rest);
    if (error) throw error;
    yield events;
  }
}

require(parseSaxPath);
const cached = require.cache[parseSaxPath];
if (cached) cached.exports = parseSax;
