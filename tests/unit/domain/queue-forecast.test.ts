import { describe, expect, it } from 'vitest';
import {
  counterFreeAt,
  forecastMinutes,
  forecastQueue,
  heaviestWeight,
  type ForecastCounter,
  type ForecastTicket,
  type TicketForecast,
} from '@domain/queue-forecast';
import { DEFAULT_QUEUE_POLICY, pickNext, type Candidate, type QueuePolicy } from '@domain/queue-policy';
import type { TicketClass } from '@domain/queue';

const MIN = 60_000;
const NOW = Date.UTC(2026, 2, 2, 2, 0); // 10:00 in Shanghai
const at = (minutes: number) => NOW + minutes * MIN;

let seq = 0;
/** A waiting ticket that joined `ago` minutes before now. */
const tk = (id: string, serviceCode: string, ticketClass: TicketClass = 'normal', ago = 0, targetCounterId: number | null = null): ForecastTicket => ({
  id,
  serviceCode,
  ticketClass,
  queuedAt: at(-ago),
  seq: ++seq,
  targetCounterId,
});
const counter = (
  id: number,
  weights: Record<string, number>,
  o: { state?: ForecastCounter['state']; freeIn?: number; recent?: TicketClass[] } = {},
): ForecastCounter => ({ id, state: o.state ?? 'open', weights, freeAt: at(o.freeIn ?? 0), recentClasses: o.recent ?? [] });

const policy = (p: Partial<QueuePolicy> = {}): QueuePolicy => ({ ...DEFAULT_QUEUE_POLICY, ...p });

/** ticket id -> [minutes from now until called, counter], or null (unknown). */
function run(
  waiting: ForecastTicket[],
  counters: ForecastCounter[],
  serviceMinutes: Record<string, number>,
  p: QueuePolicy = policy(),
): Record<string, [number, number] | null> {
  const calls = forecastQueue({ now: NOW, policy: p, waiting, counters, serviceMinutes, defaultServiceMinutes: 6 });
  return Object.fromEntries([...calls].map(([id, f]) => [id, f ? [(f.calledAt - NOW) / MIN, f.counterId] : null]));
}

/** Ticket ids in forecast call order. */
function order(result: Record<string, [number, number] | null>): string[] {
  return Object.entries(result)
    .filter((e): e is [string, [number, number]] => e[1] !== null)
    .sort((a, b) => a[1][0] - b[1][0] || a[1][1] - b[1][1])
    .map(([id]) => id);
}

describe('queue forecast: a hand-worked day (docs/QUEUE.md)', () => {
  it('agrees with the worked example exactly', () => {
    // Counter 1 serves A and B, counter 2 only B. A takes 4 minutes, B 10. Counter 1 is 2 minutes
    // from the end of its visit; counter 2 is idle. Strict policy, default weights.
    const waiting = [tk('A1', 'A', 'normal', 10), tk('B1', 'B', 'normal', 9), tk('A2', 'A', 'normal', 8), tk('B2', 'B', 'normal', 7), tk('A3', 'A', 'priority', 1)];
    const counters = [counter(1, { A: 1, B: 1 }, { freeIn: 2 }), counter(2, { B: 1 })];
    expect(run(waiting, counters, { A: 4, B: 10 })).toEqual({
      B1: [0, 2], // counter 2 is idle: B1 now, counter 2 busy until 10
      A3: [2, 1], // counter 1 frees at 2: priority 10+1 beats A1 and B2 (0+1); busy until 6
      A1: [6, 1], // equal weights: first come first served, A1 (10 min ago) before B2 (7); until 10
      A2: [10, 1], // at 10 both are free, counter 1 calls first: A2 (8 min ago) before B2 (7)
      B2: [10, 2], // counter 2 takes B2
    });
    // The replaced formula said B2: 1 ahead x 10 / 2 counters = 5 minutes; A2: 2 ahead x 4 / 1 = 8.
  });
});

