// The web application in a real browser (Debian's chromium driven by playwright-core) against the
// real server on a random port and a fresh database: log in, take a payment and see it listed, import
// a roster with a bad row and download its report, run the assessment and open a person's explanation, a
// village worker refused another village's household and person with the API's Chinese message, log out; the
// dashboard's coverage counts the payment; the village worker collects as the village's agent; a
// new user changes the password at first login; a held payment is rejected and its refund approved.
// Screenshots of the main pages go to test-artifacts/web/ for people to look at. One database
// (PGlite) only: the pages call the same API whose every route is tested on both databases, and a
// second browser run would double the slowest test file for no new coverage.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../auth/user.service.js';
import type { DatabaseHandle } from '../db/connection.js';
import { shippedPacks } from '../policy/pack-loader.js';
import { checkDigit } from '../registry/id-document.js';
import { createPgliteTestDatabase } from '../test-support/db.js';
import { buildApp } from './app.js';
import { DEFAULT_WEB_ROOT, hasWebAssets } from './web-assets.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = new URL('../../test-artifacts/web/', import.meta.url);
const id = (first17: string) => first17 + checkDigit(first17);
const EAST = '130802001001';
const WEST = '130802001002';
const MINE = id('13080219800101001');
const SPOUSE = id('13080219820202002');
const THEIRS = id('13080219750303003');
const NEWCOMER = id('13080219900404005');
const PW = 'canbao2025';

async function fixture(db: DatabaseHandle): Promise<void> {
  await sql`INSERT INTO regions (code, name, level, parent_code, county_code) VALUES
    ('130802', '双桥区', 3, NULL, '130802'), ('130802001', '石洞子沟街道', 4, '130802', '130802'),
    (${EAST}, '东关村', 5, '130802001', '130802'), (${WEST}, '西关村', 5, '130802001', '130802')
    ON CONFLICT DO NOTHING`.execute(db.db);
  await sql`INSERT INTO households (id, county_code, household_no, village_code) VALUES
    (1, '130802', 'H001', ${EAST}), (2, '130802', 'H002', ${WEST})`.execute(db.db);
  await sql`SELECT setval('households_id_seq', 2)`.execute(db.db);
  await sql`INSERT INTO persons (county_code, doc_type, doc_no, name, birth_date, household_id, relation,
      residence_village) VALUES
    ('130802', 'resident_id', ${MINE}, '张东一', '1980-01-01', 1, '户主', ${EAST}),
    ('130802', 'resident_id', ${SPOUSE}, '李东二', '1982-02-02', 1, '配偶', ${EAST}),
    ('130802', 'resident_id', ${THEIRS}, '王西三', '1975-03-03', 2, '户主', ${WEST})`.execute(db.db);
  await sql`INSERT INTO agents (county_code, code, name, kind, area_code) VALUES
    ('130802', 'A001', '东关村代征员', 'village', ${EAST}), ('130802', 'A002', '西关村代征员', 'village', ${WEST})`.execute(
    db.db,
  );
  await addUser(db, { username: 'admin', displayName: '管理员', role: 'admin', password: PW }, 'test');
  await addUser(
    db,
    { username: 'cun1', displayName: '东关村代办员', role: 'village', scopeCode: EAST, password: PW },
    'test',
  );
}

