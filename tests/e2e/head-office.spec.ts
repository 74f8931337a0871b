/**
 * The head office's branches board in Chromium, on a real PostgreSQL: head office started from its
 * built entry (migrate, add-staff, add-branch, serve), a branch ships its journal with its
 * credential, the board shows it (zh-CN), and a second batch updates the row live (en). A branch
 * never heard from shows as such; an administrator publishes a bundle (a wrong one is refused first).
 * Then the campaign report pooled over branches: decided visits shipped by the branch, core
 * banking's conversions loaded with `head-office.js import-feed` from the built entry. Last, a
 * branch hub (the built entry, linked with its credential) gets a bundle with a campaign, and its
 * lobby manager's card names the campaign beside the offer it pushes.
 * Screenshots (tests/e2e/screenshots/): head-office-board-{zh,en}, head-office-board-live-zh, head-office-dashboard-{en,zh},
 * head-office-bundles-{en,zh}, head-office-campaign-{en,zh}, head-office-campaign-conversion-en,
 * manager-campaign-card-{zh,en}.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FeedWriter } from '../../src-main/customer-data/feed-writer';
import { TEST_PRODUCTS, testCustomer, testCustomerRow } from '../helpers/test-feed';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres';
import { shot, VIEWPORTS } from './helpers';

const ROOT = resolve(__dirname, '../..');
const ENTRY = resolve(ROOT, 'out/main/head-office.js');
const HUB_ENTRY = resolve(ROOT, 'out/main/hub.js');

let db: TestDatabase;
/** Head office's environment, set by the first test (the second one uses its server). */
let hoEnv: NodeJS.ProcessEnv | null = null;
let server: ChildProcess | null = null;
const port = 19000 + (process.pid % 1000);
const url = `http://127.0.0.1:${port}`;

