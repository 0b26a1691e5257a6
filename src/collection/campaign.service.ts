// Year rollover: open next year's collection campaign from that year's policy pack, carry the
// hardship identities still valid when collection starts, flag the ones that end before the new
// benefit period (re-certify them), and list who was insured last year but not yet this year.

import { audit } from '../audit/audit-log.js';
import type { DatabaseHandle } from '../db/connection.js';
import { isValidDate } from '../policy/dates.js';
import { OutcomeError } from '../policy/outcome.js';
import type { Cite } from '../policy/pack.schema.js';
import type { PackRegistry } from '../policy/pack-loader.js';
import {
  type CampaignRow,
  countUnrenewed,
  countyName,
  findCampaigns,
  identitiesEndingBefore,
  identitiesValidOn,
  insertCampaign,
  type RecertificationRow,
  regionLevel,
  streamUnrenewed,
  type UnrenewedRow,
  unrenewedPage,
} from './campaign.repository.js';

export type { CampaignRow, RecertificationRow, UnrenewedRow };

export interface OpenCampaignInput {
  county: string;
  year: number;
  /** The day the campaign is opened (default today). */
  date?: string;
  actor: string;
}

export interface OpenCampaignResult {
  campaign: CampaignRow;
  /** false: the campaign was already open; this answer is the existing one. */
  created: boolean;
  /** The pack changed since the campaign was opened (its hash differs). */
  packChanged: boolean;
  collection: { start: string; end: string; cite: Cite };
  benefit: { start: string; end: string; cite: Cite };
  /** Identities valid on the first day of collection, per category. */
  carried: { category: string; identities: number; persons: number }[];
  carriedTotal: number;
  /** Identities valid when collection starts that end before the benefit period starts. */
  recertify: { total: number; items: RecertificationRow[] };
}

/** How many re-certification rows an answer carries; the counts are always complete. */
const RECERTIFY_LIMIT = 1000;

function fail(code: string, expression: string, message: string): OutcomeError {
  return new OutcomeError([{ severity: 'error', code, expression, message }]);
}

export function checkCountyYear(county: string, year: number): void {
  if (!/^\d{6}$/.test(county))
    throw fail('bad-region', `--region ${county}`, '区县代码应为 6 位数字，如 430502');
  if (!Number.isInteger(year) || year < 2000 || year > 2100)
    throw fail('bad-year', `--year ${year}`, '年度应为 2000 至 2100 之间的四位数字，如 2026');
}

/** The county's own pack for the year (a city pack covering the county counts; national defaults alone do not). */
function packFor(packs: PackRegistry, county: string, year: number) {
  const resolved = packs.find(county, year);
  if (!resolved) {
    const national = packs.get(`national-${year}`);
    throw fail(
      'no-pack',
      `--region ${county} --year ${year}`,
      `没有 ${county} 地区 ${year} 年度的政策包，不能开办 ${year} 年度征缴。` +
        (national ? `国家默认规则 national-${year} 只能被继承，不能直接用于区县；` : '') +
        `请按 docs/policy-packs.md 编写 src/policy/packs/${county}-${year}.yaml（写明当年的个人缴费标准、资助、集中征缴期和待遇期并引用文件条款` +
        (national ? `，可 extends: national-${year}` : `；国家默认规则 national-${year} 也尚未编写`) +
        '），' +
        '用 canbao policy list 确认已加载后再开办。',
    );
  }
  const { collection, benefit } = resolved.pack;
  if (!collection || !benefit)
    throw fail(
      'pack-incomplete',
      `${resolved.file}: ${collection ? 'benefit' : 'collection'}`,
      `政策包 ${resolved.pack.id} 未规定${collection ? '待遇享受期' : '集中征缴期'}，不能开办征缴；请按 docs/policy-packs.md 补充。`,
    );
  return { resolved, collection, benefit };
}

