// `canbao enroll`: 参保登记 of one person, or of every member of a household (--household).
import type { Command } from 'commander';
import { cliActor } from '../audit/audit-log.js';
import { print, printJson, table, withDatabase } from '../cli/output.js';
import { formatDateZh } from '../policy/dates.js';
import { formatYuan } from '../policy/money.js';
import { shippedPacks } from '../policy/pack-loader.js';
import { STUDENT_KINDS } from '../policy/vocabulary.js';
import { maskId } from '../registry/id-document.js';
import { ENROLLMENT_STATUS_NAMES } from './enrollment.repository.js';
import { type RegistrationResult, registerEnrollment, registerHousehold } from './registration.service.js';

const benefit = (r: RegistrationResult) =>
  r.benefitStart && r.benefitEnd
    ? `${formatDateZh(r.benefitStart)}至${formatDateZh(r.benefitEnd)}${r.waitingDays ? `（等待期 ${r.waitingDays} 天）` : ''}`
    : '缴费后确定';

export function registerEnrollCommands(program: Command): void {
  program
    .command('enroll')
    .description('参保登记：登记一个人（或 --household 全户）参加某年度居民医保；无需个人缴费的直接参保')
    .argument('<证件号码或户号>', '参保人证件号码；加 --household 时为户号或任一成员证件号码')
    .requiredOption('--year <年度>', '参保年度')
    .requiredOption('--date <日期>', '登记日期 YYYY-MM-DD')
    .option('--household', '登记全户成员')
    .option('--student <类别>', `学生类别：${STUDENT_KINDS.join('、')}`)
    .option('--agent <代征人员编码>', '经办的代征人员')
    .option('--json', '输出 JSON')
    .action(
      async (
        key: string,
        o: {
          year: string;
          date: string;
          household?: boolean;
          student?: string;
          agent?: string;
          json?: boolean;
        },
      ) => {
        const common = {
          year: Number(o.year),
          registeredOn: o.date,
          actor: cliActor(),
          ...(o.agent ? { agent: o.agent } : {}),
        };
        if (o.household) {
          const r = await withDatabase((db) => registerHousehold(db, shippedPacks(), { ...common, key }));
          if (o.json) return printJson(r);
          print(`户 ${r.householdNo} ${o.year} 年度参保登记：`);
          print(
            table(
              ['证件号码', '姓名', '结果', '个人应缴', '待遇享受期'],
              r.results.map((m) => [
                maskId(m.docNo),
                m.name,
                m.result ? ENROLLMENT_STATUS_NAMES[m.result.enrollmentStatus] : `未登记：${m.refused}`,
                m.result ? formatYuan(m.result.payableFen) : '',
                m.result ? benefit(m.result) : '',
              ]),
            ),
          );
          print(`全户待缴 ${formatYuan(r.payableFen)}。`);
          return;
        }
        const r = await withDatabase((db) =>
          registerEnrollment(db, shippedPacks(), {
            ...common,
            docNo: key,
            ...(o.student ? { student: o.student } : {}),
          }),
        );
        if (o.json) return printJson(r);
        const what =
          r.status === 'already'
            ? `${o.year} 年度已登记（${ENROLLMENT_STATUS_NAMES[r.enrollmentStatus]}）`
            : r.status === 'enrolled'
              ? `${o.year} 年度无需个人缴费，已参保`
              : `${o.year} 年度已登记，待缴 ${formatYuan(r.payableFen)}`;
        print(`${r.personName}：${what}。待遇享受期：${benefit(r)}。`);
      },
    );
}
