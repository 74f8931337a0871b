/**
 * Appointments and booking code at the kiosk in a real browser:
 * - check-in by booking code, on time, in zh-CN (demo code 100001 of a fixed customer) and in en
 *   (a booking made through the API): the ticket says "appointment HH:MM, checked in";
 * - too early: the kiosk says when check-in opens and offers a walk-in ticket, which works;
 * - late: the customer joins as a walk-in and the ticket says so;
 * - wrong codes: a friendly message and the walk-in path;
 * - priority service by law chosen at the kiosk: the ticket shows it and the queue has it;
 * - the estimate on the kiosk's ticket screen follows the queue live;
 * - the manager's Appointments tab: book, see the code, cancel.
 * Screenshots go to tests/e2e/screenshots/.
 */
import { expect, test } from '@playwright/test';
import { apiToken, bearer, book, branchTime, issueTicket, minuteFromNow, open, openKiosk, openManager, serveEveryone, shot, staffSignIn, typeOnKeypad, VIEWPORTS } from './helpers';

/** Leaves the branch as later specs expect it: every counter open, nobody waiting. */
test.afterAll(async ({ request }) => {
  await serveEveryone(request, [4, 1, 2, 3], { atCounter: true, open: true, completeCurrent: true });
});

test('booking code, on time (zh-CN): demo code 100001 checks the customer in by booked time', async ({ browser }) => {
  const page = await openKiosk(browser);
  await expect(page.getByTestId('kiosk-booking-start')).toContainText('我有预约');
  await shot(page, 'appointments-kiosk-home-zh');
  await page.getByTestId('kiosk-booking-start').click();
  await expect(page.getByTestId('kiosk-booking')).toBeVisible();
  await typeOnKeypad(page, '100001');
  await expect(page.getByTestId('kiosk-booking-input')).toHaveValue('100 001');
  await shot(page, 'appointments-kiosk-code-zh');
  const answered = page.waitForResponse((r) => r.url().endsWith('/api/v1/appointments/check-in'));
  await page.getByTestId('kiosk-booking-confirm').click();
  const res = await answered;
  const body = (await res.json()) as { outcome: string; appointment: { bookedTime: string }; ticket: { number: string } };
  expect(res.status()).toBe(201);
  expect(body.outcome).toBe('on_time');
  await expect(page.getByTestId('kiosk-ticket-number')).toHaveText(body.ticket.number);
  await expect(page.getByTestId('kiosk-checkin-note')).toHaveAttribute('data-outcome', 'on_time');
  await expect(page.getByTestId('kiosk-checkin-note')).toContainText(`预约 ${body.appointment.bookedTime} · 已签到`);
  // Nothing personal of the booked customer (#3, 张伟) is shown.
  await expect(page.locator('body')).not.toContainText(/张伟|13800000003|0003/);
  await shot(page, 'appointments-kiosk-ticket-zh');
  // Checking in the same code again shows the same ticket ("already checked in").
  await page.getByTestId('kiosk-done').click();
  await page.getByTestId('kiosk-booking-start').click();
  await typeOnKeypad(page, '100001');
  await page.getByTestId('kiosk-booking-confirm').click();
  await expect(page.getByTestId('kiosk-checkin-note')).toHaveAttribute('data-outcome', 'already_checked_in');
  await expect(page.getByTestId('kiosk-ticket-number')).toHaveText(body.ticket.number);
  await page.context().close();
});

test('booking code, on time (en): a booking made by the manager, placed by its booked time', async ({ browser, request }) => {
  const at = minuteFromNow(5) ?? minuteFromNow(-5);
  test.skip(at === null, 'no whole minute of today left around now in the branch time zone');
  const appointment = await book(request, at!, 'B');
  const page = await openKiosk(browser, { lang: 'en' });
  await page.getByTestId('kiosk-booking-start').click();
  await shot(page, 'appointments-kiosk-code-en');
  await typeOnKeypad(page, appointment.code);
  await page.getByTestId('kiosk-booking-confirm').click();
  await expect(page.getByTestId('kiosk-ticket')).toBeVisible();
  await expect(page.getByTestId('kiosk-checkin-note')).toContainText(`Appointment ${appointment.bookedTime} · checked in`);
  await shot(page, 'appointments-kiosk-ticket-en');
  await page.context().close();
});

