import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../test-support/cli.js';
import { OutcomeError } from './outcome.js';
import { shippedPacks } from './pack-loader.js';
import { renderSummary, summarizePack, windowsText } from './pack-summary.js';

const packs = shippedPacks();
const summaryText = (id: string) => renderSummary(summarizePack(packs.get(id)!, packs));
const rowFor = (id: string, who: string) =>
  summarizePack(packs.get(id)!, packs).subsidies.find((r) => r.identities.includes(who));

afterEach(() => vi.restoreAllMocks());

describe('policy summary of the seed packs', () => {
  it('双桥: standard, business windows, subsidies as in the notice', () => {
    const text = summaryText('130802-2025');
    expect(text).toContain('个人缴费标准：400元/人/年');
    expect(text).toContain('业务办理时间：9—11月每月1—25日；12月每月1—28日');
    expect(text).toContain('双桥区政府办 2024-09-04 通知 二、参保缴费时间');
    expect(rowFor('130802-2025', '最低生活保障对象')).toMatchObject({ methodText: '90%', payableFen: 4000 });
    expect(rowFor('130802-2025', '脱贫人口')).toMatchObject({
      payableFen: 16000,
      fundingSource: '医疗救助基金',
    });
    expect(rowFor('130802-2025', '残疾人（一至二级）')).toMatchObject({
      payableFen: 16000,
      fundingSource: '残疾人保障金',
    });
    // Silent on fiscal subsidy and late enrolment: the national rules, marked as such.
    expect(text).toContain('财政补助（适用国家规定）');
    expect(text).toContain('医保发〔2024〕19号 筹资标准（本方案未规定，适用国家规定）');
    expect(text).toContain('集中期外参保（适用国家规定）');
    expect(text).toContain('本方案未规定退费规则');
  });

  it('双清: late enrolment at personal plus fiscal, freshmen period, events, refunds', () => {
    const text = summaryText('430502-2025');
    expect(text).toContain('无资助身份的居民应缴：1070元');
    expect(text).toContain('双政办发〔2024〕11号 三、（四）3.');
    expect(text).toContain('新入学大中专院校学生：2024年9月1日至2025年12月31日');
    expect(text).toContain('儿童福利机构接收儿童：随参随缴');
    expect(text).toContain('职工医保断保：职工医保断保后90天内参保缴费');
    expect(text).toContain('待遇享受期开始后：个人缴费不再退回');
    expect(text).toContain('部门名单报送：每月10日前报送动态调整信息');
    expect(rowFor('430502-2025', '最低生活保障边缘家庭成员')).toMatchObject({ payableFen: 20000 });
    expect(rowFor('430502-2025', '重点优抚对象')).toMatchObject({
      payableFen: 0,
      fundingSource: '退役军人事务局',
    });
  });

  it('乐至: both tiers 540/400, default tier, subsidies per tier, family account channel', () => {
    const text = summaryText('512022-2025');
    expect(text).toContain('高档次：540元/人/年');
    expect(text).toContain('低档次：400元/人/年');
    expect(text).toContain('未选择档次时：按低档次核定');
    expect(text).toContain('亲情账户代缴');
    expect(rowFor('512022-2025', '被征地农转非超龄人员')).toMatchObject({
      tierName: '高档次',
      subsidyFen: 54000,
      payableFen: 0,
    });
    expect(rowFor('512022-2025', '最低生活保障对象')).toMatchObject({ subsidyFen: 30000, payableFen: 10000 });
    expect(rowFor('512022-2025', '残疾人（三至四级）')).toMatchObject({
      subsidyFen: 20000,
      payableFen: 20000,
    });
    expect(rowFor('512022-2025', '残疾人（三至四级，精神）')).toMatchObject({ payableFen: 0 });
  });

  it('朔州: fixed 280 with its exclusion, newborns pay nothing, reconciliation twice a month', () => {
    const text = summaryText('140600-2025');
    const atRisk = rowFor('140600-2025', '脱贫不稳定人口');
    expect(atRisk).toMatchObject({ methodText: '定额280元', subsidyFen: 28000, payableFen: 12000 });
    expect(atRisk?.excludes).toContain('最低生活保障对象');
    expect(text).toContain('新生儿：出生后90天内参保缴费；当年不缴费');
    expect(text).toContain('税务与医保对账：每月至少2次');
    expect(text).toContain('待遇等待期：90天');
  });

  it('高阳 (2024): 380, fiscal ≥640, no late rule, newborn 180 days both years, weekly/fortnightly', () => {
    const text = summaryText('130628-2024');
    expect(text).toContain('个人缴费标准：380元/人/年');
    expect(text).toContain('人均财政补助：不低于640元/人/年');
    expect(text).toContain('本方案未规定集中征缴期外参保');
    expect(text).toContain('出生后180天内参保缴费');
    expect(text).toContain('缴纳两个年度的个人缴费部分');
    expect(text).toContain('通报：每周');
    expect(text).toContain('排名：每半月');
    expect(text).toContain('以户参保');
    expect(rowFor('130628-2024', '最低生活保障对象')).toMatchObject({ payableFen: 3800 });
    expect(rowFor('130628-2024', '脱贫人口')).toMatchObject({ payableFen: 11400 });
  });

  it('every rule line of every pack cites its clause', () => {
    for (const r of packs.all().filter((p) => p.pack.region !== 'national')) {
      const s = summarizePack(r, packs);
      for (const sec of s.sections)
        for (const l of sec.lines) {
          if (l.key === 'none' || l.key === 'example') continue;
          expect(l.cite, `${r.pack.id} ${sec.key}.${l.key}`).toMatch(/\S+ \S+/);
          if (l.inherited) expect(l.cite).toContain('适用国家规定');
        }
      for (const row of s.subsidies) expect(row.cite.length).toBeGreaterThan(0);
    }
  });

  it('windows text groups consecutive months', () => {
    expect(windowsText([{ months: [9, 10, 11], fromDay: 1, toDay: 25 }])).toBe('9—11月每月1—25日');
    expect(windowsText([{ months: [3, 9], fromDay: 2, toDay: 20 }])).toBe('3、9月每月2—20日');
  });
});

