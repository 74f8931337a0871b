/**
 * The waiting-time forecast: when will each waiting ticket be called, and at which
 * counter? Pure. The hub passes the waiting tickets, the counters with their profiles (services
 * and weights) and when each becomes free, the typical service minutes per service and the branch
 * policy; the forecast plays the counters' future calls forward with the real `pickNext` of
 * queue-policy.ts — class and counter weights, green pre-emption, aging at the simulated time,
 * interleave streaks per counter, tickets transferred to one counter — until every ticket an open
 * counter serves has been called (or half a day is forecast). One run gives every ticket's estimate.
 *
 * What it does not know: customers who arrive later (a priority customer who comes in five minutes
 * can still overtake a normal one), and how long each visit will really take (each is assumed to
 * take its service's typical minutes). docs/QUEUE.md measures the resulting error.
 *
 * Cost: within one line (same service, class and target counter) the order is first come first
 * served under every policy (same class and counter weight; the older ticket has aged more), so a
 * counter only compares the heads of the lines it serves — at most services × 4 classes — per call,
 * and hands `pickNext` the best head of each class (the overall best and the best normal ticket,
 * all that interleave needs, are among them). 300 waiting tickets at 12 counters take well under a
 * millisecond (`npm run bench`); the unit tests check every call against `pickNext` over all tickets.
 */
import type { CounterState } from './contracts';
import type { TicketClass } from './queue';
import { comparePolicy, pickNext, type Candidate, type QueuePolicy } from './queue-policy';

const MIN = 60_000;
/** How far the forecast looks ahead by default: half a day. A ticket not called by then has no estimate. */
export const FORECAST_HORIZON_MINUTES = 12 * 60;

export interface ForecastTicket {
  id: string;
  serviceCode: string;
  ticketClass: TicketClass;
  /** Epoch ms the ticket joined its queue (issue time, or as placed by a transfer). */
  queuedAt: number;
  /** Issue order (the hub's rowid): breaks ties within the same millisecond. */
  seq: number;
  /** Transferred to this counter only; null when any counter serving the service may call it. */
  targetCounterId: number | null;
}

export interface ForecastCounter {
  id: number;
  /** Only open counters call; paused and closed counters contribute nothing. */
  state: CounterState;
  /** The counter profile: the services it serves, each with its weight. */
  weights: Readonly<Record<string, number>>;
  /** Epoch ms the counter can call its next ticket (see `counterFreeAt`); never before `now`. */
  freeAt: number;
  /** Classes of the counter's latest calls today, most recent first (the interleave streak). */
  recentClasses: readonly TicketClass[];
  /** Weight of tickets transferred to this counter; default its heaviest service weight (or 1). */
  targetWeight?: number;
}

export interface ForecastInput {
  now: number;
  policy: QueuePolicy;
  waiting: readonly ForecastTicket[];
  counters: readonly ForecastCounter[];
  /** Typical minutes of one visit per service (see `typicalServiceMinutes`). */
  serviceMinutes: Readonly<Record<string, number>>;
  /** For a service missing from `serviceMinutes`. */
  defaultServiceMinutes: number;
  /**
   * Calls later than this many minutes from now are not forecast (default FORECAST_HORIZON_MINUTES):
   * the cost stays bounded however long the queue, and such a ticket is unknown (null).
   */
  horizonMinutes?: number;
}

export interface TicketForecast {
  /** Epoch ms the ticket is expected to be called. */
  calledAt: number;
  counterId: number;
  /**
   * Place in the forecast's order of calls, 1 = the next call at any counter: the place in line the
   * kiosk, the paper ticket and the phone page show (people ahead = order - 1).
   */
  order: number;
}

/**
 * When a counter can call next: `now` when idle, else when the visit at it is expected to end
 * (called at + the typical minutes of its service), but never before `now` (a visit running
 * longer than typical may end any moment).
 */
export function counterFreeAt(now: number, busy: { calledAt: number; serviceMinutes: number } | null): number {
  if (!busy) return now;
  return Math.max(now, busy.calledAt + busy.serviceMinutes * MIN);
}

/** The heaviest weight of a counter profile, 1 for an empty one (as the hub's call-next). */
export function heaviestWeight(weights: Readonly<Record<string, number>>): number {
  const values = Object.values(weights);
  return values.length ? Math.max(...values) : 1;
}

/**
 * Whole minutes from `now` until the forecast call, rounded to the nearest minute (0 = about to be
 * called); null when no open counter serves the ticket (unknown).
 */
export function forecastMinutes(f: TicketForecast | null | undefined, now: number): number | null {
  if (!f) return null;
  return Math.max(0, Math.round((f.calledAt - now) / MIN));
}

interface Line {
  target: number | null;
  serviceCode: string;
  /** Typical minutes of one visit of the line's service. */
  minutes: number;
  tickets: ForecastTicket[];
  /** Index of the line's head (tickets before it are called in the forecast). */
  next: number;
}

