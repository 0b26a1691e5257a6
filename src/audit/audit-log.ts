// The append-only audit log: who changed what, when, and the row before and after. Written in the
// same transaction as the change, so a change without its audit row cannot exist.
import { type RawBuilder, sql } from 'kysely';
import type { DbSession } from '../db/connection.js';

export interface AuditEntry {
  /** The user or process that made the change ("cli" when run from the command line). */
  actor: string;
  /** What was done, e.g. payment.record, refund.approve. */
  action: string;
  entity: string;
  entityId: string | number;
  countyCode?: string | null;
  before?: unknown;
  after?: unknown;
}

export async function audit(tx: Pick<DbSession, 'db'>, e: AuditEntry): Promise<void> {
  await auditInsert(e).execute(tx.db);
}

const json = (v: unknown) => sql`${v === undefined ? null : JSON.stringify(v)}::jsonb`;

/**
 * The audit row as SQL, for a statement that writes the change and its audit row in one round trip:
 * `entityId` and `after` may be expressions over `from` (e.g. the RETURNING rows of a CTE), and the
 * row is written once per row of `from`.
 */
export function auditInsert(
  e: Omit<AuditEntry, 'entityId' | 'after'> & {
    entityId: string | number | RawBuilder<unknown>;
    after?: unknown;
  },
  from?: RawBuilder<unknown>,
): RawBuilder<unknown> {
  const id = typeof e.entityId === 'object' ? sql`${e.entityId}::text` : sql`${String(e.entityId)}`;
  const after = isSql(e.after) ? e.after : json(e.after);
  return sql`
    INSERT INTO audit_log (actor, action, entity, entity_id, county_code, before, after)
    SELECT ${e.actor}, ${e.action}, ${e.entity}, ${id}, ${e.countyCode ?? null}, ${json(e.before)}, ${after}
    ${from ? sql`FROM ${from}` : sql``}`;
}

function isSql(v: unknown): v is RawBuilder<unknown> {
  return typeof v === 'object' && v !== null && 'toOperationNode' in v;
}

/** The actor for changes made from the CLI: the operating-system user unless CANBAO_USER says otherwise. */
export function cliActor(): string {
  return process.env.CANBAO_USER ?? `cli:${process.env.USER ?? 'unknown'}`;
}
