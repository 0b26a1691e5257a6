// `canbao db backup` / `db restore`: on a PostgreSQL server a pg_dump custom-format archive (so a
// DBA can also read it with pg_restore), on PGlite the data directory as PGlite's own gzip tarball.
// Beside the archive, <file>.json says what it holds (kind, time, schema migration, row counts, the
// sum of payments, its size and SHA-256), so a restore can refuse the wrong kind, a newer schema or a
// damaged file before touching anything, and check the restored database against it afterwards.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, delimiter, join, resolve } from 'node:path';
import { sql } from 'kysely';
import { refuse } from '../policy/outcome.js';
import { type DatabaseHandle, type DatabaseKind, type DbSession, openDatabase } from './connection.js';
import { refuseIfDataDirInUse } from './data-dir-lock.js';
import { migrations } from './migrations/index.js';

export interface BackupManifest {
  format: 'canbao-backup';
  version: 1;
  kind: DatabaseKind;
  createdAt: string;
  /** The newest schema migration applied in the backed-up database, e.g. "023_person_detail_function". */
  migration: string | null;
  file: string;
  bytes: number;
  sha256: string;
  /** Rows per table, as of the backup's snapshot. */
  counts: Record<string, number>;
  /** Sum of payments.amount_fen (fen). */
  paymentsFen: number;
}

/** The tables whose rows a backup counts and a restore checks; a table not yet created is skipped. */
export const BACKUP_COUNTED = [
  'regions',
  'persons',
  'households',
  'person_identities',
  'assessments',
  'enrollments',
  'payments',
  'refunds',
  'tax_payments',
  'users',
  'import_runs',
  'jobs',
  'audit_log',
] as const;

export const manifestPath = (file: string): string => `${file}.json`;

/** Rows per table and the payments sum, read in `db`'s snapshot. */
export async function databaseFigures(
  db: DbSession['db'],
): Promise<{ counts: Record<string, number>; paymentsFen: number; migration: string | null }> {
  const counts: Record<string, number> = {};
  for (const table of BACKUP_COUNTED) {
    const exists = await sql<{
      t: string | null;
    }>`SELECT to_regclass(${`public.${table}`})::text AS t`.execute(db);
    if (!exists.rows[0]?.t) continue;
    const r = await sql<{ n: number }>`SELECT count(*)::bigint AS n FROM ${sql.table(table)}`.execute(db);
    counts[table] = Number(r.rows[0]!.n);
  }
  let paymentsFen = 0;
  if (counts.payments !== undefined) {
    const r = await sql<{
      s: number;
    }>`SELECT COALESCE(sum(amount_fen), 0)::bigint AS s FROM payments`.execute(db);
    paymentsFen = Number(r.rows[0]!.s);
  }
  // Read, not migrationStatus(): that creates the table, and a backup reads in a read-only snapshot.
  let migration: string | null = null;
  const hasMigrations = await sql<{
    t: string | null;
  }>`SELECT to_regclass('public.schema_migrations')::text AS t`.execute(db);
  if (hasMigrations.rows[0]?.t) {
    const last = await sql<{ version: number; name: string }>`
      SELECT version, name FROM schema_migrations ORDER BY version DESC LIMIT 1`.execute(db);
    const m = last.rows[0];
    if (m) migration = `${String(m.version).padStart(3, '0')}_${m.name}`;
  }
  return { counts, paymentsFen, migration };
}

// ---- PostgreSQL client tools ---------------------------------------------------------------