describe('queue forecast: counter profiles', () => {
  it('a counter serving two services shares its time between them', () => {
    const waiting = [tk('A1', 'A', 'normal', 5), tk('B1', 'B', 'normal', 4), tk('A2', 'A', 'normal', 3)];
    // One counter for both: A2 waits for A1 and for the 10-minute B visit.
    expect(run(waiting, [counter(1, { A: 1, B: 1 })], { A: 4, B: 10 })).toEqual({ A1: [0, 1], B1: [4, 1], A2: [14, 1] });
    // A counter for each: the B visit does not hold A up.
    expect(run(waiting, [counter(1, { A: 1 }), counter(2, { B: 1 })], { A: 4, B: 10 })).toEqual({ A1: [0, 1], B1: [0, 2], A2: [4, 1] });
  });

  it('the VIP counter serves the VIP line first, then helps with the leftovers', () => {
    const waiting = [1, 2, 3, 4, 5].map((i) => tk(`A${i}`, 'A', 'normal', 20 - i)).concat([tk('V1', 'V', 'normal', 2), tk('V2', 'V', 'normal', 1)]);
    const counters = [counter(1, { A: 1 }), counter(4, { V: 10, A: 1 })];
    expect(run(waiting, counters, { A: 4, V: 4 })).toEqual({
      V1: [0, 4], // V weighs 10 at counter 4: before A2, who came 17 minutes earlier
      V2: [4, 4],
      A1: [0, 1],
      A2: [4, 1],
      A3: [8, 1], // at 8 both are free: counter 1 first
      A4: [8, 4], // the VIP line is empty: counter 4 takes the leftovers
      A5: [12, 1],
    });
  });

  it('a ticket transferred to one counter is called there only, with its heaviest weight', () => {
    const waiting = [tk('A1', 'A', 'normal', 9), tk('A2', 'A', 'normal', 8), tk('A3', 'A', 'normal', 7), tk('T', 'A', 'normal', 1, 2)];
    const counters = [counter(1, { A: 1 }), counter(2, { A: 1, B: 5 }, { freeIn: 2 })];
    expect(run(waiting, counters, { A: 4 })).toEqual({
      A1: [0, 1], // counter 1 is idle but may not call T
      T: [2, 2], // at counter 2, T weighs 5 (its heaviest) against A2's 1
      A2: [4, 1],
      A3: [6, 2],
    });
    // With counter 2 paused nobody may call T: unknown.
    const paused = run(waiting, [counters[0]!, { ...counters[1]!, state: 'paused' }], { A: 4 });
    expect(paused).toEqual({ A1: [0, 1], A2: [4, 1], A3: [8, 1], T: null });
  });

  it('a paused or closed counter contributes nothing; a service no open counter serves is unknown', () => {
    const waiting = [tk('A1', 'A', 'normal', 3), tk('A2', 'A', 'normal', 2), tk('A3', 'A', 'normal', 1), tk('B1', 'B', 'normal', 1)];
    const open = [counter(1, { A: 1 })];
    const alone = run(waiting, open, { A: 5 });
    expect(alone).toEqual({ A1: [0, 1], A2: [5, 1], A3: [10, 1], B1: null });
    for (const state of ['paused', 'closed'] as const) {
      expect(run(waiting, [...open, counter(2, { A: 1, B: 1 }, { state })], { A: 5 })).toEqual(alone);
    }
    // Open, counter 2 halves the A wait and serves B.
    expect(run(waiting, [...open, counter(2, { A: 1, B: 1 })], { A: 5, B: 5 })).toEqual({ A1: [0, 1], A2: [0, 2], A3: [5, 1], B1: [5, 2] });
  });
});