test('too early: the kiosk says when check-in opens and a walk-in ticket is one touch away', async ({ browser, request }) => {
  const at = minuteFromNow(90);
  test.skip(at === null, 'the branch day ends within 90 minutes');
  const appointment = await book(request, at!, 'E', { kind: 'phone', value: '13800000005' });
  const opens = branchTime(at! - 30 * 60_000);
  for (const lang of ['zh', 'en'] as const) {
    const page = await openKiosk(browser, { lang });
    await page.getByTestId('kiosk-booking-start').click();
    await typeOnKeypad(page, appointment.code);
    await page.getByTestId('kiosk-booking-confirm').click();
    await expect(page.getByTestId('kiosk-too-early')).toBeVisible();
    await expect(page.getByTestId('kiosk-too-early-text')).toContainText(appointment.bookedTime);
    await expect(page.getByTestId('kiosk-too-early-text')).toContainText(opens);
    await shot(page, `appointments-kiosk-too-early-${lang}`);
    if (lang === 'en') {
      await page.getByTestId('kiosk-too-early-walk-in').click();
      await expect(page.getByTestId('kiosk-services')).toBeVisible();
      await page.getByTestId('kiosk-service-E').click();
      await expect(page.getByTestId('kiosk-ticket-number')).toHaveText(/^E\d{3}$/);
      await expect(page.getByTestId('kiosk-checkin-note')).toHaveCount(0);
    } else {
      await page.getByTestId('kiosk-too-early-done').click();
      await expect(page.getByTestId('kiosk-home')).toBeVisible();
    }
    await page.context().close();
  }
});

test('late: after the late window the customer joins as a walk-in, and the ticket says so', async ({ browser }) => {
  // Demo code 100003 is booked an hour before the hub started (README); just after midnight it may still be on time.
  test.skip(branchTime(Date.now()) < '01:20', 'the demo late booking is squeezed into the start of the day');
  const page = await openKiosk(browser, { lang: 'en' });
  await page.getByTestId('kiosk-booking-start').click();
  await typeOnKeypad(page, '100003');
  await page.getByTestId('kiosk-booking-confirm').click();
  await expect(page.getByTestId('kiosk-checkin-note')).toHaveAttribute('data-outcome', 'late');
  await expect(page.getByTestId('kiosk-checkin-note')).toContainText('joined the queue as a walk-in');
  await shot(page, 'appointments-kiosk-late-en');
  await page.getByTestId('kiosk-lang-zh-CN').click();
  await expect(page.getByTestId('kiosk-checkin-note')).toContainText('已按普通取号排队');
  await shot(page, 'appointments-kiosk-late-zh');
  await page.context().close();
});

test('wrong codes get a friendly message and never block the walk-in path', async ({ browser }) => {
  const page = await openKiosk(browser, { lang: 'en' });
  await page.getByTestId('kiosk-booking-start').click();
  await page.getByTestId('kiosk-booking-confirm').click();
  await expect(page.getByTestId('kiosk-booking-error')).toContainText('enter your booking code');
  await typeOnKeypad(page, '123');
  await page.getByTestId('kiosk-booking-confirm').click();
  await expect(page.getByTestId('kiosk-booking-error')).toContainText('6 digits');
  await typeOnKeypad(page, '459');
  await page.getByTestId('kiosk-booking-confirm').click();
  await expect(page.getByTestId('kiosk-booking-error')).toContainText("couldn't find an appointment");
  await shot(page, 'appointments-kiosk-not-found-en');
  await page.getByTestId('kiosk-booking-walk-in').click();
  await expect(page.getByTestId('kiosk-services')).toBeVisible();
  await page.getByTestId('kiosk-service-A').click();
  await expect(page.getByTestId('kiosk-ticket-number')).toHaveText(/^A\d{3}$/);
  await page.context().close();
});

test('a scanned booking code on the start screen checks the appointment in', async ({ browser, request }) => {
  const at = minuteFromNow(3) ?? minuteFromNow(-3);
  test.skip(at === null, 'no whole minute of today left around now');
  const appointment = await book(request, at!, 'C');
  const page = await openKiosk(browser);
  // A QR scanner types like a keyboard: fast digits and Enter.
  await page.keyboard.type(appointment.code);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('kiosk-checkin-note')).toHaveAttribute('data-outcome', 'on_time');
  await page.context().close();
});