/** pg_dump / pg_restore: CANBAO_PG_BIN, then PATH, then the newest /usr/lib/postgresql/<n>/bin. */
export function findPgTool(name: 'pg_dump' | 'pg_restore'): string {
  const dirs = [
    ...(process.env.CANBAO_PG_BIN ? [process.env.CANBAO_PG_BIN] : []),
    ...(process.env.PATH ?? '').split(delimiter).filter(Boolean),
  ];
  try {
    const versions = readdirSync('/usr/lib/postgresql')
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    dirs.push(...versions.map((v) => `/usr/lib/postgresql/${v}/bin`));
  } catch {
    // No Debian PostgreSQL packages: PATH only.
  }
  for (const dir of dirs) {
    const path = join(dir, name);
    if (existsSync(path) && statSync(path).isFile()) return path;
  }
  return refuse(
    'pg-tool-missing',
    name,
    `未找到 ${name}：请安装 PostgreSQL 客户端工具（如 apt-get install postgresql-client，版本不低于服务器），或用环境变量 CANBAO_PG_BIN 指定其所在目录`,
  );
}

/** The URL without its password, and the password for PGPASSWORD: keeps it out of the process list. */
function connectionFor(url: string): { url: string; env: NodeJS.ProcessEnv } {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = '';
  return { url: u.toString(), env: password ? { ...process.env, PGPASSWORD: password } : process.env };
}

function runTool(command: string, args: string[], env: NodeJS.ProcessEnv, what: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString('utf8')).slice(-4000);
    });
    child.on('error', (e) => reject(e));
    child.on('close', (code, signal) => {
      if (code === 0) return resolvePromise();
      try {
        refuse(
          `${basename(command)}-failed`,
          what,
          `${basename(command)} 失败（${signal ?? `退出码 ${code}`}）：${stderr.trim() || '无输出'}`,
        );
      } catch (e) {
        reject(e);
      }
    });
  });
}

