// Checking an .xlsx file before exceljs opens it. exceljs inflates every part of the zip as it
// streams (and writes sheets that come before sharedStrings.xml to temporary files), so a zip
// bomb — a small file whose sheet XML inflates to gigabytes — would fill memory or disk before
// any row came out, and a truncated or foreign file fails deep inside unzipper with an English
// message. Here the central directory is read, the entries must tile the file (unzipper reads
// the local headers one after another, so nothing may hide between them), and every XML part is
// inflated once with a byte budget; the first problem is reported in Chinese.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { crc32, createInflateRaw } from 'node:zlib';

export type XlsxProblem =
  | { code: 'not_zip' | 'corrupt' | 'not_workbook' | 'zip64'; message: string }
  | { code: 'too_large'; message: string; limit: number };

export class XlsxGuardError extends Error {
  constructor(readonly problem: XlsxProblem) {
    super(problem.message);
  }
}

interface Entry {
  name: string;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

/** Inflated XML allowed for a file: 200 times its size, at least 256 MiB, at most 4 GiB. */
export function inflateBudget(fileSize: number): number {
  return Math.min(4 * 1024 ** 3, Math.max(256 * 1024 ** 2, 200 * fileSize));
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

const fail = (code: Exclude<XlsxProblem['code'], 'too_large'>, message: string): never => {
  throw new XlsxGuardError({ code, message });
};

/** Throws XlsxGuardError when the file is not a readable, reasonably sized workbook. */
export async function checkXlsx(path: string, budget?: number): Promise<void> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    if (size < 22) fail('not_zip', size === 0 ? '文件是空的（0 字节）' : '文件不完整，不是有效的 .xlsx 文件');
    const tailLength = Math.min(size, 65_557);
    const tail = Buffer.alloc(tailLength);
    await fh.read(tail, 0, tailLength, size - tailLength);
    let eocd = -1;
    for (let i = tailLength - 22; i >= 0; i--)
      if (tail.readUInt32LE(i) === EOCD) {
        eocd = i;
        break;
      }
    if (eocd < 0) {
      const head = Buffer.alloc(4);
      await fh.read(head, 0, 4, 0);
      // Password-protected workbooks and old .xls files are OLE compound files, not zips.
      if (head.readUInt32BE(0) === 0xd0cf11e0)
        fail(
          'not_zip',
          '这是加密的 Excel 文件或旧版 .xls 文件：请取消密码，或在 Excel/WPS 中另存为 .xlsx 后再导入',
        );
      fail(
        'not_zip',
        '文件不是有效的 .xlsx 文件：找不到压缩包目录（文件可能被截断、已损坏，或只是改了扩展名）',
      );
    }
    const count = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff)
      fail('zip64', '文件超过 4 GB（ZIP64 格式），过大，请拆分后导入');
    // A workbook holds a few dozen parts; tens of thousands only make the check itself slow.
    if (count > 10_000) fail('corrupt', `压缩包内有 ${count} 个文件，不像 Excel 工作簿，已拒绝读取`);
    if (cdOffset + cdSize > size - (tailLength - eocd))
      fail('corrupt', '文件已损坏或被截断：压缩包目录超出了文件末尾');
    const cd = Buffer.alloc(cdSize);
    await fh.read(cd, 0, cdSize, cdOffset);
    const entries: Entry[] = [];
    let p = 0;
    for (let k = 0; k < count; k++) {
      if (p + 46 > cdSize || cd.readUInt32LE(p) !== CENTRAL) fail('corrupt', '文件已损坏：压缩包目录不完整');
      const nameLength = cd.readUInt16LE(p + 28);
      const extraLength = cd.readUInt16LE(p + 30);
      const commentLength = cd.readUInt16LE(p + 32);
      entries.push({
        flags: cd.readUInt16LE(p + 8),
        method: cd.readUInt16LE(p + 10),
        crc: cd.readUInt32LE(p + 16),
        compressedSize: cd.readUInt32LE(p + 20),
        size: cd.readUInt32LE(p + 24),
        localOffset: cd.readUInt32LE(p + 42),
        name: cd.toString('utf8', p + 46, p + 46 + nameLength),
      });
      p += 46 + nameLength + extraLength + commentLength;
    }
    const names = new Set(entries.map((e) => e.name));
    if (!names.has('xl/workbook.xml') || !entries.some((e) => /^xl\/worksheets\/sheet\d+\.xml$/.test(e.name)))
      fail('not_workbook', '这是一个压缩包，但不是 Excel 工作簿（没有 xl/workbook.xml 或工作表）');