test('priority service by law: chosen at the kiosk, shown on the ticket, queued as priority', async ({ browser, request }) => {
  for (const lang of ['zh', 'en'] as const) {
    const page = await openKiosk(browser, { lang });
    await page.getByTestId('kiosk-guest').click();
    await expect(page.getByTestId('kiosk-priority-start')).toBeVisible();
    await shot(page, `appointments-kiosk-services-${lang}`);
    await page.getByTestId('kiosk-priority-start').click();
    await expect(page.getByTestId('kiosk-priority')).toBeVisible();
    await shot(page, `appointments-kiosk-priority-${lang}`);
    await page.getByTestId('kiosk-priority-elderly').click();
    await expect(page.getByTestId('kiosk-priority-chosen')).toContainText(lang === 'zh' ? '老年人' : 'Senior citizen');
    await shot(page, `appointments-kiosk-priority-chosen-${lang}`);
    const issued = page.waitForRequest((r) => r.url().endsWith('/api/v1/tickets') && r.method() === 'POST');
    await page.getByTestId('kiosk-service-D').click();
    expect((await issued).postDataJSON()).toMatchObject({ serviceCode: 'D', priority: 'elderly' });
    await expect(page.getByTestId('kiosk-priority-note')).toContainText(lang === 'zh' ? '优先服务：老年人' : 'Priority service: Senior citizen');
    const number = (await page.getByTestId('kiosk-ticket-number').textContent())!;
    await shot(page, `appointments-kiosk-priority-ticket-${lang}`);
    const manager = await apiToken(request, { staffId: 'm01', pin: '1111' });
    const queue = (await (await request.get('/api/v1/queue', { headers: { authorization: `Bearer ${manager}` } })).json()) as {
      waiting: { number: string; ticketClass: string; priorityReason?: string }[];
    };
    expect(queue.waiting.find((w) => w.number === number)).toMatchObject({ ticketClass: 'priority', priorityReason: 'elderly' });
    await page.context().close();
  }
});

test('the estimate on the kiosk ticket follows the queue live', async ({ browser, request }) => {
  const kioskToken = await apiToken(request, { deviceId: 'kiosk-01', secret: 'demo' });
  const teller = await apiToken(request, { staffId: 't03', pin: '2222', counterId: 3 });
  await request.post('/api/v1/counters/3/open', { headers: bearer(teller) });
  const ahead: string[] = [];
  for (let i = 0; i < 2; i++) ahead.push((await issueTicket(request, 'D', { tag: 'live', kiosk: kioskToken })).id);
  const page = await openKiosk(browser, { lang: 'en' });
  await page.getByTestId('kiosk-guest').click();
  const issued = page.waitForResponse((r) => r.url().endsWith('/api/v1/tickets') && r.request().method() === 'POST');
  await page.getByTestId('kiosk-service-D').click();
  const mine = ((await (await issued).json()) as { ticket: { id: string; peopleAhead: number } }).ticket;
  const before = mine.peopleAhead;
  expect(before).toBeGreaterThanOrEqual(2);
  await expect(page.getByTestId('kiosk-ticket-people-ahead')).toContainText(String(before));
  // A teller calls one of the customers ahead: the kiosk's screen follows without a reload.
  const call = async (id: string) => {
    const r = await request.post(`/api/v1/counters/3/call/${id}`, { headers: bearer(teller) });
    expect(r.status(), await r.text()).toBe(200);
    await request.post(`/api/v1/tickets/${id}/complete`, { headers: bearer(teller) });
  };
  await call(ahead[0]!);
  await expect(page.getByTestId('kiosk-ticket-people-ahead')).toContainText(String(before - 1), { timeout: 8_000 });
  await shot(page, 'appointments-kiosk-live-en');
  // And when the ticket itself is called, the kiosk says where to go.
  const r = await request.post(`/api/v1/counters/3/call/${mine.id}`, { headers: bearer(teller) });
  expect(r.status()).toBe(200);
  await expect(page.getByTestId('kiosk-ticket-called')).toContainText('Counter 3', { timeout: 8_000 });
  await shot(page, 'appointments-kiosk-called-en');
  await request.post(`/api/v1/tickets/${mine.id}/complete`, { headers: bearer(teller) });
  await page.context().close();
});

test('landscape kiosk and high contrast: the appointment and priority entries keep their place', async ({ browser }) => {
  const page = await openKiosk(browser, { viewport: VIEWPORTS.kioskLandscape });
  await expect(page.getByTestId('kiosk-booking-start')).toBeVisible();
  await expect(page.getByTestId('kiosk-guest')).toBeVisible();
  await shot(page, 'appointments-kiosk-home-landscape-zh');
  await page.getByTestId('kiosk-booking-start').click();
  await expect(page.getByTestId('kiosk-booking-confirm')).toBeInViewport();
  await shot(page, 'appointments-kiosk-code-landscape-zh');
  await page.getByTestId('kiosk-booking-walk-in').click();
  await page.getByTestId('kiosk-lang-en').click();
  await page.getByTestId('kiosk-high-contrast').click();
  await page.getByTestId('kiosk-priority-start').click();
  await page.getByTestId('kiosk-priority-disabled').click();
  await expect(page.getByTestId('kiosk-priority-chosen')).toContainText('Customer with a disability');
  await shot(page, 'appointments-kiosk-priority-contrast-landscape-en');
  await page.context().close();
});

