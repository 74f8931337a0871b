/**
 * `npm run bench`: hub speed against raw baselines measured in the same run on the same disk.
 *  1. tickets/s through POST /api/v1/tickets of a running hub (after BENCH_TICKET_WARMUP, 400, tickets
 *     not counted) vs raw better-sqlite3 inserts (WAL, synchronous=FULL, one transaction per row; the
 *     median of three runs) -> ratio.
 *  2. ticket -> customer:card latency (until all of 200 connected manager sockets have it), p50/p99,
 *     vs a raw socket.io broadcast of the same message (the card with its queue change, as a manager
 *     screen received it) to 200 clients -> ratio; both after BENCH_CARD_WARMUP (20)
 *     not counted.
 *  3. (optional, BENCH_SCALE=1) customer card with next-best-action ranking on a large customer base
 *     (BENCH_CUSTOMERS, default 1,000,000 customers with BENCH_HOLDINGS_PER_CUSTOMER, default 5, so about
 *     5 M holdings: the demo generator's ~3.8 per customer topped up with tranches of the customers' own
 *     asset holdings; seeding alone takes minutes, too slow for the default run): p50/p99 of the decision (read + pipeline), of a
 *     ticket with its stored decision and of building the masked card, and the pipeline's cost per
 *     stage. BENCH_CARD_SAMPLES (default 2000) decisions are measured.
 *  4. the waiting-time forecast (domain/queue-forecast.ts) of a busy lobby, BENCH_FORECAST_WAITING (300)
 *     tickets at BENCH_FORECAST_COUNTERS (12) counters, interleave policy, p50/p99, vs one sort of the same
 *     tickets by the policy comparator (a single counter's view of the queue) -> ratio.
 *  5. the warehouse feed (tests/bench/feed-bench.ts; BENCH_FEED=0 skips it): import of
 *     BENCH_FEED_CUSTOMERS (1,000,000) customers with their cards and BENCH_FEED_HOLDINGS (5) holdings
 *     each, alone: time, rows/s and peak RSS vs a raw bulk insert of the same rows; then ticket p99
 *     during a second import of the same files vs without.
 * Options: BENCH_TICKETS (default 2000), BENCH_CONCURRENCY (16), BENCH_SOCKETS (200), BENCH_CARDS (200),
 * BENCH_QUEUE (40: tickets already waiting while cards are measured, a busy lobby).
 *  6. head office (tests/bench/head-office-bench.ts; BENCH_HO=0 skips it; needs PostgreSQL): ingest of
 *     200 branches' journals against raw multi-row INSERTs, the board's latency, one outbox's cost.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { Agent, createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { openBranchData } from '../helpers/branch-data';
import { Server } from 'socket.io';
import { io, type Socket } from 'socket.io-client';
import { createHub } from '../../src-main/hub/create-hub';
import { openDemoDatabase } from '../../src-main/hub/demo/demo-database';
import { feedBench } from './feed-bench';
import { headOfficeBench, headOfficeFeedBench } from './head-office-bench';
import { Journal } from '../../src-main/hub/journal';
import { CustomerDirectory, type CustomerRow } from '../../src-main/hub/visits/customer-directory';
import { TicketStore } from '../../src-main/hub/queue/ticket-store';
import type { StageTimings } from '../../src-main/domain/next-best-action';
import { businessDate } from '../../src-main/domain/ticket-number';
import { forecastQueue, type ForecastCounter, type ForecastTicket } from '../../src-main/domain/queue-forecast';
import { DEFAULT_QUEUE_POLICY, orderByPolicy, type QueuePolicy } from '../../src-main/domain/queue-policy';
import type { TicketClass } from '../../src-main/domain/queue';

const TICKETS = Number(process.env.BENCH_TICKETS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 200);
const CARDS = Number(process.env.BENCH_CARDS ?? 200);
const QUEUE = Number(process.env.BENCH_QUEUE ?? 40);
const SCALE = process.env.BENCH_SCALE === '1';
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 1_000_000);
const CARD_SAMPLES = Number(process.env.BENCH_CARD_SAMPLES ?? 2000);
const HOLDINGS_PER_CUSTOMER = Number(process.env.BENCH_HOLDINGS_PER_CUSTOMER ?? 5);
/** Tickets issued before the timed ones, and cards pushed before the timed ones (and raw broadcasts before theirs). */
const TICKET_WARMUP = Number(process.env.BENCH_TICKET_WARMUP ?? 400);
const CARD_WARMUP = Number(process.env.BENCH_CARD_WARMUP ?? 20);
const FORECAST_WAITING = Number(process.env.BENCH_FORECAST_WAITING ?? 300);
const FORECAST_COUNTERS = Number(process.env.BENCH_FORECAST_COUNTERS ?? 12);
/** Holdings per customer the demo generator gives by itself (the tests' data set); the bench tops it up. */
const DEMO_HOLDINGS_PER_CUSTOMER = 3.8;

