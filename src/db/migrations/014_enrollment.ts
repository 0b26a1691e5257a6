// The campaign itself (issue 5): campaigns per county-year, enrollments (参保登记 → 已参保, with the
// benefit and waiting period the engine gave), life events, refunds as records with a state,
// entrusted agents (委托代征) and what they hand over, and the append-only audit log.
//
// Money is never deleted: a payment held for review stays a payment; a refund is a row that moves
// requested → approved → paid (or rejected), never a DELETE.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE campaigns (
      county_code char(6) NOT NULL,
      year smallint NOT NULL,
      pack_id text NOT NULL,
      pack_hash text NOT NULL,
      opened_on date NOT NULL,
      opened_by text,
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
      carried_identities integer NOT NULL DEFAULT 0,
      PRIMARY KEY (county_code, year)
    )
  `.execute(db);

  // One row per person-year. status: registered (登记，未缴费), enrolled (已参保: paid, or nothing to
  // pay), repaired (a missed past year paid back: shortens the waiting period, grants no benefits),
  // suspended (暂停: left for the army, prison, employee insurance, another region), terminated (死亡).
  // source says where the row came from: registration, payment, subsidy (nothing to pay), history
  // (imported from the previous system), repair.
  await sql`
    CREATE TABLE enrollments (
      id bigserial PRIMARY KEY,
      county_code char(6) NOT NULL,
      year smallint NOT NULL,
      person_id bigint NOT NULL,
      status text NOT NULL CHECK (status IN ('registered', 'enrolled', 'repaired', 'suspended', 'terminated')),
      source text NOT NULL CHECK (source IN ('registration', 'payment', 'subsidy', 'history', 'repair')),
      registered_on date NOT NULL,
      enrolled_on date,
      payment_id bigint,
      student_kind text,
      benefit_start date,
      benefit_end date,
      waiting_days integer NOT NULL DEFAULT 0 CHECK (waiting_days >= 0),
      lapsed_years smallint NOT NULL DEFAULT 0,
      paid_back_years smallint NOT NULL DEFAULT 0,
      -- The fund reimbursed something this year (history import; drives the zero-claim incentive).
      reimbursed boolean,
      ended_on date,
      end_reason text,
      agent_code text,
      pack_hash text,
      explanation jsonb,
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (person_id, year)
    )
  `.execute(db);
  await sql`CREATE INDEX enrollments_county_idx ON enrollments (county_code, year, status)`.execute(db);

  await sql`ALTER TABLE payments ADD COLUMN status text NOT NULL DEFAULT 'accepted'
    CHECK (status IN ('accepted', 'review', 'rejected'))`.execute(db);
  await sql`ALTER TABLE payments ADD COLUMN review_reason text`.execute(db);
  // A repair payment pays back a missed past year (国办发〔2024〕38号); it is not this year's payment.
  await sql`ALTER TABLE payments ADD COLUMN kind text NOT NULL DEFAULT 'contribution'
    CHECK (kind IN ('contribution', 'repair'))`.execute(db);
  await sql`CREATE INDEX payments_agent_idx ON payments (agent, paid_on) WHERE agent IS NOT NULL`.execute(db);

  await sql`
    CREATE TABLE life_events (
      id bigserial PRIMARY KEY,
      county_code char(6) NOT NULL,
      person_id bigint NOT NULL,
      type text NOT NULL,
      occurred_on date NOT NULL,
      source text NOT NULL,
      note text,
      recorded_by text,
      recorded_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (person_id, type, occurred_on)
    )
  `.execute(db);

  await sql`
    CREATE TABLE refunds (
      id bigserial PRIMARY KEY,
      county_code char(6) NOT NULL,
      year smallint NOT NULL,
      person_id bigint NOT NULL,
      payment_id bigint NOT NULL,
      reason text NOT NULL,
      amount_fen integer NOT NULL CHECK (amount_fen > 0),
      state text NOT NULL DEFAULT 'requested' CHECK (state IN ('requested', 'approved', 'rejected', 'paid')),
      requested_on date NOT NULL,
      requested_by text,
      decided_at timestamptz,
      decided_by text,
      decision_note text,
      paid_at timestamptz,
      payout_batch text,
      explanation jsonb NOT NULL DEFAULT '[]',
      created_at timestamptz NOT NULL DEFAULT now(),
      -- Asking twice for the same reason on the same payment is the same refund.
      UNIQUE (payment_id, reason)
    )
  `.execute(db);
  await sql`CREATE INDEX refunds_county_idx ON refunds (county_code, year, state)`.execute(db);

  await sql`
    CREATE TABLE agents (
      id bigserial PRIMARY KEY,
      county_code char(6) NOT NULL,
      code text NOT NULL UNIQUE,
      name text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('village', 'township', 'school', 'other')),
      area_code varchar(12),
      -- 限期限额缴库: hand over within this many days, and as soon as this much is held.
      handover_days smallint NOT NULL DEFAULT 7 CHECK (handover_days > 0),
      handover_limit_fen integer NOT NULL DEFAULT 5000000 CHECK (handover_limit_fen > 0),
      active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now()
    )
  `.execute(db);
  await sql`
    CREATE TABLE agent_handovers (
      id bigserial PRIMARY KEY,
      agent_code text NOT NULL,
      county_code char(6) NOT NULL,
      amount_fen integer NOT NULL CHECK (amount_fen > 0),
      handed_on date NOT NULL,
      receipt_no text NOT NULL CHECK (receipt_no <> ''),
      recorded_by text,
      recorded_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (agent_code, receipt_no)
    )
  `.execute(db);

  await sql`
    CREATE TABLE audit_log (
      id bigserial PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      actor text NOT NULL,
      action text NOT NULL,
      entity text NOT NULL,
      entity_id text NOT NULL,
      county_code char(6),
      before jsonb,
      after jsonb
    )
  `.execute(db);
  await sql`CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id)`.execute(db);
  await sql`CREATE INDEX audit_log_at_idx ON audit_log (at)`.execute(db);
}
