// Numbered migrations recorded in schema_migrations. Each runs in its own transaction under
// an advisory lock, so two processes starting at once apply each migration exactly once.
import { type Kysely, sql } from 'kysely';
import type { Database } from './database.js';
import { migrations as allMigrations } from './migrations/index.js';

export interface Migration {
  /** "NNN_name": the number is the version and fixes the order. */
  id: string;
  up(db: Kysely<unknown>): Promise<void>;
}

export interface MigrationStatus {
  version: number;
  name: string;
  appliedAt: Date | null;
}

const LOCK_KEY = 7_242_801; // any constant; identifies canbao's migration lock

function parseId(id: string): { version: number; name: string } {
  const m = /^(\d{3,})_([a-z0-9_]+)$/.exec(id);
  if (!m) throw new Error(`迁移编号不合法：${id}（应为 NNN_名称，如 002_persons）`);
  return { version: Number(m[1]), name: m[2]! };
}

/** Check the list: numbered, strictly increasing, no duplicates. */
export function orderedMigrations(list: readonly Migration[] = allMigrations) {
  const parsed = list.map((m) => ({ ...parseId(m.id), up: m.up }));
  for (let i = 1; i < parsed.length; i++) {
    if (parsed[i]!.version <= parsed[i - 1]!.version) {
      throw new Error(
        `迁移列表顺序错误：${list[i]!.id} 排在 ${list[i - 1]!.id} 之后（src/db/migrations/index.ts 须按编号递增）`,
      );
    }
  }
  return parsed;
}

async function ensureTable(db: Kysely<Database>): Promise<void> {
  // Under the lock: concurrent CREATE TABLE IF NOT EXISTS can still collide in PostgreSQL.
  await db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(${LOCK_KEY})`.execute(trx);
    await sql`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )
    `.execute(trx);
  });
}

export async function migrationStatus(
  db: Kysely<Database>,
  list: readonly Migration[] = allMigrations,
): Promise<MigrationStatus[]> {
  await ensureTable(db);
  const applied = await db.selectFrom('schema_migrations').selectAll().orderBy('version').execute();
  const byVersion = new Map(applied.map((r) => [r.version, r]));
  const known = orderedMigrations(list);
  const out: MigrationStatus[] = known.map((m) => ({
    version: m.version,
    name: m.name,
    appliedAt: byVersion.get(m.version)?.applied_at ?? null,
  }));
  // Applied in the database but unknown to this code (a newer version ran against it).
  for (const r of applied) {
    if (!known.some((m) => m.version === r.version)) {
      out.push({ version: r.version, name: `${r.name}（本程序未知）`, appliedAt: r.applied_at });
    }
  }
  return out.sort((a, b) => a.version - b.version);
}

/** Apply every pending migration in order; returns the ids applied. */
export async function runMigrations(
  db: Kysely<Database>,
  list: readonly Migration[] = allMigrations,
): Promise<string[]> {
  const ordered = orderedMigrations(list);
  await ensureTable(db);
  const appliedNow: string[] = [];
  for (const m of ordered) {
    const done = await db.transaction().execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(${LOCK_KEY})`.execute(trx);
      const exists = await trx
        .selectFrom('schema_migrations')
        .select('version')
        .where('version', '=', m.version)
        .executeTakeFirst();
      if (exists) return false;
      try {
        // Migrations see no table types: they describe the schema as it was at their time.
        await m.up(trx as unknown as Kysely<unknown>);
      } catch (e) {
        const reason = e instanceof Error ? e.message : String(e);
        throw new Error(`迁移 ${String(m.version).padStart(3, '0')}_${m.name} 失败：${reason}`, { cause: e });
      }
      await trx.insertInto('schema_migrations').values({ version: m.version, name: m.name }).execute();
      return true;
    });
    if (done) appliedNow.push(`${String(m.version).padStart(3, '0')}_${m.name}`);
  }
  return appliedNow;
}
