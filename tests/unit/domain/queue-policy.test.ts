import { describe, expect, it } from 'vitest';
import { BranchRulesSchema, DEFAULT_BRANCH_RULES } from '@domain/branch-config';
import { classFor } from '@domain/queue';
import {
  DEFAULT_QUEUE_POLICY,
  QueuePolicySchema,
  effectiveWeight,
  isNear,
  orderByPolicy,
  originalArrival,
  pickNext,
  placedAt,
  priorityStreak,
  recallOutcome,
  typicalServiceMinutes,
  type Candidate,
  type QueuePolicy,
} from '@domain/queue-policy';
import { eventFor } from '@domain/queue-events';
import type { TicketClass } from '@domain/queue';

const MIN = 60_000;
let seq = 0;
const c = (ticketClass: TicketClass, queuedAt: number, counterWeight = 1, id?: string): Candidate => {
  seq++;
  return { id: id ?? `${ticketClass}@${queuedAt}#${seq}`, ticketClass, queuedAt, seq, counterWeight };
};
const policy = (p: Partial<QueuePolicy>): QueuePolicy => ({ ...DEFAULT_QUEUE_POLICY, ...p });
const strict = policy({ kind: 'strict' });
const aging = policy({ kind: 'aging', agingPerMinute: 1 });
const interleave = policy({ kind: 'interleave', interleaveEvery: 2 });

/** Calls everyone with `pickNext`, feeding back the counter's own recent calls (for interleave). */
function serveAll(queue: Candidate[], p: QueuePolicy, now: number): string[] {
  const left = [...queue];
  const recent: TicketClass[] = [];
  const out: string[] = [];
  while (left.length) {
    const next = pickNext(left, p, { now, recentClasses: recent })!;
    out.push(next.id);
    recent.unshift(next.ticketClass);
    left.splice(left.indexOf(next), 1);
  }
  return out;
}

describe('ticket classes', () => {
  it('priority by law is a class of its own, below VIP and green', () => {
    expect(classFor('standard', false, 'elderly')).toBe('priority');
    expect(classFor('standard', false, 'pregnant')).toBe('priority');
    expect(classFor('standard', true, 'disabled')).toBe('vip');
    expect(classFor('green_channel', false, 'elderly')).toBe('green');
    expect(classFor('standard', false, null)).toBe('normal');
  });
});

describe('branch config: queue.policy', () => {
  it('has defaults, so stored rules written before the policy existed still load', () => {
    const { queue, ...rest } = DEFAULT_BRANCH_RULES;
    const parsed = BranchRulesSchema.parse({ ...rest, queue: { defaultServiceMinutes: queue.defaultServiceMinutes } });
    expect(parsed.queue.policy).toEqual(DEFAULT_QUEUE_POLICY);
    expect(parsed.queue.maxRecalls).toBe(2);
    expect(parsed.queue.near).toEqual({ position: 3, minutes: 5 });
  });
  it('validates the policy', () => {
    expect(QueuePolicySchema.parse({ kind: 'aging' })).toMatchObject({ kind: 'aging', agingPerMinute: 1 });
    expect(QueuePolicySchema.safeParse({ kind: 'random' }).success).toBe(false);
    expect(QueuePolicySchema.safeParse({ interleaveEvery: 0 }).success).toBe(false);
    expect(QueuePolicySchema.safeParse({ agingPerMinute: -1 }).success).toBe(false);
  });
});

describe('strict policy', () => {
  it('green pre-empts, then vip, priority, normal; first come first served within a class', () => {
    const q = [c('normal', 1, 1, 'N1'), c('priority', 5, 1, 'P1'), c('vip', 9, 1, 'V1'), c('green', 20, 1, 'G1'), c('normal', 2, 1, 'N2'), c('priority', 3, 1, 'P0')];
    expect(serveAll(q, strict, 100)).toEqual(['G1', 'V1', 'P0', 'P1', 'N1', 'N2']);
  });

  it('never lets a long wait change the order (that is what aging is for)', () => {
    const q = [c('normal', 0, 1, 'old'), c('priority', 60 * MIN, 1, 'new')];
    expect(pickNext(q, strict, { now: 61 * MIN, recentClasses: [] })!.id).toBe('new');
  });

  it('counter profile: a heavier service at this counter is served first, class weights add on', () => {
    // VIP counter: V weight 10, A weight 1. A normal V ticket beats a normal A ticket that came earlier.
    const q = [c('normal', 1, 1, 'A-normal'), c('normal', 5, 10, 'V-normal'), c('priority', 2, 1, 'A-priority')];
    // weights: A-normal 0+1, V-normal 0+10, A-priority 10+1 -> A-priority (11), V-normal (10), A-normal (1)
    expect(serveAll(q, strict, 10)).toEqual(['A-priority', 'V-normal', 'A-normal']);
  });

  it('green pre-empts whatever the counter weight', () => {
    const q = [c('vip', 1, 50, 'heavy-vip'), c('green', 9, 0, 'green')];
    expect(pickNext(q, strict, { now: 10, recentClasses: [] })!.id).toBe('green');
  });

  it('breaks same-millisecond ties by issue order', () => {
    const q = [c('normal', 5, 1, 'second'), c('normal', 5, 1, 'third')];
    q.unshift({ id: 'first', ticketClass: 'normal', queuedAt: 5, seq: 0, counterWeight: 1 });
    expect(serveAll(q.reverse(), strict, 10)).toEqual(['first', 'second', 'third']);
  });
});