describe('queue forecast: the policy', () => {
  it('the green channel pre-empts, then VIP, then priority by law', () => {
    const waiting = [tk('P1', 'A', 'priority', 10), tk('V1', 'A', 'vip', 9), tk('N1', 'A', 'normal', 20), tk('G1', 'A', 'green', 1)];
    expect(run(waiting, [counter(1, { A: 1 }, { freeIn: 3 })], { A: 5 })).toEqual({ G1: [3, 1], V1: [8, 1], P1: [13, 1], N1: [18, 1] });
  });

  it('interleave: after N priority calls in a row at a counter, one normal — counting the calls already made today', () => {
    const p = policy({ kind: 'interleave', interleaveEvery: 2 });
    const waiting = () => [
      tk('N1', 'A', 'normal', 10),
      tk('N2', 'A', 'normal', 9),
      tk('P1', 'A', 'priority', 8),
      tk('P2', 'A', 'priority', 7),
      tk('P3', 'A', 'priority', 6),
      tk('P4', 'A', 'priority', 5),
      tk('V1', 'A', 'vip', 4),
    ];
    // docs/QUEUE.md: V1, P1, N1, P2, P3, N2, P4.
    const fresh = run(waiting(), [counter(1, { A: 1 })], { A: 1 }, p);
    expect(order(fresh)).toEqual(['V1', 'P1', 'N1', 'P2', 'P3', 'N2', 'P4']);
    expect(fresh.N1).toEqual([2, 1]);
    // The counter's last two calls today were priority: the streak is full, a normal ticket goes first.
    const streak = run(waiting(), [counter(1, { A: 1 }, { recent: ['priority', 'vip', 'normal', 'priority'] })], { A: 1 }, p);
    expect(order(streak)).toEqual(['N1', 'V1', 'P1', 'N2', 'P2', 'P3', 'P4']);
    // Under strict the normal tickets wait for every priority one.
    expect(order(run(waiting(), [counter(1, { A: 1 })], { A: 1 }))).toEqual(['V1', 'P1', 'P2', 'P3', 'P4', 'N1', 'N2']);
  });

  it('interleave streaks are per counter', () => {
    const p = policy({ kind: 'interleave', interleaveEvery: 1 });
    const waiting = [tk('N1', 'A', 'normal', 10), tk('N2', 'A', 'normal', 9), tk('P1', 'A', 'priority', 2), tk('P2', 'A', 'priority', 1)];
    // Counter 1 just called a priority customer, counter 2 a normal one: at 0 counter 1 owes a normal
    // call (N1), counter 2 does not (P1). At 5 it is the other way round: counter 1 takes P2, counter 2 N2.
    const result = run(waiting, [counter(1, { A: 1 }, { recent: ['priority'] }), counter(2, { A: 1 }, { recent: ['normal'] })], { A: 5 }, p);
    expect(result).toEqual({ N1: [0, 1], P1: [0, 2], P2: [5, 1], N2: [5, 2] });
  });

  it('aging: a normal customer who has waited long enough goes before a newer priority customer', () => {
    const waiting = [tk('N1', 'A', 'normal', 15), tk('P1', 'A', 'priority', 1)];
    const c = [counter(1, { A: 1 })];
    expect(order(run(waiting, c, { A: 5 }, policy({ kind: 'aging', agingPerMinute: 1 })))).toEqual(['N1', 'P1']); // 1+15 > 10+1+1
    expect(order(run(waiting, c, { A: 5 }))).toEqual(['P1', 'N1']);
  });

  it('aging is weighed at the forecast call time (a ticket placed at a future time ages from then)', () => {
    // F was placed 10 minutes ahead (e.g. by a booked time): it has not aged at all until then.
    const waiting = [tk('N1', 'A', 'normal', 5), { ...tk('F', 'A', 'priority'), queuedAt: at(10) }, tk('N2', 'A', 'normal', 4)];
    const p = policy({ kind: 'aging', agingPerMinute: 1, classWeights: { normal: 0, priority: 8, vip: 20 } });
    // At 0: F = 8+1 = 9 beats N1 = 1+5. At 20 (the counter is busy until then): N2 = 1+24 = 25 beats F = 9+10.
    expect(order(run(waiting, [counter(1, { A: 1 })], { A: 20 }, p))).toEqual(['F', 'N1', 'N2']);
    const late = run(waiting, [counter(1, { A: 1 }, { freeIn: 20 })], { A: 20 }, p);
    expect(order(late)).toEqual(['N1', 'N2', 'F']);
  });
});