test("manager's Appointments tab: today's bookings, book one (the code is shown), cancel it", async ({ browser }) => {
  const at = minuteFromNow(75);
  test.skip(at === null, 'the branch day ends within 75 minutes');
  const page = await openManager(browser);
  await page.getByTestId('tab-appointments').click();
  await expect(page.getByTestId('appointments-table')).toBeVisible();
  // The demo's bookings are there, customers masked.
  await expect(page.getByTestId('appointment-100002')).toContainText('李**');
  await expect(page.getByTestId('appointment-100002')).toContainText('138****0002');
  await expect(page.getByTestId('appointments')).not.toContainText('13800000002');
  await expect(page.getByTestId('appointment-100001-status')).toHaveText('已签到');
  await expect(page.getByTestId('appointment-100001-ticket')).toHaveText(/^A\d{3}$/);

  await page.getByTestId('appointments-new').click();
  await page.getByTestId('appointments-form-service').selectOption('C');
  await page.getByTestId('appointments-form-time').fill(branchTime(at!));
  await page.getByTestId('appointments-form-kind').selectOption('phone');
  await page.getByTestId('appointments-form-value').fill('138 0000 0004');
  await page.getByTestId('appointments-form-note').fill('换卡');
  await shot(page, 'appointments-manager-form-zh');
  await page.getByTestId('appointments-form-submit').click();
  await expect(page.getByTestId('appointments-created-code')).toHaveText(/^\d{6}$/);
  const code = (await page.getByTestId('appointments-created-code').textContent())!;
  await expect(page.getByTestId(`appointment-${code}`)).toContainText(branchTime(at!));
  await expect(page.getByTestId(`appointment-${code}`)).toContainText('陈**');
  await expect(page.getByTestId(`appointment-${code}-status`)).toHaveText('已预约');
  await shot(page, 'appointments-manager-zh');

  // The cancel dialog is the tablet's shared dialog: Escape keeps the appointment.
  await page.getByTestId('lang-en').first().click();
  await page.getByTestId(`appointment-${code}-cancel`).click();
  await expect(page.getByTestId('appointments-cancel-dialog')).toContainText('Keep it');
  await shot(page, 'appointments-manager-cancel-en');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('appointments-cancel-dialog')).toBeHidden();
  await expect(page.getByTestId(`appointment-${code}-status`)).toHaveText('Booked');
  await page.getByTestId('lang-zh-CN').first().click();

  await page.getByTestId(`appointment-${code}-cancel`).click();
  await page.getByTestId('appointments-cancel-reason').fill('客户来电取消');
  await shot(page, 'appointments-manager-cancel-zh');
  await page.getByTestId('appointments-cancel-submit').click();
  await expect(page.getByTestId(`appointment-${code}-status`)).toHaveText('已取消');
  await expect(page.getByTestId(`appointment-${code}`)).toContainText('客户来电取消');
  await page.getByTestId('lang-en').first().click();
  await expect(page.getByTestId(`appointment-${code}-status`)).toHaveText('Cancelled');
  await expect(page.getByTestId('appointments-rules')).toContainText('30 min before');
  await shot(page, 'appointments-manager-en');

  // A wrong number gets a plain message, not a booking.
  await page.getByTestId('appointments-new').click();
  await page.getByTestId('appointments-form-time').fill(branchTime(at!));
  await page.getByTestId('appointments-form-kind').selectOption('phone');
  await page.getByTestId('appointments-form-value').fill('1380000');
  await page.getByTestId('appointments-form-submit').click();
  await expect(page.getByTestId('appointments-form-error')).toContainText("doesn't look right");
  await page.context().close();
});

