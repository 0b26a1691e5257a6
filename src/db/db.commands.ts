import type { Command } from 'commander';
import { printJson } from '../cli/output.js';
import { formatYuan } from '../policy/money.js';
import {
  type BackupManifest,
  backupDatabase,
  manifestPath,
  restorePglite,
  restoreServer,
} from './backup.service.js';
import { openDatabase } from './connection.js';
import { migrationStatus, runMigrations } from './migrator.js';

export function describeTarget(kind: 'pglite' | 'server'): string {
  return kind === 'server'
    ? 'PostgreSQL 服务器（DATABASE_URL）'
    : `内置 PGlite（${process.env.CANBAO_DATA_DIR ?? './data/pglite'}）`;
}

export function registerDbCommands(program: Command): void {
  const db = program.command('db').description('数据库：结构迁移、状态、备份与恢复');

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

  db.command('backup')
    .description(
      '备份整个数据库：服务器用 pg_dump 自定义格式，内置 PGlite 复制数据目录；另写 <文件>.json 说明',
    )
    .argument('<文件>', '备份文件路径，如 backup/canbao-2025-01-01.dump')
    .option('--json', '以 JSON 输出说明')
    .action(async (file: string, o: { json?: boolean }) => {
      const handle = await openDatabase();
      try {
        const started = Date.now();
        const manifest = await backupDatabase(handle, file);
        if (o.json) return printJson(manifest);
        process.stdout.write(`数据库：${describeTarget(handle.kind)}\n`);
        process.stdout.write(
          `备份已写入 ${file}（${formatBytes(manifest.bytes)}，用时 ${((Date.now() - started) / 1000).toFixed(1)} 秒），说明文件 ${manifestPath(file)}\n`,
        );
        process.stdout.write(describeFigures(manifest));
      } finally {
        await handle.close();
      }
    });

  db.command('restore')
    .description(
      '从 canbao db backup 的备份恢复：服务器恢复到 DATABASE_URL 的空库，PGlite 恢复到 CANBAO_DATA_DIR 的空目录（请先停止服务）',
    )
    .argument('<文件>', '备份文件（其旁的 <文件>.json 用于核对）')
    .option('--force', '目标不是空的也恢复：服务器清空 public 模式，PGlite 把原数据目录改名保留')
    .option('--json', '以 JSON 输出结果')
    .action(async (file: string, o: { force?: boolean; json?: boolean }) => {
      const url = process.env.DATABASE_URL;
      const result = url
        ? await restoreServer(url, file, o.force ?? false)
        : await restorePglite(process.env.CANBAO_DATA_DIR ?? './data/pglite', file, o.force ?? false);
      if (result.mismatches.length > 0) process.exitCode = 2;
      if (o.json) return printJson(result);
      const out = (line: string) => process.stdout.write(`${line}\n`);
      for (const w of result.warnings) out(`注意：${w}`);
      if (result.movedAside) out(`原数据目录已改名保留：${result.movedAside}`);
      out(
        `已从 ${file} 恢复到 ${result.kind === 'server' ? `PostgreSQL 服务器 ${result.target}` : `PGlite 数据目录 ${result.target}`}`,
      );
      if (result.manifest) out(`备份时间 ${result.manifest.createdAt}`);
      process.stdout.write(describeFigures({ ...result, migration: result.migration }));
      if (result.mismatches.length > 0) {
        out('恢复后的数据与备份说明不符：');
        for (const m of result.mismatches) out(`  ${m}`);
      } else if (result.manifest) out('各表行数和缴费合计与备份说明一致。');
    });
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${n} 字节`;
}

const TABLE_NAMES: Record<string, string> = {
  regions: '区划',
  persons: '人员',
  households: '户',
  person_identities: '身份记录',
  assessments: '核定结果',
  enrollments: '参保登记',
  payments: '缴费',
  refunds: '退费',
  tax_payments: '税务缴费记录',
  users: '用户',
  import_runs: '导入批次',
  jobs: '后台任务',
  audit_log: '审计日志',
};

function describeFigures(f: Pick<BackupManifest, 'migration' | 'counts' | 'paymentsFen'>): string {
  const counts = Object.entries(f.counts)
    .map(([t, n]) => `${TABLE_NAMES[t] ?? t} ${n.toLocaleString('en-US')}`)
    .join('，');
  return `结构迁移：${f.migration ?? '无'}\n行数：${counts}\n缴费合计：${formatYuan(f.paymentsFen)}\n`;
}
