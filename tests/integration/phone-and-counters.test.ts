/**
 * Through a real hub: the phone page is pushed its own ticket's state (and nothing else) and can
 * give up its place; a counter is open while a teller is signed in at it; sign-ins, sign-outs and
 * failed PINs are in the audit log, which filters by date and action and exports as CSV.
 */
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, CountersResponse, CreateTicketResponse, ErrorBody, TrackResponse } from '../../src-main/domain/contracts';
import { businessDate } from '../../src-main/domain/ticket-number';
import { requestId, startHarness, type Harness } from './hub-harness';

let h: Harness;
let kiosk: string;
let manager: string;
let admin: string;

beforeAll(async () => {
  h = await startHarness();
  kiosk = (await h.login({ deviceId: 'kiosk-01', secret: 'demo' })).token;
  manager = (await h.login({ staffId: 'm01', pin: '1111' })).token;
  admin = (await h.login({ staffId: 'admin', pin: '9999' })).token;
});
afterAll(async () => h.stop());

const take = async (serviceCode = 'A') =>
  (await h.request<CreateTicketResponse>('POST', '/api/v1/tickets', { token: kiosk, body: { serviceCode, requestId: requestId() } })).body.ticket;
const tokenOf = (t: { trackUrl: string }) => t.trackUrl.split('/t/')[1]!;
const counters = async () => (await h.request<CountersResponse>('GET', '/api/v1/counters', { token: manager })).body.counters;

describe('counters follow the tellers', () => {
  it('a counter is closed until a teller signs in at it, and closes again when they sign out', async () => {
    expect((await counters()).every((c) => c.state === 'closed' && c.tellers.length === 0)).toBe(true);
    const t = await take('A');
    expect(t.estimatedWaitMinutes).toBeNull(); // nobody at any counter: no promise
    const teller = await h.login({ staffId: 't01', pin: '2222' });
    const one = (await counters()).find((c) => c.counterId === 1)!;
    expect(one).toMatchObject({ state: 'open', bySignIn: true, tellers: [{ id: 't01', name: expect.any(String) }] });
    const track = (await h.request<TrackResponse>('GET', `/api/v1/track/${tokenOf(t)}`)).body;
    expect(track.estimatedWaitMinutes).toBe(0);
    expect((await h.request('POST', '/api/v1/auth/logout', { token: teller.token })).status).toBe(204);
    expect((await counters()).find((c) => c.counterId === 1)).toMatchObject({ state: 'closed', tellers: [] });
    // A counter a manager opens stays open without a teller.
    await h.request('POST', '/api/v1/counters/2/open', { token: manager });
    expect((await counters()).find((c) => c.counterId === 2)).toMatchObject({ state: 'open', bySignIn: false, tellers: [] });
    await h.request('POST', '/api/v1/counters/2/close', { token: manager });
    await h.request('POST', `/api/v1/track/${tokenOf(t)}/cancel`);
  });
});

