/**
 * The whole walk-in path in a real browser, with kiosk, manager, teller, display and phone in
 * separate browser contexts. A top-tier customer types their phone number at the kiosk: a typed
 * number is not a customer, so the ticket is a standard one and the kiosk says nothing about whose
 * number it is; the manager's tablet gets a locked card ("unconfirmed — check identity"), checks the
 * customer's ID and confirms, and the card opens and the customer goes into the green channel; the
 * manager records an outcome, the VIP teller calls the ticket with the VIP flag, the display shows
 * the call, the phone page follows. A card read by the kiosk's reader is trusted at once.
 * Screenshots of every screen in zh-CN and en go to tests/e2e/screenshots/.
 */
import { expect, test } from '@playwright/test';
import { deviceSignIn, open, openKiosk, openManager, shot, staffSignIn, typeOnKeypad, VIEWPORTS } from './helpers';

test('walk-in path: kiosk -> green channel -> manager card -> VIP teller -> display -> phone', async ({ browser }) => {
  const manager = await openManager(browser);

  const teller = await open(browser, '/teller', VIEWPORTS.teller);
  await staffSignIn(teller, 't04', '2222', 4);
  await expect(teller.getByTestId('teller-screen')).toBeVisible();

  const display = await open(browser, '/display?device=display-01', VIEWPORTS.display);
  await deviceSignIn(display);
  await expect(display.getByTestId('display-screen')).toBeVisible();

  const kiosk = await openKiosk(browser);
  await expect(kiosk.getByTestId('kiosk-branch-name')).toContainText('网点');
  await shot(kiosk, 'kiosk-home-zh');

  // Identify by phone on the on-screen keypad, choose cash & deposits.
  await kiosk.getByTestId('kiosk-identify-phone').click();
  await typeOnKeypad(kiosk, '13800000001');
  await shot(kiosk, 'kiosk-identify-zh');
  await kiosk.getByTestId('kiosk-identity-confirm').click();
  await expect(kiosk.getByTestId('kiosk-services')).toBeVisible();
  await expect(kiosk.getByTestId('kiosk-identity-masked')).toContainText('138****0001');
  await expect(kiosk.getByTestId('kiosk-service-V')).toHaveCount(0);
  await shot(kiosk, 'kiosk-services-zh');
  const issued = kiosk.waitForResponse((r) => r.url().endsWith('/api/v1/tickets') && r.request().method() === 'POST');
  await kiosk.getByTestId('kiosk-service-A').click();
  const { ticket } = (await (await issued).json()) as { ticket: { number: string; trackUrl: string; route: string; identification: string } };
  // A typed number: a standard ticket, and nothing on the kiosk depends on whose number it is.
  expect(ticket).toMatchObject({ route: 'standard', identification: 'typed' });
  expect(ticket.number).toMatch(/^A\d{3}$/);
  await expect(kiosk.getByTestId('kiosk-ticket-number')).toHaveText(ticket.number);
  await expect(kiosk.getByTestId('kiosk-green-channel')).toHaveCount(0);
  await expect(kiosk.getByTestId('kiosk-identity-check')).toBeVisible();
  await expect(kiosk.getByTestId('kiosk-ticket-qr')).toBeVisible();
  await expect(kiosk.getByTestId('kiosk-ticket-people-ahead')).toBeVisible();
  await expect(kiosk.getByTestId('kiosk-ticket-wait')).toBeVisible();
  // The kiosk never shows the full phone number back, nor a tier or VIP.
  await expect(kiosk.locator('body')).not.toContainText('13800000001');
  await expect(kiosk.locator('body')).not.toContainText(/VIP|贵宾|顶级/);
  await shot(kiosk, 'kiosk-ticket-zh');
  await kiosk.getByTestId('kiosk-lang-en').click();
  await shot(kiosk, 'kiosk-ticket-en');

  // The manager's tablet gets a locked card: check the identity before discussing holdings.
  const card = manager.getByTestId('customer-card').filter({ hasText: ticket.number });
  await expect(card).toBeVisible();
  await expect(card.getByTestId('card-identification')).toHaveAttribute('data-strength', 'typed');
  await expect(card.getByTestId('card-locked')).toBeVisible();
  await expect(card.getByTestId('card-holdings')).toHaveCount(0);
  await expect(card.getByTestId('card-tier')).toContainText('顶级');
  await expect(card).toContainText('138****0001');
  await shot(manager, 'manager-card-locked-zh');
  // The manager looks at the ID document and confirms: the card opens, the customer goes into the green channel.
  await card.getByTestId('identity-check-id_document').check();
  const confirmed = manager.waitForResponse((r) => r.url().includes('/identity/confirm') && r.status() === 200);
  await card.getByTestId('identity-confirm').click();
  await confirmed;
  await expect(card.getByTestId('card-locked')).toHaveCount(0);
  await expect(card.getByTestId('card-identification')).toHaveAttribute('data-strength', 'confirmed');
  await expect(card.getByTestId('card-vip')).toBeVisible();
  await expect(card).not.toContainText('13800000001');
  await expect(card.getByTestId('card-holdings')).toBeVisible();
  await expect(card.getByTestId('reminder').first()).toBeVisible();
  await expect(card.getByTestId('card-green-channel')).toBeVisible();
  const offers = card.getByTestId('offer');
  expect(await offers.count()).toBeGreaterThanOrEqual(3);
  await expect(offers.first().getByTestId('offer-reasons')).not.toBeEmpty();
  await shot(manager, 'manager-card-zh');
  const saved = manager.waitForResponse((r) => r.url().includes('/outcome') && r.status() === 200);
  await offers.first().getByTestId('offer-accepted').click();
  await saved;
  await expect(offers.first().getByTestId('offer-outcome')).toBeVisible();
  await manager.getByTestId('lang-en').first().click();
  await expect(card.getByTestId('card-tier')).toContainText('Top');
  await shot(manager, 'manager-card-en');

  // The VIP teller calls: green channel first, the VIP flag impossible to miss.
  await teller.getByTestId('call-next').click();
  await expect(teller.getByTestId('current-number')).toHaveText(ticket.number);
  await expect(teller.getByTestId('teller-identification')).toHaveAttribute('data-strength', 'confirmed');
  await expect(teller.getByTestId('vip-banner')).toBeVisible();
  await expect(teller.getByTestId('green-channel-banner')).toBeVisible();
  await shot(teller, 'teller-vip-zh');
  await teller.getByTestId('lang-en').first().click();
  await shot(teller, 'teller-vip-en');

  // The display shows the call; it carries no personal data.
  await expect(display.getByTestId('display-current-number')).toHaveText(ticket.number);
  await expect(display.getByTestId('display-current-counter')).toContainText('4');
  await expect(display.locator('body')).not.toContainText('138');
  await shot(display, 'display-call');

  // The phone page follows the ticket.
  const phone = await open(browser, new URL(ticket.trackUrl).pathname, VIEWPORTS.phone);
  await expect(phone.getByTestId('phone-ticket-number')).toHaveText(ticket.number);
  await expect(phone.getByTestId('phone-called')).toBeVisible();
  await shot(phone, 'phone-called-zh');
  await phone.getByTestId('phone-lang-en').click();
  await shot(phone, 'phone-called-en');

  // Completing the visit withdraws the card from the tablet.
  await teller.getByTestId('complete').click();
  await expect(card).toHaveCount(0);
});

