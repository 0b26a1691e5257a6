// The demo's past years: plausible rates, the same answer from the JS draw (files) and the SQL
// draw (database load), and a round trip of the written file through `enrollment import`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importEnrollmentHistory } from '../../collection/enrollment-history-import.service.js';
import { describeEachDatabase } from '../../test-support/db.js';
import { importPersons } from '../import.service.js';
import { seedRegions } from '../regions.service.js';
import { campaignYearFor, demoHistoryYears } from './enrollment-history.js';
import { writeDemoFiles } from './files.js';
import { loadDemoPopulation } from './load.js';
import { generatePopulation } from './population.js';
import { readRegionRows } from './regions.js';

const regions = readRegionRows(fileURLToPath(new URL('./fixtures/regions-fixture.csv', import.meta.url)));

describe('demo history draw', () => {
  const people = [...generatePopulation({ persons: 10_000, seed: 'rates', counties: ['430502'] })];
  const years = people.flatMap((p) => demoHistoryYears('rates', p, 2025));

  it('about 95% enrolled each year, a quarter of enrolled years reimbursed, none before birth', () => {
    for (const y of [2022, 2023, 2024]) {
      const of = years.filter((h) => h.year === y);
      const share = of.filter((h) => h.enrolled).length / of.length;
      expect(share).toBeGreaterThan(0.92);
      expect(share).toBeLessThan(0.98);
    }
    const enrolled = years.filter((h) => h.enrolled);
    const claims = enrolled.filter((h) => h.reimbursed).length / enrolled.length;
    expect(claims).toBeGreaterThan(0.22);
    expect(claims).toBeLessThan(0.28);
    expect(years.filter((h) => !h.enrolled).every((h) => h.reimbursed === null)).toBe(true);
    const baby = people.find((p) => p.birthDate >= '2024-01-01')!;
    expect(demoHistoryYears('rates', baby, 2025).map((h) => h.year)).toEqual([2024]);
    const employee = people.find((p) => p.employeeInsurance)!;
    expect(demoHistoryYears('rates', employee, 2025)).toEqual([]);
  });

  it('some lapse for good: enrolled once and not after', () => {
    const byPerson = people.map((p) => demoHistoryYears('rates', p, 2025).map((h) => h.enrolled));
    const stopped = byPerson.filter((h) => h.length === 3 && h[0] && !h[1] && !h[2]).length;
    expect(stopped / people.length).toBeGreaterThan(0.005);
  });

  it('is the same for the same seed and differs for another', () => {
    const p = people[123]!;
    expect(demoHistoryYears('rates', p, 2025)).toEqual(demoHistoryYears('rates', p, 2025));
    const all = (seed: string) => people.slice(0, 2000).flatMap((q) => demoHistoryYears(seed, q, 2025));
    expect(all('other')).not.toEqual(all('rates'));
  });
});

describeEachDatabase('demo history in the database', (getDb) => {
  it('the SQL draw of the load equals the JS draw of the files, person by person', async () => {
    const options = { persons: 1000, seed: 'hist', regions, counties: ['512022'] };
    const result = await loadDemoPopulation(getDb(), options);
    const expected = [...generatePopulation(options)].flatMap((p) =>
      demoHistoryYears('hist', p, 2025).map(
        (h) => `${p.idNumber}|${h.year}|${h.enrolled ? 'enrolled' : 'registered'}|${h.reimbursed}`,
      ),
    );
    expect(result.enrollments).toBe(expected.length);
    const { rows } = await sql<{ key: string }>`
      SELECT p.doc_no || '|' || e.year || '|' || e.status || '|' || coalesce(e.reimbursed::text, 'null') AS key
      FROM enrollments e JOIN persons p ON p.id = e.person_id WHERE e.source = 'history'`.execute(getDb().db);
    expect(rows.map((r) => r.key).sort()).toEqual(expected.sort());
  });
});

describe('demo history file round trip', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'canbao-demo-history-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  describeEachDatabase('import', (getDb) => {
    it('canbao enrollment import takes the written file without a rejected row, twice', async () => {
      const options = { persons: 800, seed: 'trip', counties: ['430502'] };
      const out = join(dir, `${Math.random()}`);
      await writeDemoFiles({ ...options, out, formats: ['csv', 'xlsx'] });
      await seedRegions(getDb().db);
      const persons = await importPersons(getDb(), join(out, '430502双清区_参保人员花名册.csv'), {
        today: '2024-11-30',
      });
      expect(persons).toMatchObject({ status: 'applied', rejected: 0 });
      const expected = [...generatePopulation(options)].flatMap((p) => demoHistoryYears('trip', p, 2025));
      const first = await importEnrollmentHistory(getDb(), {
        file: join(out, '430502双清区_往年参保记录.xlsx'),
        county: '430502',
        actor: 'test',
      });
      expect(first).toMatchObject({ rejected: 0, inserted: expected.length, years: [2022, 2023, 2024] });
      const again = await importEnrollmentHistory(getDb(), {
        file: join(out, '430502双清区_往年参保记录.csv'),
        county: '430502',
        actor: 'test',
      });
      expect(again).toMatchObject({ rejected: 0, inserted: 0, updated: 0, unchanged: expected.length });
    });
  });
});

describe('which years are history', () => {
  it('end the year before each county’s own campaign year', () => {
    expect(campaignYearFor('130802', 2025)).toBe(2025);
    // 高阳's shipped pack is for 2024: its demo history is 2021–2023, so 2024 is the campaign.
    expect(campaignYearFor('130628', 2025)).toBe(2024);
  });
});
