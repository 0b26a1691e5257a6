// Sessions: a random token in an HttpOnly cookie; the database keeps only its SHA-256, an expiry and
// a revocation time. Logging out revokes; an expired or revoked token is simply not a session.
// A session read is remembered: every API request needs it, and at thousands of requests a second
// that one query is a tenth of a payment's work. Everything in this process that ends a session or
// changes a user forgets the remembered ones at once. On the server another process (`canbao user
// passwd` while the service runs) may change them too, so a session is remembered SESSION_CACHE_MS;
// a PGlite data directory belongs to one process (data-dir-lock), so there a session is remembered
// until it expires — and an API request is not held up behind a long import's transaction, which
// has the embedded database's only connection.
import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { DbSession } from '../db/connection.js';
import { toUser, type User } from './user.service.js';

export const SESSION_COOKIE = 'canbao_session';
export const SESSION_HOURS = 12;

const SESSION_CACHE_MS = 5_000;
const remembered = new WeakMap<object, Map<string, { user: User; until: number }>>();

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

/** Forget every remembered session: call after anything that revokes a session or changes a user. */
export function forgetSessions(db: Pick<DbSession, 'db'>): void {
  remembered.get(db.db)?.clear();
}

export async function createSession(db: Pick<DbSession, 'db'>, userId: number, ip: string): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await sql`INSERT INTO sessions (token_hash, user_id, expires_at, ip)
    VALUES (${digest(token)}, ${userId}, now() + make_interval(hours => ${SESSION_HOURS}), ${ip})`.execute(
    db.db,
  );
  return token;
}

export async function sessionUser(
  db: Pick<DbSession, 'db'> & { kind?: DbSession['kind'] },
  token: string,
): Promise<User | undefined> {
  const hash = digest(token);
  let cache = remembered.get(db.db);
  const hit = cache?.get(hash);
  if (hit && hit.until > Date.now()) return hit.user;
  const r = await sql<Parameters<typeof toUser>[0] & { expires_ms: number }>`
    SELECT u.id, u.username, u.display_name, u.role, u.scope_code, u.department, u.must_change_password,
      (extract(epoch FROM s.expires_at) * 1000)::float8 AS expires_ms
    FROM sessions s JOIN users u ON u.id = s.user_id
    WHERE s.token_hash = ${hash} AND s.revoked_at IS NULL AND s.expires_at > now() AND NOT u.disabled`.execute(
    db.db,
  );
  const user = r.rows[0] ? toUser(r.rows[0]) : undefined;
  if (user) {
    if (!cache) {
      cache = new Map();
      remembered.set(db.db, cache);
    }
    // Bounded: a flood of distinct tokens cannot grow it without end.
    if (cache.size >= 10_000) cache.clear();
    const expires = Number(r.rows[0]!.expires_ms);
    const until = db.kind === 'pglite' ? expires : Math.min(expires, Date.now() + SESSION_CACHE_MS);
    cache.set(hash, { user, until });
  }
  return user;
}

export async function revokeSession(db: Pick<DbSession, 'db'>, token: string): Promise<void> {
  await sql`UPDATE sessions SET revoked_at = now() WHERE token_hash = ${digest(token)} AND revoked_at IS NULL`.execute(
    db.db,
  );
  // After the write: a request read between a forget and the write would remember the session again.
  forgetSessions(db);
}
