/**
 * A client that reconnects sends its last offset and catches up from event_log, for
 * its audience only (displays never get staff or manager payloads), or gets a fresh snapshot
 * when it missed too much.
 */
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallNextResponse, CatchUp, CreateTicketResponse, QueueSnapshot } from '../../src-main/domain/contracts';
import { MAX_REPLAY_EVENTS } from '../../src-main/domain/queue-events';
import { requestId, startHarness, type Harness, type TestSocket } from './hub-harness';

let h: Harness;
let kiosk: string;
let manager: string;
let teller: string;
let display: string;
const opened: TestSocket[] = [];

beforeAll(async () => {
  h = await startHarness({ customers: 50 });
  kiosk = (await h.login({ deviceId: 'kiosk-01', secret: 'demo' })).token;
  manager = (await h.login({ staffId: 'm01', pin: '1111' })).token;
  teller = (await h.login({ staffId: 't01', pin: '2222' })).token;
  display = (await h.login({ deviceId: 'display-01', secret: 'demo' })).token;
});
afterAll(async () => {
  for (const s of opened) s.disconnect();
  await h?.stop();
});

/** Connects with `auth: {token, offset}` and resolves with the catch-up the hub sends at once. */
function reconnect(token: string, offset: number): Promise<CatchUp> {
  const s: TestSocket = io(h.hub.url, { path: '/socket.io', auth: { token, offset }, transports: ['websocket'], reconnection: false, forceNew: true });
  opened.push(s);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no events:catch-up')), 3000);
    s.once('events:catch-up', (c) => {
      clearTimeout(timer);
      resolve(c);
    });
    s.once('connect_error', reject);
  });
}

async function latestOffset(): Promise<number> {
  return (await h.request<QueueSnapshot>('GET', '/api/v1/queue', { token: manager })).body.offset;
}

const take = async (serviceCode: string, identity?: { kind: 'phone'; value: string }) =>
  (await h.request<CreateTicketResponse>('POST', '/api/v1/tickets', { token: kiosk, body: { serviceCode, requestId: requestId(), ...(identity ? { identity } : {}) } })).body
    .ticket;

describe('catching up after a reconnect', () => {
  it('replays the missed events to each audience, never staff or manager payloads to displays', async () => {
    const from = await latestOffset();
    // What happens while the screens are away: tickets, a green-channel move, calls, a recall, a pause.
    const a = await take('A');
    const general = await take('C', { kind: 'phone', value: '13800000003' });
    await h.request('POST', `/api/v1/tickets/${general.id}/green-channel`, { token: manager, body: { reason: 'manager knows the customer' } });
    const called = await h.request<CallNextResponse>('POST', '/api/v1/counters/1/call-next', { token: teller });
    expect(called.body.ticket.id).toBe(a.id);
    await h.request('POST', `/api/v1/tickets/${a.id}/recall`, { token: teller });
    await h.request('POST', `/api/v1/tickets/${a.id}/complete`, { token: teller });
    await h.request('POST', '/api/v1/counters/1/pause', { token: teller, body: { reason: 'break' } });
    const to = await latestOffset();
    expect(to).toBeGreaterThan(from);

    const forDisplay = await reconnect(display, from);
    expect(forDisplay.kind).toBe('events');
    if (forDisplay.kind !== 'events') return;
    expect(forDisplay.latestOffset).toBe(to);
    expect(forDisplay.events.map((e) => e.type)).toEqual(['ticket.called', 'ticket.recalled']);
    for (const e of forDisplay.events) {
      expect(Object.keys(e.data).sort()).toEqual(['calledAt', 'counterId', 'number']);
      expect(e.data).toMatchObject({ number: a.number, counterId: 1 });
      expect(e.offset).toBeGreaterThan(from);
    }
    expect(JSON.stringify(forDisplay)).not.toContain(a.id);
    expect(JSON.stringify(forDisplay)).not.toContain('manager knows');

    const forTeller = await reconnect(teller, from);
    if (forTeller.kind !== 'events') throw new Error('expected events');
    const tellerTypes = forTeller.events.map((e) => e.type);
    expect(tellerTypes).toEqual(['ticket.issued', 'ticket.issued', 'ticket.called', 'ticket.recalled', 'ticket.completed', 'counter.state']);
    expect(JSON.stringify(forTeller)).not.toContain('manager knows'); // the green-channel reason is for managers

    const forManager = await reconnect(manager, from);
    if (forManager.kind !== 'events') throw new Error('expected events');
    expect(forManager.events.map((e) => e.type)).toContain('ticket.green_channel');
    expect(forManager.events.find((e) => e.type === 'ticket.green_channel')!.data).toMatchObject({ reason: 'manager knows the customer', decidedBy: 'm01' });
    // Offsets increase and nothing after `from` is missing for managers.
    const offsets = forManager.events.map((e) => e.offset);
    expect(offsets).toEqual([...offsets].sort((x, y) => x - y));
    expect(offsets.at(-1)).toBe(to);

    // Up to date: nothing to replay.
    const none = await reconnect(display, to);
    expect(none).toEqual({ kind: 'events', fromOffset: to, latestOffset: to, events: [] });
    await h.request('POST', '/api/v1/counters/1/open', { token: teller });
  });

  it('answers events:since on demand and validates the offset', async () => {
    const from = await latestOffset();
    await take('B');
    const s = await h.socket(teller);
    const result = await new Promise<CatchUp>((resolve, reject) => s.emit('events:since', from, (r) => (r.ok ? resolve(r.data) : reject(new Error(r.error.message)))));
    expect(result).toMatchObject({ kind: 'events', fromOffset: from });
    if (result.kind === 'events') expect(result.events.map((e) => e.type)).toEqual(['ticket.issued']);
    const bad = await new Promise<{ ok: boolean; code?: string }>((resolve) =>
      s.emit('events:since', -3 as number, (r) => resolve(r.ok ? { ok: true } : { ok: false, code: r.error.code })),
    );
    expect(bad).toEqual({ ok: false, code: 'validation_failed' });
  });

  it('sends a fresh snapshot, for the audience, when the client missed too much or its offset is not from this hub', async () => {
    const from = await latestOffset();
    const issues = [];
    for (let i = 0; i < MAX_REPLAY_EVENTS + 5; i++) issues.push(take(['A', 'B', 'C', 'D', 'E'][i % 5]!));
    await Promise.all(issues);
    const tooOld = await reconnect(display, from);
    expect(tooOld.kind).toBe('snapshot');
    if (tooOld.kind === 'snapshot') {
      expect(tooOld.snapshot.audience).toBe('public');
      expect(JSON.stringify(tooOld.snapshot)).not.toMatch(/"id"|ticketId|identified/);
    }
    const staff = await reconnect(teller, from);
    expect(staff.kind === 'snapshot' && staff.snapshot.audience).toBe('staff');
    const foreign = await reconnect(display, (await latestOffset()) + 1000);
    expect(foreign.kind).toBe('snapshot');
  });
});
