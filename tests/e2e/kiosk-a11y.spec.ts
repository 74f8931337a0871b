/**
 * At the kiosk, in a real browser:
 * - axe (WCAG 2.1 A/AA) reports no violations on every kiosk screen — home, identify, services,
 *   ticket, form, form errors, form saved, "need more time?" — in zh-CN and en, at normal size and
 *   in large-text mode; a screenshot of each goes to tests/e2e/screenshots/. It also covers the
 *   booking-code entry (and its error), "too early", the checked-in and late tickets, the priority
 *   choice and a priority ticket.
 * - The pre-filled form: a known customer's fields come masked, the form is saved with the ticket,
 *   the teller who calls the ticket sees it in full, copies a field and it is marked used.
 * - Paper out: the kiosk says so and keeps the QR code on screen.
 * - Idle: 60 s (shortened here with ?idle=) -> "need more time?" -> reset to home, fields and
 *   identity cleared, language and display options back to default.
 * - Hub unreachable: the kiosk says so plainly and retries by itself.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { book, minuteFromNow, open, openKiosk, serveEveryone, shot, staffSignIn, typeOnKeypad, VIEWPORTS } from './helpers';

/** Runs axe on the page as it is and saves a screenshot; fails listing each violation. */
async function audit(page: Page, name: string) {
  // Let transitions settle so colours are measured as shown.
  await page.waitForTimeout(150);
  await shot(page, name);
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const violations = result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} -> ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(violations, `axe violations on ${name}`).toEqual([]);
}

for (const lang of ['zh', 'en'] as const) {
  for (const large of [false, true]) {
    const suffix = `${lang}${large ? '-large' : ''}`;
    test(`kiosk screens pass axe: ${suffix}`, async ({ browser }) => {
      const page = await openKiosk(browser);
      if (lang === 'en') await page.getByTestId('kiosk-lang-en').click();
      if (large) {
        await page.getByTestId('kiosk-large-text').click();
        await expect(page.getByTestId('kiosk-large-text')).toHaveAttribute('aria-pressed', 'true');
      }
      await audit(page, `kiosk-a11y-home-${suffix}`);

      await page.getByTestId('kiosk-identify-phone').click();
      await typeOnKeypad(page, '13800000003');
      await audit(page, `kiosk-a11y-identify-${suffix}`);
      await page.getByTestId('kiosk-identify-back').click();
      await expect(page.getByTestId('kiosk-home')).toBeVisible();
      // The customer's card on the reader instead (a read card pre-fills the form; a typed number does not).
      await page.keyboard.type('6225880000000035');
      await page.keyboard.press('Enter');
      await expect(page.getByTestId('kiosk-services')).toBeVisible();
      await audit(page, `kiosk-a11y-services-${suffix}`);

      await page.getByTestId('kiosk-service-C').click();
      await expect(page.getByTestId('kiosk-ticket')).toBeVisible();
      await expect(page.getByTestId('kiosk-print-status')).toHaveAttribute('data-status', 'none');
      await audit(page, `kiosk-a11y-ticket-${suffix}`);

      await page.getByTestId('kiosk-fill-form').click();
      await expect(page.getByTestId('kiosk-form-choose-card_loss')).toBeVisible();
      await audit(page, `kiosk-a11y-form-choose-${suffix}`);
      await page.getByTestId('kiosk-form-choose-card_loss').click();
      await expect(page.getByTestId('kiosk-field-idNumber-masked')).toHaveText('310***********0317');
      await page.getByTestId('kiosk-form-submit').click();
      await expect(page.getByTestId('kiosk-field-lossType-error')).toBeVisible();
      await audit(page, `kiosk-a11y-form-errors-${suffix}`);
      await page.getByTestId('kiosk-field-lossType-temporary').click();
      await page.getByTestId('kiosk-form-submit').click();
      await expect(page.getByTestId('kiosk-form-saved')).toBeVisible();
      await audit(page, `kiosk-a11y-form-saved-${suffix}`);
      await page.getByTestId('kiosk-form-done').click();
      await expect(page.getByTestId('kiosk-home')).toBeVisible();
      await expect(page.getByTestId('kiosk-large-text')).toHaveAttribute('aria-pressed', 'false');
      await page.context().close();
    });
  }
}

