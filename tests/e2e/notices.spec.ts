/**
 * On the lobby display:
 * - branch notices: the admin adds one (both languages, checked as typed, personal data refused,
 *   previewed) and the display's marquee shows it without a reload; removed, it goes;
 * - reconnect catch-up: the display loses its network while a ticket is called, and after the
 *   network is back its socket sends the last offset and the hub's `events:catch-up` brings the call.
 * - a notice head office published (a bundle) is marked so on the admin tab, without edit or remove.
 * Screenshots (tests/e2e/screenshots/): admin-notices-{zh,en}, admin-notices-head-office-{zh,en}, display-notices (the display is
 * bilingual: zh-CN and en on the same screen), display-catch-up.
 */
import { expect, request, test, type Browser } from '@playwright/test';
import { apiToken, bearer, deviceSignIn, open, shot, shotPath, staffSignIn, VIEWPORTS } from './helpers';

async function openDisplay(browser: Browser) {
  const display = await open(browser, '/display?device=display-01', VIEWPORTS.display);
  await deviceSignIn(display);
  await expect(display.getByTestId('display-connection')).toHaveAttribute('data-state', 'online');
  return display;
}

test('admin adds a notice in both languages; the display shows it without a reload', async ({ browser }) => {
  const display = await openDisplay(browser);
  const marquee = display.getByTestId('display-marquee');
  await expect(marquee.getByTestId('display-notice').first()).toContainText('欢迎光临');

  const admin = await open(browser, '/admin', { width: 1440, height: 900 });
  await staffSignIn(admin, 'admin', '9999');
  await admin.getByTestId('admin-tab-notices').click();
  await expect(admin.getByTestId('notice-row')).toHaveCount(3);

  await admin.getByTestId('notice-add').click();
  // Personal data is refused while typing, before anything is sent.
  await admin.getByTestId('notice-zh').fill('遗失物品请联系 13912345678');
  await expect(admin.getByTestId('notice-zh-error')).toContainText('疑似手机号码');
  await admin.getByTestId('notice-save').click();
  await expect(admin.getByTestId('notice-en-error')).toContainText('必填');
  await expect(admin.getByTestId('notice-form')).toBeVisible();

  await admin.getByTestId('notice-zh').fill('本周六上午 9:30 举办理财知识讲座，欢迎到大堂经理处报名');
  await admin.getByTestId('notice-en').fill('Wealth seminar this Saturday at 9:30: sign up with the lobby manager');
  await expect(admin.getByTestId('notice-zh-error')).toHaveCount(0);
  await expect(admin.getByTestId('notice-preview')).toContainText('理财知识讲座');
  await expect(admin.getByTestId('notice-preview')).toContainText('Wealth seminar');
  await shot(admin, 'admin-notices-zh');

  await admin.getByTestId('notice-save').click();
  await expect(admin.getByTestId('notice-form')).toHaveCount(0);
  await expect(admin.getByTestId('notice-row')).toHaveCount(4);
  await expect(admin.getByTestId('notice-row').last()).toHaveAttribute('data-state', 'active');

  // The display (not reloaded) gets it pushed, in both languages.
  const added = marquee.getByTestId('display-notice').filter({ hasText: '理财知识讲座' });
  await expect(added).toHaveCount(1);
  await expect(added).toContainText('Wealth seminar this Saturday');

  // Move it first: the display follows the order.
  for (let at = 3; at > 0; at--) {
    await admin.getByTestId('notice-row').nth(at).getByTestId('notice-up').click();
    await expect(admin.getByTestId('notice-row').nth(at - 1)).toContainText('理财知识讲座');
  }
  await expect(marquee.getByTestId('display-notice').first()).toContainText('理财知识讲座');
  await display.waitForTimeout(300); // let the marquee settle at its start for the picture
  await shot(display, 'display-notices');
  await marquee.screenshot({ path: shotPath('display-marquee') });

  // English admin, editing with a schedule: the preview and the list follow the language.
  await admin.getByTestId('lang-en').first().click();
  await admin.getByTestId('notice-row').first().getByTestId('notice-edit').click();
  await admin.getByTestId('notice-endsAt').fill('2020-01-01T10:00');
  await expect(admin.getByText('This time has already passed')).toBeVisible();
  await admin.getByTestId('notice-endsAt').fill('2099-12-31T18:00');
  await expect(admin.getByTestId('notice-preview')).toContainText('Until');
  await shot(admin, 'admin-notices-en');
  await admin.getByTestId('notice-save').click();
  await expect(admin.getByTestId('notice-row').first()).toContainText('Until');

  // Removed: it leaves the display at once.
  await admin.getByTestId('notice-row').first().getByTestId('notice-remove').click();
  await admin.getByTestId('notice-remove-yes').click();
  await expect(admin.getByTestId('notice-row')).toHaveCount(3);
  await expect(marquee.getByTestId('display-notice').filter({ hasText: '理财知识讲座' })).toHaveCount(0);
  await expect(marquee.getByTestId('display-notice')).toHaveCount(3);
});

