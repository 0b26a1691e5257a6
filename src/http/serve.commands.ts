// `canbao serve`: the HTTP API (and, later, the web application) on one port, on the same database
// the CLI uses.
import type { Command } from 'commander';
import { print } from '../cli/output.js';
import { openDatabase } from '../db/connection.js';
import { shippedPacks } from '../policy/pack-loader.js';
import { buildApp } from './app.js';

export function registerServeCommands(program: Command): void {
  program
    .command('serve')
    .description('启动 HTTP 服务（接口文档见 /api/docs）')
    .option('--port <端口>', '监听端口', process.env.PORT ?? '8080')
    .option('--host <地址>', '监听地址', process.env.HOST ?? '127.0.0.1')
    .action(async (o: { port: string; host: string }) => {
      const db = await openDatabase();
      const app = await buildApp({
        packs: shippedPacks(),
        db,
        auth: { secureCookies: process.env.CANBAO_SECURE_COOKIES === '1' },
      });
      app.addHook('onClose', () => db.close());
      const address = await app.listen({ port: Number(o.port), host: o.host });
      print(`canbao 已启动：${address}（接口文档 ${address}/api/docs）。按 Ctrl+C 停止。`);
      const stop = () => void app.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
