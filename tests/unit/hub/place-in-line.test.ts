/**
 * One truth about the line: the place in line a customer is told (kiosk, paper ticket, phone page)
 * is the order in which the tellers' "call next" will actually call them. A property test: random
 * arrivals (services, priority by law, VIP and green-channel customers), transfers (to a service or
 * a counter, placed first, last or by original arrival) and paused counters, under each queue
 * policy; then the counters call as the forecast expects them to (each when its visit ends) and the
 * k-th call must be the ticket that was told "position k".
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CreateTicketRequestSchema } from '../../../src-main/domain/contracts';
import { DEFAULT_QUEUE_POLICY, type QueuePolicy } from '../../../src-main/domain/queue-policy';
import type { Branch } from '../../../src-main/hub/branch';
import type { Db } from '../../../src-main/hub/db/open';
import { openDemoDatabase, type DemoDatabase } from '../../../src-main/hub/demo/demo-database';
import { Rng } from '../../../src-main/hub/demo/random';
import { Announcer, SILENT } from '../../../src-main/hub/broadcast';
import { Journal } from '../../../src-main/hub/journal';
import { Queue } from '../../../src-main/hub/queue/queue';
import { TicketStore, type TicketRow } from '../../../src-main/hub/queue/ticket-store';
import { CustomerDirectory } from '../../../src-main/hub/visits/customer-directory';
import { Visits } from '../../../src-main/hub/visits/visits';

let dir: string;
let demo: DemoDatabase;
let db: Db;
let clock: number;
let branch: Branch;
let tickets: TicketStore;
let queue: Queue;
const kiosk = { role: 'kiosk' as const, subjectId: 'kiosk-01', branchId: 'demo-001', counterId: null };
const manager = { role: 'manager' as const, subjectId: 'm01', branchId: 'demo-001', counterId: null };
const teller = (counterId: number) => ({ role: 'teller' as const, subjectId: `t0${counterId}`, branchId: 'demo-001', counterId });

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lobby-place-'));
  clock = Date.parse('2026-03-02T01:30:00Z'); // 09:30 in the branch
  demo = await openDemoDatabase(dir, { today: '2026-03-02', customers: 60 });
  db = demo.db;
  branch = demo.branch;
  const journal = new Journal(db, () => clock);
  const customers = new CustomerDirectory(db, branch, demo.key);
  tickets = new TicketStore(db, branch, customers, journal, () => clock, () => 'http://x');
  const visits = new Visits(db, branch, tickets, customers, journal, () => clock);
  queue = new Queue(db, branch, tickets, visits, journal, new Announcer(SILENT, (e) => { throw e; }), () => clock);
});
afterEach(() => {
  demo.close();
  rmSync(dir, { recursive: true, force: true });
});

const waitingRows = () => db.prepare("SELECT * FROM ticket WHERE status = 'waiting'").all() as TicketRow[];
const cards = () =>
  (db.prepare("SELECT card_sealed FROM card k JOIN customer c ON c.id = k.customer_id WHERE c.tier IN ('top', 'gold') LIMIT 20").all() as { card_sealed: Buffer }[]).map((r) =>
    demo.key.open(r.card_sealed),
  );

function run(policy: QueuePolicy, seed: number): number {
  branch.rules.queue.policy = policy;
  const rng = new Rng(seed);
  const vipCards = cards();
  const counters = branch.counters.map((c) => c.id);
  let n = 0;
  let checked = 0;
  for (let round = 0; round < 6; round++) {
    // Arrivals: mostly walk-ins, some priority by law, some VIP customers with their card read.
    const arrivals = rng.int(3, 14);
    for (let i = 0; i < arrivals; i++) {
      clock += rng.int(0, 40_000);
      const kind = rng.next();
      const body = {
        serviceCode: 'ABCDE'[rng.int(0, 4)]!,
        requestId: `p-${seed}-${(n++).toString(36).padStart(6, '0')}`,
        ...(kind < 0.15 ? { priority: 'elderly' } : {}),
        ...(kind > 0.85 ? { identity: { kind: 'card', value: vipCards[rng.int(0, vipCards.length - 1)]!, method: 'reader' } } : {}),
      };
      queue.issue(CreateTicketRequestSchema.parse(body), kiosk);
    }
    // Transfers by the manager.
    for (const t of waitingRows()) {
      if (rng.next() > 0.2) continue;
      const placement = (['first', 'last', 'original'] as const)[rng.int(0, 2)]!;
      if (rng.next() < 0.5) queue.transfer(t.id, { serviceCode: 'ABCDE'[rng.int(0, 4)]!, placement }, manager);
      else queue.transfer(t.id, { counterId: counters[rng.int(0, counters.length - 1)]!, placement }, manager);
    }
    // Now and then a counter pauses (its customers go to the others, or wait with no estimate).
    for (const c of counters) {
      const paused = tickets.counters.state(c) === 'paused';
      if (rng.next() < 0.15) queue.setCounterState(c, paused ? 'open' : 'paused', paused ? null : 'break', null, manager);
    }

    // What every waiting customer is told now.
    const told = new Map<string, number>();
    for (const t of waitingRows()) {
      const issued = tickets.issued(t);
      expect(issued.position).toBe(tickets.track(t.track_token).position); // kiosk and phone page agree
      told.set(t.id, issued.position);
    }
    const forecast = tickets.forecast();
    const served = [...forecast.entries()].filter(([, f]) => f !== null).sort((a, b) => a[1]!.order - b[1]!.order);
    expect(served.map(([, f]) => f!.order)).toEqual(served.map((_, i) => i + 1));

    // The counters call as expected (each when its visit ends): the k-th call is the one told k.
    for (const [id, f] of served) {
      clock = Math.max(clock, f!.calledAt);
      const open = tickets.openAt(f!.counterId);
      if (open) queue.endVisit(open.id, 'completed', teller(f!.counterId));
      const call = queue.callNext(f!.counterId, teller(f!.counterId));
      expect(call?.ticket.id, `call at counter ${f!.counterId}`).toBe(id);
      expect(told.get(call!.ticket.id)).toBe(f!.order);
      checked++;
    }
    for (const c of counters) {
      const open = tickets.openAt(c);
      if (open) queue.endVisit(open.id, 'completed', teller(c));
    }
  }
  return checked;
}

describe('the place in line is the order of the calls', () => {
  const policies: [string, QueuePolicy][] = [
    ['strict', { ...DEFAULT_QUEUE_POLICY, kind: 'strict' }],
    ['aging', { ...DEFAULT_QUEUE_POLICY, kind: 'aging', agingPerMinute: 2 }],
    ['interleave', { ...DEFAULT_QUEUE_POLICY, kind: 'interleave', interleaveEvery: 2 }],
  ];
  it.each(policies)('under the %s policy, over random days', (_name, policy) => {
    let checked = 0;
    for (const seed of [11, 23, 57]) {
      afterEachSeed();
      checked += run(policy, seed);
    }
    expect(checked).toBeGreaterThan(60);
  });
});

/** Each seed starts from an empty queue on the same day. */
function afterEachSeed(): void {
  for (const t of waitingRows()) db.prepare("UPDATE ticket SET status = 'no_show', ended_at = ? WHERE id = ?").run(clock, t.id);
  for (const c of branch.counters) if (tickets.counters.state(c.id) !== 'open') queue.setCounterState(c.id, 'open', null, null, manager);
  tickets.invalidateForecast();
}
