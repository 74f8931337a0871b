/**
 * The admin's Devices tab: pair a kiosk with where it stands (the secret shown once, copied, then gone), the
 * kiosk signs in with it, then in English re-key and retire with confirmation; the old secret and
 * the retired device are refused. Uses its own device ids, never kiosk-01 / display-01 (other specs).
 * Screenshots (tests/e2e/screenshots/): admin-devices-pair-zh, admin-devices-{zh,en}, admin-devices-confirm-en.
 */
import { expect, request, test } from '@playwright/test';
import { deviceSignIn, open, shot, staffSignIn, VIEWPORTS } from './helpers';

test('admin pairs, re-keys and retires a kiosk in the Devices tab (zh-CN, then en)', async ({ browser, baseURL }) => {
  const id = `kiosk-e2e-${Date.now().toString(36)}`;
  const admin = await open(browser, '/admin', VIEWPORTS.admin);
  await admin.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL });
  await staffSignIn(admin, 'admin', '9999');
  await admin.getByTestId('admin-tab-devices').click();
  await expect(admin.getByTestId('admin-tab-devices')).toHaveText('设备');
  const row = (d: string) => admin.locator(`[data-testid="device-row"][data-device-id="${d}"]`);
  await expect(row('kiosk-01')).toContainText('取号机');
  await expect(row('display-01')).toContainText('叫号屏');

  // Pair: the id is checked before anything is sent.
  await admin.getByTestId('device-pair').click();
  await admin.getByTestId('device-id').fill('kiosk 02!');
  await admin.getByTestId('device-pair-submit').click();
  await expect(admin.getByTestId('device-id-error')).toContainText('字母、数字');
  await admin.getByTestId('device-id').fill(id);
  await admin.getByTestId('device-location').fill('二楼理财区');
  await admin.getByTestId('device-kind-kiosk').check();
  await shot(admin, 'admin-devices-pair-zh');
  await admin.getByTestId('device-pair-submit').click();

  const box = admin.getByTestId('device-secret-box');
  await expect(box).toContainText(`${id} 已配对`);
  await expect(box).toContainText('只显示这一次');
  const secret = (await admin.getByTestId('device-secret').textContent())!.trim();
  expect(secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
  await admin.getByTestId('device-secret-copy').click();
  await expect(box).toContainText('已复制');
  expect(await admin.evaluate(() => navigator.clipboard.readText())).toBe(secret);
  await expect(row(id)).toContainText('在用');
  await expect(row(id)).toContainText('二楼理财区'); // where it stands
  await shot(admin, 'admin-devices-zh');
  await admin.getByTestId('device-secret-done').click();
  await expect(box).toHaveCount(0);
  await expect(admin.getByText(secret)).toHaveCount(0); // shown once only

  // The new kiosk signs in with it.
  const kiosk = await open(browser, `/kiosk?device=${id}`, VIEWPORTS.kiosk);
  await deviceSignIn(kiosk, secret);
  await expect(kiosk.getByTestId('kiosk-home')).toBeVisible();
  await admin.getByTestId('devices-refresh').click();
  await expect(row(id).getByTestId('device-sessions')).toHaveText('1');

  // English: re-key (confirmed), the old secret no longer works.
  await admin.getByTestId('lang-en').first().click();
  await expect(admin.getByTestId('admin-tab-devices')).toHaveText('Devices');
  await row(id).getByTestId('device-rekey').click();
  await expect(row(id)).toContainText('The old one and its sign-ins stop working');
  await row(id).getByTestId('device-rekey-yes').click();
  await expect(box).toContainText(`New secret for ${id}`);
  const secret2 = (await admin.getByTestId('device-secret').textContent())!.trim();
  expect(secret2).not.toBe(secret);
  await expect(box).toContainText('shown only this once');
  await shot(admin, 'admin-devices-en');
  await admin.getByTestId('device-secret-done').click();

  const api = await request.newContext({ baseURL });
  const login = async (s: string) => (await api.post('/api/v1/auth/login', { data: { deviceId: id, secret: s } })).status();
  expect(await login(secret)).toBe(401);
  expect(await login(secret2)).toBe(200);

  // Retire, with confirmation (cancel first, then for real).
  await row(id).getByTestId('device-retire').click();
  await admin.getByTestId('device-confirm-no').click();
  await expect(row(id)).toContainText('Active');
  await row(id).getByTestId('device-retire').click();
  await expect(row(id)).toContainText('can no longer sign in');
  await shot(admin, 'admin-devices-confirm-en');
  await row(id).getByTestId('device-retire-yes').click();
  await expect(row(id)).toContainText('Retired');
  await expect(row(id).getByTestId('device-sessions')).toHaveText('0');
  await expect(row(id).getByTestId('device-rekey')).toHaveText('Re-key and reactivate');
  expect(await login(secret2)).toBe(401);

  // The audit log names the changes, never the secrets.
  await admin.getByTestId('admin-tab-audit').click();
  await admin.getByTestId('audit-refresh').click();
  await expect(admin.locator(`[data-testid="audit-row"][data-action="device.retire"]`).first()).toContainText(id);
  const auditText = await admin.getByTestId('audit-table').textContent();
  expect(auditText).not.toContain(secret);
  expect(auditText).not.toContain(secret2);
  await api.dispose();
});
