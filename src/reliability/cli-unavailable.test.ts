// A command run while the database server cannot be reached says so in Chinese and exits 3, instead
// of printing the driver's English error.
import { expect, it } from 'vitest';
import { freePort, requireBuiltCli, runCli } from './fault-support.js';

it('tells the user the database is unavailable when nothing listens at DATABASE_URL', async () => {
  requireBuiltCli();
  const port = await freePort(); // free: nothing listens there
  const r = await runCli(
    ['registry', 'check'],
    { DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/canbao` },
    [3],
  );
  expect(r.stderr).toMatch(/^错误：数据库暂时不可用，请稍后重试（.*ECONNREFUSED.*）/);
}, 60_000);
