import { describe, expect, it } from 'vitest';
import type { QueueSnapshot, WaitingTicket } from '@domain/contracts';
import { applyQueueDelta, diffQueue } from '@domain/queue-delta';

const ticket = (n: number, o: Partial<WaitingTicket> = {}): WaitingTicket => ({
  id: `t${n}`,
  number: `A${String(n).padStart(3, '0')}`,
  serviceCode: 'A',
  vip: false,
  route: 'standard',
  ticketClass: 'normal',
  identified: false,
  issuedAt: new Date(Date.UTC(2026, 11, 4, 1, 0, n)).toISOString(),
  estimatedWaitMinutes: n,
  ...o,
});

let clock = 0;
const snapshot = (offset: number, waiting: WaitingTicket[], businessDate = '2026-12-04', recentCalls: QueueSnapshot['recentCalls'] = []): QueueSnapshot => ({
  audience: 'staff',
  offset,
  at: new Date(Date.UTC(2026, 11, 4, 2) + ++clock).toISOString(),
  businessDate,
  services: [{ code: 'A', name: { 'zh-CN': '个人业务', en: 'Personal' }, waiting: waiting.length, longestWaitSeconds: 60, estimatedWaitMinutes: waiting.length }],
  waiting,
  recentCalls,
});

describe('queue delta', () => {
  it('a ticket issued is one line, and applying it gives the new snapshot exactly', () => {
    const waiting = Array.from({ length: 240 }, (_, i) => ticket(i));
    const prev = snapshot(10, waiting);
    const next = snapshot(11, [...waiting, ticket(240)]);
    const delta = diffQueue(prev, next)!;
    expect(delta.removed).toEqual([]);
    expect(delta.put).toEqual([{ index: 240, ticket: ticket(240) }]);
    expect(JSON.stringify(delta).length).toBeLessThan(JSON.stringify(next).length / 20);
    expect(applyQueueDelta(prev, delta)).toEqual(next);
    // The service's line carries its numbers, not its name again.
    expect(delta.services).toEqual([{ code: 'A', waiting: 241, longestWaitSeconds: 60, estimatedWaitMinutes: 241 }]);
  });

  it('no delta when a service is renamed (a delta carries numbers only)', () => {
    const prev = snapshot(1, [ticket(1)]);
    const next = snapshot(2, [ticket(1)]);
    next.services = [{ ...next.services[0]!, name: { 'zh-CN': '个人业务', en: 'Personal banking' } }];
    expect(diffQueue(prev, next)).toBeNull();
  });

  it('over random days of issues, calls, class changes and estimate changes, every delta applied gives the next snapshot', () => {
    let x = 12345;
    const rand = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32);
    let held = snapshot(0, []);
    let sent = held;
    let n = 0;
    let deltas = 0;
    let recent: QueueSnapshot['recentCalls'] = [];
    for (let step = 0; step < 2000; step++) {
      const list = [...sent.waiting];
      const r = rand();
      if (r < 0.45) {
        // A new ticket: a VIP goes before the normal ones, a normal one last.
        const vip = rand() < 0.2;
        const t = ticket(++n, vip ? { vip: true, ticketClass: 'vip' } : {});
        const at = vip ? list.filter((w) => w.ticketClass === 'vip').length : list.length;
        list.splice(at, 0, t);
      } else if (r < 0.8 && list.length) {
        const [called] = list.splice(Math.floor(rand() * Math.min(3, list.length)), 1); // called
        recent = [{ ticketId: called!.id, number: called!.number, serviceCode: 'A', counterId: 1, status: 'called' as const, vip: called!.vip, calledAt: called!.issuedAt }, ...recent].slice(0, 10);
      } else if (r < 0.9 && list.length) {
        const i = Math.floor(rand() * list.length);
        list[i] = { ...list[i]!, identification: 'confirmed', identified: true }; // changed in place
      } else {
        for (let i = 0; i < list.length; i++) list[i] = { ...list[i]!, estimatedWaitMinutes: (list[i]!.estimatedWaitMinutes ?? 0) + 1 };
      }
      const next = snapshot(sent.offset + 1, list, '2026-12-04', recent);
      const delta = diffQueue(sent, next);
      if (delta) {
        deltas++;
        const applied = applyQueueDelta(held, delta);
        expect(applied, `step ${step}`).toEqual(next);
        held = applied!;
      } else {
        held = next; // the whole snapshot went
      }
      sent = next;
    }
    expect(deltas).toBeGreaterThan(1000);
  });

  it('no delta for another business day, or when untouched tickets change order', () => {
    const a = ticket(1);
    const b = ticket(2);
    expect(diffQueue(snapshot(1, [a, b]), snapshot(2, [a, b, ticket(3)], '2026-12-05'))).toBeNull();
    expect(diffQueue(snapshot(1, [a, b]), snapshot(2, [b, a]))).toBeNull();
  });

  it('no delta when the change touches most of the list (every estimate moved): the whole snapshot is as small', () => {
    const waiting = Array.from({ length: 50 }, (_, i) => ticket(i));
    const moved = waiting.map((t) => ({ ...t, estimatedWaitMinutes: (t.estimatedWaitMinutes ?? 0) + 2 }));
    expect(diffQueue(snapshot(1, waiting), snapshot(2, moved))).toBeNull();
  });

  it('a screen that does not hold the base gets null (and asks for the whole snapshot)', () => {
    const prev = snapshot(5, [ticket(1)]);
    const next = snapshot(6, [ticket(1), ticket(2)]);
    const delta = diffQueue(prev, next)!;
    expect(applyQueueDelta(snapshot(4, [ticket(1)]), delta)).toBeNull();
    // The same offset built again later (estimates aged) is another snapshot.
    expect(applyQueueDelta({ ...prev, at: new Date(Date.parse(prev.at) + 5000).toISOString() }, delta)).toBeNull();
  });
});
