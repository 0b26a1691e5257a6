// Importing a death list (卫健 or 民政) or another life-event list: rows are checked first (ID
// number, name against the registry, date), every rejected row is reported with its row, column,
// value and a Chinese reason; then the good rows are applied in one transaction, or — when the
// user asks for all or nothing — nothing is applied while any row is rejected. Running the same
// list again changes nothing: each event is unique per person, type and date.
import { basename } from 'node:path';
import { sql } from 'kysely';
import type { DatabaseHandle } from '../db/connection.js';
import { normalizeHeader, readTable } from '../files/index.js';
import { DEPARTMENT_NAMES, type Department } from '../identities/departments.js';
import { isValidDate, todayInChina } from '../policy/dates.js';
import { OutcomeError } from '../policy/outcome.js';
import type { PackRegistry } from '../policy/pack-loader.js';
import { parseIdDocument } from '../registry/id-document.js';
import { extraFieldsIssue, parseDate, type RowIssue } from '../registry/import-row.js';
import { applyLifeEvent, type LifeEventResult } from './life-event.service.js';
import { LIFE_EVENT_NAMES, type LifeEventType } from './refund-reasons.js';

export const EVENT_LIST_HEADERS = {
  docNo: ['公民身份号码', '身份证号码', '身份证号', '证件号码', '证件号'],
  name: ['姓名'],
  date: ['事件日期', '发生日期', '日期'],
  deathDate: ['死亡日期', '死亡时间'],
} as const;

export interface EventImportOptions {
  file: string;
  type: LifeEventType;
  source: Department;
  /** The header of the date column when it is none of the usual names. */
  dateColumn?: string;
  /** The date the list was received: the refund application date. Defaults to today. */
  reportedOn?: string;
  /** Only people of this region (county code or prefix). */
  region?: string;
  allOrNothing?: boolean;
  actor: string;
  /** Called every 10,000 rows read, for a job's progress. */
  onProgress?: (rowsRead: number) => void;
}

export interface EventImportResult {
  file: string;
  applied: boolean;
  rowsRead: number;
  recorded: number;
  alreadyRecorded: number;
  rejected: number;
  rejections: RowIssue[];
  refundsCreated: number;
  refundedFen: number;
  /** Per recorded row: what happened (refunds, reasons for none). */
  results: LifeEventResult[];
}

interface GoodRow {
  rowNumber: number;
  docNo: string;
  name: string;
  date: string;
}

