import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { OutcomeError } from '../policy/outcome.js';
import { parsePersons, registerDemoCommands } from './demo.commands.js';

const fixture = fileURLToPath(new URL('./demo/fixtures/regions-fixture.csv', import.meta.url));

function program(): Command {
  const p = new Command('canbao').exitOverride();
  registerDemoCommands(p);
  return p;
}

describe('canbao demo', () => {
  it('reads person counts the way people write them', () => {
    expect(parsePersons('20000')).toBe(20_000);
    expect(parsePersons('1,000,000')).toBe(1_000_000);
    expect(parsePersons('100万')).toBe(1_000_000);
    expect(() => parsePersons('12x')).toThrow(OutcomeError);
    expect(() => parsePersons('0')).toThrow(/人数应为/);
  });

  it('writes the files of the chosen counties and prints a Chinese summary', async () => {
    const out = await mkdtemp(join(tmpdir(), 'canbao-demo-cli-'));
    const printed: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      printed.push(String(chunk));
      return true;
    });
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await program().parseAsync(
        [
          'demo',
          '--persons',
          '2000',
          '--out',
          out,
          '--format',
          'csv',
          '--counties',
          '1406',
          '--regions',
          fixture,
        ],
        { from: 'user' },
      );
    } finally {
      spy.mockRestore();
      err.mockRestore();
    }
    const files = await readdir(out);
    // Per county: the 花名册, the past years' enrollment and four department lists.
    expect(files).toHaveLength(6 * 6);
    expect(files).toContain('140623右玉县_参保人员花名册.csv');
    expect(files).toContain('140623右玉县_往年参保记录.csv');
    expect(files.every((f) => f.startsWith('1406') && f.endsWith('.csv'))).toBe(true);
    const text = printed.join('');
    expect(text).toContain('演示人口已写入');
    expect(text).toMatch(/合计\s+2,000/);
    await rm(out, { recursive: true, force: true });
  });

  it('rejects an unknown encoding with a Chinese message', async () => {
    await expect(
      program().parseAsync(['demo', '--out', tmpdir(), '--encoding', 'latin1', '--regions', fixture], {
        from: 'user',
      }),
    ).rejects.toThrow(/CSV 编码只能是/);
  });

  it('start: prepares an empty database, loads a demo population and says what to try next', async () => {
    const saved = { dir: process.env.CANBAO_DATA_DIR, url: process.env.DATABASE_URL };
    process.env.CANBAO_DATA_DIR = 'memory://';
    delete process.env.DATABASE_URL;
    const printed: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      printed.push(String(chunk));
      return true;
    });
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const p = program();
      p.command('policy').command('list');
      await p.parseAsync(['start', '--persons', '1500', '--no-serve'], { from: 'user' });
    } finally {
      spy.mockRestore();
      err.mockRestore();
      if (saved.dir === undefined) delete process.env.CANBAO_DATA_DIR;
      else process.env.CANBAO_DATA_DIR = saved.dir;
      if (saved.url !== undefined) process.env.DATABASE_URL = saved.url;
    }
    const text = printed.join('');
    expect(text).toContain('已导入演示人口 1,500 人');
    expect(text).toMatch(/512022 乐至县\s+\d/);
    expect(text).toMatch(/合计\s+1,500/);
    // Each county's campaign under way: assessed, and some already enrolled by the demo date.
    const campaign = [...text.matchAll(/演示征缴：.*核定 ([\d,]+) 人，截至 2024-11-30 已参保 ([\d,]+) 人/g)];
    expect(campaign).toHaveLength(5);
    for (const [, assessed, enrolled] of campaign) {
      const n = (s: string | undefined) => Number(s!.replace(/,/g, ''));
      expect(n(enrolled)).toBeGreaterThan(0);
      expect(n(enrolled)).toBeLessThan(n(assessed));
    }
    // Suggestions only for commands that exist in this program.
    expect(text).toContain('canbao policy list');
    expect(text).not.toContain('canbao policy leaflet');
    // Demo accounts for the web application: an administrator and a village worker, passwords shown once.
    expect(text).toMatch(/用户名 admin\s+密码 [a-z]{4}-\d{4}\s+医保局管理员/);
    expect(text).toMatch(/用户名 cun\s+密码 [a-z]{4}-\d{4}\s+村（社区）代办员，管辖 .*（\d{12}）/);
  });
});
