/**
 * The ticket store's cached queue forecast: reused while the journal has not moved, tickets
 * issued since are added to the cached inputs (the kiosk rush), anything else or FORECAST_TTL_MS
 * reads everything again — and at every step it equals a forecast read afresh by a second desk.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CreateTicketRequestSchema } from '../../../src-main/domain/contracts';
import type { Branch } from '../../../src-main/hub/branch';
import type { Db } from '../../../src-main/hub/db/open';
import { openDemoDatabase, type DemoDatabase } from '../../../src-main/hub/demo/demo-database';
import { CustomerDirectory } from '../../../src-main/hub/visits/customer-directory';
import { TicketStore, type TicketRow } from '../../../src-main/hub/queue/ticket-store';
import { Journal } from '../../../src-main/hub/journal';

const MIN = 60_000;
let dir: string;
let demo: DemoDatabase;
let db: Db;
let clock: number;
let branch: Branch;
let desk: TicketStore;
const kiosk = { role: 'kiosk' as const, subjectId: 'kiosk-01', branchId: 'demo-001', counterId: null };
const teller = (counterId: number) => ({ role: 'teller' as const, subjectId: `t0${counterId}`, branchId: 'demo-001', counterId });
let n = 0;
const issue = (serviceCode: string, priority?: 'elderly') =>
  desk.issue(CreateTicketRequestSchema.parse({ serviceCode, requestId: `r-${(n++).toString(36).padStart(8, '0')}`, ...(priority ? { priority } : {}) }), kiosk);

/** A second desk on the same database: no cache shared, so its forecast is read afresh. */
function fresh(): Map<string, unknown> {
  const other = new TicketStore(db, branch, new CustomerDirectory(db, branch, demo.key), new Journal(db, () => clock), () => clock, () => 'http://x');
  return new Map(other.forecast());
}

const journal = () => new Journal(db, () => clock);
const offset = () => journal().latestOffset(branch.id);
/** The staff snapshot a second desk builds from the database alone (its waiting list read afresh). */
function freshSnapshot() {
  const other = new TicketStore(db, branch, new CustomerDirectory(db, branch, demo.key), journal(), () => clock, () => 'http://x');
  return other.staffSnapshot(offset());
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lobby-forecast-'));
  clock = Date.parse('2026-01-10T02:00:00Z');
  demo = await openDemoDatabase(dir, { today: '2026-01-10', customers: 20 });
  db = demo.db;
  branch = demo.branch;
  desk = new TicketStore(db, branch, new CustomerDirectory(db, branch, demo.key), new Journal(db, () => clock), () => clock, () => 'http://x');
  // Every counter open, as when the tellers have signed in.
  for (const c of branch.counters) desk.counters.set(c.id, 'open', null, null, 'test', clock);
});
afterEach(() => {
  demo.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the cached queue forecast', () => {
  it('is reused while nothing changes, and read again after FORECAST_TTL_MS', () => {
    // Each kiosk ticket's place (read once issued) made the forecast.
    expect(issue('A').ticket.position).toBe(1);
    expect(issue('B').ticket.position).toBeGreaterThan(0);
    const read = vi.spyOn(desk as unknown as { readForecastInputs: () => unknown }, 'readForecastInputs');
    const first = desk.forecast();
    clock += 5_000;
    expect(desk.forecast()).toBe(first);
    expect(read).not.toHaveBeenCalled();
    clock += 11_000; // 16 s after the read: the visits at the counters ran on
    expect(desk.forecast()).not.toBe(first);
    expect(read).toHaveBeenCalledTimes(1);
  });

  it('adds tickets issued since without reading everything again; a call reads everything again', () => {
    issue('A');
    desk.forecast();
    const read = vi.spyOn(desk as unknown as { readForecastInputs: () => unknown }, 'readForecastInputs');
    const issued = [issue('A'), issue('B', 'elderly'), issue('A')];
    // Every kiosk ticket came with its estimate, from inputs extended ticket by ticket.
    expect(read).not.toHaveBeenCalled();
    expect(issued.map((r) => r.ticket.estimatedWaitMinutes)).toEqual(issued.map((r) => desk.estimate(r.row.id)));
    expect(new Map(desk.forecast())).toEqual(fresh());
    desk.callNext(1, teller(1));
    desk.forecast();
    expect(read).toHaveBeenCalledTimes(1);
    expect(new Map(desk.forecast())).toEqual(fresh());
  });

  it.each(['strict', 'aging', 'interleave'] as const)('equals a fresh read at every step of a busy morning (%s)', (policy) => {
    branch.rules.queue.policy = { ...branch.rules.queue.policy, kind: policy, interleaveEvery: 2 };
    let x = 7;
    const rand = () => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return x / 2 ** 32;
    };
    const atCounter = new Map<number, TicketRow | null>([1, 2, 3, 4].map((c) => [c, null]));
    for (let step = 0; step < 120; step++) {
      clock += Math.floor(rand() * 2 * MIN);
      const r = rand();
      if (r < 0.55) {
        issue('ABCDE'[Math.floor(rand() * 5)]!, rand() < 0.2 ? 'elderly' : undefined);
      } else {
        const c = 1 + Math.floor(rand() * 4);
        const open = atCounter.get(c);
        if (open) {
          desk.end(open.id, 'completed', teller(c));
          atCounter.set(c, null);
        } else {
          atCounter.set(c, desk.callNext(c, teller(c)));
        }
      }
      expect(new Map(desk.forecast()), `step ${step}`).toEqual(fresh());
      expect(desk.staffSnapshot(offset()), `step ${step}`).toEqual(freshSnapshot());
    }
    // Something was still waiting, and the forecast knew when.
    expect([...desk.forecast()].filter(([, f]) => f !== null).length).toBeGreaterThan(0);
  });
});

