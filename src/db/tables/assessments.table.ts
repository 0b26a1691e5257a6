import type { ColumnType, Generated } from 'kysely';

export interface AssessmentRunsTable {
  id: Generated<number>;
  region: string;
  year: number;
  pack_id: string;
  pack_hash: string;
  as_of: string;
  started_by: string | null;
  started_at: ColumnType<Date, Date | string | undefined, never>;
  finished_at: Date | null;
  persons: Generated<number>;
  assessed: Generated<number>;
  excluded: Generated<number>;
  inserted: Generated<number>;
  changed: Generated<number>;
  standard_total: Generated<number>;
  subsidy_total: Generated<number>;
  payable_total: Generated<number>;
}

export interface AssessmentsTable {
  county_code: string;
  year: number;
  person_id: number;
  run_id: number;
  pack_id: string;
  pack_hash: string;
  status: 'assessed' | 'excluded' | 'review';
  exclusion_reason: string | null;
  tier: string | null;
  standard_fen: number;
  subsidy_fen: number;
  payable_fen: number;
  category: string | null;
  subsidy_rule: string | null;
  funding_source: string | null;
  computed_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface AssessmentChangesTable {
  run_id: number;
  county_code: string;
  year: number;
  person_id: number;
  old_status: string;
  new_status: string;
  old_payable_fen: number;
  new_payable_fen: number;
  old_category: string | null;
  new_category: string | null;
  old_funding_source: string | null;
  new_funding_source: string | null;
}