interface Server {
  id: number;
  freeAt: number;
  /** One candidate per line the counter serves, kept in step with the line's head. */
  lines: Head[];
  recent: TicketClass[];
}

interface Head extends Candidate {
  line: Line;
  slot: number;
}

const CLASS_SLOT: Record<TicketClass, number> = { green: 0, vip: 1, priority: 2, normal: 3 };

const has = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/**
 * The streak-relevant prefix of a counter's recent calls: `priorityStreak` stops at the first
 * normal call, so nothing older matters.
 */
function relevantRecent(recent: readonly TicketClass[]): TicketClass[] {
  const i = recent.indexOf('normal');
  return i < 0 ? [...recent] : recent.slice(0, i + 1);
}

/**
 * Every waiting ticket's forecast call (time and counter), or null for a ticket no open counter
 * serves (its service has no open counter, or the counter it was transferred to is not open) or
 * one not called within the horizon. When two counters are free at the same moment, the lower
 * counter id calls first.
 */
export function forecastQueue(input: ForecastInput): Map<string, TicketForecast | null> {
  const { now, policy } = input;
  const out = new Map<string, TicketForecast | null>();

  const minutesOf = (code: string) => {
    const m = has(input.serviceMinutes, code) ? input.serviceMinutes[code]! : input.defaultServiceMinutes;
    return Number.isFinite(m) && m > 0 ? m : input.defaultServiceMinutes;
  };

  const lines = new Map<string, Line>();
  for (const t of input.waiting) {
    out.set(t.id, null);
    const key = `${t.targetCounterId ?? ''}|${t.serviceCode}|${t.ticketClass}`;
    let line = lines.get(key);
    if (!line) {
      line = { target: t.targetCounterId, serviceCode: t.serviceCode, minutes: minutesOf(t.serviceCode), tickets: [], next: 0 };
      lines.set(key, line);
    }
    line.tickets.push(t);
  }
  for (const line of lines.values()) line.tickets.sort((a, b) => a.queuedAt - b.queuedAt || a.seq - b.seq);

  const servers: Server[] = [];
  for (const c of input.counters) {
    if (c.state !== 'open') continue;
    const targetWeight = c.targetWeight ?? heaviestWeight(c.weights);
    const mine: Head[] = [];
    const head = (line: Line, counterWeight: number): Head => {
      const t = line.tickets[0]!;
      return { id: t.id, ticketClass: t.ticketClass, queuedAt: t.queuedAt, seq: t.seq, counterWeight, line, slot: CLASS_SLOT[t.ticketClass] };
    };
    for (const line of lines.values()) {
      if (line.target === null) {
        if (has(c.weights, line.serviceCode)) mine.push(head(line, c.weights[line.serviceCode]!));
      } else if (line.target === c.id) {
        mine.push(head(line, targetWeight));
      }
    }
    if (mine.length) servers.push({ id: c.id, freeAt: Math.max(now, c.freeAt), lines: mine, recent: relevantRecent(c.recentClasses) });
  }

  const until = now + (input.horizonMinutes ?? FORECAST_HORIZON_MINUTES) * MIN;
  let order = 0;
  while (servers.length) {
    // The counter that becomes free first calls next.
    let k = 0;
    for (let i = 1; i < servers.length; i++) {
      const s = servers[i]!;
      const best = servers[k]!;
      if (s.freeAt < best.freeAt || (s.freeAt === best.freeAt && s.id < best.id)) k = i;
    }
    const server = servers[k]!;
    const at = server.freeAt;
    if (at > until) break; // every other counter is free even later
    // The best head of each class under the policy comparator at the call time.
    const best: (Head | undefined)[] = [undefined, undefined, undefined, undefined];
    for (const head of server.lines) {
      const t = head.line.tickets[head.line.next];
      if (!t) continue;
      if (head.seq !== t.seq) {
        head.id = t.id;
        head.queuedAt = t.queuedAt;
        head.seq = t.seq;
      }
      const b = best[head.slot];
      if (!b || comparePolicy(head, b, policy, at) < 0) best[head.slot] = head;
    }
    const heads = best.filter((h): h is Head => h !== undefined);
    const chosen = pickNext(heads, policy, { now: at, recentClasses: server.recent });
    if (!chosen) {
      // Nobody left that this counter serves (no arrivals are forecast): it calls no more.
      servers.splice(k, 1);
      continue;
    }
    const ticket = chosen.line.tickets[chosen.line.next++]!;
    out.set(ticket.id, { calledAt: at, counterId: server.id, order: ++order });
    server.freeAt = at + chosen.line.minutes * MIN;
    if (ticket.ticketClass === 'normal') server.recent = ['normal'];
    else server.recent.unshift(ticket.ticketClass);
  }
  return out;
}