describe('aging policy', () => {
  it('effective weight grows with the wait', () => {
    const t = c('normal', 0);
    expect(effectiveWeight(t, aging, 0)).toBe(1);
    expect(effectiveWeight(t, aging, 10 * MIN)).toBe(11);
    expect(effectiveWeight(t, strict, 10 * MIN)).toBe(1);
    expect(effectiveWeight(c('green', 0), aging, 0)).toBe(Number.POSITIVE_INFINITY);
  });

  it('a normal ticket that waited longer than the class gap overtakes a fresh priority ticket: nobody starves', () => {
    const now = 30 * MIN;
    const q = [c('normal', 0, 1, 'waited-30'), c('priority', now - 5 * MIN, 1, 'waited-5')];
    // normal: 0 + 1 + 30 = 31; priority: 10 + 1 + 5 = 16
    expect(pickNext(q, aging, { now, recentClasses: [] })!.id).toBe('waited-30');
    // but a normal ticket that waited only 3 minutes more stays behind: 0+1+8 = 9 < 16
    const q2 = [c('normal', now - 8 * MIN, 1, 'waited-8'), c('priority', now - 5 * MIN, 1, 'waited-5')];
    expect(pickNext(q2, aging, { now, recentClasses: [] })!.id).toBe('waited-5');
  });

  it('a stream of priority arrivals cannot keep a normal ticket waiting forever', () => {
    // One priority ticket arrives every minute and the counter serves one per minute.
    const normal = c('normal', 0, 1, 'normal');
    let waiting: Candidate[] = [normal];
    let servedAt = -1;
    for (let minute = 1; minute <= 60 && servedAt < 0; minute++) {
      waiting.push(c('priority', minute * MIN, 1, `p${minute}`));
      const next = pickNext(waiting, aging, { now: minute * MIN, recentClasses: [] })!;
      if (next.id === 'normal') servedAt = minute;
      waiting = waiting.filter((w) => w !== next);
    }
    expect(servedAt).toBeGreaterThan(0);
    expect(servedAt).toBeLessThanOrEqual(11);
    // Under strict it would never be called while priority tickets keep coming.
    let w2: Candidate[] = [normal];
    for (let minute = 1; minute <= 60; minute++) {
      w2.push(c('priority', minute * MIN, 1));
      const next = pickNext(w2, strict, { now: minute * MIN, recentClasses: [] })!;
      expect(next.id).not.toBe('normal');
      w2 = w2.filter((w) => w !== next);
    }
  });

  it('keeps first come first served within equal base weight', () => {
    const q = [c('normal', 3 * MIN, 1, 'c'), c('normal', 1 * MIN, 1, 'a'), c('normal', 2 * MIN, 1, 'b')];
    expect(orderByPolicy(q, aging, 10 * MIN).map((x) => x.id)).toEqual(['a', 'b', 'c']);
  });
});

describe('interleave policy', () => {
  it('after N priority calls in a row, one normal', () => {
    const q = [
      c('normal', 1, 1, 'N1'),
      c('normal', 2, 1, 'N2'),
      c('priority', 3, 1, 'P1'),
      c('priority', 4, 1, 'P2'),
      c('vip', 5, 1, 'V1'),
      c('priority', 6, 1, 'P3'),
      c('priority', 7, 1, 'P4'),
    ];
    expect(serveAll(q, interleave, 100)).toEqual(['V1', 'P1', 'N1', 'P2', 'P3', 'N2', 'P4']);
  });

  it('green still pre-empts and does not count toward the streak', () => {
    expect(priorityStreak(['priority', 'green', 'vip', 'normal', 'priority'])).toBe(2);
    const q = [c('green', 9, 1, 'G'), c('normal', 1, 1, 'N'), c('priority', 2, 1, 'P')];
    expect(pickNext(q, interleave, { now: 10, recentClasses: ['priority', 'priority'] })!.id).toBe('G');
    expect(pickNext(q.slice(1), interleave, { now: 10, recentClasses: ['green', 'priority', 'priority'] })!.id).toBe('N');
  });

  it('with nobody normal waiting, priority calls go on', () => {
    const q = [c('priority', 1, 1, 'P1'), c('vip', 2, 1, 'V1')];
    expect(pickNext(q, interleave, { now: 10, recentClasses: ['vip', 'priority', 'vip'] })!.id).toBe('V1');
  });

  it('is strict until the streak is reached', () => {
    const q = [c('normal', 1, 1, 'N'), c('priority', 2, 1, 'P')];
    expect(pickNext(q, interleave, { now: 10, recentClasses: ['priority', 'normal'] })!.id).toBe('P');
    expect(pickNext([], interleave, { now: 10, recentClasses: [] })).toBeNull();
  });
});

