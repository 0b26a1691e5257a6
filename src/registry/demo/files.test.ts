import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectEncoding } from '../../files/encoding.js';
import { loadExcelJS } from '../../files/exceljs.js';
import { normalizeHeader } from '../../files/header.js';
import { cellText, readTable } from '../../files/table-reader.js';
import { parseListRow, resolveListColumns } from '../../identities/list-row.js';
import {
  identityCells,
  LIST_DEPARTMENTS,
  LIST_HEADERS,
  PERSON_HEADERS,
  personCells,
  writeDemoFiles,
} from './files.js';
import type { DemoIdentity, DemoPerson } from './model.js';
import { generateHouseholds } from './population.js';
import { readRegionRows } from './regions.js';

const ExcelJS = await loadExcelJS();

const regions = readRegionRows(fileURLToPath(new URL('./fixtures/regions-fixture.csv', import.meta.url)));
const options = { persons: 3000, seed: 'files', regions, counties: ['512022', '130628'] };

let dir: string;
const persons = new Map<string, DemoPerson[]>();
const identities = new Map<string, DemoIdentity[]>();
for (const h of generateHouseholds(options)) {
  persons.set(h.countyCode, [...(persons.get(h.countyCode) ?? []), ...h.members]);
  identities.set(h.countyCode, [...(identities.get(h.countyCode) ?? []), ...h.identities]);
}

/**
 * CSV through the project's streaming reader. XLSX through exceljs's whole-file reader: its
 * streaming reader (used by src/files) can split a Chinese character at a 16 KB chunk boundary
 * into U+FFFD (exceljs issue #2063), which would make this test about that bug, not our files.
 */
async function readAll(path: string, headers: readonly string[]) {
  if (path.endsWith('.csv')) {
    const table = await readTable(path, { knownHeaders: headers.map(normalizeHeader) });
    const rows: string[][] = [];
    for await (const row of table) rows.push(row.values);
    return { headers: table.headers, headerRowNumber: table.headerRowNumber, encoding: table.encoding, rows };
  }
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(path);
  const all: string[][] = [];
  book.worksheets[0]!.eachRow({ includeEmpty: false }, (row) => {
    all[row.number - 1] = Array.from((row.values as unknown[]).slice(1), (v) => cellText(v));
  });
  const headerIndex = all.findIndex((r) => r?.includes('公民身份号码'));
  return {
    headers: all[headerIndex]!.map(normalizeHeader),
    headerRowNumber: headerIndex + 1,
    encoding: undefined,
    rows: all.slice(headerIndex + 1).filter((r) => r !== undefined),
  };
}

const trimTrailing = (cells: string[]) => {
  const out = [...cells];
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
};

describe('writeDemoFiles', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'canbao-demo-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes UTF-8 CSV and XLSX with a title row that read back to the same people', async () => {
    const out = join(dir, 'utf8');
    const written = await writeDemoFiles({ ...options, out });
    expect(written.map((w) => basename(w.path))).toContain('512022乐至县_参保人员花名册.xlsx');
    const expected = persons.get('512022')!.map((p, i) => trimTrailing(personCells(p, i + 1)));

    const csvPath = join(out, '512022乐至县_参保人员花名册.csv');
    expect([...(await readFile(csvPath)).subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = await readAll(csvPath, PERSON_HEADERS);
    expect(csv.headers).toEqual(PERSON_HEADERS.map(normalizeHeader));
    expect(csv.rows.map(trimTrailing)).toEqual(expected);

    const xlsx = await readAll(join(out, '512022乐至县_参保人员花名册.xlsx'), PERSON_HEADERS);
    // Row 1 is the office-style title; the header is on row 2.
    expect(xlsx.headerRowNumber).toBe(2);
    expect(xlsx.rows.map(trimTrailing)).toEqual(expected);
  });

  it('puts the title 资阳市乐至县2025年城乡居民参保人员花名册 above the header', async () => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(join(dir, 'utf8', '512022乐至县_参保人员花名册.xlsx'));
    const sheet = book.worksheets[0]!;
    expect(String(sheet.getCell('A1').value)).toBe('资阳市乐至县2025年城乡居民参保人员花名册');
    expect(String(sheet.getCell('C2').value)).toBe('公民身份号码');
    // IDs are text, with every digit.
    expect(sheet.getCell('C3').value).toBe(persons.get('512022')![0]!.idNumber);
  });

  it('writes GB18030 CSV when asked, readable back', async () => {
    const out = join(dir, 'gbk');
    await writeDemoFiles({ ...options, out, encoding: 'gbk', formats: ['csv'] });
    const path = join(out, '130628高阳县_参保人员花名册.csv');
    expect(detectEncoding(await readFile(path))).toBe('gb18030');
    const csv = await readAll(path, PERSON_HEADERS);
    expect(csv.encoding).toBe('gb18030');
    expect(csv.rows.map(trimTrailing)).toEqual(
      persons.get('130628')!.map((p, i) => trimTrailing(personCells(p, i + 1))),
    );
  });

  it('writes one list per department that the department-list importer accepts row by row', async () => {
    const out = join(dir, 'utf8');
    for (const { department, file } of LIST_DEPARTMENTS) {
      const mine = identities.get('512022')!.filter((i) => i.department === department);
      for (const format of ['csv', 'xlsx']) {
        const { headers, rows } = await readAll(join(out, `512022乐至县_${file}.${format}`), LIST_HEADERS);
        expect(rows.map(trimTrailing), `${file}.${format}`).toEqual(
          mine.map((i, n) => trimTrailing(identityCells(i, n + 1))),
        );
        const columns = resolveListColumns(headers);
        rows.forEach((values, n) => {
          const cells = Object.fromEntries(headers.map((h, k) => [h, values[k] ?? '']));
          const parsed = parseListRow(n + 3, cells, columns, department);
          expect('row' in parsed, JSON.stringify(parsed)).toBe(true);
          if (!('row' in parsed)) return;
          const identity = mine[n]!;
          expect(parsed.row).toMatchObject({
            docNo: identity.idNumber,
            category: identity.category,
            validFrom: identity.validFrom,
            grade: identity.attributes.grade ?? null,
            kind: identity.attributes.kind ?? null,
            riskEliminated: identity.attributes.riskEliminated ?? null,
          });
        });
      }
    }
    expect(identities.get('512022')!.some((i) => i.department === 'disability_federation')).toBe(true);
  });
});
