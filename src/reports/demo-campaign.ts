// `canbao demo campaign`: a realistic mid-campaign state for the reports. For every assessed person
// of the region-year, a deterministic draw from md5(seed:year:person) decides whether and on which
// day of the collection period they enroll: hardship groups (a subsidy on their assessment) about
// 97% and early in the period, everyone else about 80%, most of them in the first months. Everything drawn on or
// before the as-of date is written, set-based (two INSERT … SELECT), so a later as-of only adds
// people and re-running the same one changes nothing.
import { sql } from 'kysely';
import { audit } from '../audit/audit-log.js';
import type { DatabaseHandle } from '../db/connection.js';
import { addDays, daysBetween } from '../policy/dates.js';
import type { PackRegistry } from '../policy/pack-loader.js';
import { regionPrefix } from '../policy/pack-loader.js';
import { checkDate, reportError } from './report-scope.js';

export interface DemoCampaignOptions {
  region: string;
  year: number;
  asOf: string;
  seed?: string;
  actor: string;
}

export interface DemoCampaignResult {
  region: string;
  year: number;
  asOf: string;
  payments: number;
  enrollments: number;
  /** Enrolled for the year in the region after this run (all sources). */
  enrolledTotal: number;
  assessed: number;
}

const SCALE = 65_536;
/** Final shares at the end of the collection period, as integers of 2¹⁶ (compared in SQL). */
const HARDSHIP_SHARE = Math.ceil(0.97 * SCALE);
const OTHER_SHARE = Math.ceil(0.8 * SCALE);
const S2 = SCALE ** 2;
const S3 = SCALE ** 3;

