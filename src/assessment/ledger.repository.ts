// The subsidy ledger for finance and the file for the tax bureau, both read from the per-person
// assessment rows, so every total adds up to the fen against them.
import { sql } from 'kysely';
import type { DbSession } from '../db/connection.js';
import type { Scope } from './assess-region.repository.js';

export type LedgerDimension = 'source' | 'category' | 'township';

export interface LedgerRow {
  fundingSource: string;
  category: string | null;
  township: string | null;
  townshipName: string | null;
  persons: number;
  subsidyFen: number;
}

export async function ledger(
  tx: DbSession,
  scope: Pick<Scope, 'prefix' | 'year'>,
  by: LedgerDimension[],
): Promise<LedgerRow[]> {
  const withCategory = by.includes('category');
  const withTownship = by.includes('township');
  const { rows } = await sql<{
    funding_source: string;
    category: string | null;
    township: string | null;
    township_name: string | null;
    persons: number;
    subsidy: string | number;
  }>`
    SELECT a.funding_source,
      ${withCategory ? sql`a.category` : sql`NULL::text`} AS category,
      ${withTownship ? sql`substr(p.residence_village, 1, 9)` : sql`NULL::text`} AS township,
      ${withTownship ? sql`min(r.name)` : sql`NULL::text`} AS township_name,
      count(*)::int AS persons, sum(a.subsidy_fen)::bigint AS subsidy
    FROM assessments a JOIN persons p ON p.id = a.person_id
    ${withTownship ? sql`LEFT JOIN regions r ON r.code = substr(p.residence_village, 1, 9)` : sql``}
    WHERE a.county_code LIKE ${`${scope.prefix}%`} AND a.year = ${scope.year} AND a.status = 'assessed' AND a.subsidy_fen > 0
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`.execute(tx.db);
  return rows.map((r) => ({
    fundingSource: r.funding_source,
    category: r.category,
    township: r.township,
    townshipName: r.township_name,
    persons: r.persons,
    subsidyFen: Number(r.subsidy),
  }));
}

export interface TaxRow {
  personId: number;
  docType: string;
  docNo: string;
  name: string;
  countyCode: string;
  village: string;
  category: string | null;
  standardFen: number;
  subsidyFen: number;
  payableFen: number;
}

/**
 * Assessed persons in id order, in pages by keyset (never OFFSET), for streaming exports; `village`
 * narrows a county's rows to a township or village (a code prefix of residence_village).
 */
export async function* taxRows(
  tx: DbSession,
  scope: Pick<Scope, 'prefix' | 'year'> & { village?: string },
  pageSize = 10_000,
): AsyncGenerator<TaxRow[]> {
  const village = scope.village ? sql` AND p.residence_village LIKE ${`${scope.village}%`}` : sql``;
  let after = 0;
  for (;;) {
    const { rows } = await sql<TaxRow>`
      SELECT a.person_id AS "personId", p.doc_type AS "docType", p.doc_no AS "docNo", p.name, a.county_code AS "countyCode",
        p.residence_village AS village, a.category, a.standard_fen AS "standardFen", a.subsidy_fen AS "subsidyFen",
        a.payable_fen AS "payableFen"
      FROM assessments a JOIN persons p ON p.id = a.person_id
      WHERE a.county_code LIKE ${`${scope.prefix}%`} AND a.year = ${scope.year} AND a.status = 'assessed' AND a.person_id > ${after}${village}
      ORDER BY a.person_id LIMIT ${pageSize}`.execute(tx.db);
    if (rows.length === 0) return;
    yield rows;
    after = rows[rows.length - 1]!.personId;
  }
}