test('teller and manager see "appointment HH:MM" on a checked-in ticket, and "late for HH:MM" on a late one', async ({ browser, request }) => {
  const at = minuteFromNow(5) ?? minuteFromNow(-5);
  test.skip(at === null, 'no whole minute of today left around now');
  const appointment = await book(request, at!, 'E');
  const kiosk = await apiToken(request, { deviceId: 'kiosk-01', secret: 'demo' });
  const checkIn = async (code: string) => {
    const res = await request.post('/api/v1/appointments/check-in', { headers: bearer(kiosk), data: { code, requestId: `e2e-badge-${code}-${Date.now()}` } });
    expect(res.status(), await res.text()).toBeLessThan(300);
    return (await res.json()) as { appointment: { bookedTime: string; status: string }; ticket: { id: string; number: string } };
  };
  const onTime = await checkIn(appointment.code);
  expect(onTime.appointment.status).toBe('checked_in');
  // Demo code 100003 was booked an hour before the hub started: late (unless the day has only just begun).
  const demoLate = await checkIn('100003');
  const late = demoLate.appointment.status === 'late' ? demoLate : null;

  // The manager's queue list: the badge on both rows, the late one quieter.
  const manager = await openManager(browser);
  const row = (number: string) => manager.locator(`[data-testid="waiting-ticket"][data-number="${number}"]`);
  const badge = row(onTime.ticket.number).getByTestId('appointment-badge');
  await expect(badge).toHaveText(`预约 ${appointment.bookedTime}`);
  await expect(badge).toHaveAttribute('data-late', 'false');
  if (late) await expect(row(late.ticket.number).getByTestId('appointment-badge')).toHaveText(`预约 ${late.appointment.bookedTime} · 迟到`);
  await row(onTime.ticket.number).scrollIntoViewIfNeeded();
  await shot(manager, 'appointments-badge-manager-zh');
  await manager.getByTestId('lang-en').first().click();
  await expect(badge).toHaveText(`Appointment ${appointment.bookedTime}`);
  if (late) await expect(row(late.ticket.number).getByTestId('appointment-badge')).toHaveText(`Late for ${late.appointment.bookedTime}`);
  await shot(manager, 'appointments-badge-manager-en');
  // The transfer dialog places it "by original arrival" at its booked time.
  await row(onTime.ticket.number).getByTestId('ticket-actions').click();
  await row(onTime.ticket.number).getByTestId('ticket-transfer').click();
  await expect(manager.getByTestId('transfer-dialog').getByTestId('appointment-badge')).toBeVisible();
  await manager.getByTestId('transfer-service').selectOption('D');
  await expect(manager.getByTestId('transfer-summary')).toContainText(`placed by its appointment time (${appointment.bookedTime})`);
  await shot(manager, 'appointments-badge-transfer-en');
  await manager.keyboard.press('Escape');
  await manager.context().close();

  // The teller who calls it (counter 3 serves E) sees the badge next to the class.
  const callAt = async (counterId: number, ticketId: string) => {
    const headers = bearer(await apiToken(request, { staffId: `t0${counterId}`, pin: '2222', counterId }));
    const cur = await request.get(`/api/v1/counters/${counterId}/current`, { headers });
    if (cur.status() === 200) await request.post(`/api/v1/tickets/${((await cur.json()) as { ticket: { id: string } }).ticket.id}/complete`, { headers });
    const r = await request.post(`/api/v1/counters/${counterId}/call/${ticketId}`, { headers });
    expect(r.status(), await r.text()).toBe(200);
  };
  await callAt(3, onTime.ticket.id);
  const teller = await open(browser, '/teller', VIEWPORTS.teller);
  await staffSignIn(teller, 't03', '2222', 3);
  await expect(teller.getByTestId('current-number')).toHaveText(onTime.ticket.number);
  const tellerBadge = teller.getByTestId('current-ticket').getByTestId('appointment-badge');
  await expect(tellerBadge).toHaveText(`预约 ${appointment.bookedTime}`);
  await shot(teller, 'appointments-badge-teller-zh');
  await teller.getByTestId('lang-en').first().click();
  await expect(tellerBadge).toHaveText(`Appointment ${appointment.bookedTime}`);
  await shot(teller, 'appointments-badge-teller-en');
  await teller.getByTestId('complete').click();
  await expect(teller.getByTestId('current-number')).toHaveCount(0);
  await teller.context().close();

  // A late check-in is an ordinary walk-in; the teller (counter 2 serves B) still sees it was booked.
  if (late) {
    await callAt(2, late.ticket.id);
    const desk = await open(browser, '/teller', VIEWPORTS.teller);
    await staffSignIn(desk, 't02', '2222', 2);
    const lateBadge = desk.getByTestId('current-ticket').getByTestId('appointment-badge');
    await expect(lateBadge).toHaveAttribute('data-late', 'true');
    await expect(lateBadge).toHaveText(`预约 ${late.appointment.bookedTime} · 迟到`);
    await shot(desk, 'appointments-badge-teller-late-zh');
    await desk.getByTestId('lang-en').first().click();
    await expect(lateBadge).toHaveText(`Late for ${late.appointment.bookedTime}`);
    await shot(desk, 'appointments-badge-teller-late-en');
    await desk.getByTestId('complete').click();
    await desk.context().close();
  }
});
