/**
 * The waiting-time forecast: when will each waiting ticket be called, and at which
 * counter? Pure. The hub passes the waiting tickets, the counters with their profiles (services
 * and weights) and when each becomes free, the typical service minutes per service and the branch
 * policy; the forecast plays the counters' future calls forward with the rules of `pickNext` in
 * queue-policy.ts (its weights, comparator and interleave step) — class and counter weights, green pre-emption, aging at the simulated time,
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
 * keeps the first one and the best normal one (all that `applyInterleave` needs), computes each
 * weight once per call and allocates nothing per call but the result. 300 waiting tickets at 12
 * counters take a fraction of a millisecond (`npm run bench`); the unit tests check every call
 * against `pickNext` over all tickets.
 */
import type { CounterState } from './contracts';
import type { TicketClass } from './queue';
import { applyInterleave, priorityStreak, ticketWeight, type QueuePolicy } from './queue-policy';

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

/**
 * The forecast of every waiting ticket, in the order of `ForecastInput.waiting`: `at(i)` is the
 * forecast of `waiting[i]`. Kept in typed arrays (a forecast runs at every issue and every
 * snapshot); `get(id)` and `entries()` read it by ticket id.
 */
export class QueueForecast {
  private index: Map<string, number> | null = null;

  constructor(
    readonly tickets: readonly ForecastTicket[],
    private readonly calledAt: Float64Array,
    private readonly counterId: Int32Array,
    /** Place in the order of calls, 0 when not called (unknown). */
    private readonly order: Uint32Array,
  ) {}

  /** How many tickets were forecast (the input's length at the time). */
  get size(): number {
    return this.order.length;
  }

  /** The forecast of `tickets[i]`; null when no open counter calls it within the horizon. */
  at(i: number): TicketForecast | null {
    const order = this.order[i];
    if (!order) return null;
    return { calledAt: this.calledAt[i]!, counterId: this.counterId[i]!, order };
  }

  /** The forecast of one ticket by id; undefined for a ticket that was not in the input. */
  get(id: string): TicketForecast | null | undefined {
    if (!this.index) {
      this.index = new Map();
      for (let i = 0; i < this.size; i++) this.index.set(this.tickets[i]!.id, i);
    }
    const i = this.index.get(id);
    return i === undefined ? undefined : this.at(i);
  }

  *entries(): IterableIterator<[string, TicketForecast | null]> {
    for (let i = 0; i < this.size; i++) yield [this.tickets[i]!.id, this.at(i)];
  }

  [Symbol.iterator](): IterableIterator<[string, TicketForecast | null]> {
    return this.entries();
  }
}

interface Line {
  target: number | null;
  serviceCode: string;
  ticketClass: TicketClass;
  /** Typical minutes of one visit of the line's service. */
  minutes: number;
  /** Indexes into the input's `waiting`, first come first served. */
  items: number[];
  /** Position of the line's head in `items` (the ones before it are called in the forecast). */
  next: number;
}

interface Server {
  id: number;
  freeAt: number;
  /** The lines the counter serves, and the weight it gives each: serverLines / serverWeights [start, end). */
  start: number;
  end: number;
  /** Priority / VIP calls in a row (`priorityStreak` of its calls, kept up to date as it calls). */
  streak: number;
}

const CLASS_SLOT: Record<TicketClass, number> = { green: 0, vip: 1, priority: 2, normal: 3 };

const byArrival = (a: ForecastTicket, b: ForecastTicket) => a.queuedAt - b.queuedAt || a.seq - b.seq;

const EMPTY: number[] = [];

/**
 * Sorts a line's ticket indexes first come first served, in place: nothing to do when they are in
 * order already (the hub reads them so), insertion sort for a short line, else the array's sort.
 */
function sortByArrival(items: number[], waiting: readonly ForecastTicket[]): void {
  let sorted = true;
  for (let i = 1; i < items.length && sorted; i++) sorted = byArrival(waiting[items[i - 1]!]!, waiting[items[i]!]!) <= 0;
  if (sorted) return;
  if (items.length > 64) {
    items.sort((a, b) => byArrival(waiting[a]!, waiting[b]!));
    return;
  }
  for (let i = 1; i < items.length; i++) {
    const x = items[i]!;
    const tx = waiting[x]!;
    let j = i - 1;
    while (j >= 0 && byArrival(waiting[items[j]!]!, tx) > 0) {
      items[j + 1] = items[j]!;
      j--;
    }
    items[j + 1] = x;
  }
}

/** `comparePolicy(a, b) < 0` with both weights already known. */
function before(a: ForecastTicket, wa: number, b: ForecastTicket, wb: number): boolean {
  if (wa !== wb) return wa > wb;
  return a.queuedAt < b.queuedAt || (a.queuedAt === b.queuedAt && a.seq < b.seq);
}

const has = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/**
 * Every waiting ticket's forecast call (time and counter), or null for a ticket no open counter
 * serves (its service has no open counter, or the counter it was transferred to is not open) or
 * one not called within the horizon. When two counters are free at the same moment, the lower
 * counter id calls first.
 */
