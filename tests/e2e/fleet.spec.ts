/**
 * The kiosk fleet as branch IT and the lobby manager see it: a kiosk page's heartbeat puts it
 * online in the admin's Device status tab (where it stands, version, screen); its printer running
 * out of paper turns the row red, shows the alert and alerts the manager's tablet (a toast naming the
 * kiosk and where it stands, and the badge, which opens the list of alerts); the admin asks the kiosk
 * to reload and the kiosk page loads again. Its own device id, paired through the API (other specs
 * use kiosk-01). Screenshots (tests/e2e/screenshots/): admin-fleet-{zh,en},
 * manager-fleet-alert-{zh,en}, manager-alert-list-{zh,en}.
 */
import { expect, test } from '@playwright/test';
import { io } from 'socket.io-client';
import { apiToken, bearer, deviceSignIn, open, openManager, shot, staffSignIn, VIEWPORTS } from './helpers';

test('a kiosk comes online in the Fleet tab; paper out alerts the manager; the admin reloads it (zh-CN, then en)', async ({ browser, baseURL, request }) => {
  const id = `kiosk-fleet-${Date.now().toString(36)}`;
  const adminToken = await apiToken(request, { staffId: 'admin', pin: '9999' });
  const paired = await request.post('/api/v1/devices', { headers: bearer(adminToken), data: { id, kind: 'kiosk', location: '二楼理财区' } });
  expect(paired.status()).toBe(201);
  const { secret } = (await paired.json()) as { secret: string };

  const manager = await openManager(browser);
  const admin = await open(browser, '/admin', VIEWPORTS.admin);
  await staffSignIn(admin, 'admin', '9999');
  await admin.getByTestId('admin-tab-fleet').click();
  await expect(admin.getByTestId('admin-tab-fleet')).toHaveText('设备状态');
  const row = admin.locator(`[data-testid="fleet-row"][data-device="${id}"]`);
  await expect(row).toContainText('从未连接');
  await expect(row.getByTestId('fleet-location')).toContainText('二楼理财区');

  // The kiosk page signs in: its heartbeat puts it online, live.
  const kiosk = await open(browser, `/kiosk?device=${id}`, VIEWPORTS.kiosk);
  await deviceSignIn(kiosk, secret);
  await expect(kiosk.getByTestId('kiosk-home')).toBeVisible();
  await expect(row).toHaveAttribute('data-online', 'yes');
  await expect(row).toContainText('0.2.0');
  await expect(row).toContainText('取号首页');

  // Its printer runs out of paper (as its shell would report it).
  const kioskToken = await apiToken(request, { deviceId: id, secret });
  const socket = io(baseURL!, { path: '/socket.io', auth: { token: kioskToken }, transports: ['websocket'], forceNew: true, reconnection: false });
  await new Promise<void>((resolve, reject) => (socket.once('connect', () => resolve()), socket.once('connect_error', reject)));
  const ack = await new Promise<{ ok: boolean }>((resolve) =>
    socket.emit('device:heartbeat', { appVersion: '0.2.0', uptimeSeconds: 60, printer: 'paper_out', lastTicketPrinted: 'A12', screen: 'home', freeDiskMb: 5120 }, (r: { ok: boolean }) =>
      resolve(r),
    ),
  );
  expect(ack.ok).toBe(true);
  await expect(row.getByTestId('fleet-printer')).toHaveText('缺纸');
  await expect(row).toContainText('A12');
  await expect(row).toContainText('5.0 GB');
  await expect(row.getByTestId('fleet-alert')).toHaveText('缺纸：已提醒大堂经理');
  await shot(admin, 'admin-fleet-zh');
  const toast = manager.getByTestId('manager-toast').filter({ hasText: id });
  await expect(toast).toContainText('缺纸');
  await expect(toast).toContainText(`${id}（二楼理财区）`);
  await shot(manager, 'manager-fleet-alert-zh');
  await manager.getByTestId('lang-en').first().click();
  await expect(manager.getByTestId('manager-toast').filter({ hasText: id })).toContainText(`${id} (二楼理财区): the ticket printer is out of paper`);
  await shot(manager, 'manager-fleet-alert-en');
  // The badge opens this session's alerts: a toast that went by can be read again.
  await manager.getByTestId('kpi-alerts').click();
  const list = manager.getByTestId('alert-list');
  await expect(manager.getByTestId('alerts-seen')).toBeFocused();
  await expect(list).toContainText(`${id} (二楼理财区): the ticket printer is out of paper`);
  await shot(manager, 'manager-alert-list-en');
  await manager.getByTestId('lang-zh-CN').first().click();
  await expect(list).toContainText(`${id}（二楼理财区）`);
  await expect(list).toContainText('缺纸');
  await shot(manager, 'manager-alert-list-zh');
  await manager.getByTestId('alerts-seen').click();
  await expect(list).toHaveCount(0);
  await expect(manager.getByTestId('kpi-alerts')).toContainText('已读');
  await expect(manager.getByTestId('kpi-alerts')).toBeFocused();
  // By keyboard: Enter opens the list, Escape closes it and gives the focus back to the badge.
  await manager.keyboard.press('Enter');
  await expect(list).toBeVisible();
  await manager.keyboard.press('Escape');
  await expect(list).toHaveCount(0);
  await expect(manager.getByTestId('kpi-alerts')).toBeFocused();
  socket.disconnect();

  // English, and a reload of the kiosk's screen.
  await admin.getByTestId('lang-en').first().click();
  await expect(admin.getByTestId('admin-tab-fleet')).toHaveText('Device status');
  await expect(row.getByTestId('fleet-printer')).toHaveText('Out of paper');
  await expect(row.getByTestId('fleet-alert')).toHaveText('Out of paper: manager alerted');
  const reloaded = kiosk.waitForEvent('load');
  await row.getByTestId('fleet-reload').click();
  await expect(admin.getByTestId('fleet-notice')).toContainText(`${id} was asked to reload its screen`);
  await reloaded;
  await expect(kiosk.getByTestId('kiosk-home')).toBeVisible();
  // The reloaded page does not know its printer yet: the fleet keeps what it was last told.
  await expect(row).toHaveAttribute('data-online', 'yes');
  await expect(row.getByTestId('fleet-printer')).toHaveText('Out of paper');
  await expect(row).toContainText('A12');
  await shot(admin, 'admin-fleet-en');
  const audit = await request.get('/api/v1/audit?action=device.reload', { headers: bearer(adminToken) });
  expect(((await audit.json()) as { entries: { subject: string }[] }).entries.some((e) => e.subject === `device:${id}`)).toBe(true);
});

