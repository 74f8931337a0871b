/**
 * Client side of the reconnect catch-up, end to end against a real hub: the screens'
 * own socket code (lib/socket.ts: offset tracker as socket.io's `auth` callback) and reducers
 * (lib/catch-up.ts). A display that drops off while tickets are called reconnects, sends the last
 * offset it saw and gets exactly the calls it missed; a desk that missed nothing asks for nothing.
 */
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallNextResponse, CatchUp, CreateTicketResponse, PublicQueueSnapshot, QueueSnapshot } from '../../src-main/domain/contracts';
import { createOffsetTracker, watchOffsets, type OffsetTracker } from '../../src-renderer/src/lib/socket';
import { displayCatchUp, planStaffCatchUp } from '../../src-renderer/src/lib/catch-up';
import { nextEvent, requestId, startHarness, type Harness, type TestSocket } from './hub-harness';

let h: Harness;
let kiosk: string;
let teller1: string;
let teller2: string;
let display: string;
const opened: TestSocket[] = [];

beforeAll(async () => {
  h = await startHarness({ customers: 50 });
  kiosk = (await h.login({ deviceId: 'kiosk-01', secret: 'demo' })).token;
  teller1 = (await h.login({ staffId: 't01', pin: '2222' })).token;
  teller2 = (await h.login({ staffId: 't02', pin: '2222' })).token;
  display = (await h.login({ deviceId: 'display-01', secret: 'demo' })).token;
});
afterAll(async () => {
  for (const s of opened) s.disconnect();
  await h?.stop();
});

/** A socket made the way lib/socket.ts connectLobby makes one (auth callback + offset watcher). */
function screenSocket(token: string): { socket: TestSocket; tracker: OffsetTracker } {
  const tracker = createOffsetTracker();
  const socket: TestSocket = io(h.hub.url, { path: '/socket.io', auth: tracker.auth(token), transports: ['websocket'], reconnection: false, forceNew: true, autoConnect: false });
  watchOffsets(socket, tracker);
  opened.push(socket);
  return { socket, tracker };
}
const connect = (s: TestSocket) =>
  new Promise<void>((resolve, reject) => {
    s.once('connect', () => resolve());
    s.once('connect_error', reject);
    s.connect();
  });
const snapshotOf = <T extends QueueSnapshot | PublicQueueSnapshot>(s: TestSocket) =>
  new Promise<T>((resolve, reject) => s.emit('queue:snapshot', (r) => (r.ok ? resolve(r.data as T) : reject(new Error(r.error.message)))));

const take = async (serviceCode: string) =>
  (await h.request<CreateTicketResponse>('POST', '/api/v1/tickets', { token: kiosk, body: { serviceCode, requestId: requestId() } })).body.ticket;
const callNext = async (counter: number, token: string) =>
  (await h.request<CallNextResponse>('POST', `/api/v1/counters/${counter}/call-next`, { token })).body.ticket;
const complete = (id: string, token: string) => h.request('POST', `/api/v1/tickets/${id}/complete`, { token });

