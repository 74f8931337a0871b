/**
 * The Electron shell signs the kiosk in with kiosk.json's kiosk id and secret. The
 * requests and the answer check of src-main/shell/kiosk-session.ts (what main.ts sends with
 * net.fetch) against a real hub.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceSecretResponse } from '../../src-main/domain/contracts';
import { checkKioskLogin, kioskLoginRequest, kioskLogoutRequest, type HubRequest } from '../../src-main/shell/kiosk-session';
import { startHarness, type Harness } from './hub-harness';

let h: Harness;
let branchId: string;
let kioskSecret: string;

beforeAll(async () => {
  h = await startHarness({ customers: 20 });
  const admin = await h.login({ staffId: 'admin', pin: '9999' });
  branchId = admin.branchId;
  const paired = await h.request<DeviceSecretResponse>('POST', '/api/v1/devices', { token: admin.token, body: { id: 'kiosk-shell-1', kind: 'kiosk' } });
  expect(paired.status).toBe(201);
  kioskSecret = paired.body.secret;
});
afterAll(async () => {
  await h?.stop();
});

const send = async (r: HubRequest) => {
  const res = await fetch(r.url, { method: r.method, headers: r.headers, body: r.body });
  return { status: res.status, text: await res.text() };
};

describe('the kiosk shell sign-in against a real hub', () => {
  it('signs in with kiosk.json id + secret; the session works for the kiosk and ends on logout', async () => {
    const res = await send(kioskLoginRequest(h.hub.url, 'kiosk-shell-1', kioskSecret));
    const outcome = checkKioskLogin(res.status, res.text, { kioskId: 'kiosk-shell-1', branchId }, Date.now());
    expect(outcome.kind).toBe('signed_in');
    if (outcome.kind !== 'signed_in') return;
    expect(outcome.session.branchId).toBe(branchId);
    expect(JSON.stringify(outcome.session)).not.toContain(kioskSecret);
    expect((await h.request('GET', '/api/v1/branch', { token: outcome.session.token })).status).toBe(200);

    expect((await send(kioskLogoutRequest(h.hub.url, outcome.session.token))).status).toBe(204);
    expect((await h.request('GET', '/api/v1/branch', { token: outcome.session.token })).status).toBe(401);
  });

  it('refuses a session of another branch than kiosk.json says', async () => {
    const res = await send(kioskLoginRequest(h.hub.url, 'kiosk-shell-1', kioskSecret));
    expect(checkKioskLogin(res.status, res.text, { kioskId: 'kiosk-shell-1', branchId: 'another-branch' }, Date.now()).kind).toBe('misconfigured');
  });

  it('a wrong secret is rejected (the page shows its sign-in form); a display account is no kiosk', async () => {
    const wrong = await send(kioskLoginRequest(h.hub.url, 'kiosk-shell-1', 'not-the-secret'));
    expect(checkKioskLogin(wrong.status, wrong.text, { kioskId: 'kiosk-shell-1', branchId }, Date.now()).kind).toBe('rejected');
    const display = await send(kioskLoginRequest(h.hub.url, 'display-01', 'demo'));
    expect(checkKioskLogin(display.status, display.text, { kioskId: 'display-01', branchId }, Date.now()).kind).toBe('misconfigured');
  });
});
