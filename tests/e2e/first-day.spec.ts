/**
 * What a branch saw on its first day, held in a real browser at the sizes a branch uses:
 * - Teller (1366×768 and 1920×1080): a VIP in the green channel with a pre-filled form — the number,
 *   the class and the VIP flag are on screen and nothing covers them (bounding boxes and the element
 *   at their centre, not only text); the English screen has no Chinese in the VIP flag.
 * - Kiosk: the branch name is whole at 1080 and 768 wide in both languages; large text shows the
 *   first choices without scrolling and opens the services at their top; a selected currency is
 *   readable; dates come from the keypad or today / tomorrow; the payee's bank is a button; the idle
 *   question replaces an error dialog instead of stacking on it.
 * - Manager tablet: every control at least 48 × 48 px; the dashboard names tellers and counters and
 *   draws arrivals and waits by hour; the Counters tab says who is at which counter.
 * - Admin: audit actions and subjects in words, a date range, an area and a CSV export.
 * - axe-core (every rule, WCAG and best practice): no critical, serious or moderate finding on any
 *   page or dialog of the manager, admin, teller, sign-in, phone and display screens, in zh-CN and en.
 * Screenshots of each go to tests/e2e/screenshots/.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { apiToken, bearer, open, openKiosk, openManager, serveEveryone, shot, staffSignIn, typeOnKeypad, VIEWPORTS, type Viewport } from './helpers';

/** axe with every rule; fails on anything critical, serious or moderate, listing each. */
async function axe(page: Page, name: string) {
  await page.waitForTimeout(200);
  await shot(page, name);
  const result = await new AxeBuilder({ page }).analyze();
  const found = result.violations
    .filter((v) => v.impact === 'critical' || v.impact === 'serious' || v.impact === 'moderate')
    .map((v) => `${v.id} (${v.impact}): ${v.help} -> ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(found, `axe on ${name}`).toEqual([]);
}

/** The element is inside the viewport and is what is drawn at its centre (nothing lies on top). */
async function expectUncovered(page: Page, target: Locator, what: string) {
  const box = await target.boundingBox();
  expect(box, `${what} has a box`).not.toBeNull();
  const viewport = page.viewportSize()!;
  expect(box!.height, `${what} is not squashed`).toBeGreaterThan(20);
  expect(box!.y, `${what} starts on screen`).toBeGreaterThanOrEqual(0);
  expect(box!.y + box!.height, `${what} ends on screen`).toBeLessThanOrEqual(viewport.height);
  const onTop = await target.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return hit !== null && (el === hit || el.contains(hit));
  });
  expect(onTop, `${what} is not covered`).toBe(true);
}

const overlaps = (a: { x: number; y: number; width: number; height: number }, b: { x: number; y: number; width: number; height: number }) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

test('teller: a green-channel VIP with a pre-filled form — number, class and VIP flag first and uncovered, at both counter sizes', async ({ browser, request }) => {
  await serveEveryone(request, [4], { completeCurrent: true });
  const kiosk = await apiToken(request, { deviceId: 'kiosk-01', secret: 'demo' });
  for (const viewport of [VIEWPORTS.teller, { width: 1920, height: 1080 }] as Viewport[]) {
    // The top-tier persona's card on the reader: green channel to the VIP counter, with a transfer form.
    const issued = await request.post('/api/v1/tickets', {
      headers: bearer(kiosk),
      data: { serviceCode: 'B', requestId: `e2e-first-day-${viewport.width}-${Date.now()}`, identity: { kind: 'card', value: '6225880000000019', method: 'reader' } },
    });
    expect(issued.status()).toBe(201);
    const ticket = ((await issued.json()) as { ticket: { id: string; number: string; route: string } }).ticket;
    expect(ticket.route).toBe('green_channel');
    const form = await request.put(`/api/v1/tickets/${ticket.id}/form`, {
      headers: bearer(kiosk),
      data: {
        formId: 'domestic_transfer',
        values: { payeeName: '李四', payeeAccount: '6217000010001234567', payeeBank: '中国建设银行', amount: { amount: '12500', currency: 'CNY' }, remark: '房租' },
      },
    });
    expect(form.status(), await form.text()).toBe(200);

    const teller = await open(browser, '/teller', viewport);
    await staffSignIn(teller, 't04', '2222', 4);
    await teller.getByTestId('call-next').click();
    await expect(teller.getByTestId('current-number')).toHaveText(ticket.number);
    await expect(teller.getByTestId('teller-form')).toBeVisible();
    for (const lang of ['zh', 'en'] as const) {
      if (lang === 'en') await teller.getByTestId('lang-en').first().click();
      const number = teller.getByTestId('current-number');
      const vip = teller.getByTestId('vip-banner');
      const cls = teller.getByTestId('current-class');
      await expectUncovered(teller, number, `number at ${viewport.width}`);
      await expectUncovered(teller, vip.locator('.tlr-vip-title'), `VIP flag at ${viewport.width}`);
      await expectUncovered(teller, cls, `class at ${viewport.width}`);
      // Nothing of the buttons or the form lies over the number.
      const numberBox = (await number.boundingBox())!;
      expect(overlaps(numberBox, (await teller.getByTestId('call-next').boundingBox())!)).toBe(false);
      expect(overlaps(numberBox, (await teller.getByTestId('teller-more').boundingBox())!)).toBe(false);
      await expect(vip.locator('.tlr-vip-title')).toHaveText(lang === 'en' ? 'VIP' : /贵宾/);
      await expect(teller.getByTestId('green-channel-banner')).toBeVisible();
      await shot(teller, `teller-vip-form-${viewport.width}-${lang}`);
    }
    // The form is reachable: it scrolls below the buttons.
    await teller.getByTestId('teller-form-value-payeeBank').scrollIntoViewIfNeeded();
    await expect(teller.getByTestId('teller-form-value-payeeBank')).toHaveText('中国建设银行');
    await expectUncovered(teller, teller.getByTestId('current-number'), 'number after scrolling the form');
    await teller.getByTestId('complete').click();
    await expect(teller.getByTestId('current-number')).toHaveCount(0);
    await teller.context().close();
  }
});

test('kiosk: the branch name is whole at 1080 and 768 wide, in both languages', async ({ browser }) => {
  for (const viewport of [VIEWPORTS.kiosk, { width: 768, height: 1366 }]) {
    for (const lang of ['zh', 'en'] as const) {
      const page = await openKiosk(browser, { viewport, lang });
      const name = page.getByTestId('kiosk-branch-name');
      await expect(name).toHaveText(lang === 'en' ? 'Demo Branch (Lobby)' : '网点大堂演示支行');
      // Not cut: the text fits its box, and the box is inside the screen.
      const fits = await name.evaluate((el) => el.scrollWidth <= el.clientWidth + 1 && el.getBoundingClientRect().right <= window.innerWidth);
      expect(fits, `branch name at ${viewport.width} ${lang}`).toBe(true);
      for (const id of ['kiosk-large-text', 'kiosk-high-contrast', 'kiosk-lang-zh-CN', 'kiosk-lang-en']) {
        const box = (await page.getByTestId(id).boundingBox())!;
        expect(box.x + box.width, `${id} on screen`).toBeLessThanOrEqual(viewport.width);
      }
      await shot(page, `kiosk-header-${viewport.width}-${lang}`);
      await page.context().close();
    }
  }
});

test('kiosk large text: the first choices are on screen, and the services open at their top', async ({ browser }) => {
  for (const viewport of [VIEWPORTS.kiosk, { width: 768, height: 1366 }]) {
    const page = await openKiosk(browser, { viewport });
    await page.getByTestId('kiosk-large-text').click();
    const phone = (await page.getByTestId('kiosk-identify-phone').boundingBox())!;
    expect(phone.y + phone.height, 'the first identity choice without scrolling').toBeLessThanOrEqual(viewport.height);
    await shot(page, `kiosk-large-home-${viewport.width}`);
    // Scrolled down the home page, then on to the services: they open at the top.
    await page.getByTestId('kiosk-guest').scrollIntoViewIfNeeded();
    await page.getByTestId('kiosk-guest').click();
    const first = (await page.getByTestId('kiosk-service-A').boundingBox())!;
    expect(first.y, 'the first service is on screen').toBeGreaterThanOrEqual(0);
    expect(first.y + first.height).toBeLessThanOrEqual(viewport.height);
    await shot(page, `kiosk-large-services-${viewport.width}`);
    await page.context().close();
  }
});

test('kiosk form: readable selected currency, dates from the keypad or a quick pick, the bank as a button', async ({ browser }) => {
  const page = await openKiosk(browser, { viewport: VIEWPORTS.kiosk });
  await page.getByTestId('kiosk-guest').click();
  await page.getByTestId('kiosk-service-E').click();
  await page.getByTestId('kiosk-fill-form').click();
  // The wealth purchase form offers CNY and USD; the chosen one is white on blue.
  const usd = page.getByTestId('kiosk-field-amount-currency-USD');
  await usd.click();
  await expect(usd).toHaveAttribute('aria-pressed', 'true');
  await page.waitForTimeout(400);
  const colours = await usd.evaluate((el) => {
    const s = getComputedStyle(el);
    return { color: s.color, background: s.backgroundColor };
  });
  expect(colours.color).toBe('rgb(255, 255, 255)');
  expect(colours.background).not.toBe(colours.color);
  await axe(page, 'kiosk-form-currency-zh');
  await page.getByTestId('kiosk-form-back').click();
  await page.getByTestId('kiosk-done').click().catch(() => undefined);
  await page.context().close();

  // Cash withdrawal: the date is typed on the keypad (dashes put in) or picked as "tomorrow".
  const cash = await openKiosk(browser, { viewport: VIEWPORTS.kiosk, lang: 'en' });
  await cash.getByTestId('kiosk-guest').click();
  await cash.getByTestId('kiosk-service-A').click();
  await cash.getByTestId('kiosk-fill-form').click();
  const date = cash.getByTestId('kiosk-field-withdrawalDate').locator('input');
  await expect(date).toHaveAttribute('type', 'text');
  await expect(date).toHaveAttribute('inputmode', 'none');
  await date.click();
  await expect(cash.getByTestId('kiosk-form-keypad')).toBeVisible();
  await typeOnKeypad(cash, '20991224', 'kiosk-form-key');
  await expect(date).toHaveValue('2099-12-24');
  await shot(cash, 'kiosk-form-date-keypad-en');
  await cash.getByTestId('kiosk-form-key-ok').click();
  await cash.getByTestId('kiosk-field-withdrawalDate-tomorrow').click();
  await expect(date).toHaveValue(/^\d{4}-\d{2}-\d{2}$/);
  expect(await date.inputValue()).not.toBe('2099-12-24');
  await axe(cash, 'kiosk-form-date-en');
  await cash.context().close();

  // Transfer: the payee's bank is chosen from buttons; "other" opens the box with the keyboard hint.
  const transfer = await openKiosk(browser, { viewport: VIEWPORTS.kiosk });
  await transfer.getByTestId('kiosk-guest').click();
  await transfer.getByTestId('kiosk-service-B').click();
  await transfer.getByTestId('kiosk-fill-form').click();
  await expect(transfer.getByTestId('kiosk-field-payeeBank').locator('input')).toHaveCount(0);
  await transfer.getByTestId('kiosk-field-payeeBank-suggestion-0').click();
  await expect(transfer.getByTestId('kiosk-field-payeeBank-suggestion-0')).toHaveAttribute('aria-pressed', 'true');
  await transfer.getByTestId('kiosk-field-payeeBank-other').click();
  await expect(transfer.getByTestId('kiosk-field-payeeBank').locator('input')).toBeVisible();
  await expect(transfer.getByTestId('kiosk-field-payeeBank')).toContainText('屏幕键盘');
  await axe(transfer, 'kiosk-form-bank-other-zh');
  await transfer.context().close();
});

test('kiosk: when the hub is down, the idle question replaces the error instead of stacking on it', async ({ browser }) => {
  const page = await openKiosk(browser, { query: '&idle=3&idleWarning=6' });
  await page.route('**/api/v1/tickets', (route) => route.abort('connectionrefused'));
  await page.getByTestId('kiosk-guest').click();
  await page.getByTestId('kiosk-service-A').click();
  await expect(page.getByTestId('kiosk-issue-error')).toBeVisible();
  await expect(page.getByTestId('kiosk-idle-warning')).toBeVisible({ timeout: 6_000 });
  await expect(page.getByTestId('kiosk-issue-error')).toHaveCount(0);
  await expect(page.locator('[role="alertdialog"]')).toHaveCount(1);
  await shot(page, 'kiosk-idle-over-error-zh');
  await page.getByTestId('kiosk-idle-restart').click();
  await expect(page.getByTestId('kiosk-home')).toBeVisible();
  await page.context().close();
});

/** Every visible control (a check box or radio button through its label) at least 48 × 48 px. */
async function smallControls(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('button, select, input, a[href], [role="button"]')]
      .filter((e) => e.offsetParent !== null)
      .map((e) => {
        const input = e as HTMLInputElement;
        const target = input.type === 'checkbox' || input.type === 'radio' ? (e.closest('label') ?? e) : e;
        const b = target.getBoundingClientRect();
        return { id: e.getAttribute('data-testid') ?? e.textContent?.trim().slice(0, 20) ?? e.tagName, w: b.width, h: b.height };
      })
      .filter((x) => x.w < 47.5 || x.h < 47.5)
      .map((x) => `${x.id} ${Math.round(x.w)}×${Math.round(x.h)}`),
  );
}

test('manager tablet: touch-sized controls, tellers at their counters, arrivals and waits by hour; axe on every tab and dialog', async ({ browser, request }) => {
  const kiosk = await apiToken(request, { deviceId: 'kiosk-01', secret: 'demo' });
  // Two identified customers waiting (one read: full card; one typed: locked until checked).
  for (const identity of [
    { kind: 'card', value: '6225880000000027', method: 'reader' },
    { kind: 'phone', value: '13800000005' },
  ]) {
    const res = await request.post('/api/v1/tickets', { headers: bearer(kiosk), data: { serviceCode: 'A', requestId: `e2e-first-day-mgr-${Date.now()}-${identity.value}`, identity } });
    expect(res.status()).toBe(201);
  }
  const teller = await open(browser, '/teller', VIEWPORTS.teller);
  await staffSignIn(teller, 't03', '2222', 3);
  await expect(teller.getByTestId('teller-screen')).toBeVisible();

  const m = await openManager(browser);
  for (const lang of ['zh', 'en'] as const) {
    if (lang === 'en') await m.getByTestId('lang-en').first().click();
    await m.getByTestId('tab-cards').click();
    await expect(m.getByTestId('card-risk').first()).toBeVisible();
    if (lang === 'en') await expect(m.getByTestId('card-branch-role').first()).not.toContainText('主办');
    expect(await smallControls(m), 'cards').toEqual([]);
    await axe(m, `first-day-manager-cards-${lang}`);
    // The full-number reveal form (reason required) and the identity check of a locked card.
    await m.getByTestId('reveal-phone').first().click();
    expect(await smallControls(m), 'reveal form').toEqual([]);
    await axe(m, `first-day-manager-reveal-${lang}`);
    await m.keyboard.press('Escape');

    await m.getByTestId('tab-counters').click();
    const three = m.locator('[data-testid="counter-card"][data-counter-id="3"]');
    await expect(three.getByTestId('counter-tellers')).toHaveAttribute('data-count', '1');
    await expect(three.getByTestId('counter-state')).toHaveText(lang === 'en' ? 'Open' : '开放');
    await expect(m.locator('[data-testid="counter-card"][data-counter-id="2"]').getByTestId('counter-tellers')).toHaveAttribute('data-count', /\d/);
    expect(await smallControls(m), 'counters').toEqual([]);
    await axe(m, `first-day-manager-counters-${lang}`);
    await three.getByTestId('counter-edit-services').click();
    expect(await smallControls(m), 'services dialog').toEqual([]);
    await axe(m, `first-day-manager-services-dialog-${lang}`);
    await m.keyboard.press('Escape');

    await m.getByTestId('tab-dashboard').click();
    await expect(m.getByTestId('dash-hourly')).toBeVisible();
    const arrivals = await m.locator('[data-testid^="dash-hour-"]').evaluateAll((gs) => gs.reduce((n, g) => n + Number(g.getAttribute('data-arrivals')), 0));
    const issued = Number(await m.getByTestId('dash-issued').locator('.dash-tile-value').textContent());
    expect(arrivals).toBe(issued);
    await expect(m.getByTestId('dash-cancelled')).toBeVisible();
    const tellers = m.getByTestId('dash-tellers');
    if ((await tellers.count()) > 0) await expect(tellers).not.toContainText(/\bt0\d\b/);
    expect(await smallControls(m), 'dashboard').toEqual([]);
    await axe(m, `first-day-manager-dashboard-${lang}`);

    for (const tab of ['green', 'report', 'appointments'] as const) {
      await m.getByTestId(`tab-${tab}`).click();
      await m.waitForTimeout(300);
      expect(await smallControls(m), tab).toEqual([]);
      await axe(m, `first-day-manager-${tab}-${lang}`);
    }
    await m.getByTestId('appointments-new').click();
    await axe(m, `first-day-manager-appointment-form-${lang}`);
    await m.getByTestId('appointments-form-submit').click();
    await axe(m, `first-day-manager-appointment-errors-${lang}`);
    await m.getByTestId('appointments-new').click();

    // A waiting ticket's actions and the transfer dialog.
    await m.getByTestId('ticket-actions').first().click();
    await axe(m, `first-day-manager-ticket-actions-${lang}`);
    await m.getByTestId('ticket-transfer').first().click();
    await axe(m, `first-day-manager-transfer-${lang}`);
    await m.keyboard.press('Escape');
    await m.getByTestId('ticket-actions').first().click();
  }
  await m.context().close();
  await teller.context().close();
  await serveEveryone(request, [1, 2, 3, 4], { completeCurrent: true });
});

test('admin: audit actions and subjects in words, dates and area filter, CSV export; axe on every tab', async ({ browser, request }) => {
  // A ticket called and completed, so the log has a ticket subject.
  await serveEveryone(request, [1], { completeCurrent: true });
  const kiosk = await apiToken(request, { deviceId: 'kiosk-01', secret: 'demo' });
  const issued = await request.post('/api/v1/tickets', { headers: bearer(kiosk), data: { serviceCode: 'A', requestId: `e2e-first-day-audit-${Date.now()}` } });
  const number = ((await issued.json()) as { ticket: { number: string } }).ticket.number;
  await serveEveryone(request, [1], { completeCurrent: true, atCounter: true });

  const admin = await open(browser, '/admin', VIEWPORTS.admin);
  await axe(admin, 'first-day-admin-login');
  await staffSignIn(admin, 'admin', '9999');
  await expect(admin.getByTestId('audit-table')).toBeVisible();
  for (const lang of ['zh', 'en'] as const) {
    if (lang === 'en') await admin.getByTestId('lang-en').first().click();
    // No raw keys: every action is in words, a ticket is named by its number.
    const actions = await admin.getByTestId('audit-action').allTextContents();
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter((a) => /^[a-z_]+\.[a-z_]+$/.test(a))).toEqual([]);
    const subjects = await admin.getByTestId('audit-subject').allTextContents();
    expect(subjects.filter((s) => s.startsWith('ticket:'))).toEqual([]);
    expect(subjects.some((s) => s.includes(number))).toBe(true);
    await axe(admin, `first-day-admin-audit-${lang}`);
    for (const tab of ['green', 'branch', 'staff', 'feeds', 'notices', 'devices'] as const) {
      await admin.getByTestId(`admin-tab-${tab}`).click();
      await admin.waitForTimeout(300);
      await axe(admin, `first-day-admin-${tab}-${lang}`);
    }
    await admin.getByTestId('admin-tab-audit').click();
  }

  // Sign-ins only, for today: every row is a sign-in or sign-out; a range in the future is empty.
  await admin.getByTestId('audit-area').selectOption('auth.');
  const actionsShown = () => admin.locator('[data-testid="audit-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action') ?? ''));
  await expect.poll(async () => (await actionsShown()).every((k) => k.startsWith('auth.'))).toBe(true);
  expect((await actionsShown()).length).toBeGreaterThan(0);
  await admin.getByTestId('audit-from').fill('2099-01-01');
  await expect(admin.getByTestId('audit-empty')).toBeVisible();
  await admin.getByTestId('audit-from').fill('');
  await admin.getByTestId('audit-area').selectOption('ticket.');
  await expect.poll(async () => (await actionsShown()).every((k) => k.startsWith('ticket.'))).toBe(true);
  const download = admin.waitForEvent('download');
  await admin.getByTestId('audit-export').click();
  const file = await download;
  const csv = await (await file.createReadStream()).toArray().then((chunks) => Buffer.concat(chunks).toString('utf8'));
  expect(csv.split('\n')[0]).toContain('action');
  expect(csv).toContain(number);
  expect(csv).not.toContain('auth.sign_in');
  await shot(admin, 'first-day-admin-audit-filtered-en');
  await admin.context().close();
});

test('teller, sign-in, phone and display pages pass axe in both languages', async ({ browser, request }) => {
  const teller = await open(browser, '/teller', VIEWPORTS.teller);
  await axe(teller, 'first-day-teller-login-zh');
  await staffSignIn(teller, 't01', '2222', 1);
  await expect(teller.getByTestId('teller-screen')).toBeVisible();
  await axe(teller, 'first-day-teller-idle-zh');
  const kiosk = await apiToken(request, { deviceId: 'kiosk-01', secret: 'demo' });
  const res = await request.post('/api/v1/tickets', { headers: bearer(kiosk), data: { serviceCode: 'A', requestId: `e2e-first-day-axe-${Date.now()}`, identity: { kind: 'phone', value: '13800000004' } } });
  const issued = ((await res.json()) as { ticket: { trackUrl: string } }).ticket;
  await teller.getByTestId('call-next').click();
  await expect(teller.getByTestId('current-number')).toBeVisible();
  await axe(teller, 'first-day-teller-current-zh');
  await teller.getByTestId('lang-en').first().click();
  await axe(teller, 'first-day-teller-current-en');

  for (const lang of ['zh', 'en'] as const) {
    const phone = await open(browser, new URL(issued.trackUrl).pathname, VIEWPORTS.phone);
    await expect(phone.getByTestId('phone-screen')).toBeVisible();
    if (lang === 'en') await phone.getByTestId('phone-lang-en').click();
    await axe(phone, `first-day-phone-${lang}`);
    await phone.context().close();
  }
  await teller.getByTestId('complete').click();
  await teller.context().close();

  const display = await open(browser, '/display?device=display-01', VIEWPORTS.display);
  await axe(display, 'first-day-display-login');
  await display.getByTestId('device-login-secret').fill('demo');
  await display.getByTestId('device-login-submit').click();
  await expect(display.getByTestId('display-branch-name')).toBeVisible();
  await axe(display, 'first-day-display');
  await display.context().close();
});
