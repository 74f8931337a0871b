import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { CatchUp, PublicQueueSnapshot, QueueSnapshot, ReplayedEvent } from '@domain/contracts';
import { SPEAK_MAX_AGE_MS, callOfEvent, clockSkew, displayCatchUp, planStaffCatchUp } from '../../../src-renderer/src/lib/catch-up';
import { createOffsetTracker, watchOffsets } from '../../../src-renderer/src/lib/socket';

const T0 = Date.parse('2026-11-22T02:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

const staff = (offset: number): QueueSnapshot => ({
  audience: 'staff',
  offset,
  at: iso(T0),
  businessDate: '2026-11-22',
  services: [],
  waiting: [],
  recentCalls: [],
});
const pub = (offset: number, recentCalls: PublicQueueSnapshot['recentCalls'] = []): PublicQueueSnapshot => ({
  audience: 'public',
  offset,
  at: iso(T0),
  recentCalls,
  waitingByService: [],
});
const called = (offset: number, number: string, counterId: number, at: number, type = 'ticket.called'): ReplayedEvent => ({
  offset,
  type,
  at: iso(at),
  data: { number, counterId, calledAt: iso(at) },
});
const events = (fromOffset: number, list: ReplayedEvent[], latestOffset = list.at(-1)?.offset ?? fromOffset): CatchUp => ({
  kind: 'events',
  fromOffset,
  latestOffset,
  events: list,
});

describe('staff screens: what a catch-up asks of them', () => {
  it('applies a staff snapshot unless it is older than the one held', () => {
    const snap = staff(40);
    expect(planStaffCatchUp(null, { kind: 'snapshot', latestOffset: 40, snapshot: snap })).toEqual({ kind: 'apply', snapshot: snap });
    expect(planStaffCatchUp(staff(30), { kind: 'snapshot', latestOffset: 40, snapshot: snap })).toEqual({ kind: 'apply', snapshot: snap });
    expect(planStaffCatchUp(staff(50), { kind: 'snapshot', latestOffset: 40, snapshot: snap })).toEqual({ kind: 'none' });
    // A public snapshot is no use to a desk: ask for the staff one.
    expect(planStaffCatchUp(staff(30), { kind: 'snapshot', latestOffset: 40, snapshot: pub(40) })).toEqual({ kind: 'refresh' });
  });

  it('asks for one fresh snapshot when anything happened after the snapshot held, else nothing', () => {
    expect(planStaffCatchUp(staff(10), events(10, [called(11, 'A001', 1, T0)]))).toEqual({ kind: 'refresh' });
    expect(planStaffCatchUp(staff(10), events(10, []))).toEqual({ kind: 'none' });
    expect(planStaffCatchUp(null, events(10, []))).toEqual({ kind: 'refresh' });
    // The socket sent 12 (it saw a call), but the desk's snapshot is from 10: the desk is behind.
    expect(planStaffCatchUp(staff(10), events(12, [], 12))).toEqual({ kind: 'refresh' });
  });
});

describe('the display: replayed calls', () => {
  it('reads calls, recalls and resumes; ignores other events and malformed payloads', () => {
    expect(callOfEvent(called(5, 'A001', 2, T0))).toEqual({ number: 'A001', counterId: 2, calledAt: iso(T0), offset: 5 });
    expect(callOfEvent(called(6, 'A001', 2, T0, 'ticket.recalled'))).not.toBeNull();
    expect(callOfEvent(called(7, 'A001', 2, T0, 'ticket.resumed'))).not.toBeNull();
    expect(callOfEvent({ offset: 8, type: 'ticket.issued', at: iso(T0), data: { number: 'A002' } })).toBeNull();
    expect(callOfEvent({ offset: 9, type: 'ticket.called', at: iso(T0), data: { number: 'A002', counterId: '1', calledAt: iso(T0) } })).toBeNull();
    expect(callOfEvent({ offset: 9, type: 'ticket.called', at: iso(T0), data: { number: 'A002', counterId: 1, calledAt: 'soon' } })).toBeNull();
  });

  it('adds every missed call, speaks only those made within 60 s, oldest first, each number once', () => {
    const now = T0 + 10 * 60_000;
    const c = events(100, [
      called(101, 'A001', 1, now - 5 * 60_000), // minutes ago: shown, not spoken
      called(102, 'B001', 2, now - 30_000),
      { offset: 103, type: 'ticket.issued', at: iso(now - 20_000), data: {} },
      called(104, 'A002', 3, now - 20_000),
      called(105, 'B001', 2, now - 10_000, 'ticket.recalled'), // B001 again: spoken once, the recall
    ]);
    const r = displayCatchUp(c, [], now);
    expect(r.snapshot).toBeNull();
    expect(r.calls.map((x) => `${x.number}@${x.offset}`)).toEqual(['A001@101', 'B001@102', 'A002@104', 'B001@105']);
    expect(r.speak).toEqual([
      { number: 'A002', counterId: 3, calledAt: iso(now - 20_000) },
      { number: 'B001', counterId: 2, calledAt: iso(now - 10_000) },
    ]);
  });

  it('speaks a call exactly at the limit, not one a moment older, and not one already on screen', () => {
    const now = T0;
    const atLimit = called(1, 'C001', 1, now - SPEAK_MAX_AGE_MS);
    const older = called(2, 'C002', 1, now - SPEAK_MAX_AGE_MS - 1);
    const shown = called(3, 'C003', 2, now - 1000);
    const r = displayCatchUp(events(0, [atLimit, older, shown]), [{ number: 'C003', counterId: 2, calledAt: iso(now - 1000) }], now);
    expect(r.speak.map((x) => x.number)).toEqual(['C001']);
    expect(r.calls).toHaveLength(3);
  });

  it('takes a public snapshot when the hub sent one (missed too much), speaking its recent calls not yet shown', () => {
    const now = T0;
    const snap = pub(900, [
      { number: 'D003', counterId: 1, calledAt: iso(now - 5_000) },
      { number: 'D002', counterId: 2, calledAt: iso(now - 15_000) },
      { number: 'D001', counterId: 1, calledAt: iso(now - 600_000) },
    ]);
    const r = displayCatchUp({ kind: 'snapshot', latestOffset: 900, snapshot: snap }, [{ number: 'D002', counterId: 2, calledAt: iso(now - 15_000) }], now);
    expect(r.snapshot).toBe(snap);
    expect(r.calls.map((x) => x.number)).toEqual(['D001', 'D002', 'D003']);
    expect(r.speak.map((x) => x.number)).toEqual(['D003']);
    // A staff snapshot is never for the display.
    expect(displayCatchUp({ kind: 'snapshot', latestOffset: 1, snapshot: staff(1) }, [], now)).toEqual({ snapshot: null, calls: [], speak: [] });
  });

  it('judges age by the hub clock (skew from the last snapshot)', () => {
    const hubAt = T0;
    const localAt = T0 - 90_000; // this screen's clock is 90 s behind the hub
    const skew = clockSkew(iso(hubAt), localAt);
    expect(skew).toBe(90_000);
    const c = events(0, [called(1, 'E001', 1, hubAt - 10_000)]);
    expect(displayCatchUp(c, [], localAt + skew).speak).toHaveLength(1);
    // A display 90 s ahead of the hub, uncorrected, would take the call for 100 s old:
    expect(displayCatchUp(c, [], hubAt + 90_000).speak).toHaveLength(0);
    expect(clockSkew('not a time', 5)).toBe(0);
  });
});

describe('the socket: the offset sent on reconnect', () => {
  it('sends no offset before anything carrying one arrived, then the highest seen', () => {
    const t = createOffsetTracker();
    const emitter = new EventEmitter();
    watchOffsets(emitter as never, t);
    const sent: unknown[] = [];
    const auth = t.auth('tok');
    auth((d) => sent.push(d));
    expect(t.sentOffset).toBeNull();

    emitter.emit('queue:changed', pub(7));
    emitter.emit('ticket:called', { number: 'A001', counterId: 1, calledAt: iso(T0), offset: 9 });
    emitter.emit('queue:changed', pub(8)); // an older snapshot arriving late does not lower it
    auth((d) => sent.push(d));
    expect(t.sentOffset).toBe(9);

    emitter.emit('events:catch-up', events(9, [called(12, 'A002', 1, T0)], 14));
    auth((d) => sent.push(d));
    emitter.emit('events:catch-up', { kind: 'snapshot', latestOffset: 20, snapshot: pub(21) });
    t.see(-1);
    t.see(2.5);
    t.see(undefined);
    auth((d) => sent.push(d));
    // Every handshake also says the screen applies queue deltas.
    const q = { token: 'tok', queueDelta: true };
    expect(sent).toEqual([q, { ...q, offset: 9 }, { ...q, offset: 14 }, { ...q, offset: 21 }]);
  });
});
