// Users: add, authenticate (with lockout after repeated failures), change password, unlock, list.
// Every change is audited; a password hash never leaves this module.
import { sql } from 'kysely';
import { audit } from '../audit/audit-log.js';
import { refuse } from '../collection/refuse.js';
import type { DatabaseHandle, DbSession } from '../db/connection.js';
import { DEPARTMENT_NAMES, parseDepartment } from '../identities/departments.js';
import { hashPassword, passwordProblem, verifyPassword } from './password.js';
import { ROLE_NAMES, ROLES, type Role, SCOPE_LENGTH } from './roles.js';
import { forgetSessions } from './session.service.js';

/** Five wrong passwords in a row lock the account for fifteen minutes. */
export const MAX_FAILED_LOGINS = 5;
export const LOCK_MINUTES = 15;

export interface User {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  scopeCode: string | null;
  department: string | null;
  mustChangePassword: boolean;
}

interface UserRow {
  id: number;
  username: string;
  display_name: string;
  role: Role;
  scope_code: string | null;
  department: string | null;
  must_change_password: boolean;
  password_hash: string;
  failed_logins: number;
  locked_until: Date | null;
  disabled: boolean;
}

export const toUser = (
  r: Omit<UserRow, 'password_hash' | 'failed_logins' | 'locked_until' | 'disabled'>,
): User => ({
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  role: r.role,
  scopeCode: r.scope_code,
  department: r.department,
  mustChangePassword: r.must_change_password,
});

export interface NewUser {
  username: string;
  displayName: string;
  role: string;
  scopeCode?: string;
  department?: string;
  password: string;
  mustChangePassword?: boolean;
}

export async function addUser(db: DatabaseHandle, input: NewUser, actor: string): Promise<User> {
  if (!/^[A-Za-z0-9_.-]{2,40}$/.test(input.username))
    refuse('bad-username', 'username', '用户名为 2–40 位字母、数字、点、下划线或连字符');
  if (!(ROLES as readonly string[]).includes(input.role))
    refuse(
      'bad-role',
      'role',
      `未知的角色"${input.role}"（可选：${ROLES.map((r) => `${r}=${ROLE_NAMES[r]}`).join('、')}）`,
    );
  const role = input.role as Role;
  const lengths = SCOPE_LENGTH[role];
  if (
    lengths &&
    !(input.scopeCode && /^\d+$/.test(input.scopeCode) && lengths.includes(input.scopeCode.length))
  )
    refuse(
      'bad-scope',
      'scope',
      `${ROLE_NAMES[role]}须指定所在${lengths[0] === 12 ? '村（社区）12 位' : lengths[0] === 9 ? '乡镇（街道）9 位' : '区县 6 位'}代码`,
    );
  if (role === 'department' && !input.department)
    refuse('bad-department', 'department', '部门报送人员须指定部门');
  // Stored as the department's code (civil_affairs …) so uploads can be matched against it.
  const department = input.department ? parseDepartment(input.department) : undefined;
  if (input.department && !department)
    refuse(
      'bad-department',
      'department',
      `未知的部门"${input.department}"（可选：${Object.values(DEPARTMENT_NAMES).join('、')}）`,
    );
  const problem = passwordProblem(input.password);
  if (problem) refuse('weak-password', 'password', problem);
  const hash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const r = await sql<UserRow>`
      INSERT INTO users (username, display_name, role, scope_code, department, password_hash, must_change_password)
      VALUES (${input.username}, ${input.displayName}, ${role}, ${input.scopeCode ?? null}, ${department ?? null},
        ${hash}, ${input.mustChangePassword ?? false})
      ON CONFLICT (username) DO NOTHING
      RETURNING id, username, display_name, role, scope_code, department, must_change_password`.execute(
      tx.db,
    );
    const row = r.rows[0];
    if (!row) return refuse('exists', 'username', `用户名 ${input.username} 已存在`);
    const user = toUser(row);
    await audit(tx, { actor, action: 'user.add', entity: 'user', entityId: user.id, after: user });
    return user;
  });
}

export type LoginOutcome =
  | { ok: true; user: User }
  | { ok: false; code: 'bad-credentials' | 'locked' | 'disabled'; message: string };

const BAD = { ok: false, code: 'bad-credentials', message: '用户名或密码错误' } as const;