// The booking-code check-in screens and the priority choice, in both languages and in large text.

for (const lang of ['zh', 'en'] as const) {
  for (const large of [false, true]) {
    const suffix = `${lang}${large ? '-large' : ''}`;
    test(`appointment check-in and priority screens pass axe: ${suffix}`, async ({ browser, request }) => {
      const onTime = minuteFromNow(4) ?? minuteFromNow(-4);
      const early = minuteFromNow(120);
      test.skip(onTime === null || early === null, 'too close to the end of the branch day for bookings today');
      const onTimeCode = (await book(request, onTime!, 'A')).code;
      const earlyCode = (await book(request, early!, 'B')).code;
      const page = await openKiosk(browser);
      if (lang === 'en') await page.getByTestId('kiosk-lang-en').click();
      if (large) await page.getByTestId('kiosk-large-text').click();

      // Booking code: the entry, a wrong code, too early.
      await page.getByTestId('kiosk-booking-start').click();
      await expect(page.getByTestId('kiosk-booking')).toBeVisible();
      await audit(page, `kiosk-a11y-booking-${suffix}`);
      // A short code is refused on the kiosk itself (wrong codes sent to the hub are rate-limited per kiosk).
      await typeOnKeypad(page, '123');
      await page.getByTestId('kiosk-booking-confirm').click();
      await expect(page.getByTestId('kiosk-booking-error')).not.toBeEmpty();
      await audit(page, `kiosk-a11y-booking-error-${suffix}`);
      await page.getByTestId('kiosk-key-clear').click();
      await typeOnKeypad(page, earlyCode);
      await page.getByTestId('kiosk-booking-confirm').click();
      await expect(page.getByTestId('kiosk-too-early')).toBeVisible();
      await audit(page, `kiosk-a11y-too-early-${suffix}`);
      await page.getByTestId('kiosk-too-early-done').click();

      // On time: the ticket with its note.
      if (lang === 'en') await page.getByTestId('kiosk-lang-en').click();
      if (large) await page.getByTestId('kiosk-large-text').click();
      await page.getByTestId('kiosk-booking-start').click();
      await typeOnKeypad(page, onTimeCode);
      await page.getByTestId('kiosk-booking-confirm').click();
      await expect(page.getByTestId('kiosk-checkin-note')).toHaveAttribute('data-outcome', 'on_time');
      await audit(page, `kiosk-a11y-checked-in-${suffix}`);
      await page.getByTestId('kiosk-done').click();

      // Late (demo code 100004): a walk-in; later runs see "already checked in".
      if (lang === 'en') await page.getByTestId('kiosk-lang-en').click();
      if (large) await page.getByTestId('kiosk-large-text').click();
      await page.getByTestId('kiosk-booking-start').click();
      await typeOnKeypad(page, '100004');
      await page.getByTestId('kiosk-booking-confirm').click();
      await expect(page.getByTestId('kiosk-checkin-note')).toBeVisible();
      await audit(page, `kiosk-a11y-late-${suffix}`);
      await page.getByTestId('kiosk-done').click();

      // Priority service by law.
      if (lang === 'en') await page.getByTestId('kiosk-lang-en').click();
      if (large) await page.getByTestId('kiosk-large-text').click();
      await page.getByTestId('kiosk-guest').click();
      await page.getByTestId('kiosk-priority-start').click();
      await expect(page.getByTestId('kiosk-priority')).toBeVisible();
      await audit(page, `kiosk-a11y-priority-${suffix}`);
      await page.getByTestId('kiosk-priority-pregnant').click();
      await expect(page.getByTestId('kiosk-priority-chosen')).toBeVisible();
      await audit(page, `kiosk-a11y-priority-chosen-${suffix}`);
      await page.getByTestId('kiosk-service-A').click();
      await expect(page.getByTestId('kiosk-priority-note')).toBeVisible();
      await audit(page, `kiosk-a11y-priority-ticket-${suffix}`);
      await page.context().close();
      // Serve what this test issued (priority tickets first), so later specs find the queue as before.
      await serveEveryone(request, [4, 1, 2, 3], { atCounter: true });
    });
  }
}

