// `canbao serve`: the HTTP API and the web application on one port, on the same database the CLI
// uses. `canbao start` calls serveHttp too, after preparing the demo database.
import type { Command } from 'commander';
import { print } from '../cli/output.js';
import { openDatabase } from '../db/connection.js';
import { OutcomeError } from '../policy/outcome.js';
import { shippedPacks } from '../policy/pack-loader.js';
import { DEFAULT_WEB_ROOT, hasWebAssets } from './web-assets.js';

export interface ServeOptions {
  port: string;
  host: string;
}

export const DEFAULT_PORT = process.env.PORT ?? '8080';
export const DEFAULT_HOST = process.env.HOST ?? '127.0.0.1';

/** Starts the server until Ctrl+C and prints the address to open. */
export async function serveHttp(o: ServeOptions): Promise<string> {
  // The HTTP stack is loaded only here: the other commands (an import above all) run without it.
  const { buildApp } = await import('./app.js');
  const db = await openDatabase();
  const app = await buildApp({
    packs: shippedPacks(),
    db,
    auth: { secureCookies: process.env.CANBAO_SECURE_COOKIES === '1' },
  });
  app.addHook('onClose', () => db.close());
  let address: string;
  try {
    address = await app.listen({ port: Number(o.port), host: o.host });
  } catch (e) {
    await app.close();
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new OutcomeError([
        {
          severity: 'error',
          code: 'port-in-use',
          expression: 'port',
          message: `端口 ${o.port} 已被占用：请关闭占用它的程序，或用 --port 指定其他端口（也可设环境变量 PORT）`,
        },
      ]);
    throw e;
  }
  const web = hasWebAssets(DEFAULT_WEB_ROOT)
    ? `请在浏览器中打开 ${address}`
    : '网页界面尚未构建（npm run build），目前只有接口';
  print(`canbao 已启动：${web}（接口文档 ${address}/api/docs）。按 Ctrl+C 停止。`);
  const stop = () => void app.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return address;
}

export function registerServeCommands(program: Command): void {
  program
    .command('serve')
    .description('启动网页管理界面和 HTTP 接口（接口文档见 /api/docs）')
    .option('--port <端口>', '监听端口', DEFAULT_PORT)
    .option('--host <地址>', '监听地址', DEFAULT_HOST)
    .action(async (o: ServeOptions) => {
      await serveHttp(o);
    });
}
