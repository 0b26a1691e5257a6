// Run `canbao …` in-process, as a user would type it, and return what it wrote to stdout.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, vi } from 'vitest';
import { buildProgram } from '../cli/main.js';

export async function runCli(...args: string[]): Promise<string> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  });
  try {
    await buildProgram().exitOverride().parseAsync(args, { from: 'user' });
  } finally {
    spy.mockRestore();
  }
  return out;
}

/**
 * A CLI test file's own PGlite data directory: for the enclosing describe block CANBAO_DATA_DIR points
 * into a fresh temporary directory, DATABASE_URL is unset and CANBAO_USER names the actor; all three
 * are restored and the directory removed afterwards. Call it before the block's own beforeAll.
 */
export function useCliDataDir(prefix: string, user?: string): () => string {
  let dir = '';
  const saved = {
    CANBAO_DATA_DIR: process.env.CANBAO_DATA_DIR,
    DATABASE_URL: process.env.DATABASE_URL,
    CANBAO_USER: process.env.CANBAO_USER,
  };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), `canbao-${prefix}-`));
    process.env.CANBAO_DATA_DIR = join(dir, 'pglite');
    delete process.env.DATABASE_URL;
    if (user !== undefined) process.env.CANBAO_USER = user;
  });
  afterAll(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await rm(dir, { recursive: true, force: true });
  });
  return () => dir;
}
