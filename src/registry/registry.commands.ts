// canbao registry …: import the population roster, check it, and look people up.

import type { Command } from 'commander';
import { cliActor } from '../audit/audit-log.js';
import { type DatabaseHandle, openDatabase } from '../db/connection.js';
import { OutcomeError } from '../policy/outcome.js';
import { checkRegistry } from './check.service.js';
import { DOC_TYPE_LABELS, type DocType, maskId, parseIdDocument } from './id-document.js';
import { importPersons } from './import.service.js';
import { loadColumnMapping } from './import-columns.js';
import {
  findHouseholdById,
  findHouseholds,
  findPersonsByDocNo,
  findRegion,
  type HouseholdRow,
  householdMembers,
  type PersonRow,
  personHistory,
  villageCounts,
  villagePersons,
} from './person.repository.js';

const SEX = { male: '男', female: '女' } as const;
const STATUS = { active: '正常', deceased: '死亡', moved_out: '迁出' } as const;

async function withDb<T>(fn: (h: DatabaseHandle) => Promise<T>): Promise<T> {
  const handle = await openDatabase();
  try {
    return await fn(handle);
  } finally {
    await handle.close();
  }
}

const out = (line = ''): void => {
  process.stdout.write(`${line}\n`);
};

function notFound(expression: string, message: string): OutcomeError {
  return new OutcomeError([{ severity: 'error', code: 'not_found', expression, message }]);
}

/** The canonical form of what the user typed (15-digit → 18, x → X), or the text as typed. */
function canonicalDocNo(text: string): string {
  const r = parseIdDocument(text);
  return r.ok ? r.doc.docNo : text.trim().toUpperCase();
}

function personLine(p: PersonRow): string {
  return [
    p.relation ?? '—',
    p.name,
    maskId(p.doc_no),
    p.sex ? SEX[p.sex] : '—',
    p.birth_date ?? '—',
    STATUS[p.status],
    p.employee_insurance ? '职工医保' : '',
    p.student ? `学生${p.school ? `（${p.school}）` : ''}` : '',
  ]
    .filter((s) => s !== '')
    .join('  ');
}

function maskPerson(p: PersonRow): PersonRow {
  return { ...p, doc_no: maskId(p.doc_no), phone: p.phone ? maskId(p.phone) : null };
}

async function printHousehold(h: HouseholdRow, handle: DatabaseHandle, json: boolean): Promise<void> {
  const members = await householdMembers(handle.db, h.id);
  if (json) {
    out(JSON.stringify({ household: h, members: members.map(maskPerson) }, null, 2));
    return;
  }
  out(
    `户号 ${h.household_no}  ${h.village_name ?? ''}（${h.village_code ?? '无村代码'}）  共 ${members.length} 人`,
  );
  for (const m of members) out(`  ${personLine(m)}`);
}