function cli(env: NodeJS.ProcessEnv, ...args: string[]): string {
  const r = spawnSync(process.execPath, [ENTRY, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`head-office ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** axe with every rule: nothing critical, serious or moderate. */
async function axe(page: Page, name: string) {
  const result = await new AxeBuilder({ page }).analyze();
  const found = result.violations
    .filter((v) => v.impact === 'critical' || v.impact === 'serious' || v.impact === 'moderate')
    .map((v) => `${v.id} (${v.impact}): ${v.help} -> ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(found, `axe on ${name}`).toEqual([]);
}

test.afterAll(async () => {
  server?.kill('SIGTERM');
  await db?.drop();
});

test('the branches board: a branch ships, the board shows it and follows it live (zh-CN, then en)', async ({ browser }) => {
  db = await createTestDatabase('lobby_e2e_ho');
  const env = { HEAD_OFFICE_PG_URL: db.url, HEAD_OFFICE_PORT: String(port), HEAD_OFFICE_HOST: '127.0.0.1', HEAD_OFFICE_LOG_LEVEL: 'warn' };
  hoEnv = env;
  cli(env, 'migrate');
  cli(env, 'add-staff', 'hq01', '--role=analyst', '--pin=482193');
  cli(env, 'add-staff', 'hq00', '--role=admin', '--pin=739251');
  const credential = cli(env, 'add-branch', '350102001', '--name-zh=鼓楼支行', '--name-en=Gulou Branch').trimEnd().split('\n').at(-1)!;
  cli(env, 'add-branch', '350102002', '--name-zh=台江支行', '--name-en=Taijiang Branch');
  server = spawn(process.execPath, [ENTRY, 'serve'], { env: { ...process.env, ...env }, stdio: 'ignore' });
  await expect.poll(async () => (await fetch(`${url}/readyz`).catch(() => null))?.status ?? 0, { timeout: 20_000 }).toBe(200);

  const state = (waitingNow: number) => ({ branchName: { 'zh-CN': '鼓楼支行', en: 'Gulou Branch' }, timeZone: 'Asia/Shanghai', businessDate: '2026-12-04', waitingNow, bundleVersion: null });
  const issued = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ offset: from + i, type: 'ticket.issued', at: Date.parse('2026-12-04T02:00:00Z') + i * 60_000, data: { number: `A00${from + i}` } }));
  const ship = (body: unknown) =>
    fetch(`${url}/api/v1/link/journal`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${credential}` }, body: JSON.stringify(body) });
  expect((await ship({ stream: 'events', after: 0, entries: issued(1, 5), state: state(4) })).status).toBe(200);

  const page = await (await browser.newContext({ viewport: VIEWPORTS.admin, locale: 'zh-CN' })).newPage();
  await page.goto(`${url}/`);
  await expect(page).toHaveURL(/\/head-office$/);
  await expect(page.getByTestId('head-office-login')).toBeVisible();
  await axe(page, 'head-office-login');
  await page.getByTestId('login-staff-id').fill('hq01');
  await page.getByTestId('login-pin').fill('482193');
  await page.getByTestId('login-submit').click();
  const gulou = page.locator('[data-testid="hq-row"][data-branch="350102001"]');
  await expect(gulou).toContainText('鼓楼支行');
  await expect(gulou).toHaveAttribute('data-connected', 'yes');
  await expect(gulou.getByTestId('hq-waiting')).toHaveText('4');
  await expect(gulou.getByTestId('hq-issued')).toHaveText('5');
  await expect(page.locator('[data-testid="hq-row"][data-branch="350102002"]')).toContainText('从未连接');
  await expect(page.getByTestId('hq-connected')).toContainText('1 / 2');
  await shot(page, 'head-office-board-zh');
  await axe(page, 'head-office-board-zh');

  // A second batch: the row follows without a reload.
  await page.getByTestId('lang-en').first().click();
  expect((await ship({ stream: 'events', after: 5, entries: issued(6, 2), state: { ...state(7), longestWaitSeconds: 725, serviceLevel: 0.84, countersOpen: 3, outboxLag: 0 } })).status).toBe(200);
  await expect(gulou.getByTestId('hq-waiting')).toHaveText('7');
  await expect(gulou.getByTestId('hq-longest-wait')).toHaveText('12 min');
  await expect(gulou.getByTestId('hq-service-level')).toHaveText('84%');
  await expect(gulou.getByTestId('hq-counters-open')).toHaveText('3');
  await expect(gulou.getByTestId('hq-outbox-lag')).toHaveText('0');
  await expect(gulou.getByTestId('hq-issued')).toHaveText('7');
  await expect(gulou).toContainText('Connected');
  await expect(page.locator('[data-testid="hq-row"][data-branch="350102002"]')).toContainText('Never connected');
  await shot(page, 'head-office-board-en');
  await axe(page, 'head-office-board-en');
  await page.getByTestId('lang-zh-CN').first().click();
  await expect(gulou.getByTestId('hq-longest-wait')).toHaveText('12 分钟');
  await expect(gulou).toContainText('已连接');
  await shot(page, 'head-office-board-live-zh');
  await page.getByTestId('lang-en').first().click();
  // The dashboard of that day: every branch's tickets, waits and service level; arrivals by hour.
  await page.getByTestId('hq-tab-dashboard').click();
  await page.getByTestId('hq-dashboard-date').fill('2026-12-04');
  const dashRow = page.locator('[data-testid="hq-dashboard-row"][data-branch="350102001"]');
  await expect(dashRow).toContainText('7');
  await expect(page.getByTestId('hq-dashboard-hours')).toBeVisible();
  await shot(page, 'head-office-dashboard-en');
  await axe(page, 'head-office-dashboard-en');
  await page.getByTestId('lang-zh-CN').first().click();
  await expect(page.getByTestId('hq-tab-dashboard')).toHaveText('数据概览');
  await shot(page, 'head-office-dashboard-zh');

  // An analyst sees the bundles but cannot publish.
  await page.getByTestId('hq-tab-bundles').click();
  await expect(page.getByTestId('hq-bundles')).toBeVisible();
  await expect(page.getByTestId('hq-bundle-publish')).toHaveCount(0);

  // An administrator publishes one to a chosen branch: checked first, then listed.
  const adminPage = await (await browser.newContext({ viewport: VIEWPORTS.admin, locale: 'en' })).newPage();
  await adminPage.goto(`${url}/head-office`);
  await adminPage.getByTestId('login-staff-id').fill('hq00');
  await adminPage.getByTestId('login-pin').fill('739251');
  await adminPage.getByTestId('login-submit').click();
  await adminPage.getByTestId('lang-en').first().click();
  await adminPage.getByTestId('hq-tab-bundles').click();
  await adminPage.getByTestId('hq-bundle-content').fill('{"rules": {"ticketNumberWidth": 9}}');
  await adminPage.getByTestId('hq-bundle-publish').click();
  await expect(adminPage.getByTestId('hq-bundle-error')).toContainText('rules.ticketNumberWidth');
  await adminPage.getByTestId('hq-bundle-content').fill('{"rules": {"ticketNumberWidth": 4}}');
  await adminPage.getByTestId('hq-bundle-note').fill('four-digit numbers');
  await adminPage.getByTestId('hq-bundle-all').uncheck();
  await adminPage.getByTestId('hq-bundle-branch-350102001').check();
  await adminPage.getByTestId('hq-bundle-publish').click();
  await expect(adminPage.getByTestId('hq-bundle-done')).toContainText('Bundle 1 published');
  await expect(adminPage.locator('[data-testid="hq-bundle-row"][data-version="1"]')).toContainText('350102001');
  await shot(adminPage, 'head-office-bundles-en');
  await axe(adminPage, 'head-office-bundles-en');
  await adminPage.getByTestId('lang-zh-CN').first().click();
  await expect(adminPage.getByTestId('hq-tab-bundles')).toHaveText('配置包');
  // The message follows the language switched to.
  await expect(adminPage.getByTestId('hq-bundle-done')).toHaveText('配置包 1 已发布。');
  await shot(adminPage, 'head-office-bundles-zh');

  const headers = (await fetch(`${url}/head-office`)).headers;
  expect(headers.get('content-security-policy')).toContain("frame-ancestors 'none'");

  // The campaign report: 110 decided visits shipped by the branch (40 ranked, 35 holdout, 35 random),
  // and core banking's conversions in head office's customer feed, loaded from the command line.
  const arms = (k: number) => (k <= 40 ? 'treatment' : k <= 75 ? 'holdout' : 'random');
  const opens = (k: number) => (k <= 40 ? k <= 14 : k <= 75 ? k <= 45 : k <= 82);
  const decisions = Array.from({ length: 110 }, (_, i) => {
    const k = i + 1;
    const arm = arms(k);
    return {
      offset: k,
      type: 'offer.decided',
      at: Date.parse('2026-12-04T03:00:00Z') + k * 1000,
      data: {
        decisionId: k,
        ticketId: `T${k}`,
        cif: testCustomer(k).cif,
        tier: k % 3 ? 'general' : 'gold',
        controlGroup: arm,
        exposed: true,
        businessDate: '2026-12-04',
        offers: arm === 'holdout' ? [] : [{ productCode: arm === 'random' && k % 2 ? 'TD-1Y' : 'WM-R2', rank: 1, countsTowardCap: true }],
        scored: [
          { productCode: 'WM-R2', score: 0.8, propensity: 0.2 },
          { productCode: 'TD-1Y', score: 0.5, propensity: 0.3 },
        ],
      },
    };
  });
  expect((await ship({ stream: 'decisions', after: 0, entries: decisions, state: state(7) })).status).toBe(200);
  const feedDir = mkdtempSync(join(tmpdir(), 'e2e-ho-feed-'));
  try {
    const w = new FeedWriter(feedDir);
    for (const p of TEST_PRODUCTS) w.row('products.csv', p);
    for (let k = 1; k <= 110; k++) {
      const c = testCustomer(k);
      w.row('customers.csv', testCustomerRow(k, '350102001'));
      w.row('cards.csv', { card_number: c.card, cif: c.cif, kind: 'debit' });
      w.row('holdings.csv', { cif: c.cif, product_code: 'DD-SAVE', account_id: `${c.cif}-1`, branch_id: '350102001', amount: `${1000 * k}.00`, opened_on: '2020-01-01' });
      if (opens(k)) w.row('conversions.csv', { cif: c.cif, product_code: 'WM-R2', opened_on: '2026-12-10' });
    }
    w.finish({ feedId: 'acrm-20270110', asOf: '2027-01-10', mode: 'full' });
    const loaded = cli({ ...env, HEAD_OFFICE_DATA_KEY: join(feedDir, 'head-office.key') }, 'import-feed', feedDir, `--rejects-dir=${feedDir}`);
    expect(loaded).toMatch(/^feed acrm-20270110: .*110 customers, .*0 rows rejected/m);
  } finally {
    rmSync(feedDir, { recursive: true, force: true });
  }
  await adminPage.getByTestId('lang-en').first().click();
  await adminPage.getByTestId('hq-tab-campaign').click();
  await adminPage.getByTestId('hq-campaign-from').fill('2026-12-04');
  await adminPage.getByTestId('hq-campaign-to').fill('2026-12-04');
  await expect(adminPage.getByTestId('hq-campaign-visits')).toContainText('40 ranked, 35 holdout, 35 random');
  // 14 of 40 against 5 of 35: +20.7 points.
  await expect(adminPage.getByTestId('hq-campaign-uplift')).toContainText('+20.7 points');
  await expect(adminPage.locator('[data-testid="hq-campaign-by-branch"] tr[data-key="350102001"]')).toContainText('Gulou Branch');
  await expect(adminPage.locator('[data-testid="hq-campaign-products"] tr[data-key="WM-R2"]')).toContainText('Steady wealth');
  await expect(adminPage.getByTestId('hq-campaign-by-tier')).toContainText('Gold');
  await expect(adminPage.getByTestId('hq-campaign-caveats')).toHaveCount(0);
  await shot(adminPage, 'head-office-campaign-en');
  await axe(adminPage, 'head-office-campaign-en');
  // Conversion by branch and tier, as bars and as numbers.
  await adminPage.getByTestId('hq-campaign-by-branch').scrollIntoViewIfNeeded();
  await expect(adminPage.getByRole('img', { name: 'Conversion by branch' })).toBeVisible();
  await shot(adminPage, 'head-office-campaign-conversion-en');
  await adminPage.getByTestId('lang-zh-CN').first().click();
  await expect(adminPage.getByTestId('hq-tab-campaign')).toHaveText('营销效果');
  await expect(adminPage.getByTestId('hq-campaign-uplift')).toContainText('+20.7 个百分点');
  await shot(adminPage, 'head-office-campaign-zh');
});

test('a head-office campaign named on a branch manager’s card (zh-CN, then en)', async ({ browser }) => {
  expect(hoEnv, 'head office is running (the test before)').not.toBeNull();
  const credential = cli(hoEnv!, 'add-branch', 'demo-001', '--name-zh=演示网点', '--name-en=Demo Branch').trimEnd().split('\n').at(-1)!;
  const dataDir = mkdtempSync(join(tmpdir(), 'e2e-ho-hub-'));
  const hubPort = port + 1;
  const hubUrl = `http://127.0.0.1:${hubPort}`;
  const hub = spawn(
    process.execPath,
    [HUB_ENTRY, `--port=${hubPort}`, '--host=127.0.0.1', `--data-dir=${dataDir}`, '--demo-customers=20', '--log-level=warn', `--head-office-url=${url}`, `--head-office-credential=${credential}`],
    { stdio: 'ignore' },
  );
  try {
    await expect.poll(async () => (await fetch(`${hubUrl}/readyz`).catch(() => null))?.status ?? 0, { timeout: 30_000 }).toBe(200);
    const post = async (base: string, path: string, body: unknown, token?: string) =>
      fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
    const login = async (base: string, body: object) => ((await (await post(base, '/api/v1/auth/login', body)).json()) as { token: string }).token;
    const kiosk = await login(hubUrl, { deviceId: 'kiosk-01', secret: 'demo' });
    const managerToken = await login(hubUrl, { staffId: 'm01', pin: '1111' });
    const visit = async (tag: string) => {
      const t = await post(hubUrl, '/api/v1/tickets', { serviceCode: 'A', requestId: `e2e-campaign-${tag}`, identity: { kind: 'card', value: '6225880000000035', method: 'reader' } }, kiosk);
      expect(t.status).toBe(201);
      const { ticket } = (await t.json()) as { ticket: { id: string; number: string } };
      const card = (await (await fetch(`${hubUrl}/api/v1/tickets/${ticket.id}/card`, { headers: { authorization: `Bearer ${managerToken}` } })).json()) as { offers: { productCode: string }[] };
      return { ticket, card };
    };
    // What the branch offers this customer today; head office pushes the second offer's product.
    const before = await visit('before');
    expect(before.card.offers.length).toBeGreaterThan(1);
    const pushed = before.card.offers[1]!.productCode;
    const hq = await login(url, { staffId: 'hq00', pin: '739251' });
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    const published = await post(
      url,
      '/api/v1/bundles',
      { content: { campaigns: [{ id: 'winter', name: { 'zh-CN': '冬季理财节', en: 'Winter wealth days' }, products: [pushed], lever: 10, startsOn: today, endsOn: today }] }, branches: ['demo-001'] },
      hq,
    );
    expect(published.status).toBe(201);
    const { version } = (await published.json()) as { version: number };
    await expect
      .poll(async () => {
        const r = await fetch(`${url}/api/v1/branches`, { headers: { authorization: `Bearer ${hq}` } });
        return ((await r.json()) as { branches: { id: string; bundleVersion: number | null }[] }).branches.find((b) => b.id === 'demo-001')?.bundleVersion ?? null;
      }, { timeout: 20_000 })
      .toBe(version);

    const page = await (await browser.newContext({ viewport: VIEWPORTS.manager, locale: 'zh-CN' })).newPage();
    await page.goto(`${hubUrl}/manager`);
    await page.getByTestId('login-staff-id').fill('m01');
    await page.getByTestId('login-pin').fill('1111');
    await page.getByTestId('login-submit').click();
    await expect(page.getByTestId('manager-screen')).toBeVisible();
    const after = await visit('after');
    const card = page.getByTestId('customer-card').filter({ hasText: after.ticket.number });
    const offer = card.getByTestId('offer').first();
    await expect(offer).toContainText('总行营销活动：冬季理财节');
    await card.scrollIntoViewIfNeeded();
    await shot(page, 'manager-campaign-card-zh');
    await page.getByTestId('lang-en').first().click();
    await expect(offer).toContainText('Head-office campaign: Winter wealth days');
    await shot(page, 'manager-campaign-card-en');
    await page.context().close();
  } finally {
    hub.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    rmSync(dataDir, { recursive: true, force: true });
  }
});
