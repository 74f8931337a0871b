/**
 * What the Playwright specs share: a page in its own browser context, the device and staff
 * sign-ins, screenshots under tests/e2e/screenshots/, typing on the kiosk's keypad, and the few
 * API calls the specs use to set the branch up (sign-in tokens, tickets, bookings) and to leave it
 * as the next spec expects (everyone served). Not a spec itself (the config matches *.spec.ts).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type APIRequestContext, type Browser, type Page } from '@playwright/test';

// ---------------------------------------------------------------- pages

export interface Viewport {
  width: number;
  height: number;
}

/** The screens' usual sizes: portrait kiosk, landscape kiosk / display, tablet, teller and admin PC, phone. */
export const VIEWPORTS = {
  kiosk: { width: 1080, height: 1920 },
  kioskLandscape: { width: 1920, height: 1080 },
  display: { width: 1920, height: 1080 },
  manager: { width: 1280, height: 800 },
  teller: { width: 1366, height: 768 },
  admin: { width: 1366, height: 768 },
  phone: { width: 390, height: 844 },
} as const satisfies Record<string, Viewport>;

/** A page at `path` in a new browser context (its own storage and session), in zh-CN like the branch. */
export async function open(browser: Browser, path: string, viewport: Viewport): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(path);
  return page;
}

const shotsDir = join(__dirname, 'screenshots');
mkdirSync(shotsDir, { recursive: true });

/** tests/e2e/screenshots/<name>.png */
export const shotPath = (name: string) => join(shotsDir, `${name}.png`);

/** Saves a screenshot of the viewport as tests/e2e/screenshots/<name>.png. */
export const shot = (page: Page, name: string) => page.screenshot({ path: shotPath(name) });

// ---------------------------------------------------------------- sign-ins and the kiosk

/** Signs a kiosk or display page in with its device secret. */
export async function deviceSignIn(page: Page, secret = 'demo') {
  await page.getByTestId('device-login-secret').fill(secret);
  await page.getByTestId('device-login-submit').click();
}

/** Signs a staff page (manager, teller, admin) in; a teller may give the counter. */
export async function staffSignIn(page: Page, staffId: string, pin: string, counter?: number) {
  await page.getByTestId('login-staff-id').fill(staffId);
  await page.getByTestId('login-pin').fill(pin);
  if (counter !== undefined) await page.getByTestId('login-counter').fill(String(counter));
  await page.getByTestId('login-submit').click();
}

/** Presses the digits (and X) on an on-screen keypad whose keys are `<prefix>-<key>`. */
export async function typeOnKeypad(page: Page, digits: string, prefix = 'kiosk-key') {
  for (const d of digits) await page.getByTestId(`${prefix}-${d}`).click();
}

/** The kiosk kiosk-01 signed in and on its start screen with the branch loaded; `lang: 'en'` switches to English. */
export async function openKiosk(browser: Browser, options: { query?: string; viewport?: Viewport; lang?: 'zh' | 'en' } = {}): Promise<Page> {
  const page = await open(browser, `/kiosk?device=kiosk-01${options.query ?? ''}`, options.viewport ?? VIEWPORTS.kiosk);
  await deviceSignIn(page);
  await expect(page.getByTestId('kiosk-home')).toBeVisible();
  await expect(page.getByTestId('kiosk-branch-name')).toContainText(/网点|Branch/);
  if (options.lang === 'en') await page.getByTestId('kiosk-lang-en').click();
  return page;
}

/** The lobby manager (m01) signed in on the tablet. */
export async function openManager(browser: Browser): Promise<Page> {
  const page = await open(browser, '/manager', VIEWPORTS.manager);
  await staffSignIn(page, 'm01', '1111');
  await expect(page.getByTestId('manager-screen')).toBeVisible();
  return page;
}

// ---------------------------------------------------------------- the hub's API