    // The local entries must follow one another from the start of the file to the directory.
    const sorted = [...entries].sort((a, b) => a.localOffset - b.localOffset);
    let expected = 0;
    const dataStart = new Map<Entry, number>();
    const header = Buffer.alloc(30);
    for (const [k, e] of sorted.entries()) {
      if (e.localOffset !== expected) fail('corrupt', `文件结构异常：“${e.name}”之前有无法识别的数据`);
      await fh.read(header, 0, 30, e.localOffset);
      if (header.readUInt32LE(0) !== LOCAL) fail('corrupt', `文件已损坏：“${e.name}”的文件头无效`);
      const start = e.localOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
      dataStart.set(e, start);
      expected = start + e.compressedSize;
      if (e.flags & 0x08) {
        // Data descriptor after the data: optional signature, crc, and 4- or 8-byte sizes
        // (some writers use the ZIP64 form for small files too) — whichever meets what follows.
        const next = sorted[k + 1]?.localOffset ?? cdOffset;
        const length = [12, 16, 20, 24].find((n) => expected + n === next);
        if (length === undefined) fail('corrupt', `文件已损坏或被截断：“${e.name}”的数据不完整`);
        expected += length ?? 0;
      }
      if (expected > cdOffset) fail('corrupt', `文件已损坏或被截断：“${e.name}”的数据不完整`);
    }
    if (expected !== cdOffset) fail('corrupt', '文件结构异常：压缩包目录之前有无法识别的数据');

    // exceljs parses these parts; everything else (images, printer settings) it skips unread.
    const parts = entries.filter((e) => /^(xl\/.*|_rels\/.*|\[Content_Types\])\.(xml|rels)$/i.test(e.name));
    const limit = budget ?? inflateBudget(size);
    const tooLarge = (): never => {
      throw new XlsxGuardError({
        code: 'too_large',
        limit,
        message: `文件解压后超过 ${Math.round(limit / 1024 ** 2)} MB（可能是“压缩炸弹”或异常的工作簿），已拒绝读取`,
      });
    };
    let declared = 0;
    for (const e of parts) declared += e.size;
    if (declared > limit) tooLarge();
    let total = 0;
    for (const e of parts) {
      if (e.method !== 0 && e.method !== 8)
        fail('corrupt', `“${e.name}”使用了不支持的压缩方式（${e.method}），请用 Excel/WPS 重新保存`);
      if (e.compressedSize === 0) continue;
      const start = dataStart.get(e)!;
      const input = createReadStream(path, { start, end: start + e.compressedSize - 1 });
      const stream = e.method === 8 ? input.pipe(createInflateRaw()) : input;
      input.on('error', (err) => stream.destroy(err));
      let inflated = 0;
      let crc = 0;
      try {
        for await (const chunk of stream as AsyncIterable<Buffer>) {
          inflated += chunk.length;
          total += chunk.length;
          if (inflated > e.size) fail('corrupt', `文件已损坏：“${e.name}”解压后比目录记载的大`);
          if (total > limit) tooLarge();
          crc = crc32(chunk, crc);
        }
        // A changed byte can still inflate; the checksum says whether the text is what was saved.
        if (inflated !== e.size || crc !== e.crc) fail('corrupt', `文件已损坏：“${e.name}”的校验和不符`);
      } catch (err) {
        if (err instanceof XlsxGuardError) throw err;
        fail('corrupt', `文件已损坏：“${e.name}”无法解压`);
      } finally {
        input.destroy();
        stream.destroy();
      }
    }
  } finally {
    await fh.close();
  }
}
