// The Kysely schema: one entry per table. Each table's row types live in tables/<name>.table.ts;
// add yours there and list it here (and create it in a numbered migration).
import type {
  AssessmentChangesTable,
  AssessmentRunsTable,
  AssessmentsTable,
} from './tables/assessments.table.js';
import type {
  DepartmentListRejectionsTable,
  DepartmentListsTable,
  PersonIdentitiesTable,
} from './tables/identities.table.js';
import type { PopulationBaseTable, RegionsTable } from './tables/regions.table.js';
import type { SchemaMigrationsTable } from './tables/schema-migrations.table.js';

export type * from './tables/assessments.table.js';
export type * from './tables/identities.table.js';
export type * from './tables/regions.table.js';
export type * from './tables/schema-migrations.table.js';

export interface Database {
  schema_migrations: SchemaMigrationsTable;
  regions: RegionsTable;
  population_base: PopulationBaseTable;
  department_lists: DepartmentListsTable;
  department_list_rejections: DepartmentListRejectionsTable;
  person_identities: PersonIdentitiesTable;
  assessment_runs: AssessmentRunsTable;
  assessments: AssessmentsTable;
  assessment_changes: AssessmentChangesTable;
}
