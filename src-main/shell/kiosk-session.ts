/**
 * The kiosk shell's own sign-in to the hub, as pure code: main.ts signs the kiosk in with kiosk.json
 * `kiosk.id` + `kiosk.secret` (POST /api/v1/auth/login, the DeviceLoginSchema body) before it loads
 * the kiosk page, checks the session belongs to kiosk.json `branchId`, and hands the page only the
 * session (token, branch, device id, expiry) over shell:config; the secret stays in the main process.
 * - kioskLoginRequest / kioskLogoutRequest: the requests to send (main.ts sends them with net.fetch);
 * - checkKioskLogin: what the hub's answer means for the shell (signed in, rejected -> the page's
 *   manual sign-in form, misconfigured -> the bilingual maintenance page, failed -> retry with back-off).
 * Unit-tested in tests/unit/shell/kiosk-session.test.ts without Electron.
 */
import { z } from 'zod';
import { DeviceLoginSchema } from '../domain/contracts';
import type { ShellPageSession } from './shell-bridge';

export const KIOSK_LOGIN_PATH = '/api/v1/auth/login';
export const KIOSK_LOGOUT_PATH = '/api/v1/auth/logout';
/** How long main waits for the hub's answer to the sign-in. */
export const KIOSK_LOGIN_TIMEOUT_MS = 10_000;

export interface HubRequest {
  url: string;
  method: 'POST';
  headers: Record<string, string>;
  body?: string;
}

const base = (hubUrl: string) => hubUrl.replace(/\/+$/, '');

/** The sign-in request (the body is checked against the hub's own DeviceLoginSchema). */
export function kioskLoginRequest(hubUrl: string, kioskId: string, secret: string): HubRequest {
  const body = DeviceLoginSchema.parse({ deviceId: kioskId, secret });
  return {
    url: base(hubUrl) + KIOSK_LOGIN_PATH,
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  };
}

/** Ends a session the shell no longer hands out (after a new sign-in); best effort. */
export function kioskLogoutRequest(hubUrl: string, token: string): HubRequest {
  return { url: base(hubUrl) + KIOSK_LOGOUT_PATH, method: 'POST', headers: { authorization: `Bearer ${token}` } };
}

/** The hub's LoginResponse, as far as the shell relies on it. */
const LoginReplySchema = z.object({
  token: z.string().regex(/^[A-Za-z0-9_-]{20,200}$/, 'not a session token'),
  role: z.string(),
  branchId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'not a branch id'),
  displayName: z.string(),
  expiresAt: z.string().refine((s) => Number.isFinite(Date.parse(s)), 'not a date'),
});

export type KioskLoginOutcome =
  /** Signed in: the page gets this session through shell:config. */
  | { kind: 'signed_in'; session: ShellPageSession }
  /** 401: wrong id or secret (or the device is disabled): the page shows its manual sign-in form. */
  | { kind: 'rejected'; message: string }
  /** The account is no kiosk, or of another branch than kiosk.json says: the maintenance page, no retry. */
  | { kind: 'misconfigured'; message: string }
  /** The hub did not answer properly (5xx, rate limit, odd body): retry with the back-off. */
  | { kind: 'failed'; message: string };

export interface ExpectedKiosk {
  kioskId: string;
  /** kiosk.json `branchId` (null when there is no file, in development: not checked). */
  branchId: string | null;
}

/** What the hub's answer (status and body text) to kioskLoginRequest means. */
export function checkKioskLogin(status: number, bodyText: string, expected: ExpectedKiosk, now: number): KioskLoginOutcome {
  if (status === 401) return { kind: 'rejected', message: `the hub refused kiosk.id "${expected.kioskId}" with its kiosk.secret (401)` };
  if (status === 400) return { kind: 'misconfigured', message: `the hub refused the sign-in request of kiosk.id "${expected.kioskId}" (400)` };
  if (status !== 200) return { kind: 'failed', message: `sign-in to the hub: HTTP ${status}` };
  let json: unknown;
  try {
    json = JSON.parse(bodyText);
  } catch {
    return { kind: 'failed', message: 'sign-in to the hub: the answer is not JSON' };
  }
  const r = LoginReplySchema.safeParse(json);
  if (!r.success) {
    return { kind: 'failed', message: `sign-in to the hub: unexpected answer (${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')})` };
  }
  const s = r.data;
  if (s.role !== 'kiosk') {
    return { kind: 'misconfigured', message: `kiosk.id "${expected.kioskId}" is a ${s.role} account on the hub, not a kiosk` };
  }
  if (expected.branchId !== null && s.branchId !== expected.branchId) {
    return {
      kind: 'misconfigured',
      message: `kiosk.id "${expected.kioskId}" belongs to branch "${s.branchId}" on the hub, but kiosk.json says branchId "${expected.branchId}"`,
    };
  }
  if (Date.parse(s.expiresAt) <= now) return { kind: 'failed', message: 'sign-in to the hub: the session it gave has already expired' };
  return {
    kind: 'signed_in',
    session: { token: s.token, branchId: s.branchId, deviceId: expected.kioskId, expiresAt: new Date(Date.parse(s.expiresAt)).toISOString() },
  };
}