const dir = mkdtempSync(join(tmpdir(), 'lobby-bench-'));
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const fmt = (n: number, d = 2) => n.toFixed(d);
/** Collects the garbage of the section before (npm run bench runs with --expose-gc), so that no section pays for another's. */
const settle = () => (globalThis as { gc?: () => void }).gc?.();

/** The median of three runs of `rawRun` (a disk's sync time varies from one second to the next). */
function rawInsertsPerSecond(n: number): number {
  const runs = [0, 1, 2].map((k) => rawRun(n, k)).sort((a, b) => a - b);
  return runs[1]!;
}

function rawRun(n: number, k: number): number {
  const db = new Database(join(dir, `raw-${k}.db`));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE t (id TEXT PRIMARY KEY, service TEXT, number TEXT, at INTEGER)');
  const ins = db.prepare('INSERT INTO t VALUES (?, ?, ?, ?)');
  const one = db.transaction((i: number) => ins.run(`id-${i}`, 'A', `A${i}`, Date.now()));
  const t0 = performance.now();
  for (let i = 0; i < n; i++) one(i);
  const s = (performance.now() - t0) / 1000;
  db.close();
  return n / s;
}

// A keep-alive node:http client: lighter than fetch, so the load generator costs the hub less CPU.
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
function post(url: string, token: string, body: unknown): Promise<unknown> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), authorization: `Bearer ${token}` },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 201) reject(new Error(`${res.statusCode} ${text}`));
          else resolve(JSON.parse(text));
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function login(base: string, body: unknown): Promise<string> {
  const res = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return ((await res.json()) as { token: string }).token;
}

function connect(url: string, auth: Record<string, unknown>): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = io(url, { path: '/socket.io', auth, transports: ['websocket'], reconnection: false, forceNew: true });
    s.once('connect', () => resolve(s));
    s.once('connect_error', reject);
  });
}

/** The raw baseline: one client asks the server to broadcast `args` (the hub's message, as received) to every client. */
async function rawEchoLatencies(n: number, clients: number, args: unknown[]): Promise<number[]> {
  const http = createServer();
  const server = new Server(http, { path: '/socket.io' });
  server.on('connection', (s) => {
    void s.join('managers');
    s.on('ping-all', (...data: unknown[]) => server.to('managers').emit('echo', ...data));
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const sockets = await Promise.all(Array.from({ length: clients }, () => connect(url, {})));
  const out: number[] = [];
  // Warmed up like the hub's card path (CARD_WARMUP broadcasts not counted).
  for (let i = -CARD_WARMUP; i < n; i++) {
    let got = 0;
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      for (const s of sockets) {
        s.once('echo', () => {
          if (++got === clients) resolve();
        });
      }
      sockets[0]!.emit('ping-all', ...args);
    });
    if (i >= 0) out.push(performance.now() - t0);
  }
  for (const s of sockets) s.disconnect();
  server.close();
  return out;
}

