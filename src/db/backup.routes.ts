// POST /api/system/backup for administrators: the same backup as `canbao db backup`, written into the
// backup directory on the server's machine (CANBAO_BACKUP_DIR; else `backups` beside the PGlite data
// directory, ./data/backups by default). Restoring stays a command: it needs the service stopped.
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type AppDeps, needDb } from '../http/app.js';
import { backupDatabase } from './backup.service.js';

export function backupDir(): string {
  if (process.env.CANBAO_BACKUP_DIR) return resolve(process.env.CANBAO_BACKUP_DIR);
  const dataDir = process.env.CANBAO_DATA_DIR;
  if (!process.env.DATABASE_URL && dataDir && !dataDir.startsWith('memory://'))
    return join(dirname(resolve(dataDir)), 'backups');
  return resolve('data', 'backups');
}

export function registerBackupRoutes(app: FastifyInstance, deps: Pick<AppDeps, 'db'>): void {
  app.post(
    '/api/system/backup',
    {
      schema: {
        summary: '备份整个数据库到服务器的备份目录（与 canbao db backup 相同；恢复请用命令行）',
        tags: ['系统'],
      },
    },
    async (_request, reply) => {
      const db = needDb(deps);
      const dir = backupDir();
      await mkdir(dir, { recursive: true });
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const file = join(dir, `canbao-${db.kind}-${stamp}${db.kind === 'server' ? '.dump' : '.tar.gz'}`);
      const manifest = await backupDatabase(db, file);
      return reply.status(201).send({ ...manifest, directory: dir });
    },
  );
}