export async function demoCampaign(
  handle: DatabaseHandle,
  packs: PackRegistry,
  o: DemoCampaignOptions,
): Promise<DemoCampaignResult> {
  if (!/^\d{6}$/.test(o.region))
    throw reportError('bad-region', '--region', `地区代码应为 6 位区划代码，收到“${o.region}”`);
  const asOf = checkDate(o.asOf, '--as-of');
  const resolved = packs.find(o.region, o.year);
  if (!resolved) throw reportError('no-pack', '--region', `没有覆盖地区 ${o.region} ${o.year} 年度的政策包`);
  const { collection, benefit, channels } = resolved.pack;
  if (!collection || !benefit)
    throw reportError('no-period', resolved.file, `政策包 ${resolved.pack.id} 未规定集中征缴期或待遇期`);
  const like = `${regionPrefix(o.region)}%`;
  const seed = o.seed ?? 'canbao';
  const start = collection.start;
  const span = Math.max(1, daysBetween(start, collection.end) + 1);
  const channelList = channels?.list ?? ['tax_window'];
  return handle.transaction(async (tx) => {
    const assessed = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM assessments WHERE county_code LIKE ${like} AND year = ${o.year}`.execute(
      tx.db,
    );
    if ((assessed.rows[0]?.n ?? 0) === 0)
      throw reportError(
        'no-assessment',
        '--region',
        `地区 ${o.region} ${o.year} 年度尚未核定，请先运行 canbao assess-region ${o.region} ${o.year}`,
      );
    // Assessments may just have been bulk-written by assess-region: statistics first.
    await sql`ANALYZE assessments`.execute(tx.db);
    // The draw: word 0 decides whether, word 1 the day, word 2 the channel. Days are front-loaded as
    // in real campaigns (u² of the period, so √t of the final share by time t; u³ for hardship groups, whose subsidised
    // enrolment the departments push first). MATERIALIZED keeps md5 to one per person.
    const drawn = sql`
      WITH people AS MATERIALIZED (
        SELECT a.county_code, a.person_id, a.payable_fen, a.subsidy_fen > 0 AS hardship, a.pack_hash,
          decode(md5(${seed} || ':' || ${o.year}::text || ':' || a.person_id::text), 'hex') AS b
        FROM assessments a
        WHERE a.county_code LIKE ${like} AND a.year = ${o.year} AND a.status = 'assessed'
      ), days AS (
        SELECT p.*, (get_byte(b, 0) * 256 + get_byte(b, 1)) AS w0,
          (get_byte(b, 2) * 256 + get_byte(b, 3))::bigint AS w1,
          (get_byte(b, 4) * 256 + get_byte(b, 5)) AS w2
        FROM people p
      )
      SELECT county_code, person_id, payable_fen, pack_hash,
        ${start}::date + (CASE
          WHEN hardship THEN ${span}::bigint * w1 * w1 * w1 / ${S3}::bigint
          ELSE ${span}::bigint * w1 * w1 / ${S2}::bigint END)::int AS on_day,
        (ARRAY[${sql.join(channelList.map((c) => sql`${c}`))}]::text[])[1 + w2 % ${channelList.length}::int] AS channel
      FROM days
      WHERE w0 < CASE WHEN hardship THEN ${HARDSHIP_SHARE}::int ELSE ${OTHER_SHARE}::int END`;
    // Drawn once into a temp table and analysed: the planner then knows how many rows follow (stale
    // statistics on freshly written assessments made it nest-loop over payments: 160 rows/s).
    await sql`CREATE TEMP TABLE demo_campaign_draw ON COMMIT DROP AS
      SELECT * FROM (${drawn}) d WHERE d.on_day <= ${asOf}::date`.execute(tx.db);
    await sql`ANALYZE demo_campaign_draw`.execute(tx.db);
    const paid = await sql<{ n: number }>`
      WITH ins AS (
        INSERT INTO payments (county_code, year, person_id, amount_fen, paid_on, channel, external_no, pack_hash,
          recorded_by)
        SELECT d.county_code, ${o.year}, d.person_id, d.payable_fen, d.on_day, d.channel,
          'DEMO-' || ${o.year}::text || '-' || d.person_id::text, d.pack_hash, ${o.actor}
        FROM demo_campaign_draw d
        WHERE d.payable_fen > 0
          AND NOT EXISTS (SELECT 1 FROM payments x WHERE x.person_id = d.person_id AND x.year = ${o.year}
            AND x.kind = 'contribution' AND x.status = 'accepted')
        ON CONFLICT (channel, external_no) DO NOTHING
        RETURNING 1
      )
      SELECT count(*)::int AS n FROM ins`.execute(tx.db);
    const enrolled = await sql<{ n: number }>`
      WITH ins AS (
        INSERT INTO enrollments (county_code, year, person_id, status, source, registered_on, enrolled_on, payment_id,
          benefit_start, benefit_end, waiting_days, pack_hash)
        SELECT d.county_code, ${o.year}, d.person_id, 'enrolled',
          CASE WHEN d.payable_fen > 0 THEN 'payment' ELSE 'subsidy' END, d.on_day, d.on_day, pay.id,
          ${benefit.start}::date, ${benefit.end}::date, 0, d.pack_hash
        FROM demo_campaign_draw d
        LEFT JOIN payments pay ON pay.person_id = d.person_id AND pay.year = ${o.year} AND pay.channel = d.channel
          AND pay.external_no = 'DEMO-' || ${o.year}::text || '-' || d.person_id::text
        WHERE d.payable_fen = 0 OR pay.id IS NOT NULL
        ON CONFLICT (person_id, year) DO UPDATE SET status = 'enrolled', source = excluded.source,
          enrolled_on = excluded.enrolled_on, payment_id = excluded.payment_id,
          benefit_start = excluded.benefit_start, benefit_end = excluded.benefit_end, updated_at = now()
          WHERE enrollments.status = 'registered'
        RETURNING 1
      )
      SELECT count(*)::int AS n FROM ins`.execute(tx.db);
    // Bulk-written: fresh statistics, or the reports' joins on this year's enrollments plan for an
    // empty year and nest-loop (minutes instead of a second at 1,000,000 persons).
    await sql`ANALYZE enrollments`.execute(tx.db);
    await sql`ANALYZE payments`.execute(tx.db);
    const total = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM enrollments
      WHERE county_code LIKE ${like} AND year = ${o.year} AND status IN ('enrolled', 'suspended')`.execute(
      tx.db,
    );
    const result: DemoCampaignResult = {
      region: o.region,
      year: o.year,
      asOf,
      payments: paid.rows[0]?.n ?? 0,
      enrollments: enrolled.rows[0]?.n ?? 0,
      enrolledTotal: total.rows[0]?.n ?? 0,
      assessed: assessed.rows[0]?.n ?? 0,
    };
    await audit(tx, {
      actor: o.actor,
      action: 'demo.campaign',
      entity: 'campaign',
      entityId: `${o.region}-${o.year}`,
      countyCode: o.region,
      after: { ...result, seed, lastDay: addDays(start, span - 1) },
    });
    return result;
  });
}