/** Section 3: the card with ranking on a large base, in-process (no HTTP / socket in the measurement). */
async function cardAtScale(): Promise<string[]> {
  if (CUSTOMERS <= 0) return [];
  const scaleDir = join(dir, 'scale');
  mkdirSync(scaleDir, { recursive: true });
  const today = businessDate(new Date(), 'Asia/Shanghai');
  const t0 = performance.now();
  const extraHoldingsPerCustomer = Math.max(0, HOLDINGS_PER_CUSTOMER - DEMO_HOLDINGS_PER_CUSTOMER);
  const demo = await openDemoDatabase(scaleDir, { today, customers: CUSTOMERS, extraHoldingsPerCustomer });
  const { db, branch, key } = demo;
  const seeded = demo.summary;
  const seedS = (performance.now() - t0) / 1000;
  const now = () => Date.now();
  const journal = new Journal(db, now);
  const customers = new CustomerDirectory(db, branch, key);
  const desk = new TicketStore(db, branch, customers, journal, now, () => 'http://bench');
  const byId = db.prepare('SELECT * FROM customer WHERE id = ?');
  const cardStmt = db.prepare('SELECT card_sealed FROM card WHERE customer_id = ? LIMIT 1');
  // The card read at the kiosk's reader: a read identification shows the whole card.
  const cardOf = (id: number) => key.open((cardStmt.get(id) as { card_sealed: Buffer }).card_sealed);
  const total = seeded.counts.customer;
  // Random customers across the whole base (a fixed LCG: the same sample every run).
  let x = 12345;
  const pick = () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return 1 + (x % total);
  };
  const timings: StageTimings = { candidates: 0, hard_rules: 0, contact_policy: 0, arbitration: 0, control_group: 0 };
  // warm-up
  for (let i = 0; i < 200; i++) customers.pipeline(byId.get(pick()) as CustomerRow, 'A', today, now(), `w-${i}`);
  customers.timings = timings;
  const decide: number[] = [];
  for (let i = 0; i < CARD_SAMPLES; i++) {
    const c = byId.get(pick()) as CustomerRow;
    const s = performance.now();
    customers.pipeline(c, 'ABCDE'[i % 5]!, today, now(), `t-${i}`);
    decide.push(performance.now() - s);
  }
  customers.timings = null;
  const decideTotal = decide.reduce((a, b) => a + b, 0);
  const stageTotal = Object.values(timings).reduce((a, b) => a + b, 0);
  // Cards of real tickets: issue (decision stored in the ticket's transaction), then build the card.
  const kiosk = { role: 'kiosk' as const, subjectId: 'kiosk-01', branchId: branch.id, counterId: null };
  const card: number[] = [];
  const issue: number[] = [];
  for (let i = 0; i < Math.min(CARD_SAMPLES, 1000); i++) {
    const c = byId.get(pick()) as CustomerRow;
    let s = performance.now();
    const { row } = desk.issue({ serviceCode: 'ABCDE'[i % 5]!, requestId: `scale-${i.toString(36).padStart(8, '0')}`, identity: { kind: 'card', value: cardOf(c.id), method: 'reader' } } as never, kiosk);
    issue.push(performance.now() - s);
    s = performance.now();
    customers.card({ ...row, customer_id: row.customer_id!, identification: desk.identificationOf(row)! }, today, null, now());
    card.push(performance.now() - s);
  }
  demo.close();
  const per = (ms: number) => `${fmt((ms / CARD_SAMPLES) * 1000, 1)} µs`;
  return [
    `customer base: ${total.toLocaleString('en')} customers, ${seeded.counts.holding.toLocaleString('en')} holdings ` +
      `(${fmt(seeded.counts.holding / total, 2)} per customer; seeded in ${fmt(seedS, 1)} s)`,
    `decision (read + pipeline)  p50 ${fmt(pct(decide, 50), 3)} ms   p99 ${fmt(pct(decide, 99), 3)} ms   (${CARD_SAMPLES} random customers)`,
    `ticket issue incl. decision p50 ${fmt(pct(issue, 50), 3)} ms   p99 ${fmt(pct(issue, 99), 3)} ms   (FULL-sync commit)`,
    `masked card build           p50 ${fmt(pct(card, 50), 3)} ms   p99 ${fmt(pct(card, 99), 3)} ms   (goal p99 < 5 ms)`,
    `pipeline cost per stage (mean per decision): data read ${per(decideTotal - stageTotal)}, candidates ${per(timings.candidates)}, ` +
      `eligibility+applicability+suitability ${per(timings.hard_rules)}, contact policy ${per(timings.contact_policy)}, ` +
      `arbitration ${per(timings.arbitration)}, control group ${per(timings.control_group)}`,
  ];
}

/**
 * Section 4: the queue forecast, in-process. A busy lobby: FORECAST_WAITING tickets over six services
 * (classes 80 % normal, 10 % priority, 7 % VIP, 1 % green; 2 % transferred to one counter) waiting up to
 * an hour, FORECAST_COUNTERS counters each serving three to six services with weights 1-10, half of
 * them busy. Baseline: one orderByPolicy sort of the same tickets, measured alike.
 */
