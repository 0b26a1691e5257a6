import type { ColumnType } from 'kysely';

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  applied_at: ColumnType<Date, Date | string | undefined, never>;
}
