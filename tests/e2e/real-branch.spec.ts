/**
 * A bank's own branch, from nothing, with the built hub (`out/main/hub.js`) as branch IT runs it:
 * `setup resources/branch.example.yaml`, `import-feed` of a small warehouse feed, then
 * `serve --no-demo`. In the browser: the manager and the teller choose their own PIN at the first
 * sign-in; a walk-in with the bank's card at the kiosk goes into the green channel; the manager's
 * card shows the imported holdings; the VIP teller calls them; the admin's Data feeds tab shows the
 * import. Screenshots in zh-CN and en go to tests/e2e/screenshots/.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { testCustomer, writeFullFeed } from '../helpers/test-feed';
import { deviceSignIn, shot, VIEWPORTS } from './helpers';

const ROOT = resolve(__dirname, '../..');
const PORT = Number(process.env.E2E_REAL_PORT ?? 47330);
const BASE = `http://127.0.0.1:${PORT}`;
let dir: string;
let hubProcess: ChildProcess | null = null;

const hubJs = (args: string[]) => spawnSync(process.execPath, [join(ROOT, 'out/main/hub.js'), ...args, `--data-dir=${dir}`], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lobby-real-'));
  const setup = hubJs(['setup', join(ROOT, 'resources/branch.example.yaml')]);
  expect(setup.status, setup.stderr).toBe(0);
  expect(setup.stdout).toContain('Applied');
  const feedDir = join(dir, 'incoming', 'acrm-20261203');
  writeFullFeed(feedDir, { feedId: 'acrm-20261203', asOf: '2026-12-03', n: 200, branchId: '350102001' });
  const imported = hubJs(['import-feed', feedDir]);
  expect(imported.status, imported.stderr).toBe(0);
  expect(imported.stdout).toMatch(/feed acrm-20261203 \(full, as of 2026-12-03\): 200 customers, 200 cards, 400 holdings/);
  const proc = spawn(process.execPath, [join(ROOT, 'out/main/hub.js'), 'serve', `--port=${PORT}`, '--host=127.0.0.1', `--data-dir=${dir}`, '--no-demo', '--log-level=warn'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  hubProcess = proc;
  let stderr = '';
  let exited: number | null = null;
  proc.stderr!.on('data', (d: Buffer) => void (stderr += d.toString()));
  proc.on('exit', (code) => void (exited = code ?? -1));
  // Up to a minute: the machine may be busy with the other specs' browsers.
  for (let i = 0; i < 300 && exited === null; i++) {
    try {
      if ((await fetch(`${BASE}/healthz`)).ok) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the hub did not start${exited !== null ? ` (it exited with ${exited})` : ''}: ${stderr.slice(-2000)}`);
});

test.afterAll(async () => {
  hubProcess?.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 300));
  rmSync(dir, { recursive: true, force: true });
});

async function page(browser: Browser, path: string, viewport: { width: number; height: number }): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', baseURL: BASE });
  const p = await context.newPage();
  await p.goto(path);
  return p;
}

/** The first sign-in with the PIN from the branch file: choose one's own, then the screen opens. */
async function firstSignIn(p: Page, staffId: string, initial: string, own: string, counter?: number) {
  await p.getByTestId('login-staff-id').fill(staffId);
  await p.getByTestId('login-pin').fill(initial);
  if (counter !== undefined) await p.getByTestId('login-counter').fill(String(counter));
  await p.getByTestId('login-submit').click();
  await expect(p.getByTestId('change-pin-form')).toBeVisible();
  await p.getByTestId('change-pin-new').fill('1234');
  await p.getByTestId('change-pin-again').fill('1234');
  await p.getByTestId('change-pin-submit').click();
  await expect(p.getByTestId('change-pin-error')).toContainText('连续数字');
  await shot(p, `real-change-pin-${staffId}-zh`);
  await p.getByTestId('change-pin-new').fill(own);
  await p.getByTestId('change-pin-again').fill(own);
  await p.getByTestId('change-pin-submit').click();
}

