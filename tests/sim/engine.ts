/**
 * A synthetic branch day replayed through the real queue engine: the hub's TicketStore (issue,
 * call-next under the branch policy, complete / no-show, the waiting-time estimate) on an
 * in-memory better-sqlite3 database with the schema migrations, driven by an injected clock in a
 * discrete-event loop (a day takes well under a second). Deterministic: one seeded PRNG draws the
 * customers (arrival time, service, class, service time, no-show) once, and every policy serves
 * the same customers.
 *
 * VIP customers: the simulated kiosk issues an anonymous ticket and the harness marks it `vip`
 * (as the kiosk does for an identified VIP customer) before anyone is called; the estimate is
 * read after that, from the phone page view (`track`), for every ticket.
 *
 * The estimate is the hub's queue forecast (domain/queue-forecast.ts). For comparison the day also
 * scores the formula it replaced (people ahead in the same service × typical minutes ÷ open counters
 * serving it, `estimateWaitMinutes`), fed the same recent service times.
 */
import { SNAPSHOT_SQL } from '../../src-main/hub/customers/snapshot';
import { IdentifierKey } from '../../src-main/customer-data/identifier-key';
import Database from 'better-sqlite3';
import { applyPragmas, migrate } from '../../src-main/hub/db/open';
import { loadBranch } from '../../src-main/hub/branch';
import { Journal } from '../../src-main/hub/journal';
import { CustomerDirectory } from '../../src-main/hub/visits/customer-directory';
import { TicketStore, type TicketRow } from '../../src-main/hub/queue/ticket-store';
import type { Identity } from '../../src-main/hub/auth/sessions';
import { DEFAULT_BRANCH_RULES, type BranchRules } from '../../src-main/domain/branch-config';
import { typicalServiceMinutes, type QueuePolicyKind } from '../../src-main/domain/queue-policy';
import { estimateWaitMinutes, type PriorityReason, type TicketClass } from '../../src-main/domain/queue';
import { mulberry32 } from '../../src-main/hub/demo/random';

export type SimClass = Exclude<TicketClass, 'green'>;
export const SIM_CLASSES: readonly SimClass[] = ['vip', 'priority', 'normal'];
export const POLICIES: readonly QueuePolicyKind[] = ['strict', 'aging', 'interleave'];

export interface SimOptions {
  seed: number;
  /** Business date simulated (YYYY-MM-DD) and opening hours, branch local time (Asia/Shanghai). */
  date: string;
  openHour: number;
  closeHour: number;
  /** Expected arrivals over the day. */
  arrivals: number;
  /** Relative arrival rate per opening hour (the arrival curve); stretched over the opening hours. */
  curve: number[];
  /** Counters open all day; each serves every service with weight 1. */
  counters: number;
  /** Share of each service (weights) and its mean service minutes. */
  services: Record<string, { weight: number; minutes: number }>;
  /** Coefficient of variation of the (log-normal) service time. */
  serviceCv: number;
  /** Class mix (weights). */
  mix: Record<SimClass, number>;
  /** Percent of called customers who do not come; the teller marks them no-show after `noShowMinutes`. */
  noShowPercent: number;
  noShowMinutes: number;
  /** Policy parameters (docs/QUEUE.md). */
  agingPerMinute: number;
  interleaveEvery: number;
}

export const DEFAULT_SIM_OPTIONS: SimOptions = {
  seed: 42,
  date: '2026-03-02',
  openHour: 9,
  closeHour: 17,
  arrivals: 220,
  curve: [6, 9, 10, 7, 6, 8, 10, 7],
  counters: 3,
  services: {
    A: { weight: 35, minutes: 4 },
    B: { weight: 25, minutes: 5 },
    C: { weight: 15, minutes: 8 },
    D: { weight: 15, minutes: 10 },
    E: { weight: 10, minutes: 8 },
  },
  serviceCv: 0.5,
  mix: { normal: 75, priority: 15, vip: 10 },
  noShowPercent: 3,
  noShowMinutes: 2,
  agingPerMinute: 1,
  interleaveEvery: 3,
};

export interface ClassStats {
  ticketClass: SimClass;
  served: number;
  averageWaitMinutes: number | null;
  p95WaitMinutes: number | null;
  longestWaitMinutes: number | null;
}

