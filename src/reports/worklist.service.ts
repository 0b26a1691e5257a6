// Worklists for village and township workers (工作清单): who to visit first and why, with phone and
// household, exportable, and the follow-up marks workers leave on them.
import { sql } from 'kysely';
import { audit } from '../audit/audit-log.js';
import type { DatabaseHandle, DbSession } from '../db/connection.js';
import type { PackRegistry } from '../policy/pack-loader.js';
import { IDENTITY_NAMES, type IdentityCode } from '../policy/vocabulary.js';
import { maskId, normalizeDocNo } from '../registry/id-document.js';
import { citeText, reportError, resolveReportScope, targetsOf } from './report-scope.js';
import { insertFollowup, WORKLIST_KINDS, type WorklistKind, worklistRows } from './worklist.repository.js';

export const WORKLIST_KIND_NAMES: Record<WorklistKind, string> = {
  key_group: '重点人群未参保',
  newborn: '新生儿临近参保期限',
  employee_lapse: '职工医保断保待续保',
  household_partial: '家庭成员未全部参保',
  lapsed_payer: '上年已参保本年未缴费',
};

export interface WorklistEntry {
  priority: number;
  kind: WorklistKind;
  kindName: string;
  deadline: string;
  detail: string;
  village: string;
  villageName: string;
  householdNo: string;
  name: string;
  id: string;
  phone: string;
  followUp: { note: string; by: string; at: string } | null;
}

export interface WorklistReport {
  region: string;
  regionName: string;
  year: number;
  asOf: string;
  /** Where each window comes from (pack clause, or the stated default). */
  rules: string[];
  entries: WorklistEntry[];
  truncated: boolean;
}

export async function worklistReport(
  db: DbSession,
  packs: PackRegistry,
  input: { region: string; year: number; asOf?: string; limit?: number; fullId?: boolean },
): Promise<WorklistReport> {
  const scope = await resolveReportScope(db, packs, input);
  const target = targetsOf(scope);
  const events = scope.pack.pack.events ?? {};
  const newborn = events.newborn?.withinDays ?? null;
  const lapse = events.employee_insurance_lapse?.withinDays ?? null;
  const rules = [
    `重点人群：${target.keyGroups.map((g) => g.name).join('、') || '（政策包未列）'}（${citeText(scope.pack, target.cite)}）`,
  ];
  if (newborn !== null && events.newborn)
    rules.push(`新生儿：出生后 ${newborn} 日内参保（${citeText(scope.pack, events.newborn.cite)}）`);
  else rules.push('新生儿：政策包未规定参保期限，不列入此项');
  rules.push(
    lapse !== null && events.employee_insurance_lapse
      ? `职工医保断保：断保后 ${lapse} 日内参保（${citeText(scope.pack, events.employee_insurance_lapse.cite)}）`
      : '职工医保断保：政策包未规定期限，按断保后 90 日内列入清单（仅作提醒）',
  );
  const limit = input.limit ?? 5000;
  const rows = await worklistRows(db, {
    villageLike: scope.villageLike,
    countyLike: scope.countyLike,
    year: scope.year,
    asOf: scope.asOf,
    keyCategories: [...new Set(target.keyGroups.flatMap((g) => g.categories))],
    newbornDays: newborn,
    lapseDays: lapse ?? 90,
    limit: limit + 1,
  });
  return {
    region: scope.region,
    regionName: scope.regionName,
    year: scope.year,
    asOf: scope.asOf,
    rules,
    truncated: rows.length > limit,
    entries: rows.slice(0, limit).map((r) => ({
      priority: WORKLIST_KINDS.indexOf(r.kind) + 1,
      kind: r.kind,
      kindName: WORKLIST_KIND_NAMES[r.kind],
      deadline: r.deadline ?? '',
      detail: (r.detail ?? '')
        .split(',')
        .filter(Boolean)
        .map((c) => IDENTITY_NAMES[c as IdentityCode] ?? c)
        .join('、'),
      village: r.village,
      villageName: r.village_name ?? r.village,
      householdNo: r.household_no ?? '',
      name: r.name,
      id: input.fullId ? r.doc_no : maskId(r.doc_no),
      phone: r.phone ?? '',
      followUp: r.followup_at
        ? { note: r.followup_note ?? '', by: r.followup_by ?? '', at: r.followup_at }
        : null,
    })),
  };
}

export const WORKLIST_HEADERS = [
  '优先级',
  '事项',
  '期限',
  '身份',
  '村（社区）',
  '户编号',
  '姓名',
  '证件号码',
  '联系电话',
  '跟进情况',
  '跟进人',
  '跟进时间',
] as const;

export function worklistCells(e: WorklistEntry): string[] {
  return [
    String(e.priority),
    e.kindName,
    e.deadline,
    e.detail,
    e.villageName,
    e.householdNo,
    e.name,
    e.id,
    e.phone,
    e.followUp?.note ?? '',
    e.followUp?.by ?? '',
    e.followUp?.at ?? '',
  ];
}

export function parseWorklistKind(text: string): WorklistKind {
  if ((WORKLIST_KINDS as readonly string[]).includes(text)) return text as WorklistKind;
  throw reportError(
    'bad-kind',
    'kind',
    `清单事项应为 ${WORKLIST_KINDS.map((k) => `${k}（${WORKLIST_KIND_NAMES[k]}）`).join('、')}，收到“${text}”`,
  );
}

/** Mark a worklist entry as followed up (who, when, what was found); audited. */
export async function recordFollowup(
  handle: DatabaseHandle,
  input: { docNo: string; year: number; kind: string; note: string; actor: string },
): Promise<{ id: string; at: string; name: string }> {
  const kind = parseWorklistKind(input.kind);
  if (input.note.trim() === '')
    throw reportError('no-note', 'note', '请写明跟进情况（如：已电话联系，本周缴费）');
  const docNo = normalizeDocNo(input.docNo);
  return handle.transaction(async (tx) => {
    const { rows } = await sql<{ id: string; county_code: string; name: string }>`
      SELECT id::text AS id, county_code, name FROM persons WHERE doc_no = ${docNo} LIMIT 1`.execute(tx.db);
    const person = rows[0];
    if (!person) throw reportError('no-person', 'id', `找不到证件号码为 ${maskId(docNo)} 的人员`);
    const f = await insertFollowup(tx, {
      countyCode: person.county_code,
      personId: person.id,
      year: input.year,
      kind,
      note: input.note.trim(),
      by: input.actor,
    });
    await audit(tx, {
      actor: input.actor,
      action: 'worklist.followup',
      entity: 'person',
      entityId: person.id,
      countyCode: person.county_code,
      after: { year: input.year, kind, note: input.note.trim(), followupId: f.id },
    });
    return { ...f, name: person.name };
  });
}
