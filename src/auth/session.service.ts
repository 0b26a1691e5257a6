// Sessions: a random token in an HttpOnly cookie; the database keeps only its SHA-256, an expiry and
// a revocation time. Logging out revokes; an expired or revoked token is simply not a session.
import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { DbSession } from '../db/connection.js';
import { toUser, type User } from './user.service.js';

export const SESSION_COOKIE = 'canbao_session';
export const SESSION_HOURS = 12;

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

export async function createSession(db: Pick<DbSession, 'db'>, userId: number, ip: string): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await sql`INSERT INTO sessions (token_hash, user_id, expires_at, ip)
    VALUES (${digest(token)}, ${userId}, now() + make_interval(hours => ${SESSION_HOURS}), ${ip})`.execute(
    db.db,
  );
  return token;
}

export async function sessionUser(db: Pick<DbSession, 'db'>, token: string): Promise<User | undefined> {
  const r = await sql<Parameters<typeof toUser>[0]>`
    SELECT u.id, u.username, u.display_name, u.role, u.scope_code, u.department, u.must_change_password
    FROM sessions s JOIN users u ON u.id = s.user_id
    WHERE s.token_hash = ${digest(token)} AND s.revoked_at IS NULL AND s.expires_at > now() AND NOT u.disabled`.execute(
    db.db,
  );
  return r.rows[0] ? toUser(r.rows[0]) : undefined;
}

export async function revokeSession(db: Pick<DbSession, 'db'>, token: string): Promise<void> {
  await sql`UPDATE sessions SET revoked_at = now() WHERE token_hash = ${digest(token)} AND revoked_at IS NULL`.execute(
    db.db,
  );
}