test('the display and a teller desk catch up after losing their network: the call made meanwhile appears', async ({ browser, baseURL }) => {
  const display = await openDisplay(browser);
  const desk = await open(browser, '/teller', VIEWPORTS.teller);
  await staffSignIn(desk, 't01', '2222');
  await expect(desk.getByTestId('teller-screen')).toBeVisible();
  const deskSent: string[] = [];
  desk.on('websocket', (ws) => ws.on('framesent', (f) => deskSent.push(String(f.payload))));
  // Watch the display's socket frames: the handshake it sends, the catch-up it gets.
  const sent: string[] = [];
  const received: string[] = [];
  display.on('websocket', (ws) => {
    ws.on('framesent', (f) => sent.push(String(f.payload)));
    ws.on('framereceived', (f) => received.push(String(f.payload)));
  });

  await expect(display.getByTestId('display-waiting-count-B')).toBeVisible(); // its first snapshot is in
  const api = await request.newContext({ baseURL });
  const login = (body: Record<string, unknown>) => apiToken(api, body);
  const kiosk = await login({ deviceId: 'kiosk-01', secret: 'demo' });
  const teller = await login({ staffId: 't02', pin: '2222' });
  // Counter 2 starts free (an earlier test may have left a ticket open there).
  const current = await api.get('/api/v1/counters/2/current', { headers: bearer(teller) });
  if (current.status() === 200) {
    const { ticket } = (await current.json()) as { ticket: { id: string } };
    await api.post(`/api/v1/tickets/${ticket.id}/complete`, { headers: bearer(teller) });
  }
  const issued = await api.post('/api/v1/tickets', { headers: bearer(kiosk), data: { serviceCode: 'B', requestId: `e2e-catchup-${Date.now()}` } });
  expect(issued.status()).toBe(201);

  // Offline: the page drops its socket; a teller calls meanwhile.
  await display.context().setOffline(true);
  await desk.context().setOffline(true);
  await expect(display.getByTestId('display-connection')).toHaveAttribute('data-state', 'offline');
  const call = await api.post('/api/v1/counters/2/call-next', { headers: bearer(teller) });
  expect(call.status()).toBe(200);
  const { ticket } = (await call.json()) as { ticket: { id: string; number: string } };
  await display.waitForTimeout(500);
  const shown = display.locator(`[data-testid="display-recent-item"][data-number="${ticket.number}"]`);
  await expect(shown).toHaveCount(0); // offline: the call did not reach the display

  // Online again: the reconnect carries the last offset, and the hub replays the call.
  await display.context().setOffline(false);
  await desk.context().setOffline(false);
  await expect(display.getByTestId('display-connection')).toHaveAttribute('data-state', 'online');
  await expect(display.getByTestId('display-current-number')).toHaveText(ticket.number);
  await expect(display.getByTestId('display-recent-item').first()).toHaveAttribute('data-number', ticket.number);
  expect(sent.some((p) => /^40\{.*"offset":\d+/.test(p))).toBe(true);
  const catchUp = received.find((p) => p.includes('"events:catch-up"'));
  expect(catchUp).toBeDefined();
  expect(catchUp).toContain(`"number":"${ticket.number}"`);
  expect(catchUp).not.toContain(ticket.id); // the display gets number and counter only
  await shot(display, 'display-catch-up');

  // The desk: its reconnect carried an offset; the catch-up listed missed events, so it asked for one
  // fresh snapshot, which shows the call among the last calls.
  await expect(desk.getByTestId('teller-recent-call').filter({ hasText: ticket.number })).toHaveCount(1);
  const handshake = deskSent.findIndex((p) => /^40\{.*"offset":\d+/.test(p));
  expect(handshake).toBeGreaterThanOrEqual(0);
  expect(deskSent.slice(handshake).some((p) => p.includes('"queue:snapshot"'))).toBe(true);

  await api.post(`/api/v1/tickets/${ticket.id}/complete`, { headers: bearer(teller) });
  await api.dispose();
});

test("a notice head office published in a bundle is marked so on the Display notices tab and has no edit or remove (zh-CN, then en)", async ({ browser }) => {
  // As a bundle leaves it (tests/integration/head-office.test.ts publishes through head office).
  const Database = (await import('better-sqlite3')).default;
  const db = new Database(`${process.env.LOBBY_E2E_DATA}/branch.db`);
  db.pragma('busy_timeout = 5000');
  const branchId = db.prepare('SELECT id FROM branch').pluck().get() as string;
  const order = (db.prepare('SELECT COALESCE(MAX(sort_order), 0) FROM branch_notice WHERE branch_id = ? AND removed_at IS NULL').pluck().get(branchId) as number) + 1;
  const id = '7d3c2c1e-58b4-4a51-9a55-0b6c7a1f2e90';
  const at = Date.now();
  db.prepare(
    `INSERT INTO branch_notice (id, branch_id, text_zh, text_en, starts_at, ends_at, sort_order, created_at, created_by, updated_at, updated_by, source)
     VALUES (?, ?, '年终理财节：本月大额存单利率上浮', 'Year-end wealth week: higher rates on large deposits this month', NULL, NULL, ?, ?, 'head-office', ?, 'head-office', 'head_office')`,
  ).run(id, branchId, order, at, at);
  try {
    const admin = await open(browser, '/admin', { width: 1440, height: 900 });
    await staffSignIn(admin, 'admin', '9999');
    await admin.getByTestId('admin-tab-notices').click();
    const row = admin.locator(`[data-testid="notice-row"][data-notice-id="${id}"]`);
    await expect(row.getByTestId('notice-from-head-office')).toHaveText('总行（配置包）');
    await expect(row.getByTestId('notice-edit')).toHaveCount(0);
    await expect(row.getByTestId('notice-remove')).toHaveCount(0);
    // The branch's own keep theirs.
    await expect(admin.getByTestId('notice-row').first().getByTestId('notice-edit')).toHaveCount(1);
    await row.scrollIntoViewIfNeeded();
    await shot(admin, 'admin-notices-head-office-zh');
    await admin.getByTestId('lang-en').first().click();
    await expect(row.getByTestId('notice-from-head-office')).toHaveText('Head office (bundle)');
    await shot(admin, 'admin-notices-head-office-en');

    const display = await openDisplay(browser);
    await expect(display.getByTestId('display-marquee').getByTestId('display-notice').filter({ hasText: '年终理财节' })).toHaveCount(1);
  } finally {
    db.prepare('UPDATE branch_notice SET removed_at = ?, removed_by = ? WHERE id = ?').run(Date.now(), 'head-office', id);
    db.close();
  }
});