/** A session token for a staff member or a device (the login body as the API takes it). */
export async function apiToken(request: APIRequestContext, body: Record<string, unknown>): Promise<string> {
  const res = await request.post('/api/v1/auth/login', { data: body });
  expect(res.status()).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export interface IssuedByApi {
  id: string;
  number: string;
  trackUrl: string;
  route: string;
  peopleAhead: number;
}

/**
 * A ticket taken at kiosk-01 through the API (signed in for the call unless `kiosk` gives a token),
 * optionally identified by phone. `tag` goes into the request id, so the hub's log tells specs apart.
 */
export async function issueTicket(
  request: APIRequestContext,
  serviceCode: string,
  options: { tag: string; kiosk?: string; phone?: string },
): Promise<IssuedByApi> {
  const kiosk = options.kiosk ?? (await apiToken(request, { deviceId: 'kiosk-01', secret: 'demo' }));
  const res = await request.post('/api/v1/tickets', {
    headers: bearer(kiosk),
    data: {
      serviceCode,
      requestId: `e2e-${options.tag}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
      ...(options.phone ? { identity: { kind: 'phone', value: options.phone } } : {}),
    },
  });
  expect(res.status()).toBe(201);
  return ((await res.json()) as { ticket: IssuedByApi }).ticket;
}

/**
 * Serves every waiting ticket the given counters can call, counter by counter in that order, so
 * the next test finds an empty lobby. `atCounter`: the tellers sign in at their counter;
 * `open`: each counter is opened first; `completeCurrent`: a ticket still open there is completed first.
 */
export async function serveEveryone(
  request: APIRequestContext,
  counters: readonly number[],
  options: { atCounter?: boolean; open?: boolean; completeCurrent?: boolean } = {},
) {
  for (const counterId of counters) {
    const headers = bearer(await apiToken(request, { staffId: `t0${counterId}`, pin: '2222', ...(options.atCounter ? { counterId } : {}) }));
    if (options.open) await request.post(`/api/v1/counters/${counterId}/open`, { headers, data: {} });
    for (;;) {
      if (options.completeCurrent) {
        const cur = await request.get(`/api/v1/counters/${counterId}/current`, { headers });
        if (cur.status() === 200) await request.post(`/api/v1/tickets/${((await cur.json()) as { ticket: { id: string } }).ticket.id}/complete`, { headers });
      }
      const next = await request.post(`/api/v1/counters/${counterId}/call-next`, { headers });
      if (next.status() !== 200) break;
      await request.post(`/api/v1/tickets/${((await next.json()) as { ticket: { id: string } }).ticket.id}/complete`, { headers });
    }
  }
}

// ---------------------------------------------------------------- appointments (branch clock)

const TZ = 'Asia/Shanghai';
/** YYYY-MM-DD of an instant in the demo branch's time zone. */
export const branchDate = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);
/** HH:MM of an instant in the demo branch's time zone. */
export const branchTime = (ms: number) => new Intl.DateTimeFormat('en-GB', { timeZone: TZ, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ms);

/** A whole minute `minutes` from now, or null when it falls on another branch day than today. */
export function minuteFromNow(minutes: number): number | null {
  const at = Math.floor((Date.now() + minutes * 60_000) / 60_000) * 60_000;
  return branchDate(at) === branchDate(Date.now()) ? at : null;
}

/** Books an appointment as the manager (m01); the customer is optional. */
export async function book(request: APIRequestContext, bookedAt: number, serviceCode: string, customer?: { kind: string; value: string }) {
  const manager = await apiToken(request, { staffId: 'm01', pin: '1111' });
  const res = await request.post('/api/v1/appointments', {
    headers: bearer(manager),
    data: { serviceCode, bookedAt: new Date(bookedAt).toISOString(), ...(customer ? { customer } : {}) },
  });
  expect(res.status(), await res.text()).toBe(201);
  return ((await res.json()) as { appointment: { code: string; bookedTime: string } }).appointment;
}