test('a guest takes a ticket in English and the next teller calls it', async ({ browser }) => {
  const kiosk = await open(browser, '/kiosk?device=kiosk-01', VIEWPORTS.kioskLandscape);
  await deviceSignIn(kiosk);
  await kiosk.getByTestId('kiosk-lang-en').click();
  await expect(kiosk.getByTestId('kiosk-guest')).toBeVisible();
  await shot(kiosk, 'kiosk-home-en');
  await kiosk.getByTestId('kiosk-guest').click();
  await shot(kiosk, 'kiosk-services-en');
  const issued = kiosk.waitForResponse((r) => r.url().endsWith('/api/v1/tickets') && r.request().method() === 'POST');
  await kiosk.getByTestId('kiosk-service-B').click();
  const { ticket } = (await (await issued).json()) as { ticket: { number: string; trackUrl: string } };
  expect(ticket.number).toMatch(/^B\d{3}$/);
  await expect(kiosk.getByTestId('kiosk-ticket-number')).toHaveText(ticket.number);
  await expect(kiosk.getByTestId('kiosk-green-channel')).toHaveCount(0);

  const phone = await open(browser, new URL(ticket.trackUrl).pathname, VIEWPORTS.phone);
  await expect(phone.getByTestId('phone-ticket-number')).toHaveText(ticket.number);
  await expect(phone.getByTestId('phone-status')).toBeVisible();
  await shot(phone, 'phone-waiting-zh');

  const teller = await open(browser, '/teller', VIEWPORTS.teller);
  await staffSignIn(teller, 't01', '2222', 1);
  await teller.getByTestId('call-next').click();
  await expect(teller.getByTestId('current-number')).toHaveText(ticket.number);
  await expect(teller.getByTestId('vip-banner')).toHaveCount(0);
  await shot(teller, 'teller-normal-zh');
  await teller.getByTestId('no-show').click();
  await expect(teller.getByTestId('current-number')).toHaveCount(0);

  const admin = await open(browser, '/admin', VIEWPORTS.admin);
  await staffSignIn(admin, 'admin', '9999');
  await expect(admin.getByTestId('audit-row').first()).toBeVisible();
  await shot(admin, 'admin-audit-zh');
});

test('a card read by the reader on the start screen is trusted at once: green channel, open card', async ({ browser }) => {
  const manager = await openManager(browser);
  const kiosk = await openKiosk(browser);
  // A keyboard-wedge reader "types" the card number fast and ends with Enter.
  await kiosk.keyboard.type('6225880000000027'); // #2, gold
  await kiosk.keyboard.press('Enter');
  await expect(kiosk.getByTestId('kiosk-services')).toBeVisible();
  await expect(kiosk.getByTestId('kiosk-identity-masked')).toContainText('0027');
  await expect(kiosk.locator('body')).not.toContainText('6225880000000027');
  const issued = kiosk.waitForResponse((r) => r.url().endsWith('/api/v1/tickets') && r.request().method() === 'POST');
  await kiosk.getByTestId('kiosk-service-E').click();
  const { ticket } = (await (await issued).json()) as { ticket: { number: string; route: string; identification: string } };
  expect(ticket).toMatchObject({ route: 'green_channel', identification: 'read' });
  await expect(kiosk.getByTestId('kiosk-green-channel')).toBeVisible();
  await expect(kiosk.getByTestId('kiosk-identity-check')).toHaveCount(0);
  await shot(kiosk, 'kiosk-ticket-read-zh');
  const card = manager.getByTestId('customer-card').filter({ hasText: ticket.number });
  await expect(card.getByTestId('card-identification')).toHaveAttribute('data-strength', 'read');
  await expect(card.getByTestId('card-locked')).toHaveCount(0);
  await expect(card.getByTestId('card-holdings')).toBeVisible();
  await expect(card.getByTestId('card-green-channel')).toBeVisible();
  await shot(manager, 'manager-card-read-zh');
  await kiosk.getByTestId('kiosk-done').click();
  await expect(kiosk.getByTestId('kiosk-home')).toBeVisible();
});