export function registerRegistryCommands(program: Command): void {
  const registry = program.command('registry').description('一人一档：人员与家庭户，花名册导入与核查');

  registry
    .command('import')
    .description('导入参保人员花名册（CSV 或 XLSX，支持 GBK/UTF-8、标题行、两行表头）')
    .argument('<file>', '花名册文件')
    .option('--all-or-nothing', '只要有一行不合格就整个文件都不导入')
    .option('--mapping <file>', '列映射文件（JSON 或 YAML：{ "表头": "字段" }）')
    .option('--report-dir <dir>', '问题报告的保存目录（默认与花名册同目录）')
    .option('--staged', '总是先写入暂存表再合并（默认：一个县首次导入、人员和家庭户都是新的时直接写入）')
    .option('--json', '以 JSON 输出结果')
    .action(
      async (
        file: string,
        opts: {
          allOrNothing?: boolean;
          mapping?: string;
          reportDir?: string;
          staged?: boolean;
          json?: boolean;
        },
      ) => {
        const mapping = opts.mapping ? await loadColumnMapping(opts.mapping) : undefined;
        const r = await withDb((h) =>
          importPersons(h, file, {
            actor: cliActor(),
            allOrNothing: opts.allOrNothing === true,
            straight: opts.staged !== true,
            ...(mapping ? { mapping } : {}),
            ...(opts.reportDir ? { reportDir: opts.reportDir } : {}),
          }),
        );
        if (opts.json) {
          out(JSON.stringify(r, null, 2));
        } else {
          out(`导入批次 ${r.runId}：${r.file}`);
          out(
            `读取 ${r.rowsRead} 行：新增 ${r.inserted} 人，更新 ${r.updated} 人，未变化 ${r.unchanged} 人，未导入 ${r.rejected} 行，警告 ${r.warnings} 条`,
          );
          out(`家庭户：新增 ${r.householdsInserted} 户，更新 ${r.householdsUpdated} 户`);
          if (r.ignoredColumns.length > 0) out(`未使用的列：${r.ignoredColumns.join('、')}`);
          if (r.status === 'rejected')
            out('因使用 --all-or-nothing 且有不合格的行，本次没有导入任何数据。请按问题报告修改后重新导入。');
          for (const f of r.reportFiles) out(`问题报告：${f}`);
        }
        if (r.rejected > 0) process.exitCode = 1;
      },
    );

  registry
    .command('check')
    .description('核查重复和可疑数据：一人多号、只差校验码、户主缺失或已死亡、村代码无效')
    .option('--json', '以 JSON 输出')
    .action(async (opts: { json?: boolean }) => {
      const findings = await withDb((h) => checkRegistry(h.db));
      if (opts.json) {
        const masked = findings.map((f) => ({
          ...f,
          persons: f.persons.map((p) => ({ ...p, docNo: maskId(p.docNo) })),
        }));
        out(JSON.stringify(masked, null, 2));
        return;
      }
      if (findings.length === 0) {
        out('未发现问题。');
        return;
      }
      for (const f of findings) out(`· ${f.message}`);
      out(`共 ${findings.length} 个问题。`);
      process.exitCode = 1;
    });

  registry
    .command('person')
    .description('按证件号码查人员')
    .argument('<docNo>', '身份证号码或其他证件号码')
    .option('--json', '以 JSON 输出')
    .action(async (docNo: string, opts: { json?: boolean }) => {
      await withDb(async (h) => {
        const found = await findPersonsByDocNo(h.db, canonicalDocNo(docNo));
        if (found.length === 0) throw notFound(maskId(docNo.trim()), '一人一档中没有这个证件号码');
        const withHistory = await Promise.all(
          found.map(async (p) => ({ person: p, history: await personHistory(h.db, p.id) })),
        );
        if (opts.json) {
          out(
            JSON.stringify(
              withHistory.map((x) => ({ ...x, person: maskPerson(x.person) })),
              null,
              2,
            ),
          );
          return;
        }
        for (const { person: p, history } of withHistory) {
          out(`${p.name}  ${DOC_TYPE_LABELS[p.doc_type as DocType] ?? p.doc_type} ${maskId(p.doc_no)}`);
          out(
            `  性别 ${p.sex ? SEX[p.sex] : '—'}  出生日期 ${p.birth_date ?? '—'}  状态 ${STATUS[p.status]}`,
          );
          out(`  户号 ${p.household_no ?? '—'}  与户主关系 ${p.relation ?? '—'}`);
          out(`  居住地 ${p.township_name ?? ''}${p.village_name ?? ''}（${p.residence_village}）`);
          out(
            `  联系电话 ${p.phone ? maskId(p.phone) : '—'}  职工医保 ${p.employee_insurance ? '是' : '否'}  学生 ${p.student ? `是${p.school ? `（${p.school}）` : ''}` : '否'}`,
          );
          for (const c of history) {
            const changes = Object.entries(c.changes)
              .map(([k, [a, b]]) => `${k}: ${String(a ?? '空')} → ${String(b ?? '空')}`)
              .join('；');
            out(
              `  变更 ${new Date(c.changed_at).toISOString().slice(0, 10)}（${c.file_name ?? '手工'}）：${changes}`,
            );
          }
        }
      });
    });

  registry
    .command('household')
    .description('查家庭户：成员、与户主关系、状态')
    .argument('<key>', '户号或任一成员的证件号码')
    .option('--json', '以 JSON 输出')
    .action(async (key: string, opts: { json?: boolean }) => {
      await withDb(async (h) => {
        let households = await findHouseholds(h.db, key.trim());
        if (households.length === 0) {
          const persons = await findPersonsByDocNo(h.db, canonicalDocNo(key));
          const ids = [
            ...new Set(persons.map((p) => p.household_id).filter((id): id is number => id !== null)),
          ];
          households = (await Promise.all(ids.map((id) => findHouseholdById(h.db, id)))).filter(
            (x): x is HouseholdRow => x !== undefined,
          );
          if (persons.length > 0 && households.length === 0)
            throw notFound(maskId(key.trim()), '此人没有登记在任何家庭户中');
        }
        if (households.length === 0) throw notFound(maskId(key.trim()), '没有这个户号，也没有这个证件号码');
        for (const hh of households) await printHousehold(hh, h, opts.json === true);
      });
    });

  registry
    .command('village')
    .description('查村（社区）的家庭户和成员（证件号码已脱敏）')
    .argument('<code>', '12位村（社区）代码')
    .option('--limit <n>', '最多列出的人数', '2000')
    .option('--json', '以 JSON 输出')
    .action(async (code: string, opts: { limit: string; json?: boolean }) => {
      if (!/^\d{12}$/.test(code.trim()))
        throw new OutcomeError([
          {
            severity: 'error',
            code: 'bad_code',
            expression: code,
            message: '请填写12位村（社区）统计用区划代码',
          },
        ]);
      await withDb(async (h) => {
        const region = await findRegion(h.db, code.trim());
        if (!region) throw notFound(code, '区划表中没有这个村（社区）代码');
        const counts = await villageCounts(h.db, region.code);
        const limit = Math.max(1, Number(opts.limit) || 2000);
        const persons = await villagePersons(h.db, region.code, limit);
        if (opts.json) {
          out(JSON.stringify({ region, ...counts, persons: persons.map(maskPerson) }, null, 2));
          return;
        }
        out(`${region.name}（${region.code}）：${counts.households} 户，${counts.persons} 人`);
        let current: string | null | undefined;
        for (const p of persons) {
          if (p.household_no !== current) {
            current = p.household_no;
            out(current ? `户号 ${current}` : '未分户');
          }
          out(`  ${personLine(p)}`);
        }
        if (counts.persons > persons.length) out(`（只列出前 ${persons.length} 人，用 --limit 调整）`);
      });
    });
}
