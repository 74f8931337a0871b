/**
 * On the manager's tablet: transfer a waiting ticket, move one into the green channel with
 * a reason (shown in the green-channel log), pause and reopen a counter, close one after a
 * confirmation, reassign a counter's services with weights; dialogs close with Escape and give the
 * focus back; toasts follow a language switch; touch targets are at least 44px.
 * Screenshots in zh-CN and en go to tests/e2e/screenshots/.
 */
import { expect, test, type Locator } from '@playwright/test';
import { apiToken, bearer, issueTicket, openManager, serveEveryone, shot, VIEWPORTS } from './helpers';

/** Every visible button, field and choice inside `scope` is at least 44 x 44 px. */
async function expectTouchTargets(scope: Locator) {
  const small = await scope.evaluate((root) => {
    const out: string[] = [];
    for (const el of root.querySelectorAll<HTMLElement>('button, select, input:not([type=radio]):not([type=checkbox]), textarea, label.ops-choice, label.ops-toggle')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue; // not shown
      if (r.height < 44 || r.width < 44) out.push(`${el.tagName.toLowerCase()}[${el.dataset.testid ?? el.className}] ${Math.round(r.width)}x${Math.round(r.height)}`);
    }
    return out;
  });
  expect(small).toEqual([]);
}

test('manager: transfer, green channel with a reason, counters board, services with weights', async ({ browser, request }) => {
  const kiosk = await apiToken(request, { deviceId: 'kiosk-01', secret: 'demo' });
  const managerToken = await apiToken(request, { staffId: 'm01', pin: '1111' });
  const mh = bearer(managerToken);
  const guest = await issueTicket(request, 'A', { tag: 'mops', kiosk });
  const other = await issueTicket(request, 'B', { tag: 'mops', kiosk });
  const known = await issueTicket(request, 'C', { tag: 'mops', kiosk, phone: '13800000003' }); // a general customer: not routed by the rules
  expect(known.route).toBe('standard');

  const page = await openManager(browser);
  const row = (number: string) => page.locator(`[data-testid="waiting-ticket"][data-number="${number}"]`);
  await expect(row(guest.number)).toBeVisible();
  await expect(row(guest.number).getByTestId('waiting-estimate')).toBeVisible(); // the estimate per ticket

  // ---------------------------------------------------------------- transfer (zh-CN)
  await row(guest.number).getByTestId('ticket-actions').click();
  await expect(row(guest.number).getByTestId('ticket-transfer')).toBeVisible();
  // A guest cannot be moved into the green channel: the button says why.
  await expect(row(guest.number).getByTestId('ticket-green')).toBeDisabled();
  await expectTouchTargets(row(guest.number));
  await row(guest.number).getByTestId('ticket-transfer').click();
  const transfer = page.getByTestId('transfer-dialog');
  await expect(transfer).toBeVisible();
  await expect(page.getByTestId('transfer-service')).toBeFocused();
  await page.getByTestId('transfer-service').selectOption('D');
  await page.getByTestId('placement-first').click();
  await expect(page.getByTestId('transfer-summary')).toContainText(guest.number);
  await expect(page.getByTestId('transfer-summary')).toContainText('排在队首');
  await expectTouchTargets(transfer);
  await shot(page, 'manager-ops-transfer-zh');
  await page.getByTestId('transfer-submit').click();
  await expect(transfer).toBeHidden();
  await expect(page.getByTestId('manager-toast').filter({ hasText: guest.number })).toContainText('贷款');
  await expect(row(guest.number)).toHaveAttribute('data-service', 'D');

  // ---------------------------------------------------------------- green channel: reason required (zh-CN)
  await row(known.number).getByTestId('ticket-actions').click();
  await row(known.number).getByTestId('ticket-green').click();
  const green = page.getByTestId('green-dialog');
  await expect(green).toBeVisible();
  await expect(page.getByTestId('green-reason')).toBeFocused();
  await page.getByTestId('green-submit').click();
  await expect(page.getByTestId('green-reason-error')).toContainText('至少 2 个字');
  await page.getByTestId('green-preset-unwell').click();
  await expect(page.getByTestId('green-reason')).toHaveValue('年长或身体不适，不宜久等');
  await shot(page, 'manager-ops-green-zh');
  // Escape closes without moving anyone; the focus goes back to the button that opened it.
  await page.keyboard.press('Escape');
  await expect(green).toBeHidden();
  await expect(row(known.number).getByTestId('ticket-green')).toBeFocused();
  await expect(row(known.number)).toHaveAttribute('data-class', 'normal');

  // ---------------------------------------------------------------- counters board (zh-CN)
  await page.getByTestId('tab-counters').click();
  const board = page.getByTestId('counters-board');
  await expect(board).toBeVisible();
  const card = (id: number) => board.locator(`[data-testid="counter-card"][data-counter-id="${id}"]`);
  await expect(card(4).locator('[data-testid="counter-service"][data-code="V"]')).toHaveAttribute('data-weight', '10');
  await expectTouchTargets(board);
  await shot(page, 'manager-ops-counters-zh');

  // Pause counter 3 with a reason and a note, then open it again.
  await card(3).getByTestId('counter-pause').click();
  const pause = page.getByTestId('pause-dialog');
  await expect(pause).toBeVisible();
  await page.getByTestId('pause-submit').click();
  await expect(page.getByTestId('pause-invalid')).toContainText('请选择原因');
  await page.getByTestId('pause-reason-training').click();
  await page.getByTestId('pause-note').fill('新系统培训，14:30 回来');
  await expectTouchTargets(pause);
  await shot(page, 'manager-ops-pause-zh');
  await page.getByTestId('pause-submit').click();
  await expect(pause).toBeHidden();
  await expect(card(3)).toHaveAttribute('data-state', 'paused');
  await expect(card(3).getByTestId('counter-reason')).toHaveText('培训');
  await expect(card(3).getByTestId('counter-note')).toContainText('新系统培训');
  const api3 = ((await (await request.get('/api/v1/counters', { headers: mh })).json()) as { counters: { counterId: number; state: string; reason: string; note: string }[] }).counters.find(
    (c) => c.counterId === 3,
  );
  expect(api3).toMatchObject({ state: 'paused', reason: 'training', note: '新系统培训，14:30 回来' });
  await shot(page, 'manager-ops-counters-paused-zh');
  await card(3).getByTestId('counter-open').click();
  await expect(card(3)).toHaveAttribute('data-state', 'open');

  // The toast of that opening follows a language switch (rendered from its i18n key).
  const opened = page.getByTestId('manager-toast').filter({ hasText: '3号窗口已开放' });
  await expect(opened).toBeVisible();
  await page.getByTestId('lang-en').first().click();
  await expect(page.getByTestId('manager-toast').filter({ hasText: 'Counter 3 is open' })).toBeVisible();
  await page.getByTestId('lang-zh-CN').first().click();

  // Reassign counter 1's services: add Wealth management (E) with weight 3.
  await card(1).getByTestId('counter-edit-services').click();
  const profile = page.getByTestId('profile-dialog');
  await expect(profile).toBeVisible();
  const eRow = profile.locator('[data-testid="profile-row"][data-code="E"]');
  await expect(eRow.getByTestId('profile-weight')).toBeDisabled();
  await expect(page.getByTestId('profile-save')).toBeDisabled(); // nothing changed yet
  await eRow.getByTestId('profile-enabled').check();
  await eRow.getByTestId('profile-weight-more').click();
  await eRow.getByTestId('profile-weight-more').click();
  await expect(eRow.getByTestId('profile-weight')).toHaveValue('3');
  await expectTouchTargets(profile);
  await shot(page, 'manager-ops-services-zh');
  await page.getByTestId('profile-save').click();
  await expect(profile).toBeHidden();
  await expect(card(1).locator('[data-testid="counter-service"][data-code="E"]')).toHaveAttribute('data-weight', '3');
  const api1 = ((await (await request.get('/api/v1/counters', { headers: mh })).json()) as { counters: { counterId: number; services: { code: string; weight: number }[] }[] }).counters.find(
    (c) => c.counterId === 1,
  );
  expect(api1!.services).toEqual([
    { code: 'E', weight: 3 },
    { code: 'A', weight: 1 },
    { code: 'B', weight: 1 },
    { code: 'C', weight: 1 },
  ]);

  // Close counter 2 only after a confirmation; Escape keeps it open.
  await card(2).getByTestId('counter-close').click();
  const close = page.getByTestId('close-dialog');
  await expect(close).toBeVisible();
  await expect(page.getByTestId('close-cancel')).toBeFocused();
  await shot(page, 'manager-ops-close-zh');
  await page.keyboard.press('Escape');
  await expect(close).toBeHidden();
  await expect(card(2)).toHaveAttribute('data-state', 'open');
  await card(2).getByTestId('counter-close').click();
  await page.getByTestId('close-confirm').click();
  await expect(card(2)).toHaveAttribute('data-state', 'closed');
  await expect(card(2).getByTestId('counter-since')).toContainText('关闭');

  // Portrait tablet: the board alone.
  await page.setViewportSize({ width: 800, height: 1280 });
  await shot(page, 'manager-ops-counters-portrait-zh');
  await page.setViewportSize(VIEWPORTS.manager);

  // ---------------------------------------------------------------- en
  await page.getByTestId('lang-en').first().click();
  await expect(board).toContainText('Counters');
  await expect(card(2).getByTestId('counter-state')).toHaveText('Closed');
  await shot(page, 'manager-ops-counters-en');
  await card(2).getByTestId('counter-open').click();
  await expect(card(2)).toHaveAttribute('data-state', 'open');

  await card(2).getByTestId('counter-pause').click();
  await expect(pause).toBeVisible();
  await page.getByTestId('pause-reason-meeting').click();
  await shot(page, 'manager-ops-pause-en');
  await page.keyboard.press('Escape');
  await expect(pause).toBeHidden();
  await expect(card(2).getByTestId('counter-pause')).toBeFocused();
  await expect(card(2)).toHaveAttribute('data-state', 'open');

  await card(2).getByTestId('counter-edit-services').click();
  await expect(profile).toBeVisible();
  const aRow = profile.locator('[data-testid="profile-row"][data-code="A"]');
  await aRow.getByTestId('profile-weight').fill('0');
  await expect(aRow.getByTestId('profile-row-error')).toHaveText('A whole number from 1 to 100');
  await expect(page.getByTestId('profile-save')).toBeDisabled();
  await shot(page, 'manager-ops-services-en');
  await page.getByTestId('profile-cancel').click();
  await expect(profile).toBeHidden();

  await card(3).getByTestId('counter-close').click();
  await expect(close).toBeVisible();
  await shot(page, 'manager-ops-close-en');
  await page.getByTestId('close-cancel').click();
  await expect(close).toBeHidden();

  // Changes made at the tellers' desks show up live: counter 4 paused there, counter 3 serving.
  const t3 = bearer(await apiToken(request, { staffId: 't03', pin: '2222' }));
  const t4 = bearer(await apiToken(request, { staffId: 't04', pin: '2222' }));
  expect((await request.post('/api/v1/counters/4/pause', { headers: t4, data: { reason: 'system' } })).status()).toBe(200);
  await expect(card(4)).toHaveAttribute('data-state', 'paused');
  await expect(card(4).getByTestId('counter-reason')).toHaveText('System problem');
  expect((await request.post(`/api/v1/counters/3/call/${guest.id}`, { headers: t3 })).status()).toBe(200);
  await expect(card(3).getByTestId('counter-serving')).toHaveText(guest.number);
  await expect(card(3).getByTestId('counter-close')).toBeDisabled();
  await expect(card(3).getByTestId('counter-pause')).toBeDisabled();
  await expect(card(3).getByTestId('counter-busy-hint')).toContainText(guest.number);
  await expect(row(guest.number)).toHaveCount(0);
  await shot(page, 'manager-ops-counters-live-en');
  await request.post(`/api/v1/tickets/${guest.id}/complete`, { headers: t3 });
  await expect(card(3).getByTestId('counter-serving')).toHaveText('free');
  await card(4).getByTestId('counter-open').click();
  await expect(card(4)).toHaveAttribute('data-state', 'open');

  // Transfer dialog in English (cancelled).
  await row(other.number).getByTestId('ticket-actions').click();
  await row(other.number).getByTestId('ticket-transfer').click();
  await expect(transfer).toBeVisible();
  await page.getByTestId('transfer-counter').selectOption('3');
  await expect(page.getByTestId('transfer-summary')).toContainText('called only by Counter 3');
  await shot(page, 'manager-ops-transfer-en');
  await page.keyboard.press('Escape');
  await expect(transfer).toBeHidden();

  // Move the identified customer into the green channel, with a reason, in English.
  await row(known.number).getByTestId('ticket-actions').click();
  await row(known.number).getByTestId('ticket-green').click();
  await expect(green).toBeVisible();
  await page.getByTestId('green-reason').fill('Elderly customer, came back after our error this morning');
  await shot(page, 'manager-ops-green-en');
  await page.getByTestId('green-submit').click();
  await expect(green).toBeHidden();
  await expect(page.getByTestId('manager-toast').filter({ hasText: `Ticket ${known.number} moved to the green channel` })).toBeVisible();
  await expect(row(known.number)).toHaveAttribute('data-class', 'green');
  await row(known.number).getByTestId('ticket-actions').click();
  await expect(row(known.number).getByTestId('ticket-green')).toHaveCount(0); // already green: no second move

  await page.getByTestId('tab-green').click();
  const logRow = page.locator(`[data-testid="green-channel-row"][data-ticket-id="${known.id}"]`);
  await expect(logRow).toContainText('Lobby manager');
  await expect(logRow.getByTestId('green-channel-reason')).toHaveText('Reason: Elderly customer, came back after our error this morning');
  await expect(logRow).toContainText('m01');
  await shot(page, 'manager-ops-green-log-en');
  await page.getByTestId('lang-zh-CN').first().click();
  await expect(logRow).toContainText('大堂经理');
  await expect(logRow.getByTestId('green-channel-reason')).toContainText('原因：Elderly customer');
  await shot(page, 'manager-ops-green-log-zh');
  await page.context().close();

  // Leave the branch as it was: counter 1's profile, every counter open, nobody waiting.
  await request.put('/api/v1/counters/1/services', {
    headers: mh,
    data: { services: [{ code: 'A', weight: 1 }, { code: 'B', weight: 1 }, { code: 'C', weight: 1 }] },
  });
  for (const counterId of [1, 2, 3, 4]) await request.post(`/api/v1/counters/${counterId}/open`, { headers: mh, data: {} });
  await serveEveryone(request, [4, 1, 2, 3]);
});