describe('the cached waiting list of the staff snapshot', () => {

  it('puts tickets issued since in their places without reading the list again, and equals a fresh read', () => {
    issue('A');
    issue('B');
    expect(desk.staffSnapshot(offset())).toEqual(freshSnapshot());
    const waiting = (desk as unknown as { s: { waiting: { all: () => unknown } } }).s.waiting;
    const read = vi.spyOn(waiting, 'all');
    // A rush: normal tickets, and priority ones that go before every normal ticket already waiting.
    for (const [code, priority] of [['A'], ['C', 'elderly'], ['A'], ['B', 'elderly'], ['D']] as [string, 'elderly' | undefined][]) {
      clock += 1_000;
      issue(code, priority);
      expect(desk.staffSnapshot(offset())).toEqual(freshSnapshot());
    }
    expect(read).not.toHaveBeenCalled();
    const snap = desk.staffSnapshot(offset());
    expect(snap.waiting.map((t) => t.ticketClass).slice(0, 2)).toEqual(['priority', 'priority']);
    // A call is not an issue: the list is read again.
    desk.callNext(1, teller(1));
    expect(desk.staffSnapshot(offset())).toEqual(freshSnapshot());
    expect(read).toHaveBeenCalledTimes(1);
  });

  it('is read again after its time to live, and never kept from inside a transaction', () => {
    issue('A');
    desk.staffSnapshot(offset());
    const waiting = (desk as unknown as { s: { waiting: { all: () => unknown } } }).s.waiting;
    const read = vi.spyOn(waiting, 'all');
    clock += 16_000;
    expect(desk.staffSnapshot(offset())).toEqual(freshSnapshot());
    expect(read).toHaveBeenCalledTimes(1);
    // A ticket issued inside a transaction that rolls back is never seen afterwards.
    expect(() =>
      db.transaction(() => {
        issue('B');
        expect(desk.staffSnapshot(offset()).waiting).toHaveLength(2);
        throw new Error('rolled back');
      })(),
    ).toThrow('rolled back');
    expect(desk.staffSnapshot(offset()).waiting).toHaveLength(1);
    expect(desk.staffSnapshot(offset())).toEqual(freshSnapshot());
  });
});
