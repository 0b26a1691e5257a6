import type { ColumnType, Generated, Selectable } from 'kysely';

export interface DepartmentListsTable {
  id: Generated<number>;
  county_code: string;
  department: string;
  list_kind: 'snapshot' | 'changes';
  as_of: string;
  file_name: string;
  file_sha256: string;
  imported_by: string | null;
  imported_at: ColumnType<Date, Date | string | undefined, never>;
  rows_read: Generated<number>;
  added: Generated<number>;
  changed: Generated<number>;
  removed: Generated<number>;
  unchanged: Generated<number>;
  rejected: Generated<number>;
}
export type DepartmentList = Selectable<DepartmentListsTable>;

export interface DepartmentListRejectionsTable {
  list_id: number;
  row_number: number;
  column_name: string;
  value: string;
  reason: string;
  code: string;
}

export interface PersonIdentitiesTable {
  id: Generated<number>;
  county_code: string;
  person_id: number;
  category: string;
  grade: number | null;
  kind: string | null;
  formerly_poor: boolean | null;
  risk_eliminated: boolean | null;
  department: string;
  /** First day the identity holds. */
  valid_from: string;
  /** Last day it holds (inclusive); null while it lasts. */
  valid_to: string | null;
  list_id: number | null;
  ended_by_list_id: number | null;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}
export type PersonIdentity = Selectable<PersonIdentitiesTable>;
