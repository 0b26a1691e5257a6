// Township phase targets (阶段性目标): the county sets, per township and date, the coverage rate it
// must reach. Setting the same township and date again replaces the rate; every change is audited.
import { sql } from 'kysely';
import { audit } from '../audit/audit-log.js';
import type { DatabaseHandle, DbSession } from '../db/connection.js';
import { regionPrefix } from '../policy/pack-loader.js';
import { checkDate, reportError } from './report-scope.js';

export interface TargetInput {
  region: string;
  year: number;
  dueOn: string;
  ratePercent: number;
  actor: string;
}

export interface TownshipTarget {
  region: string;
  name: string | null;
  year: number;
  dueOn: string;
  ratePercent: number;
}

export async function setTownshipTarget(handle: DatabaseHandle, t: TargetInput): Promise<TownshipTarget> {
  if (!/^\d{9}$/.test(t.region))
    throw reportError(
      'bad-region',
      'region',
      `阶段目标按乡镇（街道）设置，应为 9 位区划代码，收到“${t.region}”`,
    );
  checkDate(t.dueOn, 'due');
  if (!Number.isFinite(t.ratePercent) || t.ratePercent <= 0 || t.ratePercent > 100)
    throw reportError('bad-rate', 'rate', `目标参保率应在 0 至 100 之间，收到“${t.ratePercent}”`);
  return handle.transaction(async (tx) => {
    const region = await sql<{ name: string; level: number }>`
      SELECT name, level FROM regions WHERE code = ${t.region}`.execute(tx.db);
    if (!region.rows[0])
      throw reportError('no-region', 'region', `区划代码 ${t.region} 不存在，请先导入区划`);
    const before = await sql<{ rate_percent: string }>`
      SELECT rate_percent::text FROM township_targets
      WHERE region_code = ${t.region} AND year = ${t.year} AND due_on = ${t.dueOn}`.execute(tx.db);
    await sql`
      INSERT INTO township_targets (region_code, county_code, year, due_on, rate_percent, set_by)
      VALUES (${t.region}, ${t.region.slice(0, 6)}, ${t.year}, ${t.dueOn}, ${t.ratePercent}, ${t.actor})
      ON CONFLICT (region_code, year, due_on) DO UPDATE SET rate_percent = excluded.rate_percent,
        set_by = excluded.set_by, set_at = now()`.execute(tx.db);
    await audit(tx, {
      actor: t.actor,
      action: 'report.target.set',
      entity: 'township_target',
      entityId: `${t.region}-${t.year}-${t.dueOn}`,
      countyCode: t.region.slice(0, 6),
      before: before.rows[0] ? { ratePercent: Number(before.rows[0].rate_percent) } : undefined,
      after: { ratePercent: t.ratePercent },
    });
    return {
      region: t.region,
      name: region.rows[0].name,
      year: t.year,
      dueOn: t.dueOn,
      ratePercent: t.ratePercent,
    };
  });
}

export async function listTownshipTargets(
  db: DbSession,
  region: string,
  year: number,
): Promise<TownshipTarget[]> {
  const { rows } = await sql<{
    region_code: string;
    name: string | null;
    due_on: string;
    rate_percent: string;
  }>`
    SELECT t.region_code, r.name, to_char(t.due_on, 'YYYY-MM-DD') AS due_on, t.rate_percent::text
    FROM township_targets t LEFT JOIN regions r ON r.code = t.region_code
    WHERE t.region_code LIKE ${`${region.length === 6 ? regionPrefix(region) : region}%`} AND t.year = ${year}
    ORDER BY t.region_code, t.due_on`.execute(db.db);
  return rows.map((r) => ({
    region: r.region_code,
    name: r.name,
    year,
    dueOn: r.due_on,
    ratePercent: Number(r.rate_percent),
  }));
}