export async function openCampaign(
  handle: DatabaseHandle,
  packs: PackRegistry,
  input: OpenCampaignInput,
): Promise<OpenCampaignResult> {
  checkCountyYear(input.county, input.year);
  const openedOn = input.date ?? new Date().toISOString().slice(0, 10);
  if (!isValidDate(openedOn))
    throw fail('bad-date', `--date ${openedOn}`, '日期应为 YYYY-MM-DD，如 2025-09-01');
  // Campaigns, identities and enrollments are kept per county: a city code (朔州市 140600) is not one.
  const region = await regionLevel(handle.db, input.county);
  if (region && region.level !== 3)
    throw fail(
      'not-county',
      `--region ${input.county}`,
      `${region.name}不是区县；征缴按区县开办，请使用所辖区县的代码（canbao regions list ${input.county}）`,
    );

  const { resolved, collection, benefit } = packFor(packs, input.county, input.year);

  return handle.transaction(async (tx) => {
    const carried = await identitiesValidOn(tx.db, input.county, collection.start);
    const carriedTotal = carried.reduce((s, c) => s + c.identities, 0);
    const recertify = await identitiesEndingBefore(
      tx.db,
      input.county,
      collection.start,
      benefit.start,
      RECERTIFY_LIMIT,
    );
    const created = await insertCampaign(tx, {
      county: input.county,
      year: input.year,
      packId: resolved.pack.id,
      packHash: resolved.hash,
      openedOn,
      openedBy: input.actor,
      carried: carriedTotal,
    });
    const [campaign] = await findCampaigns(tx.db, { county: input.county, year: input.year });
    if (!campaign) throw new Error('campaign row missing after insert');
    if (created)
      await audit(tx, {
        actor: input.actor,
        action: 'campaign.open',
        entity: 'campaign',
        entityId: `${input.county}-${input.year}`,
        countyCode: input.county,
        after: { ...campaign, carried, recertify: recertify.total },
      });
    return {
      campaign,
      created,
      packChanged: campaign.packHash !== resolved.hash,
      collection: { start: collection.start, end: collection.end, cite: collection.cite },
      benefit: { start: benefit.start, end: benefit.end, cite: benefit.cite },
      carried,
      carriedTotal,
      recertify,
    };
  });
}

export function listCampaigns(
  handle: Pick<DatabaseHandle, 'db'>,
  filter: { county?: string; year?: number } = {},
): Promise<CampaignRow[]> {
  return findCampaigns(handle.db, filter);
}

export interface UnrenewedQuery {
  county: string;
  year: number;
  /** A village (12 digits) or township (9 digits) code. */
  village?: string;
}

export function checkUnrenewed(q: UnrenewedQuery): void {
  checkCountyYear(q.county, q.year);
  if (q.village !== undefined && !(/^\d{9}(\d{3})?$/.test(q.village) && q.village.startsWith(q.county)))
    throw fail(
      'bad-village',
      `--village ${q.village}`,
      `村（社区）代码应为本区县（${q.county}）下的 12 位代码，或 9 位乡镇（街道）代码`,
    );
}

export interface UnrenewedPage {
  county: string;
  countyName: string | null;
  year: number;
  total: number;
  items: UnrenewedRow[];
  /** Pass back as `after` for the next page; null on the last page. */
  next: string | null;
}

/** Keyset cursor "village:personId". */
function parseCursor(after: string | undefined): { villageCode: string; personId: number } | undefined {
  if (!after) return undefined;
  const m = /^(\d{0,12}):(\d+)$/.exec(after);
  if (!m) throw fail('bad-cursor', `after ${after}`, '翻页参数 after 无效，请使用上一页返回的 next');
  return { villageCode: m[1]!, personId: Number(m[2]) };
}

export async function unrenewed(
  handle: Pick<DatabaseHandle, 'db'>,
  q: UnrenewedQuery & { limit?: number; after?: string },
): Promise<UnrenewedPage> {
  checkUnrenewed(q);
  const limit = Math.min(Math.max(q.limit ?? 500, 1), 10_000);
  const items = await unrenewedPage(handle.db, q, limit, parseCursor(q.after));
  const last = items.length === limit ? items[items.length - 1] : undefined;
  return {
    county: q.county,
    countyName: await countyName(handle.db, q.county),
    year: q.year,
    total: await countUnrenewed(handle.db, q),
    items,
    next: last ? `${last.villageCode}:${last.personId}` : null,
  };
}

/** Every row, streamed through a cursor (for files of any size). */
export function allUnrenewed(
  handle: Pick<DatabaseHandle, 'db'>,
  q: UnrenewedQuery,
): AsyncGenerator<UnrenewedRow> {
  checkUnrenewed(q);
  return streamUnrenewed(handle.db, q);
}
