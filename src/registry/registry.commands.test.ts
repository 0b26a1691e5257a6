// The registry CLI end to end on a PGlite data directory: import, look up, check.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../db/connection.js';
import { checkDigit } from './id-document.js';
import { registerRegistryCommands } from './registry.commands.js';

const id = (first17: string): string => first17 + checkDigit(first17);
const HEAD = id('13080219700101001');
const CHILD = id('13080220100101002');
let dir: string;
const saved = { data: process.env.CANBAO_DATA_DIR, url: process.env.DATABASE_URL };

async function run(args: string[]): Promise<string> {
  const printed: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    printed.push(String(chunk));
    return true;
  });
  try {
    const p = new Command('canbao').exitOverride();
    registerRegistryCommands(p);
    await p.parseAsync(args, { from: 'user' });
  } finally {
    spy.mockRestore();
  }
  return printed.join('');
}

describe('canbao registry', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'canbao-registry-cli-'));
    process.env.CANBAO_DATA_DIR = join(dir, 'pglite');
    delete process.env.DATABASE_URL;
    const h = await openDatabase();
    await sql`INSERT INTO regions (code, name, level, parent_code, county_code) VALUES
      ('130802', '双桥区', 3, NULL, '130802'), ('130802001', '石洞子沟街道', 4, '130802', '130802'),
      ('130802001001', '东关村', 5, '130802001', '130802')`.execute(h.db);
    await h.close();
    await writeFile(
      join(dir, 'roster.csv'),
      `姓名,身份证号码,户号,与户主关系,村（社区）代码\n张大,${HEAD},H1,户主,130802001001\n张小,${CHILD},H1,子,130802001001\n错号,123,H1,子,130802001001\n`,
    );
  });
  afterAll(async () => {
    process.env.CANBAO_DATA_DIR = saved.data;
    if (saved.url !== undefined) process.env.DATABASE_URL = saved.url;
    process.exitCode = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('imports and prints counts and report paths in Chinese', async () => {
    const text = await run([
      'registry',
      'import',
      join(dir, 'roster.csv'),
      '--report-dir',
      join(dir, 'reports'),
    ]);
    expect(text).toContain('读取 3 行：新增 2 人，更新 0 人，未变化 0 人，未导入 1 行');
    expect(text).toContain(`问题报告：${join(dir, 'reports')}`);
    expect(process.exitCode).toBe(1);
    process.exitCode = undefined;
    const json = JSON.parse(await run(['registry', 'import', join(dir, 'roster.csv'), '--json']));
    expect(json).toMatchObject({ inserted: 0, updated: 0, unchanged: 2, rejected: 1 });
    process.exitCode = undefined;
  });

  it('looks up a household by a member, a village, a person — IDs masked', async () => {
    const household = await run(['registry', 'household', CHILD]);
    expect(household).toContain('户号 H1  东关村（130802001001）  共 2 人');
    expect(household).toMatch(/户主 {2}张大 {2}1308\*{10}\d{3}[\dX]/);
    expect(household).not.toContain(HEAD);
    const village = await run(['registry', 'village', '130802001001']);
    expect(village).toContain('东关村（130802001001）：1 户，2 人');
    const person = await run(['registry', 'person', CHILD]);
    expect(person).toContain('张小  居民身份证');
    expect(person).toContain('与户主关系 子');
    await expect(run(['registry', 'person', id('13080219990101009')])).rejects.toThrow(/没有这个证件号码/);
  });

  it('check reports nothing on clean data', async () => {
    expect(await run(['registry', 'check'])).toBe('未发现问题。\n');
    expect(JSON.parse(await run(['registry', 'check', '--json']))).toEqual([]);
  });
});
