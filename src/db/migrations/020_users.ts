// Users, their role and scope (the region they may see), and their sessions. Passwords are scrypt
// hashes; sessions are stored as a hash of the cookie token, so a database dump cannot log anyone in.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE users (
      id bigserial PRIMARY KEY,
      username text NOT NULL UNIQUE CHECK (username ~ '^[A-Za-z0-9_.-]{2,40}$'),
      display_name text NOT NULL,
      role text NOT NULL,
      -- County, township or village code the user works in; NULL for the whole system (administrators).
      scope_code varchar(12),
      -- For department submitters: the department whose lists they may upload.
      department text,
      password_hash text NOT NULL,
      must_change_password boolean NOT NULL DEFAULT false,
      failed_logins integer NOT NULL DEFAULT 0,
      locked_until timestamptz,
      disabled boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      password_changed_at timestamptz NOT NULL DEFAULT now()
    )
  `.execute(db);
  await sql`
    CREATE TABLE sessions (
      token_hash char(64) PRIMARY KEY,
      user_id bigint NOT NULL REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      revoked_at timestamptz,
      ip text
    )
  `.execute(db);
  await sql`CREATE INDEX sessions_user_idx ON sessions (user_id)`.execute(db);
}
