import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../test-support/db.js';
import { countRegionsByCounty, getRegion, listChildren } from './regions.repository.js';
import { importRegions, SEED_REGIONS_FILE, seedRegions } from './regions.service.js';

describe('seed file', () => {
  it('holds the five seed jurisdictions and nothing else at county level', async () => {
    const lines = (await readFile(SEED_REGIONS_FILE, 'utf8')).trim().split('\n').slice(1);
    const counties = lines.filter((l) => l.split(',')[2] === '3').map((l) => l.slice(0, 6));
    expect(counties).toEqual([
      '130628',
      '130802',
      '140602',
      '140603',
      '140621',
      '140622',
      '140623',
      '140671',
      '140681',
      '430502',
      '512022',
    ]);
  });
});

describeEachDatabase('regions', (getDb) => {
  it('seeds idempotently: the tree down to villages, then nothing changes on a second run', async () => {
    const { db } = getDb();
    const first = await seedRegions(db);
    expect(first.changed).toBe(first.total);
    expect(first.total).toBeGreaterThan(2000);
    const again = await seedRegions(db);
    expect(again).toEqual({ total: first.total, changed: 0 });

    expect(await getRegion(db, '130802')).toMatchObject({ name: '双桥区', level: 3, parent_code: '130800' });
    const byCounty = new Map((await countRegionsByCounty(db)).map((c) => [c.county_code, c]));
    expect(byCounty.get('512022')).toMatchObject({ townships: 21, villages: 315 });
    expect([...byCounty.keys()].filter((c) => c.startsWith('1406'))).toHaveLength(7);
    const provinces = await listChildren(db, null);
    expect(provinces.map((p) => p.name)).toEqual(['河北省', '山西省', '湖南省', '四川省']);
    const towns = await listChildren(db, '130802');
    expect(towns).toHaveLength(12);
    expect(towns.every((t) => t.level === 4 && t.children > 0)).toBe(true);
  });

  it('imports a statistics bureau file, reporting every bad row with line, column and reason', async () => {
    const h = getDb();
    const text = [
      '2023年统计用区划代码和城乡划分代码',
      '统计用区划代码,名称,城乡分类代码',
      '410000000000,河南省,',
      '410100000000,郑州市,',
      '410102000000,中原区,',
      '410102001000,林山寨街道,',
      '410102001001,"建设路社区居民委员会",111',
      '410102001002,"幸福, 路社区",111',
      '4101020010,坏代码,',
      '410102001003,,111',
      '410102001004,某村,999',
      '410102001001,重复村,111',
      '410102009001,孤儿村,220',
      '410103000000,二七区,',
    ].join('\n');
    const report = await importRegions(h, { text }, { label: 'qh.csv' });
    expect(report).toMatchObject({
      rows: 12,
      inserted: 7,
      updated: 0,
      unchanged: 0,
      rejected: 5,
      applied: true,
    });
    expect(report.issues.map((i) => [i.expression, i.code])).toEqual([
      ['qh.csv 第 9 行 统计用区划代码', 'invalid'],
      ['qh.csv 第 10 行 名称', 'required'],
      ['qh.csv 第 11 行 城乡分类代码', 'invalid'],
      ['qh.csv 第 12 行 统计用区划代码', 'duplicate'],
      ['qh.csv 第 13 行 统计用区划代码', 'missing-parent'],
    ]);
    expect(report.issues[4]?.message).toContain('410102009');
    expect(await getRegion(h.db, '410102001002')).toMatchObject({
      name: '幸福, 路社区',
      level: 5,
      parent_code: '410102001',
      county_code: '410102',
      urban_rural_code: '111',
    });

    // Running it again duplicates nothing; a renamed row is an update.
    const again = await importRegions(
      h,
      { text: text.replace('二七区', '二七区（改）') },
      { label: 'qh.csv' },
    );
    expect(again).toMatchObject({ inserted: 0, updated: 1, unchanged: 6, rejected: 5 });
  });

  it('under --strict applies nothing when a row is bad', async () => {
    const h = getDb();
    const text = '区划代码,名称\n420000,湖北省\n420100,武汉市\n4201,坏\n';
    const report = await importRegions(h, { text }, { strict: true, label: 'hb.csv' });
    expect(report).toMatchObject({ applied: false, rejected: 1 });
    expect(await getRegion(h.db, '420000')).toBeUndefined();
    // The connection is still usable after the rollback.
    const ok = await importRegions(h, { text: '代码,名称\n420000,湖北省\n' }, { strict: true });
    expect(ok).toMatchObject({ applied: true, inserted: 1 });
  });

  it('refuses a file without the needed header, in Chinese, and the connection stays usable', async () => {
    const h = getDb();
    await expect(importRegions(h, { text: 'a,b\n1,2\n' }, { label: 'x.csv' })).rejects.toThrow(
      /x\.csv 表头：前 10 行中找不到表头/,
    );
    const ok = await importRegions(h, { text: '代码,名称\n450000,广西壮族自治区\n' });
    expect(ok).toMatchObject({ applied: true, inserted: 1 });
  });
});