export async function importLifeEvents(
  db: DatabaseHandle,
  packs: PackRegistry,
  opts: EventImportOptions,
): Promise<EventImportResult> {
  const today = todayInChina();
  const reportedOn = opts.reportedOn ?? today;
  if (!isValidDate(reportedOn) || reportedOn > today) {
    throw new OutcomeError([
      {
        severity: 'error',
        code: 'bad-date',
        expression: 'reportedOn',
        message: `名单报送日期"${reportedOn}"无效或晚于今天`,
      },
    ]);
  }
  const dateNames: readonly string[] = opts.dateColumn
    ? [normalizeHeader(opts.dateColumn)]
    : opts.type === 'death'
      ? [...EVENT_LIST_HEADERS.deathDate, ...EVENT_LIST_HEADERS.date]
      : EVENT_LIST_HEADERS.date;
  const table = await readTable(opts.file, {
    knownHeaders: [...EVENT_LIST_HEADERS.docNo, ...EVENT_LIST_HEADERS.name, ...dateNames],
  });
  const find = (names: readonly string[]) => table.headers.find((h) => names.includes(h));
  const columns = {
    docNo: find(EVENT_LIST_HEADERS.docNo),
    name: find(EVENT_LIST_HEADERS.name),
    date: find(dateNames),
  };
  const missing = (
    [
      ['docNo', '证件号码', EVENT_LIST_HEADERS.docNo],
      ['name', '姓名', EVENT_LIST_HEADERS.name],
      ['date', opts.type === 'death' ? '死亡日期' : '事件日期', dateNames],
    ] as const
  ).filter(([f]) => !columns[f]);
  if (missing.length > 0) {
    throw new OutcomeError(
      missing.map(([, label, names]) => ({
        severity: 'error',
        code: 'missing-column',
        expression: `${basename(opts.file)}: 第 ${table.headerRowNumber} 行（表头）`,
        message: `缺少"${label}"列（可用列名：${names.join('、')}${label !== '姓名' && label !== '证件号码' ? '；或用 --date-column 指定' : ''}）`,
      })),
    );
  }
  const col = columns as Record<'docNo' | 'name' | 'date', string>;

  const issues: RowIssue[] = [];
  const bad = (rowNumber: number, column: string, value: string, reason: string, code: string) =>
    issues.push({ rowNumber, column, value, reason, severity: 'error', code });
  const good: GoodRow[] = [];
  const seen = new Map<string, number>();
  let rowsRead = 0;
  for await (const row of table) {
    if (++rowsRead % 10_000 === 0) opts.onProgress?.(rowsRead);
    const extra = extraFieldsIssue(row.rowNumber, row.values, table.headers.length);
    if (extra) {
      issues.push(extra);
      continue;
    }
    const cells = row.cells;
    const rawId = (cells[col.docNo] ?? '').trim();
    const name = (cells[col.name] ?? '').trim();
    const rawDate = (cells[col.date] ?? '').trim();
    const before = issues.length;
    const id = parseIdDocument(rawId);
    if (!id.ok) bad(row.rowNumber, col.docNo, rawId, id.reason, `id_${id.code}`);
    if (name === '') bad(row.rowNumber, col.name, name, '姓名为空', 'missing_name');
    const date = rawDate === '' ? undefined : parseDate(rawDate);
    if (!date)
      bad(
        row.rowNumber,
        col.date,
        rawDate,
        rawDate === '' ? '日期为空' : '日期无效，应为真实日期，如 2024-09-01',
        'bad_date',
      );
    else if (date > today) bad(row.rowNumber, col.date, rawDate, `日期晚于今天（${today}）`, 'future_date');
    else if (date > reportedOn)
      bad(row.rowNumber, col.date, rawDate, `日期晚于名单报送日期（${reportedOn}）`, 'future_date');
    if (issues.length > before || !id.ok) continue;
    const key = `${id.doc.docNo}|${date}`;
    const first = seen.get(key);
    if (first !== undefined) {
      bad(row.rowNumber, col.docNo, rawId, `与第 ${first} 行重复`, 'duplicate_in_file');
      continue;
    }
    seen.set(key, row.rowNumber);
    good.push({ rowNumber: row.rowNumber, docNo: id.doc.docNo, name, date: date! });
  }

  // Person-level checks, set-based: in the registry (of the region), and the same name.
  const persons = new Map<string, { id: number; county_code: string; name: string }>();
  for (let i = 0; i < good.length; i += 5000) {
    const chunk = good.slice(i, i + 5000);
    const r = await sql<{ id: number; county_code: string; doc_no: string; name: string }>`
      SELECT id, county_code, doc_no, name FROM persons WHERE doc_no IN (${sql.join(chunk.map((g) => g.docNo))})`.execute(
      db.db,
    );
    for (const p of r.rows) persons.set(p.doc_no, p);
  }
  const ready: (GoodRow & { person: { id: number; county_code: string; name: string } })[] = [];
  for (const g of good) {
    const p = persons.get(g.docNo);
    if (!p) bad(g.rowNumber, col.docNo, g.docNo, '一人一档中没有此人（证件号码未登记）', 'unknown_person');
    else if (opts.region && !p.county_code.startsWith(opts.region.replace(/(00)+$/, '')))
      bad(
        g.rowNumber,
        col.docNo,
        g.docNo,
        `该人员不属于本地区（${opts.region}），档案在 ${p.county_code}`,
        'other_region',
      );
    else if (p.name !== g.name)
      bad(g.rowNumber, col.name, g.name, `姓名与一人一档不一致（档案姓名：${p.name}）`, 'name_mismatch');
    else ready.push({ ...g, person: p });
  }
  issues.sort((a, b) => a.rowNumber - b.rowNumber);
  const rejected = new Set(issues.map((i) => i.rowNumber)).size;
  const result: EventImportResult = {
    file: basename(opts.file),
    applied: false,
    rowsRead,
    recorded: 0,
    alreadyRecorded: 0,
    rejected,
    rejections: issues,
    refundsCreated: 0,
    refundedFen: 0,
    results: [],
  };
  if (opts.allOrNothing && rejected > 0) return result;

  const note = `${DEPARTMENT_NAMES[opts.source]}${LIFE_EVENT_NAMES[opts.type]}名单 ${basename(opts.file)}`;
  return db.transaction(async (tx) => {
    for (const r of ready) {
      const one = await applyLifeEvent(
        tx,
        packs,
        { id: r.person.id, countyCode: r.person.county_code, docNo: r.docNo, name: r.person.name },
        {
          docNo: r.docNo,
          type: opts.type,
          occurredOn: r.date,
          reportedOn,
          source: opts.source,
          note: `${note} 第 ${r.rowNumber} 行`,
          actor: opts.actor,
        },
      );
      if (one.status === 'recorded') result.recorded++;
      else result.alreadyRecorded++;
      for (const f of one.refunds) {
        if (f.created) {
          result.refundsCreated++;
          result.refundedFen += f.amountFen ?? 0;
        }
      }
      result.results.push(one);
    }
    return { ...result, applied: true };
  });
}