describe('canbao policy list / show', () => {
  it('list --json has every pack with hash and base', async () => {
    const rows = JSON.parse(await runCli('policy', 'list', '--json')) as { id: string; hash: string }[];
    expect(rows.map((r) => r.id)).toEqual(packs.all().map((r) => r.pack.id));
    expect(rows.find((r) => r.id === '512022-2025')).toMatchObject({
      hash: packs.get('512022-2025')!.hash,
      extends: 'national-2025',
      tiers: [
        { code: 'high', fen: 54000 },
        { code: 'low', fen: 40000 },
      ],
    });
  });

  it('list as a table', async () => {
    const text = await runCli('policy', 'list');
    expect(text).toMatch(/^id\s+地区\s+年度\s+个人缴费标准\s+集中征缴期\s+版本\s+继承自/);
    expect(text).toContain('高档次540元，低档次400元');
  });

  it('show finds the pack covering a county or village code', async () => {
    const byCounty = await runCli('policy', 'show', '140602', '2025');
    expect(byCounty).toContain('140600-2025');
    const byVillage = await runCli('policy', 'show', '140602100200', '2025');
    expect(byVillage).toBe(byCounty);
  });

  it('show --json is the resolved pack with its hash', async () => {
    const json = JSON.parse(await runCli('policy', 'show', '130802', '2025', '--json'));
    expect(json.hash).toBe(packs.get('130802-2025')!.hash);
    expect(json.inherited).toContain('late');
    expect(json.pack.late.waitingDays).toBe(90);
  });

  it('show for a region without a pack says what to do', async () => {
    await expect(runCli('policy', 'show', '110101', '2025')).rejects.toThrow(/canbao policy list/);
    await expect(runCli('policy', 'show', '1301', '2025')).rejects.toBeInstanceOf(OutcomeError);
    await expect(runCli('policy', 'show', '130802', '25')).rejects.toThrow(/4 位数字/);
  });
});