describe('transfers, recalls, estimate and the near notice', () => {
  it('places a transferred ticket first, last or by original arrival', () => {
    expect(placedAt('last', { now: 100, arrivedAt: 10, earliestWaiting: 50 })).toBe(100);
    expect(placedAt('original', { now: 100, arrivedAt: 10, earliestWaiting: 50 })).toBe(10);
    expect(placedAt('first', { now: 100, arrivedAt: 70, earliestWaiting: 50 })).toBe(49);
    expect(placedAt('first', { now: 100, arrivedAt: 10, earliestWaiting: 50 })).toBe(10);
    expect(placedAt('first', { now: 100, arrivedAt: 70, earliestWaiting: null })).toBe(70);
  });

  it("by original arrival: a walk-in's issue time, an on-time appointment's booked time", () => {
    expect(originalArrival({ issuedAt: 40, onTimeBookedAt: null })).toBe(40);
    // Checked in early (issued 40) or a little late (issued 80) for a booking at 60: queued at 60 either way.
    expect(originalArrival({ issuedAt: 40, onTimeBookedAt: 60 })).toBe(60);
    expect(originalArrival({ issuedAt: 80, onTimeBookedAt: 60 })).toBe(60);
    expect(placedAt('original', { now: 100, arrivedAt: originalArrival({ issuedAt: 40, onTimeBookedAt: 60 }), earliestWaiting: 50 })).toBe(60);
  });

  it('recalls until the limit, then no-show', () => {
    expect(recallOutcome(0, 2)).toBe('recall');
    expect(recallOutcome(1, 2)).toBe('recall');
    expect(recallOutcome(2, 2)).toBe('no_show');
    expect(recallOutcome(0, 0)).toBe('no_show');
  });

  it('typical service minutes: the median of recent visits, the default until enough are known', () => {
    expect(typicalServiceMinutes([], 6)).toBe(6);
    expect(typicalServiceMinutes([4 * MIN, 5 * MIN], 6)).toBe(6);
    expect(typicalServiceMinutes([4 * MIN, 5 * MIN, 60 * MIN], 6)).toBe(5);
    expect(typicalServiceMinutes([2 * MIN, 4 * MIN, 6 * MIN, 100 * MIN], 6)).toBe(5);
    expect(typicalServiceMinutes([0, -5, Number.NaN, 3 * MIN], 6)).toBe(6);
  });

  it('near: position <= N or estimate <= M, only while waiting', () => {
    const n = { position: 3, minutes: 5 };
    expect(isNear(1, 0, n)).toBe(true);
    expect(isNear(3, 30, n)).toBe(true);
    expect(isNear(4, 6, n)).toBe(false);
    expect(isNear(10, 5, n)).toBe(true);
    expect(isNear(0, 0, n)).toBe(false);
  });
});

describe('event audience on replay', () => {
  const called = { ticketId: 't-1', number: 'A001', counterId: 2, calledAt: '2026-01-01T00:00:00.000Z' };
  it('displays get calls with number, counter and time only', () => {
    expect(eventFor('ticket.called', called, 'public')).toEqual({ number: 'A001', counterId: 2, calledAt: '2026-01-01T00:00:00.000Z' });
    expect(eventFor('ticket.recalled', { ...called, recall: 1 }, 'public')).not.toHaveProperty('ticketId');
    expect(eventFor('ticket.issued', { ticketId: 't', number: 'A002' }, 'public')).toBeNull();
    expect(eventFor('counter.state', { counterId: 1, state: 'paused' }, 'public')).toBeNull();
  });
  it('staff get queue events, managers everything; unknown types are for managers only', () => {
    expect(eventFor('ticket.issued', { ticketId: 't' }, 'staff')).toEqual({ ticketId: 't' });
    expect(eventFor('ticket.green_channel', { reason: 'x' }, 'staff')).toBeNull();
    expect(eventFor('ticket.green_channel', { reason: 'x' }, 'managers')).toEqual({ reason: 'x' });
    expect(eventFor('offer.something_new', { customer: 'C1' }, 'staff')).toBeNull();
    expect(eventFor('offer.something_new', { customer: 'C1' }, 'managers')).toEqual({ customer: 'C1' });
  });
});
