// The append-only audit log: who changed what, when, and the row before and after. Written in the
// same transaction as the change, so a change without its audit row cannot exist.
import { sql } from 'kysely';
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
  await sql`
    INSERT INTO audit_log (actor, action, entity, entity_id, county_code, before, after)
    VALUES (${e.actor}, ${e.action}, ${e.entity}, ${String(e.entityId)}, ${e.countyCode ?? null},
      ${e.before === undefined ? null : JSON.stringify(e.before)}::jsonb,
      ${e.after === undefined ? null : JSON.stringify(e.after)}::jsonb)`.execute(tx.db);
}

/** The actor for changes made from the CLI: the operating-system user unless CANBAO_USER says otherwise. */
export function cliActor(): string {
  return process.env.CANBAO_USER ?? `cli:${process.env.USER ?? 'unknown'}`;
}