function forecastBench(): { p50: number; p99: number; raw50: number; raw99: number } {
  let x = 4242;
  const rand = () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x / 2 ** 32;
  };
  const now = Date.now();
  const services = ['A', 'B', 'C', 'D', 'E', 'V'];
  const classOf = (r: number): TicketClass => (r < 0.8 ? 'normal' : r < 0.9 ? 'priority' : r < 0.97 ? 'vip' : r < 0.98 ? 'green' : 'normal');
  const waiting: ForecastTicket[] = Array.from({ length: FORECAST_WAITING }, (_, i) => ({
    id: `t${i}`,
    serviceCode: services[Math.floor(rand() * services.length)]!,
    ticketClass: classOf(rand()),
    queuedAt: now - Math.floor(rand() * 3_600_000),
    seq: i + 1,
    targetCounterId: rand() < 0.02 ? 1 + Math.floor(rand() * FORECAST_COUNTERS) : null,
  }));
  const counters: ForecastCounter[] = Array.from({ length: FORECAST_COUNTERS }, (_, i) => {
    const weights: Record<string, number> = {};
    const n = 3 + Math.floor(rand() * 4);
    for (const s of [...services].sort(() => rand() - 0.5).slice(0, n)) weights[s] = 1 + Math.floor(rand() * 10);
    return { id: i + 1, state: 'open', weights, freeAt: now + (i % 2 ? Math.floor(rand() * 600_000) : 0), recentClasses: ['priority', 'vip', 'normal'] };
  });
  const policy: QueuePolicy = { ...DEFAULT_QUEUE_POLICY, kind: 'interleave' };
  const serviceMinutes = { A: 4, B: 5, C: 8, D: 10, E: 8, V: 12 };
  const candidates = waiting.map((t) => ({ ...t, counterWeight: 1 }));
  const time = (fn: () => unknown, n: number) => {
    for (let i = 0; i < 500; i++) fn(); // until both are compiled by the optimizing JIT
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const s = performance.now();
      fn();
      out.push(performance.now() - s);
    }
    return out;
  };
  const forecast = time(() => forecastQueue({ now, policy, waiting, counters, serviceMinutes, defaultServiceMinutes: 6 }), 500);
  const sort = time(() => orderByPolicy(candidates, policy, now), 500);
  return { p50: pct(forecast, 50), p99: pct(forecast, 99), raw50: pct(sort, 50), raw99: pct(sort, 99) };
}

