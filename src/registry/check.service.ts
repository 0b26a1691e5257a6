// canbao registry check: duplicates and suspicious data, each finding in Chinese with masked IDs.
import type { Kysely } from 'kysely';
import {
  type CheckPerson,
  danglingReferences,
  fifteenDigitIds,
  householdHeadProblems,
  inactiveStillActive,
  personsByDocNos,
  sameExceptCheckDigit,
  sameNameAndBirth,
} from './check.repository.js';
import { convert15to18, maskId } from './id-document.js';

export type FindingCode =
  | 'id15_and_id18'
  | 'id15_only'
  | 'check_digit_variant'
  | 'same_name_birth'
  | 'household_no_head'
  | 'household_many_heads'
  | 'household_head_not_active'
  | 'dangling_household'
  | 'unknown_village'
  | 'inactive_still_certified'
  | 'inactive_still_assessed';

export interface Finding {
  code: FindingCode;
  message: string;
  persons: { id: number; docNo: string; name: string; householdNo: string | null; status: string }[];
  householdNo?: string;
}

const who = (p: CheckPerson): string =>
  `${p.name}（${maskId(p.doc_no)}${p.household_no ? `，户号 ${p.household_no}` : ''}）`;
const people = (ps: CheckPerson[]): Finding['persons'] =>
  ps.map((p) => ({ id: p.id, docNo: p.doc_no, name: p.name, householdNo: p.household_no, status: p.status }));

export async function checkRegistry(
  // biome-ignore lint/suspicious/noExplicitAny: registry tables are not in the shared schema type
  db: Kysely<any>,
  /** Only persons and households of this area (county, township or village code); '' for all. */
  area = '',
): Promise<Finding[]> {
  const findings: Finding[] = [];

  const old = await fifteenDigitIds(db, area);
  const by18 = new Map(
    (
      await personsByDocNos(
        db,
        old.map((p) => convert15to18(p.doc_no)),
      )
    ).map((p) => [p.doc_no, p]),
  );
  for (const p of old) {
    const twin = by18.get(convert15to18(p.doc_no));
    findings.push(
      twin
        ? {
            code: 'id15_and_id18',
            message: `同一人登记了两个号码：15位 ${who(p)} 与18位 ${who(twin)}，请合并为18位号码`,
            persons: people([p, twin]),
          }
        : { code: 'id15_only', message: `${who(p)} 仍是15位旧号码，请换成18位号码`, persons: people([p]) },
    );
  }
  for (const g of await sameExceptCheckDigit(db, area)) {
    findings.push({
      code: 'check_digit_variant',
      message: `号码只有最后一位（校验码）不同：${g.map(who).join('、')}，其中至少一个号码错误`,
      persons: people(g),
    });
  }
  for (const g of await sameNameAndBirth(db, area)) {
    findings.push({
      code: 'same_name_birth',
      message: `姓名、性别、出生日期和地址码都相同但号码不同，疑似同一人：${g.map(who).join('、')}`,
      persons: people(g),
    });
  }
  for (const h of await householdHeadProblems(db, area)) {
    const base = { persons: [], householdNo: h.household_no };
    if (h.heads === 0)
      findings.push({
        ...base,
        code: 'household_no_head',
        message: `户号 ${h.household_no}（${h.members} 人）没有户主`,
      });
    else if (h.heads > 1)
      findings.push({
        ...base,
        code: 'household_many_heads',
        message: `户号 ${h.household_no} 有 ${h.heads} 个户主`,
      });
    if (h.deceased_heads > 0)
      findings.push({
        ...base,
        code: 'household_head_not_active',
        message: `户号 ${h.household_no} 的户主已死亡或迁出，请变更户主`,
      });
  }
  for (const p of await danglingReferences(db, area)) {
    findings.push(
      p.problem === 'household'
        ? { code: 'dangling_household', message: `${who(p)} 所属的户不存在`, persons: people([p]) }
        : {
            code: 'unknown_village',
            message: `${who(p)} 的居住村（社区）不在区划表中`,
            persons: people([p]),
          },
    );
  }
  const STATUS_NAMES: Record<string, string> = { deceased: '已死亡', moved_out: '已迁出' };
  for (const p of await inactiveStillActive(db, area)) {
    const status = STATUS_NAMES[p.status] ?? p.status;
    findings.push(
      p.problem === 'identity'
        ? {
            code: 'inactive_still_certified',
            message: `${who(p)} ${status}，但仍有部门认定的有效身份，请通知认定部门核减`,
            persons: people([p]),
          }
        : {
            code: 'inactive_still_assessed',
            message: `${who(p)} ${status}，但仍有有效的核定记录，请重新核定`,
            persons: people([p]),
          },
    );
  }
  return findings;
}