test('the "need more time?" warning passes axe and then resets the kiosk', async ({ browser }) => {
  const page = await openKiosk(browser, { query: '&idle=3&idleWarning=4' });
  await page.getByTestId('kiosk-lang-en').click();
  await page.getByTestId('kiosk-high-contrast').click();
  await page.getByTestId('kiosk-identify-card').click();
  await typeOnKeypad(page, '622588');
  await expect(page.getByTestId('kiosk-idle-warning')).toBeVisible({ timeout: 8_000 });
  await audit(page, 'kiosk-a11y-idle-en-contrast');
  // "Yes, I need more time" keeps everything.
  await page.getByTestId('kiosk-idle-more').click();
  await expect(page.getByTestId('kiosk-idle-warning')).toHaveCount(0);
  await expect(page.getByTestId('kiosk-identity-input')).toHaveValue(/6225 ?88/);
  // Nobody answers: home, in the branch language, display options off, nothing typed kept.
  await expect(page.getByTestId('kiosk-idle-warning')).toBeVisible({ timeout: 8_000 });
  await expect(page.getByTestId('kiosk-home')).toBeVisible({ timeout: 8_000 });
  await expect(page.getByTestId('kiosk-idle-warning')).toHaveCount(0);
  await expect(page.getByTestId('kiosk-lang-zh-CN')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('kiosk-high-contrast')).toHaveAttribute('aria-pressed', 'false');
  await page.getByTestId('kiosk-identify-card').click();
  await expect(page.getByTestId('kiosk-identity-input')).toHaveValue('');
  await page.context().close();
});

test('pre-filled form: kiosk (masked) -> teller sees it on call, copies a field, marks it used', async ({ browser }) => {
  const kiosk = await openKiosk(browser, { viewport: VIEWPORTS.kioskLandscape });
  // The customer's debit card on the reader (a typed number would pre-fill nothing).
  await kiosk.keyboard.type('6225880000000035');
  await kiosk.keyboard.press('Enter');
  await expect(kiosk.getByTestId('kiosk-services')).toBeVisible();
  const issued = kiosk.waitForResponse((r) => r.url().endsWith('/api/v1/tickets') && r.request().method() === 'POST');
  await kiosk.getByTestId('kiosk-service-B').click();
  const { ticket } = (await (await issued).json()) as { ticket: { id: string; number: string } };
  await kiosk.getByTestId('kiosk-fill-form').click();
  // One form for transfers: straight to its fields; the card is pre-filled and shown masked.
  await expect(kiosk.getByTestId('kiosk-field-fromAccount-masked')).toHaveText('622588******0035');
  await kiosk.getByTestId('kiosk-field-payeeName').locator('input').fill('李四');
  await kiosk.getByTestId('kiosk-field-payeeAccount').locator('input').click();
  await expect(kiosk.getByTestId('kiosk-form-keypad')).toBeVisible();
  await typeOnKeypad(kiosk, '6217000010001234567', 'kiosk-form-key');
  await kiosk.getByTestId('kiosk-form-key-ok').click();
  // The payee's bank is a button (no input method needed); the form saves its Chinese name.
  await kiosk.getByTestId('kiosk-field-payeeBank-suggestion-1').click();
  await expect(kiosk.getByTestId('kiosk-field-payeeBank-suggestion-1')).toHaveAttribute('aria-pressed', 'true');
  // Forgiving input: thousands separators are fine.
  await kiosk.getByTestId('kiosk-field-amount').locator('input').fill('12,500.5');
  await shot(kiosk, 'kiosk-form-transfer-zh');
  await kiosk.getByTestId('kiosk-form-submit').click();
  await expect(kiosk.getByTestId('kiosk-form-saved')).toBeVisible();
  await expect(kiosk.locator('body')).not.toContainText('6225880000000035');

  const teller = await open(browser, '/teller', VIEWPORTS.teller);
  await staffSignIn(teller, 't02', '2222', 2);
  await expect(teller.getByTestId('teller-screen')).toBeVisible();
  // Serve whoever is ahead until this ticket is called.
  for (let i = 0; i < 30; i++) {
    await teller.getByTestId('call-next').click();
    await expect(teller.getByTestId('current-number')).toBeVisible();
    if ((await teller.getByTestId('current-number').textContent()) === ticket.number) break;
    await teller.getByTestId('complete').click();
    await expect(teller.getByTestId('current-number')).toHaveCount(0);
  }
  await expect(teller.getByTestId('current-number')).toHaveText(ticket.number);
  const form = teller.getByTestId('teller-form');
  await expect(form).toBeVisible();
  await expect(teller.getByTestId('teller-form-value-fromAccount')).toHaveText('6225880000000035');
  await expect(teller.getByTestId('teller-form-value-payeeAccount')).toHaveText('6217000010001234567');
  await expect(teller.getByTestId('teller-form-value-amount')).toHaveText('12500.50 CNY');
  await expect(teller.getByTestId('teller-form-value-payeeBank')).toHaveText('中国建设银行');
  await teller.getByTestId('teller-form-copy-payeeAccount').click();
  await expect(teller.getByTestId('teller-form-used-payeeAccount')).toBeVisible();
  await shot(teller, 'teller-form-zh');
  await teller.getByTestId('lang-en').first().click();
  await expect(form).toContainText('Payee account');
  await shot(teller, 'teller-form-en');
  await teller.getByTestId('complete').click();
  await kiosk.context().close();
  await teller.context().close();
});