async function main() {
  console.log(`Branch Lobby bench — ${TICKETS} tickets at concurrency ${CONCURRENCY}; ${CARDS} cards to ${SOCKETS} manager sockets with ${QUEUE} waiting`);
  const raw = rawInsertsPerSecond(TICKETS);
  const fc = forecastBench();

  const hub = await createHub({ port: 0, host: '127.0.0.1', dataDir: join(dir, 'hub'), demoCustomers: 10_000, logLevel: 'warn' });
  settle();
  const kiosk = await login(hub.url, { deviceId: 'kiosk-01', secret: 'demo' });
  // A running hub, not a cold one: TICKET_WARMUP tickets first (not counted) while the JIT compiles the path.
  let warm = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (warm < TICKET_WARMUP) {
        const i = warm++;
        await post(`${hub.url}/api/v1/tickets`, kiosk, { serviceCode: 'ABCDE'[i % 5], requestId: `warm-${i.toString(36).padStart(8, '0')}` });
      }
    }),
  );
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < TICKETS) {
        const i = next++;
        await post(`${hub.url}/api/v1/tickets`, kiosk, { serviceCode: 'ABCDE'[i % 5], requestId: `bench-${i.toString(36).padStart(8, '0')}` });
      }
    }),
  );
  const hubRate = TICKETS / ((performance.now() - t0) / 1000);

  await hub.close();

  // Card latency on a fresh branch with a realistic lobby (QUEUE waiting), 200 managers listening.
  // The demo branch, with the kiosk's identification limits raised for one kiosk identifying 200 customers in a row.
  await (await createHub({ port: 0, host: '127.0.0.1', dataDir: join(dir, 'hub2'), demoCustomers: 10_000, logLevel: 'warn' })).close();
  const rulesDb = new Database(join(dir, 'hub2', 'branch.db'));
  const branchRow = rulesDb.prepare('SELECT id, rules_json FROM branch').get() as { id: string; rules_json: string };
  const rules = JSON.parse(branchRow.rules_json) as { identification: Record<string, unknown> };
  rules.identification = { ...rules.identification, attempts: { perKiosk: 10_000, perIdentifier: 100, windowMinutes: 1, alertAt: 10_000 } };
  rulesDb.prepare('UPDATE branch SET rules_json = ? WHERE id = ?').run(JSON.stringify(rules), branchRow.id);
  rulesDb.close();
  const hub2 = await createHub({ port: 0, host: '127.0.0.1', dataDir: join(dir, 'hub2'), demoCustomers: 10_000, logLevel: 'warn' });
  const kiosk2 = await login(hub2.url, { deviceId: 'kiosk-01', secret: 'demo' });
  for (let i = 0; i < QUEUE; i++) {
    await post(`${hub2.url}/api/v1/tickets`, kiosk2, { serviceCode: 'ABCDE'[i % 5], requestId: `queue-${i.toString(36).padStart(8, '0')}` });
  }
  const db = openBranchData(join(dir, 'hub2'));
  const phones = (db.prepare("SELECT phone FROM customer_plain WHERE phone NOT LIKE '138000000%' ORDER BY id LIMIT ?").all(CARDS + CARD_WARMUP) as { phone: string }[]).map(
    (r) => r.phone,
  );
  db.close();
  const manager = await login(hub2.url, { staffId: 'm01', pin: '1111' });
  // As the manager screens connect: they apply queue deltas.
  const managers = await Promise.all(Array.from({ length: SOCKETS }, () => connect(hub2.url, { token: manager, queueDelta: true })));
  settle();
  const cardLatencies: number[] = [];
  // The last message a manager screen got (the card and its queue change): the raw baseline broadcasts the same.
  let sampleMessage: unknown[] = [];
  for (let i = 0; i < phones.length; i++) {
    let got = 0;
    const start = performance.now();
    const all = new Promise<void>((resolve) => {
      for (const s of managers) {
        s.once('customer:card', (...message: unknown[]) => {
          sampleMessage = message;
          if (++got === SOCKETS) resolve();
        });
      }
    });
    await post(`${hub2.url}/api/v1/tickets`, kiosk2, { serviceCode: 'A', identity: { kind: 'phone', value: phones[i] }, requestId: `card-${i.toString(36).padStart(8, '0')}` });
    await all;
    // The first CARD_WARMUP cards warm the path up (JIT) and are not counted.
    if (i >= CARD_WARMUP) cardLatencies.push(performance.now() - start);
  }
  for (const s of managers) s.disconnect();
  await hub2.close();

  settle();
  const echo = await rawEchoLatencies(CARDS, SOCKETS, sampleMessage);

  const rows = [
    ['tickets/s via POST /api/v1/tickets', fmt(hubRate, 0), 'raw FULL-sync inserts/s', fmt(raw, 0), `${fmt(hubRate / raw)}x of raw`],
    ['ticket -> customer:card p50 (ms)', fmt(pct(cardLatencies, 50)), 'raw socket.io echo p50', fmt(pct(echo, 50)), `${fmt(pct(cardLatencies, 50) / pct(echo, 50))}x raw`],
    ['ticket -> customer:card p99 (ms)', fmt(pct(cardLatencies, 99)), 'raw socket.io echo p99', fmt(pct(echo, 99)), `${fmt(pct(cardLatencies, 99) / pct(echo, 99))}x raw`],
    [`wait forecast ${FORECAST_WAITING}x${FORECAST_COUNTERS} ctr p50 (ms)`, fmt(fc.p50, 3), `raw policy sort of ${FORECAST_WAITING} p50`, fmt(fc.raw50, 3), `${fmt(fc.p50 / fc.raw50)}x raw`],
    [`wait forecast ${FORECAST_WAITING}x${FORECAST_COUNTERS} ctr p99 (ms)`, fmt(fc.p99, 3), `raw policy sort of ${FORECAST_WAITING} p99`, fmt(fc.raw99, 3), `${fmt(fc.p99 / fc.raw99)}x raw`],
  ];
  console.log('');
  for (const r of rows) console.log(`${r[0]!.padEnd(38)} ${r[1]!.padStart(9)}   ${r[2]!.padEnd(26)} ${r[3]!.padStart(9)}   ${r[4]}`);
  console.log('');
  if (SCALE && CUSTOMERS > 0) {
    console.log(`Customer card with ranking at scale (BENCH_CUSTOMERS=${CUSTOMERS}):`);
    for (const line of await cardAtScale()) console.log(`  ${line}`);
  } else {
    console.log('Customer card with ranking at scale: skipped (BENCH_SCALE=1 runs it; BENCH_CUSTOMERS sets the size, default 1,000,000).');
  }
  if (process.env.BENCH_FEED !== '0') {
    console.log('');
    console.log(`The warehouse feed (BENCH_FEED_CUSTOMERS=${process.env.BENCH_FEED_CUSTOMERS ?? 1_000_000}):`);
    for (const line of await feedBench(dir)) console.log(`  ${line}`);
  }
  if (process.env.BENCH_HO !== '0') {
    console.log('');
    console.log(`Head office (BENCH_HO_BRANCHES=${process.env.BENCH_HO_BRANCHES ?? 200}; needs PostgreSQL):`);
    for (const line of await headOfficeBench()) console.log(`  ${line}`);
    for (const line of await headOfficeFeedBench()) console.log(`  ${line}`);
  }
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  rmSync(dir, { recursive: true, force: true });
  process.exit(1);
});