export function forecastQueue(input: ForecastInput): QueueForecast {
  const { now, policy, waiting } = input;
  const n = waiting.length;
  const calledAt = new Float64Array(n);
  const counterOf = new Int32Array(n);
  const orderOf = new Uint32Array(n);

  const newLine = (t: ForecastTicket, minutes: number): Line => ({
    target: t.targetCounterId,
    serviceCode: t.serviceCode,
    ticketClass: t.ticketClass,
    minutes,
    items: EMPTY,
    next: 0,
  });
  const minutesOf = (code: string) => {
    const m = has(input.serviceMinutes, code) ? input.serviceMinutes[code]! : input.defaultServiceMinutes;
    return Number.isFinite(m) && m > 0 ? m : input.defaultServiceMinutes;
  };

  // The lines: untargeted ones by service and class, the few transferred ones in a list. A first
  // pass counts each line, a second fills arrays of the exact size (no growing arrays to collect).
  const byService = new Map<string, (Line | undefined)[]>();
  const targeted: Line[] = [];
  const lineOf: Line[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const t = waiting[i]!;
    let line: Line | undefined;
    if (t.targetCounterId === null) {
      let row = byService.get(t.serviceCode);
      if (!row) byService.set(t.serviceCode, (row = [undefined, undefined, undefined, undefined]));
      const slot = CLASS_SLOT[t.ticketClass];
      line = row[slot] ?? (row[slot] = newLine(t, minutesOf(t.serviceCode)));
    } else {
      for (const l of targeted) if (l.target === t.targetCounterId && l.serviceCode === t.serviceCode && l.ticketClass === t.ticketClass) line = l;
      if (!line) targeted.push((line = newLine(t, minutesOf(t.serviceCode))));
    }
    line.next++; // counts the line's tickets until the fill below
    lineOf[i] = line;
  }
  for (let i = 0; i < n; i++) {
    const line = lineOf[i]!;
    if (line.items.length === 0) line.items = new Array<number>(line.next);
    line.items[line.items.length - line.next--] = i;
  }
  // First come first served within a line; the hub reads the tickets in that order, so mostly no sort.
  const sortLine = (line: Line | undefined) => {
    if (line) sortByArrival(line.items, waiting);
  };
  let lineCount = targeted.length;
  for (const row of byService.values()) {
    row.forEach(sortLine);
    for (const line of row) if (line) lineCount++;
  }
  targeted.forEach(sortLine);

  // Each open counter's lines with the weight it gives each, in one flat pair of arrays.
  const servers: Server[] = [];
  const serverLines: Line[] = new Array(lineCount * input.counters.length);
  const serverWeights: number[] = new Array(lineCount * input.counters.length);
  let used = 0;
  for (const c of input.counters) {
    if (c.state !== 'open') continue;
    const start = used;
    for (const [code, row] of byService) {
      if (!has(c.weights, code)) continue;
      for (const line of row) {
        if (!line) continue;
        serverLines[used] = line;
        serverWeights[used++] = c.weights[code]!;
      }
    }
    if (targeted.length) {
      const targetWeight = c.targetWeight ?? heaviestWeight(c.weights);
      for (const line of targeted) {
        if (line.target !== c.id) continue;
        serverLines[used] = line;
        serverWeights[used++] = targetWeight;
      }
    }
    if (used > start) servers.push({ id: c.id, freeAt: Math.max(now, c.freeAt), start, end: used, streak: priorityStreak(c.recentClasses) });
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
    // The head first under the policy at the call time, and the best normal head (all that the
    // interleave rule needs); each weight computed once per call, ties by queued time then issue order.
    let first: ForecastTicket | null = null;
    let firstLine: Line | null = null;
    let firstWeight = 0;
    let normal: ForecastTicket | null = null;
    let normalLine: Line | null = null;
    let normalWeight = 0;
    for (let j = server.start; j < server.end; j++) {
      const line = serverLines[j]!;
      if (line.next >= line.items.length) continue;
      const t = waiting[line.items[line.next]!]!;
      const w = ticketWeight(t.ticketClass, serverWeights[j]!, t.queuedAt, policy, at);
      if (!first || before(t, w, first, firstWeight)) {
        first = t;
        firstLine = line;
        firstWeight = w;
      }
      if (t.ticketClass === 'normal' && (!normal || before(t, w, normal, normalWeight))) {
        normal = t;
        normalLine = line;
        normalWeight = w;
      }
    }
    if (!first) {
      // Nobody left that this counter serves (no arrivals are forecast): it calls no more.
      servers.splice(k, 1);
      continue;
    }
    const line = applyInterleave(first, normal, policy, server.streak) === first ? firstLine! : normalLine!;
    const i = line.items[line.next++]!;
    calledAt[i] = at;
    counterOf[i] = server.id;
    orderOf[i] = ++order;
    server.freeAt = at + line.minutes * MIN;
    if (line.ticketClass === 'normal') server.streak = 0;
    else if (line.ticketClass !== 'green') server.streak++;
  }
  return new QueueForecast(waiting, calledAt, counterOf, orderOf);
}
