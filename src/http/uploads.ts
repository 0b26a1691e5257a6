// Uploaded files for imports and reconciliation: multipart/form-data (the browser's form) or the raw
// request body (scripts), streamed straight to a file under the upload directory — never held in
// memory — with a size limit. The file is kept until the job that reads it has finished.
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { NUL_MESSAGE } from './control-characters.js';
import { HttpError } from './errors.js';

export const DEFAULT_UPLOAD_LIMIT = 2 * 1024 ** 3;

export interface UploadOptions {
  /** Where uploads are kept while their job runs (default: see uploadDirectory). */
  dir?: string;
  /** Largest accepted file in bytes (default 2 GB). */
  maxBytes?: number;
}

/**
 * CANBAO_UPLOAD_DIR; else `uploads` beside the PGlite data directory (./data/uploads by default);
 * on a PostgreSQL server without a data directory, the system temp directory.
 */
export function uploadDirectory(): string {
  if (process.env.CANBAO_UPLOAD_DIR) return resolve(process.env.CANBAO_UPLOAD_DIR);
  const dataDir = process.env.CANBAO_DATA_DIR;
  if (dataDir && !dataDir.startsWith('memory://')) return join(dirname(resolve(dataDir)), 'uploads');
  if (process.env.DATABASE_URL || dataDir) return join(tmpdir(), 'canbao-uploads');
  return resolve('data/uploads');
}

export interface Upload {
  /** The stored file (its directory belongs to this upload alone). */
  path: string;
  /** The name the sender gave it. */
  fileName: string;
  bytes: number;
  /** The other form fields (multipart) or query parameters (raw body). */
  fields: Record<string, string>;
}

const tooLarge = (maxBytes: number) =>
  new HttpError(
    413,
    'FILE_TOO_LARGE',
    `上传的文件超过 ${formatBytes(maxBytes)} 的上限，请拆分后分批上传`,
    'file',
  );

function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${+(n / 1024 ** 3).toFixed(1)} GB`;
  if (n >= 1024 ** 2) return `${+(n / 1024 ** 2).toFixed(1)} MB`;
  return `${n} 字节`;
}

/** A safe file name: the sender's base name without directories, or a default with the extension. */
function safeName(name: string | undefined, fallback: string): string {
  const base = basename((name ?? '').replaceAll('\\', '/')).replace(/[\u0000-\u001f]/g, '');
  if (base === '' || base === '.' || base === '..') return fallback;
  return base.length > 120 ? `${base.slice(0, 100)}${extname(base).slice(0, 10)}` : base;
}

export function registerUploads(app: FastifyInstance, options: UploadOptions): void {
  const maxBytes = options.maxBytes ?? DEFAULT_UPLOAD_LIMIT;
  app.register(multipart, {
    limits: { fileSize: maxBytes, files: 1, fields: 30, fieldSize: 64 * 1024 },
  });
}

/**
 * Store the request's file. `check(fields)` runs as soon as the file part arrives (the browser sends
 * the form fields first) and again once all fields are known; when it throws, nothing is kept.
 */
export async function receiveUpload(
  request: FastifyRequest,
  options: UploadOptions,
  check: (fields: Record<string, string>) => void | Promise<void> = () => undefined,
): Promise<Upload> {
  const maxBytes = options.maxBytes ?? DEFAULT_UPLOAD_LIMIT;
  const dir = join(options.dir ?? uploadDirectory(), randomUUID());
  await mkdir(dir, { recursive: true });
  const fields: Record<string, string> = {};
  let stored: { path: string; fileName: string; bytes: number } | undefined;
  try {
    if (request.isMultipart()) {
      for await (const part of request.parts()) {
        if (part.type === 'field') {
          // Form fields skip the JSON hook (src/http/control-characters.ts): refuse a NUL here.
          if (typeof part.value === 'string' && part.value.includes('\u0000'))
            throw new HttpError(400, 'INVALID_CHARACTER', NUL_MESSAGE, part.fieldname);
          if (typeof part.value === 'string') fields[part.fieldname] = part.value;
          continue;
        }
        if (part.fieldname !== 'file' || stored) {
          part.file.resume();
          continue;
        }
        await check(fields);
        const fileName = safeName(part.filename, '上传文件.csv');
        const path = join(dir, fileName);
        try {
          await pipeline(part.file, createWriteStream(path));
        } catch (e) {
          if ((e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge(maxBytes);
          throw e;
        }
        if (part.file.truncated) throw tooLarge(maxBytes);
        stored = { path, fileName, bytes: part.file.bytesRead };
      }
    } else if (typeof (request.body as Readable | undefined)?.pipe === 'function') {
      const query = (request.query ?? {}) as Record<string, unknown>;
      for (const [k, v] of Object.entries(query)) if (v !== undefined) fields[k] = String(v);
      await check(fields);
      // A raw body has no name of its own: an xlsx content type must keep its extension.
      const xlsx = String(request.headers['content-type'] ?? '').includes('spreadsheetml');
      let fileName = safeName(fields.fileName, xlsx ? '上传文件.xlsx' : '上传文件.csv');
      if (xlsx && extname(fileName).toLowerCase() !== '.xlsx') fileName += '.xlsx';
      const path = join(dir, fileName);
      let bytes = 0;
      const body = request.body as Readable;
      body.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > maxBytes) body.destroy(tooLarge(maxBytes));
      });
      await pipeline(body, createWriteStream(path));
      stored = { path, fileName, bytes };
    }
    if (!stored) throw new HttpError(400, 'NO_FILE', '请选择要上传的文件（表单字段 file）', 'file');
    await check(fields);
    return { ...stored, fields };
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}

/** Remove an upload's file once its job no longer needs it; the directory keeps the job's report. */
export async function discardUpload(path: string): Promise<void> {
  await rm(path, { force: true });
}
