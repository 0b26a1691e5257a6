import type { Command } from 'commander';
import { openDatabase } from './connection.js';
import { migrationStatus, runMigrations } from './migrator.js';

export function describeTarget(kind: 'pglite' | 'server'): string {
  return kind === 'server'
    ? 'PostgreSQL 服务器（DATABASE_URL）'
    : `内置 PGlite（${process.env.CANBAO_DATA_DIR ?? './data/pglite'}）`;
}

export function registerDbCommands(program: Command): void {
  const db = program.command('db').description('数据库：结构迁移与状态');

  db.command('migrate')
    .description('应用全部未执行的结构迁移')
    .action(async () => {
      const handle = await openDatabase({ migrate: false });
      try {
        const applied = await runMigrations(handle.db);
        process.stdout.write(`数据库：${describeTarget(handle.kind)}\n`);
        if (applied.length === 0) process.stdout.write('没有待执行的迁移，结构已是最新。\n');
        for (const id of applied) process.stdout.write(`已执行迁移 ${id}\n`);
      } finally {
        await handle.close();
      }
    });

  db.command('status')
    .description('列出已执行和待执行的结构迁移')
    .action(async () => {
      const handle = await openDatabase({ migrate: false });
      try {
        const status = await migrationStatus(handle.db);
        process.stdout.write(`数据库：${describeTarget(handle.kind)}\n`);
        for (const m of status) {
          const id = `${String(m.version).padStart(3, '0')}_${m.name}`;
          const state = m.appliedAt ? `已执行 ${m.appliedAt.toISOString()}` : '待执行';
          process.stdout.write(`${id.padEnd(32)} ${state}\n`);
        }
        const pending = status.filter((m) => !m.appliedAt).length;
        process.stdout.write(
          pending ? `共 ${pending} 个待执行，运行 canbao db migrate 执行。\n` : '结构已是最新。\n',
        );
      } finally {
        await handle.close();
      }
    });
}
