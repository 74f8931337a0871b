/**
 * The branch-day simulation (npm run simulate) on a short, busy day: it runs through the real
 * TicketStore, is deterministic, serves everyone, and shows the policies' known trade-off — aging
 * bounds the longest wait of a normal customer better than strict, at the priority classes' cost —
 * and the waiting-time estimate (the queue forecast) against the formula it replaced.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SIM_OPTIONS, drawCustomers, percentile, simulateDay, type SimOptions } from '../sim/engine';

const SHORT: SimOptions = {
  ...DEFAULT_SIM_OPTIONS,
  seed: 7,
  openHour: 9,
  closeHour: 12,
  arrivals: 90,
  curve: [8, 12, 8],
  counters: 3,
  mix: { normal: 60, priority: 25, vip: 15 },
};

describe('simulated branch day', () => {
  const day = simulateDay(SHORT);
  const by = Object.fromEntries(day.results.map((r) => [r.policy, r]));

  it('draws the same customers for the same seed and serves every one under each policy', () => {
    expect(drawCustomers(SHORT)).toEqual(drawCustomers(SHORT));
    expect(drawCustomers({ ...SHORT, seed: 8 })).not.toEqual(drawCustomers(SHORT));
    expect(day.customers).toBeGreaterThan(60);
    for (const r of day.results) {
      expect(r.tickets).toBe(day.customers);
      expect(r.byClass.reduce((s, c) => s + c.served, 0)).toBe(day.customers);
    }
    expect(simulateDay(SHORT, ['aging']).results[0]).toEqual(by.aging);
  });

  it('strict serves priority and VIP first; aging bounds the longest normal wait better', () => {
    const cls = (p: string, c: string) => by[p]!.byClass.find((x) => x.ticketClass === c)!;
    expect(cls('strict', 'priority').averageWaitMinutes!).toBeLessThan(cls('strict', 'normal').averageWaitMinutes!);
    expect(by.aging!.longestNormalWaitMinutes!).toBeLessThan(by.strict!.longestNormalWaitMinutes!);
    expect(cls('aging', 'priority').averageWaitMinutes!).toBeGreaterThan(cls('strict', 'priority').averageWaitMinutes!);
    for (const r of day.results) {
      expect(r.estimateMaeMinutes).toBeGreaterThanOrEqual(Math.abs(r.estimateBiasMinutes));
      for (const c of r.byClass) expect(c.p95WaitMinutes!).toBeLessThanOrEqual(c.longestWaitMinutes!);
    }
  });

  it('the queue forecast beats the formula it replaced, and is exact up to rounding when visits take their typical time', () => {
    for (const r of day.results) expect(r.estimateMaeMinutes).toBeLessThan(r.baselineMaeMinutes * 0.7);
    // Every visit takes exactly its service's mean, nobody arrives later who could overtake (all
    // normal), nobody fails to come: what remains is rounding to whole minutes and the default
    // service minutes until three visits of a service are known.
    const exact = simulateDay({ ...SHORT, serviceCv: 0, noShowPercent: 0, mix: { normal: 100, priority: 0, vip: 0 } }, ['strict']).results[0]!;
    expect(exact.estimateMaeMinutes).toBeLessThanOrEqual(0.5);
    expect(exact.baselineMaeMinutes).toBeGreaterThan(3);
  });

  it('percentile is nearest rank', () => {
    expect(percentile([], 95)).toBeNull();
    expect(percentile([5, 1, 3, 2, 4], 95)).toBe(5);
    expect(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 95)).toBe(95);
  });
});
