// A CSV file's records after its header line, as UTF-8 text for COPY: what the baselines' "raw COPY
// of the same file" reads (the demo rosters and lists are GBK, the demo tax file UTF-8 with a BOM).
import { createReadStream } from 'node:fs';
import iconv from 'iconv-lite';

export async function* csvBody(path: string, encoding: 'gb18030' | 'utf-8'): AsyncGenerator<string> {
  const text =
    encoding === 'utf-8'
      ? createReadStream(path, { encoding: 'utf8' })
      : createReadStream(path).pipe(iconv.decodeStream('gb18030'));
  let skipped = false;
  for await (const chunk of text) {
    let part = chunk as string;
    if (!skipped) {
      const nl = part.indexOf('\n');
      if (nl < 0) continue;
      part = part.slice(nl + 1);
      skipped = true;
    }
    yield part;
  }
}
