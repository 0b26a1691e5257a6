// 核定 of a whole region-year: every person of the region gets a row (assessed, or excluded with
// the reason), produced by the same pack rules as `canbao assess`; a re-run writes only what
// changed and lists whose amount changed. A what-if runs the same computation against an overlay
// of the pack inside a transaction that is rolled back, so nothing is stored.
import { sql } from 'kysely';
import { audit } from '../audit/audit-log.js';
import type { DatabaseHandle, DbSession } from '../db/connection.js';
import { tracer } from '../db/trace.js';
import { OutcomeError } from '../policy/outcome.js';
import { type PackRegistry, type ResolvedPack, regionPrefix } from '../policy/pack-loader.js';
import {
  analyseInputs,
  computeInto,
  hasStoredRows,
  insertFirstRun,
  mergeAssessments,
  type Scope,
  type SourceTotal,
  summary,
  type Totals,
} from './assess-region.repository.js';

export interface AssessRegionOptions {
  region: string;
  year: number;
  /** Identities valid on this day count; default today. */
  asOf?: string;
  startedBy?: string;
}

export interface AssessmentChange {
  docNo: string;
  name: string;
  oldStatus: string;
  newStatus: string;
  oldPayableFen: number;
  newPayableFen: number;
  oldCategory: string | null;
  newCategory: string | null;
  /** Paid for the year so far, and what is now owed back (paid more than the new amount). */
  paidFen: number;
  refundDueFen: number;
}

export interface AssessRegionResult {
  runId: number;
  pack: { id: string; hash: string };
  scope: Scope;
  totals: Totals;
  bySource: SourceTotal[];
  exclusions: Record<string, number>;
  inserted: number;
  changed: number;
  /** Everyone in this run who has paid more than they now owe. */
  refundDue: { persons: number; amountFen: number };
  changes: AssessmentChange[];
}

export function resolveScope(
  packs: PackRegistry,
  region: string,
  year: number,
  asOf?: string,
): { resolved: ResolvedPack; scope: Scope } {
  if (!/^\d{6}$/.test(region)) {
    throw new OutcomeError([
      {
        severity: 'error',
        code: 'bad-region',
        expression: 'region',
        message: `地区代码应为 6 位数字，收到 "${region}"`,
      },
    ]);
  }
  const resolved = packs.find(region, year);
  if (!resolved) {
    throw new OutcomeError([
      {
        severity: 'error',
        code: 'no-pack',
        expression: 'region',
        message: `没有覆盖地区 ${region} ${year} 年度的政策包`,
      },
    ]);
  }
  return {
    resolved,
    scope: { prefix: regionPrefix(region), year, asOf: asOf ?? new Date().toISOString().slice(0, 10) },
  };
}

/** Advisory lock class of region assessments (the two-key form; a person's lock uses the one-key form). */
const ASSESS_LOCK_CLASS = 7302;

