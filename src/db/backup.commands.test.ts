// `canbao db backup` and `canbao db restore` as a user types them, on the embedded database: a data
// directory backed up, restored into a new directory, and the restore checked against the description.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, useCliDataDir } from '../test-support/cli.js';

describe('canbao db backup / restore (PGlite)', () => {
  const dir = useCliDataDir('db-backup', 'admin');
  beforeAll(async () => {
    await runCli('regions', 'seed');
  }, 120_000);

  it('backs up, refuses to restore over the live data directory, and restores into a new one', async () => {
    const file = join(dir(), 'canbao.tar.gz');
    const out = await runCli('db', 'backup', file);
    expect(out).toMatch(/备份已写入 .*canbao\.tar\.gz/);
    expect(out).toMatch(/区划 2,090/);
    expect(existsSync(`${file}.json`)).toBe(true);

    await expect(runCli('db', 'restore', file)).rejects.toThrow(/不是空的/);

    process.env.CANBAO_DATA_DIR = join(dir(), 'restored');
    const restored = await runCli('db', 'restore', file);
    expect(restored).toMatch(/已从 .* 恢复到 PGlite 数据目录 .*restored/);
    expect(restored).toMatch(/各表行数和缴费合计与备份说明一致/);
    expect(await runCli('regions', 'list', '512022')).toMatch(/乐至/);
  }, 120_000);
});