describe('web application in a browser', () => {
  let db: DatabaseHandle;
  let app: FastifyInstance;
  let browser: Browser;
  let page: Page;
  let base: string;
  const shot = async (name: string) => {
    await page.screenshot({ path: new URL(`${name}.png`, ARTIFACTS).pathname, fullPage: true });
  };
  const login = async (username: string, password = PW) => {
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码').fill(password);
    await page.getByRole('button', { name: /登\s*录/ }).click();
  };
  const menu = (name: string) => page.getByRole('menuitem', { name }).click();

  beforeAll(async () => {
    expect(hasWebAssets(DEFAULT_WEB_ROOT), '网页界面尚未构建：先运行 npm run build').toBe(true);
    expect(existsSync(CHROMIUM), `没有 ${CHROMIUM}：apt-get install chromium fonts-noto-cjk`).toBe(true);
    await mkdir(ARTIFACTS, { recursive: true });
    db = await createPgliteTestDatabase();
    await fixture(db);
    app = await buildApp({ packs: shippedPacks(), db, auth: { secureCookies: false } });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    page.setDefaultTimeout(15_000);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await db?.close();
  });

  it('an administrator logs in (a wrong password shows the API’s message)', async () => {
    await page.goto(`${base}/`);
    await shot('01-login');
    await login('admin', 'wrong-password');
    await page.getByText('用户名或密码错误').waitFor();
    await login('admin');
    await page.getByTestId('current-user').waitFor();
    expect(await page.getByTestId('current-user').textContent()).toContain('管理员（医保局管理员）');
    await page.getByText('2025 年度参保缴费概况').waitFor();
    // A county chosen: the coverage gauge and the township ranking from the reports.
    await page.getByLabel('地区').click({ force: true });
    await page.getByText('（130802）').click();
    await page.getByText('已参保 0 人 / 应参保 3 人').waitFor();
  });

  it('finds a household with each member’s status, takes a payment and sees it listed', async () => {
    await menu('参保人员');
    await page.getByLabel('户号或证件号码').fill(MINE);
    await page.getByLabel('户号或证件号码').press('Enter');
    await page.getByText('户号 H001').waitFor();
    expect(await page.getByRole('cell', { name: '李东二' }).count()).toBe(1);
    await shot('03-registry');

    await menu('缴费');
    await page.getByLabel('证件号码', { exact: true }).fill(MINE);
    await page.getByLabel('金额（元）').fill('400');
    await page.getByLabel('缴费日期').fill('2024-10-10');
    await page.getByRole('button', { name: '确认收费' }).click();
    const outcome = page.getByTestId('payment-outcome');
    await outcome.waitFor();
    expect(await outcome.textContent()).toContain('已收取 张东一 2025 年度缴费 ¥400.00');
    const row = page.getByTestId('payments-table').getByRole('row', { name: /张东一/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('已入账');
    await shot('04-payments');

    // The dashboard counts the newly enrolled person.
    await menu('首页');
    await page.getByText('已参保 1 人 / 应参保 3 人').waitFor();
    await page.getByText('乡镇参保率排名').waitFor();
    await shot('02-dashboard');

    await menu('报表');
    await page
      .frameLocator('iframe[title="参保工作通报"]')
      .locator('body')
      .getByText(/双桥区/)
      .first()
      .waitFor();
    await shot('11-reports-bulletin');
    await page.getByRole('tab', { name: '工作清单' }).click();
    await page.getByRole('tabpanel').getByRole('table').waitFor();
    await shot('12-reports-worklist');

    await menu('政策');
    await page.getByRole('row', { name: /130802-2025/ }).click();
    await page
      .locator('pre')
      .getByText(/个人缴费/)
      .first()
      .waitFor();
    await shot('13-policy');
    await page.getByRole('tab', { name: '明白纸' }).click();
    await page
      .frameLocator('iframe[title="明白纸"]')
      .locator('body')
      .getByText(/双桥区/)
      .first()
      .waitFor();
    await shot('14-policy-leaflet');

    await menu('用户管理');
    await page.getByRole('cell', { name: 'cun1' }).waitFor();
    // A new township worker, who must change the password at first login.
    await page.getByLabel('用户名').fill('xiang1');
    await page.getByLabel('姓名').fill('街道专干');
    await page.getByLabel('角色').click({ force: true });
    await page.getByText('乡镇（街道）医保专干').click();
    await page.getByLabel('管辖范围').fill('130802001');
    await page.getByLabel('初始密码').fill('first-pass1');
    await page.getByRole('button', { name: /新\s*增/ }).click();
    await page.getByRole('row', { name: /xiang1.*待修改密码/ }).waitFor();
    await shot('06-users');
    await menu('审计日志');
    await page.getByRole('cell', { name: 'payment.record' }).waitFor();
    await shot('07-audit');
  });

  it('holds a payment of the wrong amount, rejects it on review, and approves the refund', async () => {
    await menu('缴费');
    await page.getByLabel('证件号码', { exact: true }).fill(THEIRS);
    await page.getByLabel('金额（元）').fill('500');
    await page.getByLabel('缴费日期').fill('2024-10-12');
    await page.getByText('金额不符时收下待审核').click();
    await page.getByRole('button', { name: '确认收费' }).click();
    await page.getByText(/已收下待审核：金额不符：王西三/).waitFor();
    const held = page.getByTestId('payments-table').getByRole('row', { name: /王西三.*待审核/ });
    await held.getByRole('button', { name: /驳\s*回/ }).click();
    await page.getByPlaceholder('审核意见（必填）').fill('金额错误，全额退回');
    await page.getByRole('button', { name: /确\s*定/ }).click();
    await page
      .getByTestId('payments-table')
      .getByRole('row', { name: /王西三.*已退回/ })
      .waitFor();

    await menu('退费');
    const refund = page.getByRole('row', { name: /王西三.*缴费未被受理.*已申请/ });
    await refund.getByRole('button', { name: /同\s*意/ }).click();
    await page.getByRole('button', { name: /确\s*定/ }).click();
    await page.getByRole('row', { name: /王西三.*已审核同意/ }).waitFor();
    await shot('05-refunds');
  });

  it('imports a roster with a bad row, runs the assessment and finds a new person with the explanation', async () => {
    await menu('名单导入');
    const roster = [
      '姓名,公民身份号码,性别,户号,与户主关系,乡镇（街道）,村（社区）,人员状态',
      `赵新一,${NEWCOMER},男,H003,户主,石洞子沟街道,东关村,正常`,
      `钱错二,${NEWCOMER.slice(0, 17)}${NEWCOMER.endsWith('1') ? '2' : '1'},女,H003,配偶,石洞子沟街道,东关村,正常`,
    ].join('\r\n');
    await page.locator('input[type=file]').setInputFiles({
      name: '花名册.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(roster, 'utf8'),
    });
    await page.getByRole('button', { name: '上传并导入花名册' }).click();
    await page.getByText('已完成').first().waitFor({ timeout: 60_000 });
    const report = page.getByRole('link', { name: '下载问题行报告（1 条）' }).first();
    await report.waitFor();
    const download = await page.request.get(`${base}${await report.getAttribute('href')}`);
    expect(await download.text()).toContain('校验码错误');
    await shot('15-imports');

    await menu('核定');
    await page.getByRole('button', { name: '开始核定' }).click();
    const status = page.getByTestId('assessment-job-status');
    await status.getByText(/核定完成/).waitFor({ timeout: 60_000 });
    await page.getByTestId('assessment-totals').waitFor();
    await shot('16-assessment');

    await menu('参保人员');
    await page.getByLabel('姓名或身份证号').fill('赵新一');
    await page.getByRole('button', { name: /搜\s*索/ }).click();
    const results = page.getByTestId('person-results');
    await results.getByRole('button', { name: '赵新一' }).click();
    const detail = page.getByTestId('person-detail');
    await detail.waitFor();
    await detail.getByRole('tab', { name: '核定' }).click();
    await page.getByTestId('person-explanation').waitFor();
    await shot('17-person-detail');
    await page.keyboard.press('Escape');
  }, 120_000);

  it('logs out, and a village worker cannot see another village’s household', async () => {
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.getByLabel('用户名').waitFor();
    await login('cun1');
    await page.getByTestId('current-user').waitFor();
    // The menu mirrors the access table: no system pages for a village worker.
    expect(await page.getByRole('menuitem', { name: '用户管理' }).count()).toBe(0);
    await menu('参保人员');
    await page.getByLabel('户号或证件号码').fill(THEIRS);
    await page.getByLabel('户号或证件号码').press('Enter');
    const error = page.getByTestId('registry-error');
    await error.waitFor();
    expect(await error.textContent()).toContain(`此户不在您的管辖范围（${EAST}）内`);
    await shot('08-village-out-of-scope');
    // Searching by ID number finds nothing outside the village: the search is narrowed to it.
    await page.getByLabel('姓名或身份证号').fill(THEIRS);
    await page.getByRole('button', { name: /搜\s*索/ }).click();
    await page.getByText('没有找到符合条件的人员').waitFor();

    // Collecting as the village's agent: only this village's agent is offered.
    await menu('缴费');
    await page.getByLabel('证件号码', { exact: true }).fill(SPOUSE);
    await page.getByLabel('代征人员').click({ force: true });
    expect(await page.getByText('西关村代征员（A002').count()).toBe(0);
    await page.getByText('东关村代征员（A001').click();
    await page.getByLabel('金额（元）').fill('400');
    await page.getByLabel('缴费日期').fill('2024-10-11');
    await page.getByRole('button', { name: '确认收费' }).click();
    await page.getByText('已收取 李东二 2025 年度缴费 ¥400.00').waitFor();
    const row = page.getByTestId('payments-table').getByRole('row', { name: /李东二/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('A001');
    await shot('09-village-agent-payment');
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.getByLabel('用户名').waitFor();
  });

  it('a user made by the administrator changes the password at first login', async () => {
    await login('xiang1', 'first-pass1');
    await page.getByText('首次登录或密码被重置，请先修改密码').waitFor();
    await shot('10-forced-password-change');
    await page.getByLabel('当前密码').fill('first-pass1');
    await page.getByLabel('新密码', { exact: true }).fill('second-pass2');
    await page.getByLabel('确认新密码').fill('second-pass2');
    await page.getByRole('button', { name: '确认修改' }).click();
    await page.getByTestId('current-user').waitFor();
    expect(await page.getByTestId('current-user').textContent()).toContain(
      '街道专干（乡镇（街道）医保专干）',
    );
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.getByLabel('用户名').waitFor();
  });
});
