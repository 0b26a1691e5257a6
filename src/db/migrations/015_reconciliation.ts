// Reconciliation with the tax bureau's payment records (issue 6). The tax file is imported as an
// import run (import_runs / import_rejections, so the registry's rejection report works unchanged);
// its rows are kept in tax_payments, one per tax receipt number, so a receipt seen in an earlier
// file is never a new payment. Each reconciliation run stores its totals per class and township,
// and every difference is one row across runs: open when first found, carried while later runs
// still find it, resolved by a person (with the reason), settled by the first run that no longer
// finds it. Money is never deleted here either.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE reconciliation_runs (
      id bigserial PRIMARY KEY,
      region varchar(12) NOT NULL,
      year smallint NOT NULL,
      as_of date NOT NULL,
      import_run_id bigint REFERENCES import_runs (id),
      file_name text NOT NULL,
      file_sha256 char(64) NOT NULL,
      started_by text,
      started_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz,
      rows_read integer NOT NULL DEFAULT 0,
      rejected integer NOT NULL DEFAULT 0,
      new_rows integer NOT NULL DEFAULT 0,
      known_rows integer NOT NULL DEFAULT 0,
      matched integer NOT NULL DEFAULT 0,
      differences_new integer NOT NULL DEFAULT 0,
      differences_carried integer NOT NULL DEFAULT 0,
      differences_settled integer NOT NULL DEFAULT 0,
      tax_total_fen bigint NOT NULL DEFAULT 0,
      refund_due_fen bigint NOT NULL DEFAULT 0,
      owed_fen bigint NOT NULL DEFAULT 0
    )
  `.execute(db);
  await sql`CREATE INDEX reconciliation_runs_scope_idx ON reconciliation_runs (region, year, id)`.execute(db);
  await sql`CREATE INDEX reconciliation_runs_sha_idx ON reconciliation_runs (file_sha256)`.execute(db);

  await sql`
    CREATE TABLE tax_payments (
      id bigserial PRIMARY KEY,
      receipt_no text NOT NULL UNIQUE CHECK (receipt_no <> ''),
      import_run_id bigint NOT NULL,
      row_no integer NOT NULL,
      doc_no text NOT NULL,
      name text NOT NULL,
      year smallint NOT NULL,
      amount_fen integer NOT NULL CHECK (amount_fen > 0),
      paid_on date NOT NULL,
      channel_text text,
      channel text NOT NULL,
      region_text text,
      -- The county the tax bureau collected for (from the file's region), and the person it matched.
      county_code char(6),
      person_id bigint,
      -- Set when the row was recorded as a local payment (reconcile refunds needs one to refund).
      payment_id bigint,
      created_at timestamptz NOT NULL DEFAULT now()
    )
  `.execute(db);
  await sql`CREATE INDEX tax_payments_scope_idx ON tax_payments (year, county_code)`.execute(db);
  await sql`CREATE INDEX tax_payments_person_idx ON tax_payments (person_id, year)`.execute(db);
  await sql`CREATE INDEX tax_payments_doc_idx ON tax_payments (doc_no, year)`.execute(db);

  await sql`
    CREATE TABLE reconciliation_differences (
      id bigserial PRIMARY KEY,
      region varchar(12) NOT NULL,
      year smallint NOT NULL,
      class text NOT NULL CHECK (class IN ('paid_not_registered', 'paid_not_assessed', 'amount_over',
        'amount_under', 'duplicate', 'other_region', 'unpaid', 'local_only')),
      -- What makes two runs' findings the same difference (class, person or ID, receipt, amount).
      diff_key text NOT NULL,
      county_code char(6),
      village_code varchar(12),
      person_id bigint,
      doc_no text NOT NULL,
      name text NOT NULL,
      tax_payment_id bigint,
      payment_id bigint,
      receipt_no text,
      payable_fen integer,
      tax_fen integer,
      local_fen integer,
      -- Refund due (positive) or still owed, by the class; 0 when no money moves.
      amount_fen integer NOT NULL DEFAULT 0,
      state text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'carried', 'resolved', 'settled')),
      first_run_id bigint NOT NULL REFERENCES reconciliation_runs (id),
      last_run_id bigint NOT NULL REFERENCES reconciliation_runs (id),
      settled_run_id bigint REFERENCES reconciliation_runs (id),
      resolved_reason text,
      resolved_by text,
      resolved_at timestamptz
    )
  `.execute(db);
  await sql`CREATE UNIQUE INDEX reconciliation_differences_live_idx ON reconciliation_differences (region, year, diff_key)
    WHERE state <> 'settled'`.execute(db);
  await sql`CREATE INDEX reconciliation_differences_class_idx ON reconciliation_differences (region, year, class, state)`.execute(
    db,
  );

  // Which differences each run found (new or carried) or settled; a run's lists come from here.
  await sql`
    CREATE TABLE reconciliation_run_differences (
      run_id bigint NOT NULL REFERENCES reconciliation_runs (id),
      difference_id bigint NOT NULL REFERENCES reconciliation_differences (id),
      status text NOT NULL CHECK (status IN ('new', 'carried', 'resolved', 'settled')),
      PRIMARY KEY (run_id, difference_id)
    )
  `.execute(db);

  // The run's summary: count and amounts per class and township (township_code '' = unknown).
  await sql`
    CREATE TABLE reconciliation_totals (
      run_id bigint NOT NULL REFERENCES reconciliation_runs (id),
      class text NOT NULL,
      township_code varchar(12) NOT NULL,
      count integer NOT NULL,
      tax_fen bigint NOT NULL,
      local_fen bigint NOT NULL,
      payable_fen bigint NOT NULL,
      amount_fen bigint NOT NULL,
      PRIMARY KEY (run_id, class, township_code)
    )
  `.execute(db);
}
