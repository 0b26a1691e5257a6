// The accounts `canbao start` makes on a database with no users, so a new user can log in to the
// web application at once: an administrator and a village worker in the demo village with the
// most residents (to show what scope hides). Passwords are random and printed once; they are not
// marked for change because the demo is meant to be tried straight away.
import { randomInt } from 'node:crypto';
import { sql } from 'kysely';
import type { DatabaseHandle } from '../db/connection.js';
import { ROLE_NAMES } from './roles.js';
import { addUser } from './user.service.js';

export interface DemoAccount {
  username: string;
  password: string;
  roleName: string;
  scope: string | null;
}

/** Easy to read aloud and type: no 0/O, 1/l/I. */
function randomPassword(): string {
  const letters = 'abcdefghjkmnpqrstuvwxyz';
  const digits = '23456789';
  const pick = (s: string, n: number) => Array.from({ length: n }, () => s[randomInt(s.length)]).join('');
  return `${pick(letters, 4)}-${pick(digits, 4)}`;
}

/** Creates the demo accounts when there are no users at all; returns them, or [] when users exist. */
export async function ensureDemoAccounts(db: DatabaseHandle): Promise<DemoAccount[]> {
  const users = await sql<{ n: number }>`SELECT count(*)::int AS n FROM users`.execute(db.db);
  if (users.rows[0]!.n > 0) return [];
  const village = await sql<{ code: string; name: string | null }>`
    SELECT p.residence_village AS code, r.name FROM persons p LEFT JOIN regions r ON r.code = p.residence_village
    WHERE p.residence_village IS NOT NULL AND length(p.residence_village) = 12
    GROUP BY p.residence_village, r.name ORDER BY count(*) DESC, p.residence_village LIMIT 1`.execute(db.db);
  const accounts: DemoAccount[] = [];
  const admin = { username: 'admin', password: randomPassword() };
  await addUser(
    db,
    { ...admin, displayName: '演示管理员', role: 'admin', mustChangePassword: false },
    'canbao start',
  );
  accounts.push({ ...admin, roleName: ROLE_NAMES.admin, scope: null });
  const v = village.rows[0];
  if (v) {
    const worker = { username: 'cun', password: randomPassword() };
    await addUser(
      db,
      {
        ...worker,
        displayName: `${v.name ?? v.code}代办员`,
        role: 'village',
        scopeCode: v.code,
        mustChangePassword: false,
      },
      'canbao start',
    );
    accounts.push({ ...worker, roleName: ROLE_NAMES.village, scope: `${v.name ?? ''}（${v.code}）` });
  }
  return accounts;
}
