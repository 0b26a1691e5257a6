// `canbao user add|list|passwd|unlock`: accounts for the web application. `user add` creates the
// first administrator on a new installation.
import type { Command } from 'commander';
import { cliActor } from '../audit/audit-log.js';
import { print, printJson, table, withDatabase } from '../cli/output.js';
import { refuse } from '../collection/refuse.js';
import { ROLE_NAMES, ROLES } from './roles.js';
import { addUser, changePassword, findUser, listUsers, unlockUser } from './user.service.js';

/** The password from the option or CANBAO_PASSWORD, so it need not appear in shell history. */
function passwordFrom(option: string | undefined): string {
  const pw = option ?? process.env.CANBAO_PASSWORD;
  if (!pw)
    return refuse('missing-password', '--password', '请用 --password 或环境变量 CANBAO_PASSWORD 给出密码');
  return pw;
}

export function registerUserCommands(program: Command): void {
  const cmd = program.command('user').description('用户账号（网页端登录）');
  cmd
    .command('add')
    .description('新增用户；新装系统先用它创建管理员')
    .argument('<用户名>')
    .requiredOption('--role <角色>', `角色：${ROLES.map((r) => `${r}（${ROLE_NAMES[r]}）`).join('、')}`)
    .option('--name <姓名>', '显示名')
    .option('--scope <地区代码>', '工作范围：区县 6 位、乡镇 9 位或村 12 位代码')
    .option('--department <部门>', '部门报送人员所属部门')
    .option('--password <密码>', '初始密码（也可用环境变量 CANBAO_PASSWORD）')
    .option('--must-change', '首次登录须修改密码')
    .action(
      async (
        username: string,
        o: {
          role: string;
          name?: string;
          scope?: string;
          department?: string;
          password?: string;
          mustChange?: boolean;
        },
      ) => {
        const user = await withDatabase((db) =>
          addUser(
            db,
            {
              username,
              displayName: o.name ?? username,
              role: o.role,
              password: passwordFrom(o.password),
              mustChangePassword: o.mustChange ?? false,
              ...(o.scope ? { scopeCode: o.scope } : {}),
              ...(o.department ? { department: o.department } : {}),
            },
            cliActor(),
          ),
        );
        print(
          `已创建用户 ${user.username}（${ROLE_NAMES[user.role]}${user.scopeCode ? `，范围 ${user.scopeCode}` : ''}）。`,
        );
      },
    );
  cmd
    .command('list')
    .description('用户列表')
    .option('--json', '输出 JSON')
    .action(async (o: { json?: boolean }) => {
      const users = await withDatabase((db) => listUsers(db));
      if (o.json) return printJson(users);
      print(
        table(
          ['用户名', '姓名', '角色', '范围', '状态'],
          users.map((u) => [
            u.username,
            u.displayName,
            ROLE_NAMES[u.role],
            u.scopeCode ?? '全部',
            u.disabled ? '停用' : u.locked ? '锁定' : '正常',
          ]),
        ),
      );
    });
  cmd
    .command('passwd')
    .description('重置用户密码（该用户下次登录须修改）')
    .argument('<用户名>')
    .option('--password <密码>', '新密码（也可用环境变量 CANBAO_PASSWORD）')
    .action(async (username: string, o: { password?: string }) => {
      await withDatabase(async (db) => {
        const user = await findUser(db, username);
        if (!user) refuse('no-user', 'username', `没有用户 ${username}`);
        await changePassword(db, user!.id, null, passwordFrom(o.password), cliActor());
      });
      print(`已重置 ${username} 的密码，其现有会话已失效。`);
    });
  cmd
    .command('unlock')
    .description('解除因密码错误次数过多造成的锁定')
    .argument('<用户名>')
    .action(async (username: string) => {
      await withDatabase((db) => unlockUser(db, username, cliActor()));
      print(`已解除 ${username} 的锁定。`);
    });
}
