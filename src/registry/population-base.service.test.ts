import { expect, it } from 'vitest';
import { describeEachDatabase } from '../test-support/db.js';
import { getPopulation } from './population-base.repository.js';
import { importPopulation, setPopulation } from './population-base.service.js';
import { seedRegions } from './regions.service.js';

describeEachDatabase('population base', (getDb) => {
  it('imports one year, rejecting unknown regions and bad numbers, and can be re-run', async () => {
    const h = getDb();
    await seedRegions(h.db);
    const text = [
      '区划代码,常住人口',
      '130802001000,"12,345"',
      '130802002,8000',
      '130802001001,1200',
      '999999001001,10',
      '130802003,-5',
      '130802004,12.5',
      '130802002,9000',
    ].join('\n');
    const report = await importPopulation(h, { text }, { year: 2025, label: 'pop.csv' });
    expect(report).toMatchObject({ rows: 7, inserted: 3, rejected: 4, applied: true });
    expect(report.issues.map((i) => i.expression).sort()).toEqual([
      'pop.csv 第 5 行 区划代码',
      'pop.csv 第 6 行 常住人口',
      'pop.csv 第 7 行 常住人口',
      'pop.csv 第 8 行 区划代码',
    ]);
    expect(await getPopulation(h.db, '130802001', 2025)).toMatchObject({
      population: 12345,
      county_code: '130802',
      source: 'pop.csv',
    });
    const again = await importPopulation(
      h,
      { text: '区划代码,常住人口\n130802002,8100\n130802001001,1200\n' },
      {
        year: 2025,
      },
    );
    expect(again).toMatchObject({ inserted: 0, updated: 1, unchanged: 1, rejected: 0 });
  });

  it('sets one value by hand and refuses unknown regions', async () => {
    const h = getDb();
    expect(await setPopulation(h.db, '130802005000', 2026, 4321)).toEqual({ previous: null });
    expect(await setPopulation(h.db, '130802005', 2026, 4400)).toEqual({ previous: 4321 });
    expect(await getPopulation(h.db, '130802005', 2026)).toMatchObject({
      population: 4400,
      source: '手工修改',
    });
    await expect(setPopulation(h.db, '990000', 2026, 1)).rejects.toThrow(/不在系统中/);
    await expect(setPopulation(h.db, '130802005', 1900, -1)).rejects.toThrow(/年度.*\n.*常住人口/);
  });
});
