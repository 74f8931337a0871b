/**
 * Issue 3 in a real browser: the teller recalls, parks, pauses and opens the counter, resumes a
 * parked customer and transfers one; the phone page says "your turn is near".
 * Screenshots in zh-CN and en go to tests/e2e/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type APIRequestContext, type Browser, type Page } from '@playwright/test';

const shots = join(__dirname, 'screenshots');
mkdirSync(shots, { recursive: true });
const shot = (page: Page, name: string) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: false });

async function open(browser: Browser, path: string, viewport: { width: number; height: number }) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(path);
  return page;
}

async function issue(request: APIRequestContext, serviceCode: string): Promise<{ number: string; trackUrl: string }> {
  const login = await request.post('/api/v1/auth/login', { data: { deviceId: 'kiosk-01', secret: 'demo' } });
  const { token } = (await login.json()) as { token: string };
  const res = await request.post('/api/v1/tickets', {
    headers: { authorization: `Bearer ${token}` },
    data: { serviceCode, requestId: `e2e-q-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}` },
  });
  expect(res.status()).toBe(201);
  return ((await res.json()) as { ticket: { number: string; trackUrl: string } }).ticket;
}

test('teller: recall, park, pause / open, resume and transfer', async ({ browser, request }) => {
  for (let i = 0; i < 3; i++) await issue(request, 'D');
  const teller = await open(browser, '/teller', { width: 1366, height: 768 });
  await teller.getByTestId('login-staff-id').fill('t02');
  await teller.getByTestId('login-pin').fill('2222');
  await teller.getByTestId('login-counter').fill('2');
  await teller.getByTestId('login-submit').click();
  await expect(teller.getByTestId('counter-state')).toHaveAttribute('data-state', 'open');

  // Call and recall.
  await teller.getByTestId('call-next').click();
  const first = (await teller.getByTestId('current-number').textContent())!;
  await teller.getByTestId('recall').click();
  await expect(teller.getByTestId('teller-notice')).toContainText(first);
  await expect(teller.getByTestId('recall')).toContainText('1');
  await teller.getByTestId('transfer-toggle').click();
  await expect(teller.getByTestId('transfer-form')).toBeVisible();
  await shot(teller, 'teller-tools-zh');
  await teller.getByTestId('lang-en').first().click();
  await expect(teller.getByTestId('recall')).toContainText('Recall');
  await shot(teller, 'teller-tools-en');
  await teller.getByTestId('transfer-toggle').click();

  // Park: the counter is free, the customer is listed as parked.
  await teller.getByTestId('park').click();
  await expect(teller.getByTestId('current-number')).toHaveCount(0);
  await expect(teller.getByTestId('parked-ticket').filter({ hasText: first })).toBeVisible();

  // Pause with a reason: calling is refused until the counter opens again.
  await teller.getByTestId('pause-reason').selectOption('training');
  await teller.getByTestId('counter-pause').click();
  await expect(teller.getByTestId('counter-state')).toHaveAttribute('data-state', 'paused');
  await expect(teller.getByTestId('counter-state-badge')).toContainText('Training');
  await expect(teller.getByTestId('call-next')).toBeDisabled();
  await shot(teller, 'teller-paused-en');
  await teller.getByTestId('lang-zh-CN').first().click();
  await expect(teller.getByTestId('counter-state-badge')).toContainText('培训');
  await expect(teller.getByTestId('teller-notice')).toHaveText('窗口已暂停'); // notices follow the language switch
  await shot(teller, 'teller-paused-zh');
  await teller.getByTestId('counter-open').click();
  await expect(teller.getByTestId('counter-state')).toHaveAttribute('data-state', 'open');

  // Resume the parked customer here, then complete.
  await teller.getByTestId('parked-ticket').filter({ hasText: first }).getByTestId('resume').click();
  await expect(teller.getByTestId('current-number')).toHaveText(first);
  await teller.getByTestId('complete').click();
  await expect(teller.getByTestId('current-number')).toHaveCount(0);

  // Transfer the next customer to counter 3, placed first.
  await teller.getByTestId('call-next').click();
  const second = (await teller.getByTestId('current-number').textContent())!;
  await teller.getByTestId('transfer-toggle').click();
  await teller.getByTestId('transfer-counter').selectOption('3');
  await teller.getByTestId('transfer-placement').selectOption('first');
  await teller.getByTestId('transfer-confirm').click();
  await expect(teller.getByTestId('current-number')).toHaveCount(0);
  await expect(teller.getByTestId('teller-notice')).toContainText(second);
});

test('phone page: your turn is near', async ({ browser, request }) => {
  const ticket = await issue(request, 'E');
  const phone = await open(browser, new URL(ticket.trackUrl).pathname, { width: 390, height: 844 });
  await expect(phone.getByTestId('phone-ticket-number')).toHaveText(ticket.number);
  await expect(phone.getByTestId('phone-near')).toBeVisible();
  await shot(phone, 'phone-near-zh');
  await phone.getByTestId('phone-lang-en').click();
  await expect(phone.getByTestId('phone-near')).toContainText('Your turn is near');
  await shot(phone, 'phone-near-en');
});
