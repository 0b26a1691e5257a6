// One process per PGlite data directory. PGlite is PostgreSQL in this process's memory: a second
// process opening the same directory (a `canbao db backup` or `registry import` while `canbao serve`
// runs) would read half-written files and write over the first one's. The lock is a file beside the
// directory (`<dir>.lock`, never inside, so a backup of the directory does not carry it) holding the
// owner's process id; a lock whose process is gone (killed, crashed) is taken over.
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { refuse } from '../policy/outcome.js';

export const lockPath = (dataDir: string): string => `${dataDir}.lock`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The process holding `dataDir`, other than this one, or null. */
export function dataDirOwner(dataDir: string): number | null {
  try {
    const pid = Number(readFileSync(lockPath(dataDir), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid) ? pid : null;
  } catch {
    return null;
  }
}

export function refuseIfDataDirInUse(dataDir: string): void {
  const owner = dataDirOwner(dataDir);
  if (owner !== null)
    refuse(
      'data-dir-in-use',
      'CANBAO_DATA_DIR',
      `内置数据库的数据目录 ${dataDir} 正被进程 ${owner} 使用（可能是 canbao serve）：内置数据库同一时间只能由一个进程打开。` +
        '请先停止该进程；服务运行时可在网页或接口上操作（备份用 POST /api/system/backup），多人同时使用请改用 PostgreSQL 服务器（DATABASE_URL）',
    );
}

/** Take the directory for this process; returns the release function. */
export function lockDataDir(dataDir: string): () => void {
  refuseIfDataDirInUse(dataDir);
  const path = lockPath(dataDir);
  writeFileSync(path, String(process.pid));
  return () => {
    try {
      if (readFileSync(path, 'utf8').trim() === String(process.pid)) unlinkSync(path);
    } catch {
      // Already gone.
    }
  };
}