test('a set-up branch on the bank’s own data: first sign-ins, a walk-in with the bank’s card, the imported holdings, the VIP teller', async ({ browser }) => {
  const manager = await page(browser, '/manager', VIEWPORTS.manager);
  await firstSignIn(manager, 'm01', '480215', '592047');
  await expect(manager.getByTestId('manager-screen')).toBeVisible();

  const teller = await page(browser, '/teller', VIEWPORTS.teller);
  await firstSignIn(teller, 't03', '264930', '718302', 3);
  await expect(teller.getByTestId('teller-screen')).toBeVisible();
  await expect(teller.getByTestId('call-next')).toBeEnabled();

  const kiosk = await page(browser, '/kiosk?device=kiosk-01', VIEWPORTS.kiosk);
  await deviceSignIn(kiosk, 'gulou-kiosk-7Hq2Lm9x');
  await expect(kiosk.getByTestId('kiosk-branch-name')).toHaveText('福州鼓楼支行');
  await shot(kiosk, 'real-kiosk-home-zh');
  // Customer 1 of the feed (the richest) puts their card in the reader.
  const one = testCustomer(1);
  const issued = kiosk.waitForResponse((r) => r.url().endsWith('/api/v1/tickets') && r.request().method() === 'POST');
  await kiosk.keyboard.type(one.card);
  await kiosk.keyboard.press('Enter');
  await expect(kiosk.getByTestId('kiosk-services')).toBeVisible();
  await kiosk.getByTestId('kiosk-service-A').click();
  const { ticket } = (await (await issued).json()) as { ticket: { number: string; route: string } };
  expect(ticket.route).toBe('green_channel');
  await expect(kiosk.getByTestId('kiosk-ticket-number')).toHaveText(ticket.number);
  await expect(kiosk.locator('body')).not.toContainText(one.card);

  // The manager's card: the bank's customer, masked, with the imported holdings (¥6,500,000.50 of savings).
  const card = manager.getByTestId('customer-card').filter({ hasText: ticket.number });
  await expect(card).toBeVisible();
  await expect(card.getByTestId('card-tier')).toContainText('顶级');
  await expect(card).toContainText('139****0001');
  await expect(card.getByTestId('card-holdings')).toContainText('活期储蓄');
  await expect(card.getByTestId('card-holdings')).toContainText('6,500,000.50');
  await expect(card).not.toContainText(one.phone);
  await shot(manager, 'real-manager-card-zh');
  await manager.getByTestId('lang-en').first().click();
  await expect(card.getByTestId('card-holdings')).toContainText('Savings');
  await shot(manager, 'real-manager-card-en');

  // The VIP counter calls them first.
  await teller.getByTestId('call-next').click();
  await expect(teller.getByTestId('current-number')).toHaveText(ticket.number);
  await expect(teller.getByTestId('vip-banner')).toBeVisible();
  await shot(teller, 'real-teller-vip-zh');
  await teller.getByTestId('complete').click();

  // The admin sees the import in the Data feeds tab.
  const admin = await page(browser, '/admin', VIEWPORTS.admin);
  await firstSignIn(admin, 'it01', '815372', '603918');
  await admin.getByTestId('admin-tab-feeds').click();
  await expect(admin.getByTestId('feeds-live')).toContainText('acrm-20261203');
  await expect(admin.getByTestId('feeds-customers')).toHaveText('200');
  await expect(admin.locator('[data-testid="feeds-row"][data-status="done"]')).toHaveCount(1);
  await shot(admin, 'real-admin-feeds-zh');
  await admin.getByTestId('lang-en').first().click();
  await admin.getByTestId('admin-tab-staff').click();
  await expect(admin.locator('[data-testid="staff-row"][data-staff-id="t01"]')).toContainText('Initial');
  await shot(admin, 'real-admin-staff-en');
  for (const p of [manager, teller, kiosk, admin]) await p.context().close();
});