test('paper out: the kiosk says so and shows the QR code to photograph', async ({ browser }) => {
  const page = await openKiosk(browser);
  await page.route('**/api/v1/tickets/*/print', (route) =>
    route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ printed: false, status: 'paper_out' }) }),
  );
  await page.getByTestId('kiosk-guest').click();
  await page.getByTestId('kiosk-service-A').click();
  await expect(page.getByTestId('kiosk-print-status')).toHaveAttribute('data-status', 'paper_out');
  await expect(page.getByTestId('kiosk-print-status')).toContainText('缺纸');
  await expect(page.getByTestId('kiosk-ticket-qr')).toBeVisible();
  await audit(page, 'kiosk-a11y-paper-out-zh');
  await page.getByTestId('kiosk-lang-en').click();
  await expect(page.getByTestId('kiosk-print-status')).toContainText('out of paper');
  await shot(page, 'kiosk-paper-out-en');
  await page.context().close();
});

test('hub unreachable: the kiosk says so plainly and retries by itself', async ({ browser }) => {
  const page = await open(browser, '/kiosk?device=kiosk-01', VIEWPORTS.kiosk);
  await page.getByTestId('device-login-secret').fill('demo');
  await page.route('**/api/v1/branch', (route) => route.abort('connectionrefused'));
  await page.getByTestId('device-login-submit').click();
  await expect(page.getByTestId('kiosk-branch-error')).toBeVisible();
  await expect(page.getByTestId('kiosk-branch-error')).toContainText('无法连接服务器');
  await shot(page, 'kiosk-unreachable-zh');
  await page.unroute('**/api/v1/branch');
  // Retried automatically (every 15 s) without anyone touching the screen.
  await expect(page.getByTestId('kiosk-branch-error')).toHaveCount(0, { timeout: 20_000 });
  await expect(page.getByTestId('kiosk-branch-name')).toContainText('网点');

  // A ticket request that cannot reach the hub: said plainly, and "try again" gets the ticket.
  await page.route('**/api/v1/tickets', (route) => route.abort('connectionrefused'));
  await page.getByTestId('kiosk-guest').click();
  await page.getByTestId('kiosk-service-A').click();
  await expect(page.getByTestId('kiosk-issue-error-text')).toContainText('无法连接服务器');
  await page.unroute('**/api/v1/tickets');
  await page.getByTestId('kiosk-issue-retry').click();
  await expect(page.getByTestId('kiosk-ticket-number')).toBeVisible();
  await page.context().close();
});