describe('the phone page', () => {
  it('is pushed its own ticket only, and can give up its place', async () => {
    const mine = await take('B');
    const other = await take('B');
    const phone = io(h.hub.url, { path: '/socket.io', auth: { track: tokenOf(mine) }, transports: ['websocket'], reconnection: false, forceNew: true });
    const seen: TrackResponse[] = [];
    const events: string[] = [];
    phone.onAny((event) => events.push(event));
    phone.on('ticket:track', (t: TrackResponse) => seen.push(t));
    await new Promise<void>((resolve, reject) => {
      phone.once('connect', () => resolve());
      phone.once('connect_error', reject);
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(seen[0]).toMatchObject({ number: mine.number, status: 'waiting' });
    // Someone else gives up: the queue changed, and this phone hears its own new place.
    const before = seen.length;
    const gaveUp = await h.request<TrackResponse>('POST', `/api/v1/track/${tokenOf(other)}/cancel`);
    expect(gaveUp.body).toMatchObject({ number: other.number, status: 'cancelled' });
    await new Promise((r) => setTimeout(r, 400));
    expect(seen.length).toBeGreaterThan(before);
    expect(seen.every((t) => t.number === mine.number)).toBe(true);
    expect(new Set(events)).toEqual(new Set(['ticket:track']));
    // Giving up twice is harmless; a called ticket can no longer be given up.
    expect((await h.request<TrackResponse>('POST', `/api/v1/track/${tokenOf(other)}/cancel`)).body.status).toBe('cancelled');
    const teller = await h.login({ staffId: 't02', pin: '2222' });
    await h.request('POST', '/api/v1/counters/2/call-next', { token: teller.token });
    const called = await h.request<ErrorBody>('POST', `/api/v1/track/${tokenOf(mine)}/cancel`);
    expect(called.status).toBe(409);
    expect(called.body.error.reason).toBe('not_waiting');
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.at(-1)).toMatchObject({ status: 'called', counterId: 2 });
    phone.disconnect();
    // An unknown token does not connect.
    const stranger = io(h.hub.url, { path: '/socket.io', auth: { track: 'A'.repeat(24) }, transports: ['websocket'], reconnection: false, forceNew: true });
    await expect(new Promise<void>((resolve, reject) => (stranger.once('connect', () => resolve()), stranger.once('connect_error', reject)))).rejects.toThrow('unknown ticket');
    stranger.disconnect();
    // Given-up tickets are measured apart from no-shows.
    const m = (await h.request<{ cancelled: number; noShow: { noShows: number } }>('GET', '/api/v1/measures/today', { token: manager })).body;
    expect(m.cancelled).toBeGreaterThanOrEqual(1);
  });
});

describe('the audit log', () => {
  it('records sign-ins, sign-outs and failed PINs with the address; filters by date and action; exports CSV', async () => {
    for (let i = 0; i < 5; i++) await h.request('POST', '/api/v1/auth/login', { body: { staffId: 't03', pin: '0000' } });
    const t3 = await h.request('POST', '/api/v1/auth/login', { body: { staffId: 't03', pin: '2222' } });
    expect(t3.status).toBe(429);
    // The branch's business date (Asia/Shanghai), not UTC's.
    const today = businessDate(new Date(), 'Asia/Shanghai');
    const auth = (await h.request<{ entries: AuditEntry[] }>('GET', `/api/v1/audit?action=auth.&limit=500`, { token: admin })).body.entries;
    expect(auth.every((e) => e.action.startsWith('auth.'))).toBe(true);
    expect(auth.filter((e) => e.action === 'auth.sign_in_failed' && e.actor === 't03')).toHaveLength(5);
    expect(auth.find((e) => e.action === 'auth.locked' && e.actor === 't03')).toBeTruthy();
    expect(auth.find((e) => e.action === 'auth.sign_in_refused' && e.actor === 't03')).toBeTruthy();
    expect(auth.find((e) => e.action === 'auth.sign_in' && e.actor === 'm01')!.device).toContain('127.0.0.1');
    expect(auth.find((e) => e.action === 'auth.sign_out' && e.actor === 't01')).toBeTruthy();
    const none = (await h.request<{ entries: AuditEntry[] }>('GET', `/api/v1/audit?from=2020-01-01&to=2020-01-31`, { token: admin })).body.entries;
    expect(none).toEqual([]);
    expect((await h.request('GET', `/api/v1/audit?from=2020-02-30`, { token: admin })).status).toBe(400);
    const csv = await fetch(`${h.hub.url}/api/v1/audit.csv?from=${today}&to=${today}&action=auth.`, { headers: { authorization: `Bearer ${admin}` } });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.headers.get('cache-control')).toBe('no-store');
    const text = await csv.text();
    expect(text.split('\r\n')[0]).toContain('id,at,actor,role,device,action,subject,detail');
    expect(text).toContain('auth.sign_in_failed');
    expect((await h.request('GET', '/api/v1/audit.csv', { token: manager })).status).toBe(403);
  });
});