describe('a reconnecting screen catches up with its last offset', () => {
  it('display: gets exactly the calls made while it was away, and speaks only the recent ones', async () => {
    const { socket, tracker } = screenSocket(display);
    const first = new Promise<CatchUp | null>((resolve) => {
      socket.once('events:catch-up', resolve);
      setTimeout(() => resolve(null), 500);
    });
    await connect(socket);
    expect(await first).toBeNull(); // first connection: no offset sent, no catch-up
    expect(tracker.sentOffset).toBeNull();

    // Live: a call while connected; the socket sees its offset.
    const before = await take('A');
    const live = nextEvent(socket, 'ticket:called');
    const liveCall = await callNext(1, teller1);
    expect(liveCall.id).toBe(before.id);
    const seen = (await live).offset;
    expect(tracker.offset).toBe(seen);
    await complete(liveCall.id, teller1);

    // Away: the network drops; two tellers call three tickets, one is recalled. (The snapshot after
    // the completion may or may not have reached the socket: the last offset seen is at least the call's.)
    const last = tracker.offset!;
    expect(last).toBeGreaterThanOrEqual(seen);
    socket.disconnect();
    const a = await take('A');
    const b = await take('B');
    const c = await take('A');
    const callA = await callNext(1, teller1);
    const callB = await callNext(2, teller2);
    await complete(callA.id, teller1);
    const callC = await callNext(1, teller1);
    await h.request('POST', `/api/v1/tickets/${callC.id}/recall`, { token: teller1 });
    expect([callA.id, callB.id, callC.id].sort()).toEqual([a.id, b.id, c.id].sort());

    // Back: the handshake carries the last offset; the hub replays the missed calls only.
    const caughtUp = nextEvent(socket, 'events:catch-up');
    await connect(socket);
    expect(tracker.sentOffset).toBe(last);
    const catchUp = await caughtUp;
    expect(catchUp.kind).toBe('events');
    if (catchUp.kind !== 'events') return;
    expect(catchUp.fromOffset).toBe(last);
    expect(catchUp.events.map((e) => [e.type, e.data.number, e.data.counterId])).toEqual([
      ['ticket.called', callA.number, 1],
      ['ticket.called', callB.number, 2],
      ['ticket.called', callC.number, 1],
      ['ticket.recalled', callC.number, 1],
    ]);
    expect(JSON.stringify(catchUp)).not.toContain(callA.id); // public: numbers and counters only
    expect(tracker.offset).toBe(catchUp.latestOffset);

    // What the display does with it: all three numbers join the list, each spoken once (all recent).
    const screenBefore = [{ number: liveCall.number, counterId: 1, calledAt: liveCall.calledAt }];
    const applied = displayCatchUp(catchUp, screenBefore, Date.now());
    expect(new Set(applied.calls.map((x) => x.number))).toEqual(new Set([callA.number, callB.number, callC.number]));
    expect(applied.speak.map((x) => x.number).sort()).toEqual([callA.number, callB.number, callC.number].sort());
    // Five minutes later (a long outage) the same calls are shown but not announced.
    expect(displayCatchUp(catchUp, screenBefore, Date.now() + 5 * 60_000).speak).toEqual([]);

    // Reconnecting again at once: nothing missed, nothing replayed.
    socket.disconnect();
    const again = nextEvent(socket, 'events:catch-up');
    await connect(socket);
    expect(await again).toEqual({ kind: 'events', fromOffset: catchUp.latestOffset, latestOffset: catchUp.latestOffset, events: [] });
    await complete(callB.id, teller2);
    await complete(callC.id, teller1);
  });

  it('desk: a snapshot is asked for only when something was missed', async () => {
    const { socket, tracker } = screenSocket(teller2);
    await connect(socket);
    const held = await snapshotOf<QueueSnapshot>(socket);
    tracker.see(held.offset); // what useStaffQueue does with an acknowledged snapshot (noteOffset)

    socket.disconnect();
    const quiet = nextEvent(socket, 'events:catch-up');
    await connect(socket);
    expect(planStaffCatchUp(held, await quiet)).toEqual({ kind: 'none' });

    socket.disconnect();
    const t = await take('C');
    const busy = nextEvent(socket, 'events:catch-up');
    await connect(socket);
    const missed = await busy;
    expect(missed.kind === 'events' && missed.events.map((e) => [e.type, e.data.number])).toEqual([['ticket.issued', t.number]]);
    expect(planStaffCatchUp(held, missed)).toEqual({ kind: 'refresh' });
    const fresh = await snapshotOf<QueueSnapshot>(socket);
    expect(fresh.waiting.map((w) => w.id)).toContain(t.id);
    expect(fresh.offset).toBe(missed.latestOffset);
  });
});
