// `canbao db status` over HTTP for administrators: which database this server uses, which schema
// migrations are applied or pending, and how many rows the main tables hold.
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { type AppDeps, needDb } from '../http/app.js';
import { describeTarget } from './db.commands.js';
import { migrationStatus } from './migrator.js';

/** The tables whose size tells an administrator how far the campaign's data has come. */
const COUNTED: readonly [table: string, name: string][] = [
  ['regions', '区划'],
  ['persons', '人员'],
  ['households', '户'],
  ['person_identities', '身份记录'],
  ['assessments', '核定结果'],
  ['enrollments', '参保登记'],
  ['payments', '缴费'],
  ['refunds', '退费'],
  ['tax_payments', '税务缴费记录'],
  ['users', '用户'],
  ['audit_log', '审计日志'],
];

export function registerDbRoutes(app: FastifyInstance, deps: Pick<AppDeps, 'db'>): void {
  app.get(
    '/api/system/db',
    { schema: { summary: '数据库状态：类型、结构迁移、主要数据量', tags: ['系统'] } },
    async () => {
      const db = needDb(deps);
      const migrations = (await migrationStatus(db.db)).map((m) => ({
        id: `${String(m.version).padStart(3, '0')}_${m.name}`,
        appliedAt: m.appliedAt?.toISOString() ?? null,
      }));
      const counts = [];
      for (const [table, name] of COUNTED) {
        const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(db.db);
        counts.push({ table, name, rows: r.rows[0]!.n });
      }
      return {
        kind: db.kind,
        description: describeTarget(db.kind),
        migrations,
        pending: migrations.filter((m) => m.appliedAt === null).length,
        counts,
      };
    },
  );
}