export async function assessRegion(
  db: DatabaseHandle,
  packs: PackRegistry,
  opts: AssessRegionOptions,
): Promise<AssessRegionResult> {
  const { resolved, scope } = resolveScope(packs, opts.region, opts.year, opts.asOf);
  const trace = tracer('assess-region');
  return db.transaction(async (tx) => {
    // Memory for the hashes and sorts over the whole region: with the default 4 MB they spill to disk.
    await sql`SET LOCAL work_mem = '256MB'`.execute(tx.db);
    // One assessment of a year at a time: two at once (a county's and its city's, or the same one
    // twice) would both insert the same persons' rows and the second fail on the key. The second
    // waits here and then merges against what the first stored. Runs are rare; a year's lock is enough.
    await sql`SELECT pg_advisory_xact_lock(${ASSESS_LOCK_CLASS}, ${opts.year})`.execute(tx.db);
    const { id: runId } = await tx.db
      .insertInto('assessment_runs')
      .values({
        region: opts.region,
        year: opts.year,
        pack_id: resolved.pack.id,
        pack_hash: resolved.hash,
        as_of: scope.asOf,
        started_by: opts.startedBy ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    let inserted: number;
    let changed = 0;
    let exclusions: Record<string, number> | undefined;
    if (await hasStoredRows(tx, scope)) {
      await computeInto(tx, resolved, scope, trace);
      // Of this run's people: stored rows of people who left the region stay, and are not theirs.
      ({ exclusions } = await summary(tx, scope, 'new'));
      ({ inserted, changed } = await mergeAssessments(tx, runId, resolved, scope, trace));
    } else {
      await analyseInputs(tx);
      trace('analyse inputs');
      inserted = await insertFirstRun(tx, runId, resolved, scope);
      trace('first run: compute and insert');
    }
    const stored = await summary(tx, scope, 'stored');
    const { totals: t, bySource } = stored;
    exclusions ??= stored.exclusions;
    trace('totals');
    await tx.db
      .updateTable('assessment_runs')
      .set({
        finished_at: new Date(),
        persons: t.persons,
        assessed: t.assessed,
        excluded: t.excluded,
        inserted,
        changed,
        standard_total: t.standardFen,
        subsidy_total: t.subsidyFen,
        payable_total: t.payableFen,
      })
      .where('id', '=', runId)
      .execute();
    await audit(tx, {
      actor: opts.startedBy ?? 'system',
      action: 'assessment.run',
      entity: 'assessment_run',
      entityId: runId,
      countyCode: opts.region.slice(0, 6),
      after: { region: opts.region, year: opts.year, pack: resolved.pack.id, inserted, changed, ...t },
    });
    const refundDue = await refundsDue(tx, runId);
    const changes = await changesOf(tx, runId, 200);
    trace('refunds due and changes');
    return {
      runId,
      pack: { id: resolved.pack.id, hash: resolved.hash },
      scope,
      totals: t,
      bySource,
      exclusions,
      inserted,
      changed,
      refundDue,
      changes,
    };
  });
}

async function refundsDue(tx: DbSession, runId: number): Promise<{ persons: number; amountFen: number }> {
  const { rows } = await sql<{ persons: number; amount: string | number }>`
    SELECT count(*)::int AS persons, COALESCE(sum(due), 0)::bigint AS amount FROM (
      SELECT GREATEST(pay.paid - CASE WHEN c.new_status = 'assessed' THEN c.new_payable_fen ELSE 0 END, 0) AS due
      FROM assessment_changes c
      JOIN (SELECT person_id, year, sum(amount_fen) AS paid FROM payments GROUP BY person_id, year) pay
        ON pay.person_id = c.person_id AND pay.year = c.year
      WHERE c.run_id = ${runId}
    ) d WHERE due > 0`.execute(tx.db);
  return { persons: rows[0]!.persons, amountFen: Number(rows[0]!.amount) };
}

export async function changesOf(tx: DbSession, runId: number, limit: number): Promise<AssessmentChange[]> {
  const { rows } = await sql<AssessmentChange>`
    SELECT p.doc_no AS "docNo", p.name, c.old_status AS "oldStatus", c.new_status AS "newStatus",
      c.old_payable_fen AS "oldPayableFen", c.new_payable_fen AS "newPayableFen",
      c.old_category AS "oldCategory", c.new_category AS "newCategory",
      COALESCE(pay.paid, 0)::int AS "paidFen",
      GREATEST(COALESCE(pay.paid, 0) - CASE WHEN c.new_status = 'assessed' THEN c.new_payable_fen ELSE 0 END, 0)::int AS "refundDueFen"
    FROM assessment_changes c JOIN persons p ON p.id = c.person_id
    LEFT JOIN (SELECT person_id, sum(amount_fen) AS paid FROM payments WHERE year = (SELECT year FROM assessment_runs WHERE id = ${runId}) GROUP BY person_id) pay ON pay.person_id = c.person_id
    WHERE c.run_id = ${runId}
    -- People owed a refund first: they need a decision.
    ORDER BY (COALESCE(pay.paid, 0) > CASE WHEN c.new_status = 'assessed' THEN c.new_payable_fen ELSE 0 END) DESC, p.doc_no
    LIMIT ${limit}`.execute(tx.db);
  return rows;
}

export interface WhatIfResult {
  pack: { id: string; hash: string };
  before: { totals: Totals; bySource: SourceTotal[] };
  after: { totals: Totals; bySource: SourceTotal[] };
  affected: number;
  people: AssessmentChange[];
}

class Rollback extends Error {
  constructor(readonly value: WhatIfResult) {
    super('what-if');
  }
}

/** Assess against `overlay` without storing anything; compare with the stored assessment. */
export async function whatIf(
  db: DatabaseHandle,
  overlay: ResolvedPack,
  opts: { region: string; year: number; asOf?: string },
): Promise<WhatIfResult> {
  const scope: Scope = {
    prefix: regionPrefix(opts.region),
    year: opts.year,
    asOf: opts.asOf ?? new Date().toISOString().slice(0, 10),
  };
  try {
    await db.transaction(async (tx) => {
      await computeInto(tx, overlay, scope);
      const { totals: beforeTotals, bySource: beforeSources } = await summary(tx, scope, 'stored');
      const { totals: afterTotals, bySource: afterSources } = await summary(tx, scope, 'new');
      const before = { totals: beforeTotals, bySource: beforeSources };
      const after = { totals: afterTotals, bySource: afterSources };
      const diff = sql`FROM new_assess n JOIN assessments a ON a.county_code = n.county_code AND a.year = ${scope.year}
        AND a.person_id = n.person_id JOIN persons p ON p.id = n.person_id
        LEFT JOIN (SELECT person_id, sum(amount_fen) AS paid FROM payments WHERE year = ${scope.year} GROUP BY person_id) pay
          ON pay.person_id = n.person_id
        WHERE (a.status, a.payable_fen, a.category) IS DISTINCT FROM (n.status, n.payable_fen, n.category)`;
      const count = await sql<{ n: number }>`SELECT count(*)::int AS n ${diff}`.execute(tx.db);
      const people = await sql<AssessmentChange>`
        SELECT p.doc_no AS "docNo", p.name, a.status AS "oldStatus", n.status AS "newStatus", a.payable_fen AS "oldPayableFen",
          n.payable_fen AS "newPayableFen", a.category AS "oldCategory", n.category AS "newCategory",
          COALESCE(pay.paid, 0)::int AS "paidFen",
          GREATEST(COALESCE(pay.paid, 0) - CASE WHEN n.status = 'assessed' THEN n.payable_fen ELSE 0 END, 0)::int AS "refundDueFen"
        ${diff} ORDER BY p.doc_no LIMIT 200`.execute(tx.db);
      throw new Rollback({
        pack: { id: overlay.pack.id, hash: overlay.hash },
        before,
        after,
        affected: count.rows[0]!.n,
        people: people.rows,
      });
    });
  } catch (e) {
    if (e instanceof Rollback) return e.value;
    throw e;
  }
  throw new Error('unreachable');
}