/** Check a password; count failures and lock the account after MAX_FAILED_LOGINS in a row. */
export async function authenticate(
  db: DatabaseHandle,
  username: string,
  password: string,
): Promise<LoginOutcome> {
  return db.transaction(async (tx) => {
    const r = await sql<UserRow>`SELECT * FROM users WHERE username = ${username} FOR UPDATE`.execute(tx.db);
    const row = r.rows[0];
    if (!row) {
      // Spend the same time as a real check, so response times do not reveal which names exist.
      await verifyPassword(password, DUMMY_HASH);
      return BAD;
    }
    if (row.disabled) return { ok: false, code: 'disabled', message: '账号已停用，请联系管理员' };
    if (row.locked_until && row.locked_until.getTime() > Date.now())
      return {
        ok: false,
        code: 'locked',
        message: `密码错误次数过多，账号已锁定至 ${row.locked_until.toLocaleTimeString('zh-CN', { hour12: false })}`,
      };
    if (!(await verifyPassword(password, row.password_hash))) {
      const failed = row.failed_logins + 1;
      const lock = failed >= MAX_FAILED_LOGINS;
      await sql`UPDATE users SET failed_logins = ${lock ? 0 : failed},
        locked_until = ${lock ? sql`now() + make_interval(mins => ${LOCK_MINUTES})` : sql`locked_until`}
        WHERE id = ${row.id}`.execute(tx.db);
      if (lock)
        await audit(tx, {
          actor: username,
          action: 'user.lock',
          entity: 'user',
          entityId: row.id,
          after: { failed },
        });
      return lock
        ? {
            ok: false,
            code: 'locked',
            message: `密码连续错误 ${MAX_FAILED_LOGINS} 次，账号锁定 ${LOCK_MINUTES} 分钟`,
          }
        : BAD;
    }
    await sql`UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ${row.id}`.execute(tx.db);
    return { ok: true, user: toUser(row) };
  });
}

const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

export async function changePassword(
  db: DatabaseHandle,
  userId: number,
  current: string | null,
  next: string,
  actor: string,
): Promise<void> {
  const problem = passwordProblem(next);
  if (problem) refuse('weak-password', 'newPassword', problem);
  const hash = await hashPassword(next);
  await db.transaction(async (tx) => {
    const r = await sql<UserRow>`SELECT * FROM users WHERE id = ${userId} FOR UPDATE`.execute(tx.db);
    const row = r.rows[0];
    if (!row) return refuse('no-user', 'user', '没有此用户');
    if (current !== null && !(await verifyPassword(current, row.password_hash)))
      refuse('bad-password', 'currentPassword', '当前密码不正确');
    await sql`UPDATE users SET password_hash = ${hash}, must_change_password = ${current === null},
      password_changed_at = now(), failed_logins = 0, locked_until = NULL WHERE id = ${userId}`.execute(
      tx.db,
    );
    // A new password ends every other session of the user.
    await sql`UPDATE sessions SET revoked_at = now() WHERE user_id = ${userId} AND revoked_at IS NULL`.execute(
      tx.db,
    );
    await audit(tx, {
      actor,
      action: 'user.password',
      entity: 'user',
      entityId: userId,
      after: { changed: true },
    });
  });
  forgetSessions(db);
}

export async function unlockUser(db: DatabaseHandle, username: string, actor: string): Promise<void> {
  await db.transaction(async (tx) => {
    const r = await sql<{ id: number }>`UPDATE users SET failed_logins = 0, locked_until = NULL
      WHERE username = ${username} RETURNING id`.execute(tx.db);
    if (!r.rows[0]) refuse('no-user', 'username', `没有用户 ${username}`);
    await audit(tx, { actor, action: 'user.unlock', entity: 'user', entityId: r.rows[0]!.id });
  });
}

export async function findUser(db: Pick<DbSession, 'db'>, username: string): Promise<User | undefined> {
  const r = await sql<UserRow>`SELECT * FROM users WHERE username = ${username}`.execute(db.db);
  return r.rows[0] ? toUser(r.rows[0]) : undefined;
}

export async function listUsers(
  db: Pick<DbSession, 'db'>,
): Promise<(User & { locked: boolean; disabled: boolean })[]> {
  const r = await sql<UserRow>`SELECT * FROM users ORDER BY id`.execute(db.db);
  return r.rows.map((row) => ({
    ...toUser(row),
    locked: row.locked_until !== null && row.locked_until.getTime() > Date.now(),
    disabled: row.disabled,
  }));
}
