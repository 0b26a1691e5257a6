// Every migration, in order. To add one: create NNN_what.ts beside this file exporting
// `up(db: Kysely<any>)` (raw SQL via kysely `sql`, valid on both PGlite and PostgreSQL), then
// append one line below. Never edit or renumber a migration that has been committed.
import type { Migration } from '../migrator.js';
import * as m001 from './001_regions.js';
import * as m002 from './002_persons.js';
import * as m010 from './010_identities.js';
import * as m011 from './011_assessments.js';
import * as m012 from './012_assessment_review.js';
import * as m013 from './013_payments.js';
import * as m014 from './014_enrollment.js';
import * as m015 from './015_reconciliation.js';
import * as m016 from './016_report_targets.js';
import * as m020 from './020_users.js';
import * as m021 from './021_jobs.js';
import * as m022 from './022_person_search.js';
import * as m023 from './023_person_detail_function.js';
import * as m024 from './024_tax_payment_indexes.js';
import * as m025 from './025_payment_state.js';
import * as m026 from './026_identity_list_checks.js';
import * as m027 from './027_tax_person_by_number.js';
import * as m028 from './028_persons_other_documents.js';

export const migrations: readonly Migration[] = [
  { id: '001_regions', ...m001 },
  { id: '002_persons', ...m002 },
  { id: '010_identities', ...m010 },
  { id: '011_assessments', ...m011 },
  { id: '012_assessment_review', ...m012 },
  { id: '013_payments', ...m013 },
  { id: '014_enrollment', ...m014 },
  { id: '015_reconciliation', ...m015 },
  { id: '016_report_targets', ...m016 },
  { id: '020_users', ...m020 },
  { id: '021_jobs', ...m021 },
  { id: '022_person_search', ...m022 },
  { id: '023_person_detail_function', ...m023 },
  { id: '024_tax_payment_indexes', ...m024 },
  { id: '025_payment_state', ...m025 },
  { id: '026_identity_list_checks', ...m026 },
  { id: '027_tax_person_by_number', ...m027 },
  { id: '028_persons_other_documents', ...m028 },
];
