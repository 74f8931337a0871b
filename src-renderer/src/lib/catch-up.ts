/**
 * What a screen does with the hub's `events:catch-up` after a reconnect (pure functions,
 * tests/unit/screens/catch-up.test.ts).
 *
 * Staff screens (manager, teller) hold the staff snapshot, whose waiting list and estimates cannot
 * be rebuilt exactly from the replayed events: a snapshot in the catch-up replaces theirs; replayed
 * events mean one fresh snapshot is asked for; nothing missed means nothing to do.
 *
 * The lobby display folds the replayed calls (`ticket.called`, `ticket.recalled`, `ticket.resumed`:
 * number, counter, time) into its last-calls list. It speaks a call learned this way only when the
 * call is not on screen already and was made at most SPEAK_MAX_AGE_MS (60 s) ago by the hub's clock:
 * after a short drop the customer still hears their number; a call from minutes ago is shown, not
 * announced (the customer has very likely gone to the counter, and a burst of stale announcements
 * would drown the live ones). Each number is spoken once, the latest call of it, oldest first.
 */
import type { CatchUp, PublicQueueSnapshot, QueueSnapshot, ReplayedEvent } from '@domain/contracts';

/** A replayed call younger than this (hub clock) is announced; older ones are only shown. */
export const SPEAK_MAX_AGE_MS = 60_000;

/** Event types that put a number on the display. */
export const CALL_EVENTS: readonly string[] = ['ticket.called', 'ticket.recalled', 'ticket.resumed'];

export interface PublicCall {
  number: string;
  counterId: number;
  calledAt: string;
}

export type StaffCatchUpPlan = { kind: 'apply'; snapshot: QueueSnapshot } | { kind: 'refresh' } | { kind: 'none' };

/** Staff screens: apply the snapshot sent, ask for one when events were missed, or do nothing. */
export function planStaffCatchUp(current: QueueSnapshot | null, c: CatchUp): StaffCatchUpPlan {
  if (c.kind === 'snapshot') {
    if (c.snapshot.audience !== 'staff') return { kind: 'refresh' };
    if (current && c.snapshot.offset < current.offset) return { kind: 'none' };
    return { kind: 'apply', snapshot: c.snapshot };
  }
  // Compared with the snapshot held, not the offset sent: the socket may have seen a call after
  // the last snapshot it applied.
  if (current && c.latestOffset <= current.offset) return { kind: 'none' };
  return { kind: 'refresh' };
}

/** A replayed event as a display call, or null (another type, or a payload not shaped like a call). */
export function callOfEvent(e: ReplayedEvent): (PublicCall & { offset: number }) | null {
  if (!CALL_EVENTS.includes(e.type)) return null;
  const { number, counterId, calledAt } = e.data;
  if (typeof number !== 'string' || typeof counterId !== 'number' || typeof calledAt !== 'string' || Number.isNaN(Date.parse(calledAt))) return null;
  return { number, counterId, calledAt, offset: e.offset };
}

export const callKey = (c: PublicCall) => `${c.number}|${c.counterId}|${c.calledAt}`;

export interface DisplayCatchUp {
  /** A fresh public snapshot to apply (the hub sent one instead of events). */
  snapshot: PublicQueueSnapshot | null;
  /** Calls to add to the last-calls list, oldest first, with their offsets. */
  calls: (PublicCall & { offset: number })[];
  /** Calls to announce, oldest first. */
  speak: PublicCall[];
}

/**
 * The display's part of a catch-up. `onScreen`: calls the display shows now (not spoken again);
 * `hubNow`: the hub's time now (the display's clock corrected by the last snapshot's `at`).
 */
export function displayCatchUp(
  c: CatchUp,
  onScreen: readonly PublicCall[],
  hubNow: number,
  maxAgeMs: number = SPEAK_MAX_AGE_MS,
): DisplayCatchUp {
  let snapshot: PublicQueueSnapshot | null = null;
  let calls: (PublicCall & { offset: number })[];
  if (c.kind === 'snapshot') {
    if (c.snapshot.audience !== 'public') return { snapshot: null, calls: [], speak: [] };
    snapshot = c.snapshot;
    const offset = c.snapshot.offset;
    calls = c.snapshot.recentCalls.map((r) => ({ number: r.number, counterId: r.counterId, calledAt: r.calledAt, offset }));
  } else {
    calls = c.events.map(callOfEvent).filter((x): x is PublicCall & { offset: number } => x !== null);
  }
  calls.sort((a, b) => Date.parse(a.calledAt) - Date.parse(b.calledAt) || a.offset - b.offset);

  const known = new Set(onScreen.map(callKey));
  const latestPerNumber = new Map<string, PublicCall & { offset: number }>();
  for (const call of calls) latestPerNumber.set(call.number, call); // sorted: the last one wins
  const speak = [...latestPerNumber.values()]
    .filter((call) => !known.has(callKey(call)))
    .filter((call) => {
      const age = hubNow - Date.parse(call.calledAt);
      return age <= maxAgeMs;
    })
    .sort((a, b) => Date.parse(a.calledAt) - Date.parse(b.calledAt))
    .map(({ number, counterId, calledAt }) => ({ number, counterId, calledAt }));
  return { snapshot, calls, speak };
}

/** The hub's clock relative to this screen's, from a snapshot's `at` when it arrived (ms to add). */
export function clockSkew(snapshotAt: string, receivedAt: number): number {
  const at = Date.parse(snapshotAt);
  return Number.isNaN(at) ? 0 : at - receivedAt;
}
