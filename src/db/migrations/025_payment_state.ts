// A payment in two round trips instead of five (BEGIN, read under the person's lock, read what may
// have changed, write, COMMIT). The payment service reads the person and `payment_state` in one
// statement without a lock, decides in TypeScript (the engine, every rule), and writes in one
// statement whose first step is `payment_guard`: it takes the person's transaction lock, reads
// `payment_state` again with a snapshot taken after the lock (a VOLATILE function gets a fresh
// snapshot for each statement it runs), and lets the write go ahead only when nothing changed. A
// single statement is its own transaction: the lock is held until its durable commit. When the
// state did change (another payment for the same person at the same moment), nothing is written
// and the service takes the locked path inside a transaction.
//
// payment_state returns what a payment must see after the lock: a stored payment with the same
// channel and number (a retry), how many of the person's contributions for the year count, this
// year's enrollment (the columns of ENROLLMENT_COLUMNS in src/collection/enrollment.repository.ts,
// which a test compares) and the agent. PL/pgSQL, not SQL: a SQL function with subqueries is not
// inlined and would be planned again at every call; PL/pgSQL keeps its plan per connection. To
// change it, replace it in a new migration.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE OR REPLACE FUNCTION payment_state(p_person bigint, p_year int, p_channel text, p_external text, p_agent text)
    RETURNS jsonb LANGUAGE plpgsql STABLE AS $fn$
    BEGIN
      RETURN jsonb_build_object(
        'prior', (SELECT jsonb_build_object('id', pay.id, 'amount_fen', pay.amount_fen, 'status', pay.status,
                    'doc_no', p.doc_no, 'name', p.name)
                  FROM payments pay JOIN persons p ON p.id = pay.person_id
                  WHERE pay.channel = p_channel AND pay.external_no = p_external),
        'paid', (SELECT count(*)::int FROM payments
                 WHERE person_id = p_person AND year = p_year AND kind = 'contribution' AND status <> 'rejected'),
        'enrollment', (SELECT to_jsonb(e) FROM (SELECT id, county_code, year, person_id, status, source,
                         registered_on, enrolled_on, payment_id, student_kind, benefit_start, benefit_end,
                         waiting_days, lapsed_years, paid_back_years, agent_code
                       FROM enrollments WHERE person_id = p_person AND year = p_year) e),
        'agent', CASE WHEN p_agent IS NULL THEN NULL
                 ELSE (SELECT jsonb_build_object('name', a.name, 'active', a.active) FROM agents a
                       WHERE a.code = p_agent) END);
    END
    $fn$`.execute(db);
  await sql`
    CREATE OR REPLACE FUNCTION payment_guard(p_person bigint, p_year int, p_channel text, p_external text, p_agent text, p_seen jsonb)
    RETURNS boolean LANGUAGE plpgsql VOLATILE AS $fn$
    DECLARE
      now_state jsonb;
    BEGIN
      PERFORM pg_advisory_xact_lock(p_person);
      SELECT payment_state(p_person, p_year, p_channel, p_external, p_agent) INTO now_state;
      RETURN now_state = p_seen;
    END
    $fn$`.execute(db);
}