// ---- files -----------------------------------------------------------------------------------

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** What the first bytes say: a pg_dump custom archive, a PGlite tarball (gzip or plain tar), or neither. */
export async function sniffBackup(file: string): Promise<DatabaseKind | null> {
  const fh = await open(file, 'r');
  try {
    const head = Buffer.alloc(512);
    const { bytesRead } = await fh.read(head, 0, 512, 0);
    if (bytesRead >= 5 && head.subarray(0, 5).toString('latin1') === 'PGDMP') return 'server';
    if (bytesRead >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'pglite';
    if (bytesRead >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar') return 'pglite';
    return null;
  } finally {
    await fh.close();
  }
}

const KIND_NAMES: Record<DatabaseKind, string> = {
  server: 'PostgreSQL 服务器的备份（pg_dump 自定义格式）',
  pglite: '内置数据库 PGlite 的数据目录备份',
};

const HOW_TO_TARGET: Record<DatabaseKind, string> = {
  server: '请设置 DATABASE_URL 指向要恢复到的服务器数据库后再运行',
  pglite: '请取消 DATABASE_URL，并用 CANBAO_DATA_DIR 指定要恢复到的数据目录后再运行',
};

const latestKnownVersion = (): number => Math.max(...migrations.map((m) => Number(m.id.slice(0, 3))));

/**
 * Check a backup before restoring it into `target`: the file exists, is a backup of that kind, matches
 * its description (size and SHA-256) and is not from a newer schema than this program knows.
 */
export async function checkBackup(
  file: string,
  target: DatabaseKind,
): Promise<{ manifest: BackupManifest | null; warnings: string[] }> {
  if (!existsSync(file)) refuse('backup-missing', file, `备份文件不存在：${file}`);
  if (!statSync(file).isFile()) refuse('backup-missing', file, `不是文件：${file}`);
  const kind = await sniffBackup(file);
  if (!kind)
    refuse(
      'backup-format',
      file,
      '不是 canbao 的备份文件：既不是 pg_dump 自定义格式，也不是 PGlite 数据目录备份（文件可能损坏或选错了）',
    );
  if (kind !== target)
    refuse(
      'backup-kind',
      file,
      `这是${KIND_NAMES[kind!]}，而当前数据库是${target === 'server' ? ' PostgreSQL 服务器' : '内置数据库 PGlite'}：${HOW_TO_TARGET[kind!]}`,
    );
  const warnings: string[] = [];
  let manifest: BackupManifest | null = null;
  const mPath = manifestPath(file);
  if (!existsSync(mPath)) {
    warnings.push(`没有找到说明文件 ${mPath}：无法核对文件是否完整，恢复后也无法核对行数`);
    return { manifest, warnings };
  }
  try {
    manifest = JSON.parse(await readFile(mPath, 'utf8')) as BackupManifest;
  } catch {
    refuse('backup-manifest', mPath, `说明文件 ${mPath} 不是有效的 JSON（已损坏？）`);
  }
  if (manifest!.format !== 'canbao-backup' || manifest!.kind !== kind)
    refuse('backup-manifest', mPath, `说明文件 ${mPath} 与备份文件不符（格式或数据库类型不同）`);
  const size = (await stat(file)).size;
  if (size !== manifest!.bytes || (await sha256Of(file)) !== manifest!.sha256)
    refuse(
      'backup-damaged',
      file,
      `备份文件与说明不符（应为 ${manifest!.bytes} 字节，实际 ${size} 字节，或校验和不同）：文件不完整或已损坏，请换一份备份`,
    );
  const version = manifest!.migration ? Number(manifest!.migration.slice(0, 3)) : 0;
  if (version > latestKnownVersion())
    refuse(
      'backup-newer',
      file,
      `备份来自较新版本的 canbao（结构迁移 ${manifest!.migration}），本程序只认识到 ${String(latestKnownVersion()).padStart(3, '0')}：请用新版本恢复`,
    );
  return { manifest, warnings };
}

// ---- backup ----------------------------------------------------------------------------------

/** Back up the open database into `file` (and `file`.json). The archive appears only when complete. */
export async function backupDatabase(handle: DatabaseHandle, file: string): Promise<BackupManifest> {
  const target = resolve(file);
  const partial = `${target}.partial`;
  let figures: Awaited<ReturnType<typeof databaseFigures>>;
  try {
    if (handle.kind === 'server') {
      const pgDump = findPgTool('pg_dump');
      const url = serverUrl(handle);
      // The counts and the dump read one snapshot: pg_dump joins the transaction's exported snapshot,
      // so the description matches the archive even while the service keeps taking payments.
      figures = await handle.transaction(async (tx) => {
        await sql`SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY`.execute(tx.db);
        const snap = await sql<{ id: string }>`SELECT pg_export_snapshot() AS id`.execute(tx.db);
        const f = await databaseFigures(tx.db);
        const c = connectionFor(url);
        await runTool(
          pgDump,
          ['--format=custom', `--snapshot=${snap.rows[0]!.id}`, `--file=${partial}`, `--dbname=${c.url}`],
          c.env,
          '备份',
        );
        return f;
      });
    } else {
      if (!handle.dumpDataDir) throw new Error('PGlite handle without dumpDataDir');
      figures = await databaseFigures(handle.db);
      const blob = await handle.dumpDataDir();
      await writeFile(partial, new Uint8Array(await blob.arrayBuffer()));
    }
    const manifest: BackupManifest = {
      format: 'canbao-backup',
      version: 1,
      kind: handle.kind,
      createdAt: new Date().toISOString(),
      migration: figures.migration,
      file: basename(target),
      bytes: (await stat(partial)).size,
      sha256: await sha256Of(partial),
      counts: figures.counts,
      paymentsFen: figures.paymentsFen,
    };
    await rename(partial, target);
    await writeFile(manifestPath(target), `${JSON.stringify(manifest, null, 2)}\n`);
    return manifest;
  } catch (e) {
    await rm(partial, { force: true });
    throw e;
  }
}

/** The server handle's connection URL: the backup needs it for pg_dump. */
function serverUrl(handle: DatabaseHandle): string {
  const url = handle.url ?? process.env.DATABASE_URL;
  if (!url) throw new Error('server handle without URL');
  return url;
}

// ---- restore ---------------------------------------------------------------------------------

export interface RestoreResult {
  kind: DatabaseKind;
  target: string;
  manifest: BackupManifest | null;
  warnings: string[];
  /** Rows per table after the restore, and the payments sum. */
  counts: Record<string, number>;
  paymentsFen: number;
  migration: string | null;
  /** Tables whose rows differ from the description (empty when all match). */
  mismatches: string[];
  /** PGlite with --force: where the previous data directory was moved. */
  movedAside?: string;
}

function compare(manifest: BackupManifest | null, f: Awaited<ReturnType<typeof databaseFigures>>): string[] {
  if (!manifest) return [];
  const out: string[] = [];
  for (const [table, n] of Object.entries(manifest.counts))
    if (f.counts[table] !== n) out.push(`${table}：备份时 ${n} 行，恢复后 ${f.counts[table] ?? '无此表'}`);
  if (manifest.paymentsFen !== f.paymentsFen)
    out.push(`缴费合计：备份时 ${manifest.paymentsFen} 分，恢复后 ${f.paymentsFen} 分`);
  return out;
}

/**
 * Restore into the server database `url`. It must hold no tables unless `force`, which drops the
 * public schema first. pg_restore runs as one transaction: a failed restore leaves the database as it was.
 */
export async function restoreServer(url: string, file: string, force = false): Promise<RestoreResult> {
  const { manifest, warnings } = await checkBackup(file, 'server');
  const pgRestore = findPgTool('pg_restore');
  const handle = await openDatabase({ databaseUrl: url, migrate: false, poolSize: 2 });
  try {
    const tables = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`.execute(
      handle.db,
    );
    const n = tables.rows[0]!.n;
    if (n > 0 && !force)
      refuse(
        'target-not-empty',
        'DATABASE_URL',
        `目标数据库不是空库（已有 ${n} 张表）：请恢复到新建的空数据库，或加 --force 清空后恢复（会删除其中全部数据）`,
      );
    if (n > 0) {
      await sql`DROP SCHEMA public CASCADE`.execute(handle.db);
      await sql`CREATE SCHEMA public`.execute(handle.db);
    }
    const c = connectionFor(url);
    await runTool(
      pgRestore,
      [
        '--no-owner',
        '--no-privileges',
        '--single-transaction',
        '--exit-on-error',
        `--dbname=${c.url}`,
        resolve(file),
      ],
      c.env,
      '恢复',
    );
    const f = await databaseFigures(handle.db);
    return {
      kind: 'server',
      target: describeUrl(url),
      manifest,
      warnings,
      ...f,
      mismatches: compare(manifest, f),
    };
  } finally {
    await handle.close();
  }
}

/** host:port/database, without user or password, for messages. */
function describeUrl(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || 5432}${u.pathname}`;
}

/**
 * Restore a PGlite backup into the data directory `dataDir`: it must be missing or empty unless
 * `force`, which moves the existing directory aside (never deletes it) and restores into a new one.
 */
export async function restorePglite(dataDir: string, file: string, force = false): Promise<RestoreResult> {
  const { manifest, warnings } = await checkBackup(file, 'pglite');
  const dir = resolve(dataDir);
  // Before moving anything: a running service holds the directory.
  refuseIfDataDirInUse(dir);
  let movedAside: string | undefined;
  if (existsSync(dir) && (await readdir(dir)).length > 0) {
    if (!force)
      refuse(
        'target-not-empty',
        'CANBAO_DATA_DIR',
        `数据目录 ${dir} 不是空的：请用 CANBAO_DATA_DIR 指定一个新的（空）目录，或加 --force（原目录会改名保留，不会删除）`,
      );
    movedAside = `${dir}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    await rename(dir, movedAside);
  }
  const blob = new Blob([await readFile(file)]);
  const handle = await openDatabase({ databaseUrl: '', dataDir: dir, loadDataDir: blob, migrate: false });
  try {
    const f = await databaseFigures(handle.db);
    return {
      kind: 'pglite',
      target: dir,
      manifest,
      warnings,
      ...f,
      mismatches: compare(manifest, f),
      ...(movedAside ? { movedAside } : {}),
    };
  } finally {
    await handle.close();
  }
}
