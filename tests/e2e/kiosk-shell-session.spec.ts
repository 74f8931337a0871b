/**
 * In the Electron shell the kiosk page is signed in by the shell (kiosk.json kiosk id +
 * secret, src-main/shell/kiosk-session.ts) and gets kiosk.json `languages`. Electron is not
 * available here, so the page gets in Chromium what the preload would expose: window.branchLobbyShell
 * with a real session from the hub's login API.
 */
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import type { LoginResponse } from '../../src-main/domain/contracts';
import { shot, VIEWPORTS } from './helpers';

interface ShellSession {
  token: string;
  branchId: string;
  deviceId: string;
  expiresAt: string;
}

async function kioskSession(request: APIRequestContext): Promise<ShellSession> {
  const res = await request.post('/api/v1/auth/login', { data: { deviceId: 'kiosk-01', secret: 'demo' } });
  expect(res.status()).toBe(200);
  const s = (await res.json()) as LoginResponse;
  return { token: s.token, branchId: s.branchId, deviceId: 'kiosk-01', expiresAt: s.expiresAt };
}

/** What the preload would expose (shellGlobal); the hub is the page's own origin here. */
async function asShell(page: Page, session: ShellSession | null, languages: { default: string; offered: string[] }) {
  await page.addInitScript(
    ({ session, languages }) => {
      (window as unknown as Record<string, unknown>).branchLobbyShell = Object.freeze({
        isKiosk: true,
        version: 'e2e',
        hubUrl: window.location.origin,
        ...(session ? { session: Object.freeze(session) } : {}),
        languages: Object.freeze({ default: languages.default, offered: Object.freeze(languages.offered) }),
      });
    },
    { session, languages },
  );
}

test('the shell signed in: the kiosk opens without the sign-in form, in English only as kiosk.json says', async ({ page, request }) => {
  await page.setViewportSize(VIEWPORTS.kiosk);
  await asShell(page, await kioskSession(request), { default: 'en', offered: ['en'] });
  await page.goto('/kiosk?device=kiosk-01');
  await expect(page.getByTestId('kiosk-home')).toBeVisible();
  await expect(page.getByTestId('device-login')).toHaveCount(0);
  await expect(page.getByTestId('kiosk-branch-name')).not.toHaveText('');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByTestId('kiosk-home')).toContainText(/[A-Za-z]{4}/);
  await expect(page.getByTestId('kiosk-home')).not.toContainText(/[\u4e00-\u9fff]/);
  await expect(page.getByTestId('kiosk-lang-zh-CN')).toHaveCount(0);
  await expect(page.getByText('中文')).toHaveCount(0);
  // Nothing was stored: the shell's session is not the paired-device one of localStorage.
  expect(await page.evaluate(() => localStorage.getItem('branch-lobby.session.kiosk'))).toBeNull();
  await shot(page, 'kiosk-shell-session-en-only');
});

test('both languages offered, zh-CN first: the kiosk opens in Chinese with both buttons', async ({ page, request }) => {
  await page.setViewportSize(VIEWPORTS.kiosk);
  await asShell(page, await kioskSession(request), { default: 'zh-CN', offered: ['zh-CN', 'en'] });
  await page.goto('/kiosk?device=kiosk-01');
  await expect(page.getByTestId('kiosk-home')).toBeVisible();
  await expect(page.getByTestId('device-login')).toHaveCount(0);
  await expect(page.getByTestId('kiosk-lang-zh-CN')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('kiosk-lang-en')).toBeVisible();
  await shot(page, 'kiosk-shell-session-zh');
});

test('a shell session the hub no longer knows (401) falls back to the sign-in form', async ({ page, request }) => {
  await page.setViewportSize(VIEWPORTS.kiosk);
  const session = await kioskSession(request);
  const out = await request.post('/api/v1/auth/logout', { headers: { authorization: `Bearer ${session.token}` } });
  expect(out.status()).toBe(204);
  await asShell(page, session, { default: 'en', offered: ['en'] });
  await page.goto('/kiosk?device=kiosk-01');
  await expect(page.getByTestId('device-login')).toBeVisible();
  await expect(page.getByTestId('device-login-id')).toHaveValue('kiosk-01');
});
