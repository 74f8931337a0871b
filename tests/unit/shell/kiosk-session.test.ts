import { describe, expect, it } from 'vitest';
import { LoginRequestSchema } from '../../../src-main/domain/contracts';
import { checkKioskLogin, kioskLoginRequest, kioskLogoutRequest } from '../../../src-main/shell/kiosk-session';

const NOW = Date.parse('2026-03-02T09:00:00Z');
const TOKEN = 'a'.repeat(20) + '_-Zz09' + 'b'.repeat(17);
const reply = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    token: TOKEN,
    role: 'kiosk',
    branchId: 'demo-001',
    displayName: 'kiosk-01',
    counterId: null,
    expiresAt: '2026-04-01T09:00:00.000Z',
    ...over,
  });
const expected = { kioskId: 'kiosk-01', branchId: 'demo-001' };

describe('kioskLoginRequest: the shell signs the kiosk in with kiosk.json id + secret', () => {
  it('posts the DeviceLoginSchema body as JSON to /api/v1/auth/login on the hub', () => {
    const r = kioskLoginRequest('http://10.1.2.3:8080/', 'kiosk-01', 's3cret-long');
    expect(r.url).toBe('http://10.1.2.3:8080/api/v1/auth/login');
    expect(r.method).toBe('POST');
    expect(r.headers['content-type']).toBe('application/json');
    const body = JSON.parse(r.body!) as unknown;
    expect(body).toEqual({ deviceId: 'kiosk-01', secret: 's3cret-long' });
    // The hub's own route schema accepts it as a device login (not a staff one).
    const parsed = LoginRequestSchema.parse(body);
    expect('deviceId' in parsed && parsed.deviceId).toBe('kiosk-01');
  });

  it('keeps a hub base path', () => {
    expect(kioskLoginRequest('https://hub.example/lobby', 'k', 'secret-12').url).toBe('https://hub.example/lobby/api/v1/auth/login');
  });

  it('refuses a body the hub would refuse', () => {
    expect(() => kioskLoginRequest('http://h:1', '', 'secret-12')).toThrow();
    expect(() => kioskLoginRequest('http://h:1', 'k', 'x'.repeat(129))).toThrow();
  });

  it('logs a replaced session out with its bearer token', () => {
    expect(kioskLogoutRequest('http://h:1/', TOKEN)).toEqual({
      url: 'http://h:1/api/v1/auth/logout',
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
  });
});

describe("checkKioskLogin: what the hub's answer means", () => {
  it('signed in: the page gets token, branch, device id and expiry, nothing else', () => {
    const r = checkKioskLogin(200, reply(), expected, NOW);
    expect(r).toEqual({
      kind: 'signed_in',
      session: { token: TOKEN, branchId: 'demo-001', deviceId: 'kiosk-01', expiresAt: '2026-04-01T09:00:00.000Z' },
    });
  });

  it('does not check the branch when there is no kiosk.json branchId (development)', () => {
    expect(checkKioskLogin(200, reply({ branchId: 'other' }), { kioskId: 'kiosk-01', branchId: null }, NOW).kind).toBe('signed_in');
  });

  it('a session of another branch than kiosk.json says is refused (maintenance page)', () => {
    const r = checkKioskLogin(200, reply({ branchId: 'other-branch' }), expected, NOW);
    expect(r.kind).toBe('misconfigured');
    expect(r.kind === 'misconfigured' && r.message).toContain('other-branch');
    expect(r.kind === 'misconfigured' && r.message).toContain('demo-001');
  });

  it('an account that is no kiosk (a display, staff) is refused', () => {
    expect(checkKioskLogin(200, reply({ role: 'display' }), expected, NOW)).toMatchObject({ kind: 'misconfigured' });
    expect(checkKioskLogin(200, reply({ role: 'teller' }), expected, NOW)).toMatchObject({ kind: 'misconfigured' });
  });

  it('401: rejected, the page falls back to its sign-in form; 400: misconfigured', () => {
    expect(checkKioskLogin(401, '{"error":{"code":"unauthenticated"}}', expected, NOW).kind).toBe('rejected');
    expect(checkKioskLogin(400, '{}', expected, NOW).kind).toBe('misconfigured');
  });

  it('anything else is a failure to retry with the back-off, and never echoes the body', () => {
    for (const [status, body] of [
      [500, 'boom'],
      [429, '{}'],
      [503, ''],
      [200, 'not json'],
      [200, reply({ token: 'short' })],
      [200, reply({ token: undefined })],
      [200, reply({ branchId: '../x' })],
      [200, reply({ expiresAt: 'tomorrow' })],
      [200, reply({ expiresAt: '2026-03-01T00:00:00Z' })], // already expired
      [200, '[]'],
    ] as const) {
      const r = checkKioskLogin(status, body, expected, NOW);
      expect(r.kind, `${status} ${body}`).toBe('failed');
      expect(JSON.stringify(r)).not.toContain('boom');
    }
  });
});
