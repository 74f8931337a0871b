/**
 * In a real browser: the teller recalls, parks, pauses and opens the counter, resumes a
 * parked customer and transfers one; the phone page says "your turn is near".
 * Screenshots in zh-CN and en go to tests/e2e/screenshots/.
 */
import { expect, test, type APIRequestContext } from '@playwright/test';
import { issueTicket, open, shot, staffSignIn, VIEWPORTS } from './helpers';

const issue = (request: APIRequestContext, serviceCode: string) => issueTicket(request, serviceCode, { tag: 'q' });

test('teller: recall, park, pause / open, resume and transfer', async ({ browser, request }) => {
  for (let i = 0; i < 3; i++) await issue(request, 'D');
  const teller = await open(browser, '/teller', VIEWPORTS.teller);
  await staffSignIn(teller, 't02', '2222', 2);
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
  const phone = await open(browser, new URL(ticket.trackUrl).pathname, VIEWPORTS.phone);
  await expect(phone.getByTestId('phone-ticket-number')).toHaveText(ticket.number);
  await expect(phone.getByTestId('phone-near')).toBeVisible();
  await shot(phone, 'phone-near-zh');
  await phone.getByTestId('phone-lang-en').click();
  await expect(phone.getByTestId('phone-near')).toContainText('Your turn is near');
  await shot(phone, 'phone-near-en');
});