test('a staff id held after failed sign-ins shows in the Staff tab and an administrator unlocks it (zh-CN, then en)', async ({ browser, request }) => {
  const adminToken = await apiToken(request, { staffId: 'admin', pin: '9999' });
  const staffId = `tl${Date.now().toString(36).slice(-6)}`;
  const added = await request.post('/api/v1/staff', { headers: bearer(adminToken), data: { id: staffId, name: '测试柜员', role: 'teller', counterId: 2 } });
  expect(added.status()).toBe(201);
  for (let i = 0; i < 5; i++) expect((await request.post('/api/v1/auth/login', { data: { staffId, pin: '000000', counterId: 2 } })).status()).toBe(401);
  expect((await request.post('/api/v1/auth/login', { data: { staffId, pin: '000000', counterId: 2 } })).status()).toBe(429);

  const admin = await open(browser, '/admin', VIEWPORTS.admin);
  await staffSignIn(admin, 'admin', '9999');
  await admin.getByTestId('admin-tab-staff').click();
  const row = admin.locator(`[data-testid="staff-row"][data-staff-id="${staffId}"]`);
  await expect(row.getByTestId('staff-locked')).toHaveText('登录失败已锁定');
  await shot(admin, 'admin-staff-locked-zh');
  await admin.getByTestId('lang-en').first().click();
  await expect(row.getByTestId('staff-locked')).toHaveText('Locked after failed sign-ins');
  await shot(admin, 'admin-staff-locked-en');
  await row.getByTestId('staff-unlock').click();
  await expect(row.getByTestId('staff-locked')).toHaveCount(0);
  expect((await request.post('/api/v1/auth/login', { data: { staffId, pin: '000000', counterId: 2 } })).status()).toBe(401);
});
