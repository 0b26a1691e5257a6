// `canbao identities import|history`: department lists in, identity history out.

import type { Command } from 'commander';
import { cliActor } from '../audit/audit-log.js';
import { print, printJson, table, withDatabase } from '../cli/output.js';
import { writeCsv } from '../files/index.js';
import { OutcomeError } from '../policy/outcome.js';
import { IDENTITY_NAMES, type IdentityCode } from '../policy/vocabulary.js';
import { maskId } from '../registry/id-document.js';
import { DEPARTMENT_NAMES, parseDepartment } from './departments.js';
import { identityHistory, normalDocNo } from './identity-history.js';
import { importDepartmentList } from './list-import.service.js';

const CHANGE_NAMES = { added: '新增', changed: '变更', removed: '减少' } as const;

export function registerIdentitiesCommands(program: Command): void {
  const cmd = program.command('identities').description('部门认定的困难群体名单与身份记录');
  cmd
    .command('import')
    .description(
      '导入部门名单（CSV/XLSX）：全量名单（未列入者自名单日期起失去该身份）或增减名单（含"变更类型"列）',
    )
    .argument('<file>', '名单文件')
    .requiredOption('--department <部门>', '报送部门：民政、农业农村、残联、退役军人事务、卫健、人社、教育')
    .requiredOption('--county <代码>', '区县代码（6 位）')
    .option('--kind <snapshot|changes>', '名单类型；省略时按是否有"变更类型"列判断')
    .option('--as-of <日期>', '名单所截至的日期（默认今天）')
    .option('--all-or-nothing', '有任何一行被拒绝时，整份名单都不导入')
    .option('--report <file>', '把被拒绝的行写入此 CSV 文件')
    .option('--json', '输出 JSON')
    .action(async (file: string, opts: Record<string, string | boolean | undefined>) => {
      const department = parseDepartment(String(opts.department));
      if (!department) {
        throw new OutcomeError([
          {
            severity: 'error',
            code: 'bad-department',
            expression: '--department',
            message: `未知的部门"${opts.department}"`,
          },
        ]);
      }
      const kind = opts.kind as 'snapshot' | 'changes' | undefined;
      if (kind && kind !== 'snapshot' && kind !== 'changes') {
        throw new OutcomeError([
          {
            severity: 'error',
            code: 'bad-kind',
            expression: '--kind',
            message: '名单类型应为 snapshot（全量）或 changes（增减）',
          },
        ]);
      }
      const result = await withDatabase((db) =>
        importDepartmentList(db, {
          file,
          department,
          county: String(opts.county),
          ...(kind ? { kind } : {}),
          ...(typeof opts.asOf === 'string' ? { asOf: opts.asOf } : {}),
          allOrNothing: opts.allOrNothing === true,
          importedBy: cliActor(),
        }),
      );
      if (typeof opts.report === 'string' && result.rejections.length > 0) {
        await writeCsv(
          opts.report,
          ['行号', '列', '值', '原因'],
          result.rejections.map((r) => [String(r.rowNumber), r.column, r.value, r.reason]),
        );
      }
      if (opts.json) return printJson(result);
      if (result.alreadyImported)
        return print(`此名单已于之前导入（第 ${result.listId} 号），本次未作任何改动。`);
      const kindName = result.kind === 'snapshot' ? '全量名单' : '增减名单';
      print(
        `${DEPARTMENT_NAMES[department]}${kindName}${result.kindDetected ? '（按表头自动识别）' : ''}：读取 ${result.rowsRead} 行`,
      );
      print(
        result.applied
          ? `新增 ${result.added}，变更 ${result.changed}，减少 ${result.removed}，未变 ${result.unchanged}，拒绝 ${result.rejected} 行`
          : `有 ${result.rejected} 行被拒绝，按"全部或全不"要求，整份名单未导入。`,
      );
      if (result.rejections.length > 0) {
        print('\n被拒绝的行：');
        print(
          table(
            ['行号', '列', '值', '原因'],
            result.rejections.slice(0, 50).map((r) => [r.rowNumber, r.column, maskId(r.value), r.reason]),
          ),
        );
        if (result.rejections.length > 50)
          print(`……共 ${result.rejections.length} 条，完整清单请用 --report 导出`);
      }
      if (result.changes.length > 0) {
        print('\n身份变化：');
        print(
          table(
            ['证件号码', '姓名', '身份', '变化'],
            result.changes
              .slice(0, 50)
              .map((c) => [
                maskId(c.docNo),
                c.name,
                IDENTITY_NAMES[c.category as IdentityCode] ?? c.category,
                CHANGE_NAMES[c.change],
              ]),
          ),
        );
      }
    });
  cmd
    .command('history')
    .description('查看一个人的身份记录（谁认定、何时起止、来自哪份名单）')
    .argument('<证件号码>')
    .option('--json', '输出 JSON')
    .action(async (raw: string, opts: { json?: boolean }) => {
      const docNo = normalDocNo(raw);
      const rows = (await withDatabase((db) => identityHistory(db, docNo))) ?? [];
      if (opts.json) return printJson(rows);
      if (rows.length === 0) return print(`${maskId(docNo)} 没有身份记录。`);
      print(
        table(
          ['身份', '等级', '认定部门', '起', '止', '来源名单'],
          rows.map((r) => [
            IDENTITY_NAMES[r.category as IdentityCode] ?? r.category,
            r.grade ? `${r.grade}级` : '',
            DEPARTMENT_NAMES[r.department as keyof typeof DEPARTMENT_NAMES] ?? r.department,
            r.valid_from,
            r.valid_to ?? '至今',
            r.file_name ?? '',
          ]),
        ),
      );
    });
}