describe('queue forecast: helpers', () => {
  it('counterFreeAt: now when idle, the expected end of the visit, never before now', () => {
    expect(counterFreeAt(NOW, null)).toBe(NOW);
    expect(counterFreeAt(NOW, { calledAt: at(-3), serviceMinutes: 5 })).toBe(at(2));
    expect(counterFreeAt(NOW, { calledAt: at(-10), serviceMinutes: 5 })).toBe(NOW);
  });

  it('forecastMinutes rounds to the nearest minute, never below 0; unknown stays null', () => {
    const f = (minutes: number): TicketForecast => ({ calledAt: at(minutes), counterId: 1, order: 1 });
    expect(forecastMinutes(f(2.4), NOW)).toBe(2);
    expect(forecastMinutes(f(2.5), NOW)).toBe(3);
    expect(forecastMinutes(f(0), NOW)).toBe(0);
    expect(forecastMinutes(f(-1), NOW)).toBe(0);
    expect(forecastMinutes(null, NOW)).toBeNull();
    expect(forecastMinutes(undefined, NOW)).toBeNull();
  });

  it('heaviestWeight is the counter profile maximum, 1 for an empty profile', () => {
    expect(heaviestWeight({ V: 10, A: 1 })).toBe(10);
    expect(heaviestWeight({})).toBe(1);
  });

  it('an empty queue or no counters', () => {
    expect(forecastQueue({ now: NOW, policy: policy(), waiting: [], counters: [counter(1, { A: 1 })], serviceMinutes: {}, defaultServiceMinutes: 6 }).size).toBe(0);
    expect(run([tk('A1', 'A')], [], {})).toEqual({ A1: null });
  });

  it('the order of the input does not matter: long and short lines, shuffled or first come first served', () => {
    // 400 tickets of one service and class (a line longer than the insertion-sort cut-off) and a few
    // short lines, with many ties in queued time broken by issue order.
    const waiting: ForecastTicket[] = [];
    for (let i = 0; i < 400; i++) waiting.push(tk(`A${i}`, 'A', 'normal', 60 - Math.floor(i / 7)));
    for (let i = 0; i < 30; i++) waiting.push(tk(`B${i}`, 'B', i % 3 ? 'priority' : 'vip', 40 - i, i % 10 === 0 ? 2 : null));
    const counters = [counter(1, { A: 1, B: 2 }), counter(2, { A: 3 }, { freeIn: 3 })];
    const args = { now: NOW, policy: policy({ kind: 'interleave' as const }), counters, serviceMinutes: { A: 0.5, B: 1 }, defaultServiceMinutes: 6 };
    const inOrder = new Map(forecastQueue({ ...args, waiting }));
    let x = 7;
    const shuffled = [...waiting].sort(() => ((x = (x * 48271) % 2147483647) % 3) - 1);
    const reversed = [...waiting].reverse();
    expect(new Map(forecastQueue({ ...args, waiting: shuffled }))).toEqual(inOrder);
    expect(new Map(forecastQueue({ ...args, waiting: reversed }))).toEqual(inOrder);
    // Every ticket is forecast, and the places are 1..n without a gap.
    const places = [...inOrder.values()].map((f) => f!.order).sort((a, b) => a - b);
    expect(places).toEqual(Array.from({ length: waiting.length }, (_, i) => i + 1));
  });

  it('reads back by position, by id and in input order', () => {
    const waiting = [tk('A1', 'A', 'normal', 2), tk('X1', 'X'), tk('A2', 'A', 'normal', 1)];
    const f = forecastQueue({ now: NOW, policy: policy(), waiting, counters: [counter(1, { A: 1 })], serviceMinutes: { A: 5 }, defaultServiceMinutes: 6 });
    expect(f.size).toBe(3);
    expect(f.at(0)).toEqual({ calledAt: NOW, counterId: 1, order: 1 });
    expect(f.at(1)).toBeNull();
    expect(f.get('A2')).toEqual({ calledAt: at(5), counterId: 1, order: 2 });
    expect(f.get('nope')).toBeUndefined();
    expect([...f.entries()].map(([id]) => id)).toEqual(['A1', 'X1', 'A2']);
  });

  it('a service without typical minutes takes the default', () => {
    expect(run([tk('A1', 'A', 'normal', 2), tk('A2', 'A', 'normal', 1)], [counter(1, { A: 1 })], {})).toEqual({ A1: [0, 1], A2: [6, 1] });
  });
});

// ------------------------------------------------------------------ agreement with the engine