export interface PolicyResult {
  policy: QueuePolicyKind;
  tickets: number;
  byClass: ClassStats[];
  longestNormalWaitMinutes: number | null;
  /** Mean absolute error (minutes) of the estimate shown at issue against the simulated wait. */
  estimateMaeMinutes: number;
  /** Mean signed error (estimate - actual): positive means the estimate was too pessimistic. */
  estimateBiasMinutes: number;
  /** The same for the formula the forecast replaced (same-service people ahead ÷ counters). */
  baselineMaeMinutes: number;
  baselineBiasMinutes: number;
  /** Last visit ended, minutes after opening. */
  lastEndMinutes: number;
}

// ---------------------------------------------------------------- randomness

/** The demo data's seeded PRNG (mulberry32): same seed, same day. */
export const prng = mulberry32;

function pick<K extends string>(rand: () => number, weights: Record<K, number>): K {
  const entries = Object.entries(weights) as [K, number][];
  const total = entries.reduce((s, [, w]) => s + w, 0);
  let x = rand() * total;
  for (const [k, w] of entries) {
    x -= w;
    if (x < 0) return k;
  }
  return entries[entries.length - 1]![0];
}

function normal(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/** Log-normal with the given mean and coefficient of variation. */
function logNormal(rand: () => number, mean: number, cv: number): number {
  const sigma2 = Math.log(1 + cv * cv);
  return Math.exp(Math.log(mean) - sigma2 / 2 + Math.sqrt(sigma2) * normal(rand));
}

export interface Customer {
  i: number;
  /** Minutes after opening. */
  arrival: number;
  serviceCode: string;
  ticketClass: SimClass;
  serviceMinutes: number;
  noShow: boolean;
}

/** The day's customers: a non-homogeneous Poisson arrival process (thinning) over the curve. */
export function drawCustomers(o: SimOptions): Customer[] {
  const rand = prng(o.seed);
  const dayMinutes = (o.closeHour - o.openHour) * 60;
  const curve = o.curve.length ? o.curve : [1];
  const curveSum = curve.reduce((s, w) => s + w, 0);
  const rate = (t: number) => {
    const slot = Math.min(curve.length - 1, Math.floor((t / dayMinutes) * curve.length));
    return (o.arrivals * curve[slot]!) / curveSum / (dayMinutes / curve.length);
  };
  const maxRate = (o.arrivals * Math.max(...curve)) / curveSum / (dayMinutes / curve.length);
  const weights = Object.fromEntries(Object.entries(o.services).map(([k, v]) => [k, v.weight]));
  const out: Customer[] = [];
  let t = 0;
  for (;;) {
    t += -Math.log(Math.max(rand(), 1e-12)) / maxRate;
    if (t >= dayMinutes) break;
    if (rand() * maxRate > rate(t)) continue;
    const serviceCode = pick(rand, weights);
    out.push({
      i: out.length,
      arrival: t,
      serviceCode,
      ticketClass: pick(rand, o.mix),
      serviceMinutes: Math.max(0.5, logNormal(rand, o.services[serviceCode]!.minutes, o.serviceCv)),
      noShow: rand() * 100 < o.noShowPercent,
    });
  }
  return out;
}

// ---------------------------------------------------------------- the branch

const BRANCH_ID = 'SIM';
const MIN = 60_000;
const PRIORITY_REASONS: readonly PriorityReason[] = ['elderly', 'disabled', 'pregnant'];

function openSimBranch(o: SimOptions, policy: QueuePolicyKind): Database.Database {
  const db = new Database(':memory:');
  applyPragmas(db);
  migrate(db);
  // No customers in the simulation: an empty customer snapshot, in the same in-memory database.
  db.exec(SNAPSHOT_SQL);
  const rules: BranchRules = {
    ...DEFAULT_BRANCH_RULES,
    greenChannel: { ...DEFAULT_BRANCH_RULES.greenChannel, enabled: false, destinationCounterId: null },
    queue: {
      ...DEFAULT_BRANCH_RULES.queue,
      policy: { ...DEFAULT_BRANCH_RULES.queue.policy, kind: policy, agingPerMinute: o.agingPerMinute, interleaveEvery: o.interleaveEvery },
    },
  };
  db.prepare('INSERT INTO branch (id, name_zh, name_en, rules_json) VALUES (?, ?, ?, ?)').run(BRANCH_ID, '模拟网点', 'Simulated branch', JSON.stringify(rules));
  const service = db.prepare('INSERT INTO service (branch_id, code, prefix, name_zh, name_en, vip_only, sort_order) VALUES (?, ?, ?, ?, ?, 0, ?)');
  Object.keys(o.services).forEach((code, i) => service.run(BRANCH_ID, code, code, code, code, i));
  const counter = db.prepare('INSERT INTO counter (id, branch_id, name_zh, name_en, vip) VALUES (?, ?, ?, ?, 0)');
  const link = db.prepare('INSERT INTO counter_service (counter_id, branch_id, service_code, weight) VALUES (?, ?, ?, 1)');
  for (let c = 1; c <= o.counters; c++) {
    counter.run(c, BRANCH_ID, `${c}号窗口`, `Counter ${c}`);
    for (const code of Object.keys(o.services)) link.run(c, BRANCH_ID, code);
  }
  return db;
}

/** Epoch ms of `hour`:00 on `date` in Asia/Shanghai (UTC+8, no daylight saving). */
function shanghaiHour(date: string, hour: number): number {
  return Date.parse(`${date}T00:00:00Z`) + (hour - 8) * 3600_000;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** p-th percentile (0..100), nearest rank. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

type Ev = { t: number; order: number; kind: 'arrive'; c: Customer } | { t: number; order: number; kind: 'free'; counter: number };

/** One policy over the day's customers. */
export function simulatePolicy(o: SimOptions, policy: QueuePolicyKind, customers: readonly Customer[]): PolicyResult {
  if (o.counters < 1) throw new Error('at least one counter');
  if (o.closeHour <= o.openHour) throw new Error('closeHour must be after openHour');
  const db = openSimBranch(o, policy);
  try {
    const open = shanghaiHour(o.date, o.openHour);
    let clock = open;
    const now = () => clock;
    const branch = loadBranch(db)!;
    const journal = new Journal(db, now);
    const desk = new TicketStore(db, branch, new CustomerDirectory(db, branch, IdentifierKey.forTests()), journal, now, () => 'http://sim');
    const kiosk: Identity = { role: 'kiosk', subjectId: 'sim-kiosk', branchId: BRANCH_ID, counterId: null };
    const tellers = Array.from({ length: o.counters + 1 }, (_, c): Identity => ({ role: 'teller', subjectId: `t${c}`, branchId: BRANCH_ID, counterId: c }));
    const markVip = db.prepare("UPDATE ticket SET ticket_class = 'vip', vip = 1 WHERE id = ?");
    // Every counter staffed all day (a counter is open while a teller is signed in at it).
    for (let c = 1; c <= o.counters; c++) desk.counters.set(c, 'open', null, null, `t${c}`, now());

    const byTicket = new Map<string, { c: Customer; estimate: number; baseline: number }>();
    // Completed visits (called -> ended, ms) per service, oldest first: the baseline's service times.
    const visits = new Map<string, number[]>();
    const calledAt = new Map<string, number>();
    const atCounter = new Map<number, string | null>();
    for (let c = 1; c <= o.counters; c++) atCounter.set(c, null);

    let order = 0;
    const events: Ev[] = customers.map((c) => ({ t: open + c.arrival * MIN, order: order++, kind: 'arrive', c }));
    const push = (e: Ev) => {
      // Sorted insert (a day is a few hundred events).
      let i = events.length;
      while (i > 0 && (events[i - 1]!.t > e.t || (events[i - 1]!.t === e.t && events[i - 1]!.order > e.order))) i--;
      events.splice(i, 0, e);
    };
    events.sort((a, b) => a.t - b.t || a.order - b.order);

    const dispatch = () => {
      for (let c = 1; c <= o.counters; c++) {
        if (atCounter.get(c) !== null) continue;
        const row = desk.callNext(c, tellers[c]!);
        if (!row) return; // nobody waits (every counter serves every service)
        atCounter.set(c, row.id);
        calledAt.set(row.id, clock);
        const who = byTicket.get(row.id)!.c;
        push({ t: clock + (who.noShow ? o.noShowMinutes : who.serviceMinutes) * MIN, order: order++, kind: 'free', counter: c });
      }
    };

    let lastEnd = open;
    while (events.length) {
      const e = events.shift()!;
      clock = Math.round(e.t);
      if (e.kind === 'arrive') {
        const c = e.c;
        const issued = desk.issue(
          {
            serviceCode: c.serviceCode,
            requestId: `sim-request-${c.i}`,
            ...(c.ticketClass === 'priority' ? { priority: PRIORITY_REASONS[c.i % PRIORITY_REASONS.length]! } : {}),
          },
          kiosk,
        );
        if (c.ticketClass === 'vip') {
          markVip.run(issued.row.id);
          desk.invalidateForecast(); // changed behind the desk's back (no journal event)
        }
        const track = desk.track(issued.row.track_token);
        const estimate = track.estimatedWaitMinutes;
        if (estimate === null) throw new Error(`no estimate for ${issued.row.number}: every counter is open and serves every service`);
        // The replaced formula, fed what the hub's service-time query reads (the last 20 completed visits).
        const samples = (visits.get(c.serviceCode) ?? []).slice(-20);
        const typical = typicalServiceMinutes(samples, DEFAULT_BRANCH_RULES.queue.defaultServiceMinutes, 3);
        const baseline = estimateWaitMinutes(desk.placeInService(issued.row) - 1, typical, o.counters);
        byTicket.set(issued.row.id, { c, estimate, baseline });
      } else {
        const id = atCounter.get(e.counter)!;
        const who = byTicket.get(id)!.c;
        desk.end(id, who.noShow ? 'no_show' : 'completed', tellers[e.counter]!);
        if (!who.noShow) visits.set(who.serviceCode, [...(visits.get(who.serviceCode) ?? []), clock - calledAt.get(id)!]);
        atCounter.set(e.counter, null);
        lastEnd = clock;
      }
      dispatch();
    }

    const rows = desk.ticketsOfDay() as TicketRow[];
    const waits = (cls: SimClass) =>
      rows.filter((r) => r.ticket_class === cls && r.called_at !== null).map((r) => (r.called_at! - r.issued_at) / MIN);
    const byClass = SIM_CLASSES.map<ClassStats>((cls) => {
      const w = waits(cls);
      return {
        ticketClass: cls,
        served: w.length,
        averageWaitMinutes: w.length ? round1(w.reduce((s, x) => s + x, 0) / w.length) : null,
        p95WaitMinutes: w.length ? round1(percentile(w, 95)!) : null,
        longestWaitMinutes: w.length ? round1(Math.max(...w)) : null,
      };
    });
    const errorsOf = (which: 'estimate' | 'baseline') =>
      rows.filter((r) => r.called_at !== null).map((r) => byTicket.get(r.id)![which] - (r.called_at! - r.issued_at) / MIN);
    const mae = (errors: number[]) => (errors.length ? round1(errors.reduce((s, x) => s + Math.abs(x), 0) / errors.length) : 0);
    const bias = (errors: number[]) => (errors.length ? round1(errors.reduce((s, x) => s + x, 0) / errors.length) : 0);
    const errors = errorsOf('estimate');
    const baselineErrors = errorsOf('baseline');
    const notCalled = rows.filter((r) => r.called_at === null).length;
    if (notCalled) throw new Error(`${notCalled} tickets were never called`);
    return {
      policy,
      tickets: rows.length,
      byClass,
      longestNormalWaitMinutes: byClass.find((b) => b.ticketClass === 'normal')!.longestWaitMinutes,
      estimateMaeMinutes: mae(errors),
      estimateBiasMinutes: bias(errors),
      baselineMaeMinutes: mae(baselineErrors),
      baselineBiasMinutes: bias(baselineErrors),
      lastEndMinutes: round1((lastEnd - open) / MIN),
    };
  } finally {
    db.close();
  }
}

/** Every policy over the same synthetic day. */
export function simulateDay(o: SimOptions, policies: readonly QueuePolicyKind[] = POLICIES): { customers: number; results: PolicyResult[] } {
  const customers = drawCustomers(o);
  return { customers: customers.length, results: policies.map((p) => simulatePolicy(o, p, customers)) };
}
