/**
 * Walk to counter in a real browser: the teller calls, presses "customer at counter —
 * start serving" (button, then the F4 key), sees the serving timer, completes; the manager's
 * dashboard shows the average walk and service times. Screenshots in zh-CN and en go to
 * tests/e2e/screenshots/.
 */
import { expect, test, type APIRequestContext } from '@playwright/test';
import { issueTicket, open, openManager, serveEveryone, shot, staffSignIn, VIEWPORTS } from './helpers';

const issue = async (request: APIRequestContext, serviceCode: string) => (await issueTicket(request, serviceCode, { tag: 'start' })).number;

test('teller: call, customer at counter — start serving, complete; the dashboard shows the walk', async ({ browser, request }) => {
  // Counter 1 ends whatever earlier specs left for it, so its next call is ours.
  await serveEveryone(request, [1], { completeCurrent: true });
  const first = await issue(request, 'A');

  const teller = await open(browser, '/teller', VIEWPORTS.teller);
  await staffSignIn(teller, 't01', '2222', 1);
  await expect(teller.getByTestId('call-next')).toBeEnabled();

  // Called: the customer is on the way; the start button is the obvious next step.
  await teller.getByTestId('call-next').click();
  await expect(teller.getByTestId('current-number')).toHaveText(first);
  const start = teller.getByTestId('start-serving');
  await expect(start).toBeVisible();
  await expect(start).toContainText('开始办理');
  await expect(teller.getByTestId('current-walking')).toBeVisible();
  await expect(teller.getByTestId('current-serving')).toHaveCount(0);
  await shot(teller, 'teller-start-zh');
  await teller.getByTestId('lang-en').first().click();
  await expect(start).toContainText('start serving');
  await shot(teller, 'teller-start-en');

  // The customer walks over, the teller presses start: the walk is kept, the serving timer runs.
  await teller.waitForTimeout(2200);
  await start.click();
  await expect(start).toHaveCount(0);
  await expect(teller.getByTestId('current-walk')).toHaveText(/^0:0[2-9]$/);
  await expect(teller.getByTestId('current-serving')).toBeVisible();
  await expect(teller.getByTestId('teller-notice')).toContainText(first);
  // Recall makes no sense any more; the other tools still work.
  await expect(teller.getByTestId('recall')).toBeDisabled();
  await expect(teller.getByTestId('park')).toBeEnabled();
  await expect(teller.getByTestId('complete')).toBeEnabled();
  await shot(teller, 'teller-serving-en');
  await teller.getByTestId('lang-zh-CN').first().click();
  await expect(teller.getByTestId('teller-notice')).toContainText('开始为');
  await shot(teller, 'teller-serving-zh');

  // A reload restores the started visit from the hub.
  await teller.reload();
  await expect(teller.getByTestId('current-number')).toHaveText(first);
  await expect(teller.getByTestId('current-serving')).toBeVisible();
  await expect(teller.getByTestId('start-serving')).toHaveCount(0);
  await teller.getByTestId('complete').click();
  await expect(teller.getByTestId('current-number')).toHaveCount(0);

  // The second customer: F4 starts serving from anywhere on the page.
  const second = await issue(request, 'B');
  await teller.getByTestId('call-next').click();
  await expect(teller.getByTestId('current-number')).toHaveText(second);
  await teller.waitForTimeout(1200);
  await teller.keyboard.press('F4');
  await expect(teller.getByTestId('start-serving')).toHaveCount(0);
  await expect(teller.getByTestId('current-serving')).toBeVisible();
  await teller.waitForTimeout(1000);
  await teller.keyboard.press('F2');
  await expect(teller.getByTestId('current-number')).toHaveCount(0);

  // The manager's dashboard: average walk and service (excluding the walk) are measured.
  const manager = await openManager(browser);
  await manager.getByTestId('tab-dashboard').click();
  const walk = manager.getByTestId('dash-avg-walk');
  await expect(walk.locator('.dash-tile-value')).toHaveText(/^\d+:\d\d$/);
  await expect(walk).toContainText('平均到柜时间');
  await expect(manager.getByTestId('dash-avg-service').locator('.dash-tile-value')).toHaveText(/^\d+:\d\d$/);
  await shot(manager, 'dashboard-walk-zh');
  await manager.getByTestId('lang-en').first().click();
  await expect(walk).toContainText('Average walk to counter');
  await shot(manager, 'dashboard-walk-en');
});
