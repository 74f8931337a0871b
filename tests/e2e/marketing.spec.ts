/**
 * On the manager's tablet: card with reminders from activity data, service actions and the
 * contact line; reveal a full identifier with a reason; the per-visit cap; the campaign report tab.
 * Screenshots in zh-CN and en go to tests/e2e/screenshots/.
 */
import { expect, test } from '@playwright/test';
import { apiToken, bearer, openManager, serveEveryone, shot } from './helpers';

test('manager: reminders, actions, reveal with a reason, contact cap, campaign report', async ({ browser, request }) => {
  const manager = await openManager(browser);

  const kiosk = await apiToken(request, { deviceId: 'kiosk-01', secret: 'demo' });
  const res = await request.post('/api/v1/tickets', {
    headers: bearer(kiosk),
    data: { serviceCode: 'A', requestId: `e2e-mkt-${Date.now()}`, identity: { kind: 'card', value: '6225880000000035', method: 'reader' } },
  });
  expect(res.status()).toBe(201);
  const { ticket } = (await res.json()) as { ticket: { number: string } };

  const card = manager.getByTestId('customer-card').filter({ hasText: ticket.number });
  await expect(card).toBeVisible();
  await expect(card.locator('[data-testid="reminder"][data-kind="large_inflow"]')).toBeVisible();
  await expect(card.locator('[data-testid="card-action"][data-code="funds_arrival"]')).toBeVisible();
  await expect(card.getByTestId('card-branch-role')).toHaveAttribute('data-role', 'primary');
  await expect(card.getByTestId('card-contact')).toContainText('0 / 2');

  // Reveal the phone number with a reason: shown in full, audited on the hub.
  await card.getByTestId('reveal-phone').click();
  await card.getByTestId('reveal-reason').selectOption('customer_request');
  await card.getByTestId('reveal-submit').click();
  await expect(card.getByTestId('revealed-phone')).toContainText('13800000003');
  await shot(manager, 'manager-marketing-card-zh');

  // Two pitches allowed in this visit; the third offer's buttons are withdrawn.
  const offers = card.getByTestId('offer');
  await expect(offers).toHaveCount(3);
  for (const i of [0, 1]) {
    const saved = manager.waitForResponse((r) => r.url().includes('/outcome') && r.status() === 200);
    await offers.nth(i).getByTestId(i === 0 ? 'offer-later' : 'offer-declined').click();
    await saved;
  }
  await expect(card.getByTestId('card-contact')).toContainText('2 / 2');
  await expect(offers.nth(2).getByTestId('offer-capped')).toBeVisible();
  await expect(offers.nth(2).getByTestId('offer-accepted')).toHaveCount(0);

  await manager.getByTestId('lang-en').first().click();
  await expect(card.getByTestId('card-contact')).toContainText('Pitches this visit');
  await shot(manager, 'manager-marketing-card-en');

  await manager.getByTestId('tab-report').click();
  await expect(manager.getByTestId('campaign-report')).toBeVisible();
  await expect(manager.getByTestId('report-by-product')).toBeVisible();
  await expect(manager.getByTestId('report-contact-load')).toBeVisible();
  await shot(manager, 'manager-report-en');
  await manager.getByTestId('lang-zh-CN').first().click();
  await expect(manager.getByTestId('campaign-report')).toContainText('营销报告');
  await shot(manager, 'manager-report-zh');
  await manager.context().close();

  // Serve everyone left waiting so the next spec starts from an empty lobby.
  await serveEveryone(request, [1, 2, 3, 4], { completeCurrent: true });
});