/**
 * The forecast compares only the heads of the lines a counter serves. The reference below lets the
 * real `pickNext` choose among ALL eligible waiting tickets at every call, as call-next would: both
 * must give the same call (time and counter) for every ticket, under every policy.
 */
function reference(waiting: ForecastTicket[], counters: ForecastCounter[], minutes: Record<string, number>, p: QueuePolicy): Map<string, TicketForecast | null> {
  const out = new Map<string, TicketForecast | null>(waiting.map((t) => [t.id, null]));
  const left = new Set(waiting);
  let order = 0;
  const live = counters
    .filter((c) => c.state === 'open')
    .map((c) => ({ c, freeAt: Math.max(NOW, c.freeAt), recent: [...c.recentClasses], done: false }));
  for (;;) {
    const active = live.filter((s) => !s.done).sort((a, b) => a.freeAt - b.freeAt || a.c.id - b.c.id);
    const s = active[0];
    if (!s) return out;
    const eligible: (Candidate & { t: ForecastTicket })[] = [];
    for (const t of left) {
      if (t.targetCounterId === s.c.id) eligible.push({ ...t, counterWeight: heaviestWeight(s.c.weights), t });
      else if (t.targetCounterId === null && s.c.weights[t.serviceCode] !== undefined) eligible.push({ ...t, counterWeight: s.c.weights[t.serviceCode]!, t });
    }
    const chosen = pickNext(eligible, p, { now: s.freeAt, recentClasses: s.recent });
    if (!chosen) {
      s.done = true;
      continue;
    }
    left.delete(chosen.t);
    out.set(chosen.id, { calledAt: s.freeAt, counterId: s.c.id, order: ++order });
    s.freeAt += (minutes[chosen.t.serviceCode] ?? 6) * MIN;
    s.recent.unshift(chosen.ticketClass);
  }
}

/** Seeded LCG: the same random branches every run. */
function lcg(seed: number) {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

describe('queue forecast: agreement with pickNext over every waiting ticket', () => {
  const policies: QueuePolicy[] = [
    policy({ kind: 'strict' }),
    policy({ kind: 'aging', agingPerMinute: 0.7 }),
    policy({ kind: 'interleave', interleaveEvery: 2 }),
    policy({ kind: 'interleave', interleaveEvery: 1, classWeights: { normal: 0, priority: 3, vip: 5 } }),
  ];
  const classes: TicketClass[] = ['normal', 'normal', 'normal', 'normal', 'priority', 'vip', 'green'];
  const services = ['A', 'B', 'C', 'D', 'V'];

  it('gives the same call for every ticket on 200 random branches', () => {
    const rand = lcg(20260302);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
    for (let round = 0; round < 200; round++) {
      const counters: ForecastCounter[] = [];
      const nCounters = 1 + Math.floor(rand() * 5);
      for (let id = 1; id <= nCounters; id++) {
        const weights: Record<string, number> = {};
        for (const s of services) if (rand() < 0.5) weights[s] = 1 + Math.floor(rand() * 10);
        counters.push({
          id,
          state: rand() < 0.15 ? pick(['paused', 'closed'] as const) : 'open',
          weights,
          freeAt: at(rand() < 0.5 ? 0 : rand() * 8),
          recentClasses: Array.from({ length: Math.floor(rand() * 4) }, () => pick(classes)),
        });
      }
      const waiting: ForecastTicket[] = [];
      const n = Math.floor(rand() * 40);
      for (let i = 0; i < n; i++) {
        // Whole minutes: many ties in queued time, broken by issue order.
        const ago = Math.floor(rand() * 30) - (rand() < 0.05 ? 10 : 0);
        waiting.push(tk(`t${round}-${i}`, pick(services), pick(classes), ago, rand() < 0.1 ? 1 + Math.floor(rand() * nCounters) : null));
      }
      const minutes = Object.fromEntries(services.map((s) => [s, 0.5 + rand() * 10]));
      const p = pick(policies);
      const got = forecastQueue({ now: NOW, policy: p, waiting, counters, serviceMinutes: minutes, defaultServiceMinutes: 6 });
      expect(new Map(got), `round ${round} (${p.kind})`).toEqual(reference(waiting, counters, minutes, p));
    }
  });
});
