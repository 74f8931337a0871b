import { describe, expect, it } from 'vitest';
import { classFor, CLASS_RANK, compareQueued, estimateWaitMinutes, type Queued, type TicketClass } from '@domain/queue';

const q = (ticketClass: TicketClass, issuedAt: number, seq: number, id = `${ticketClass}-${issuedAt}-${seq}`) => ({
  id,
  ticketClass,
  issuedAt,
  seq,
});

describe('classFor', () => {
  it('green channel route is always green', () => {
    expect(classFor('green_channel', true)).toBe('green');
    expect(classFor('green_channel', false)).toBe('green');
  });
  it('standard route: vip or normal', () => {
    expect(classFor('standard', true)).toBe('vip');
    expect(classFor('standard', false)).toBe('normal');
  });
});

describe('compareQueued', () => {
  it('ranks green > vip > priority > normal', () => {
    expect(CLASS_RANK.green).toBeGreaterThan(CLASS_RANK.vip);
    expect(CLASS_RANK.vip).toBeGreaterThan(CLASS_RANK.priority);
    expect(CLASS_RANK.priority).toBeGreaterThan(CLASS_RANK.normal);
  });

  it('serves green before vip before normal, whatever the arrival order', () => {
    const queue = [q('normal', 1_000, 1), q('vip', 5_000, 5), q('green', 9_000, 9), q('normal', 2_000, 2), q('priority', 3_000, 3)];
    expect([...queue].sort(compareQueued).map((t) => t.ticketClass)).toEqual(['green', 'vip', 'priority', 'normal', 'normal']);
  });

  it('first come first served within a class', () => {
    const queue = [q('normal', 3_000, 3), q('normal', 1_000, 1), q('normal', 2_000, 2)];
    expect([...queue].sort(compareQueued).map((t) => t.issuedAt)).toEqual([1_000, 2_000, 3_000]);
  });

  it('breaks a same-millisecond tie by issue sequence', () => {
    const queue = [q('vip', 1_000, 12), q('vip', 1_000, 10), q('vip', 1_000, 11)];
    expect([...queue].sort(compareQueued).map((t) => t.seq)).toEqual([10, 11, 12]);
  });

  it('a later VIP still goes before an earlier normal ticket', () => {
    expect(compareQueued(q('vip', 9_000, 9), q('normal', 1_000, 1))).toBeLessThan(0);
    expect(compareQueued(q('normal', 1_000, 1), q('vip', 9_000, 9))).toBeGreaterThan(0);
  });

  it('is a consistent comparator (antisymmetric, zero only for equal keys)', () => {
    const all: Queued[] = [];
    for (const c of ['green', 'vip', 'priority', 'normal'] as const) for (const t of [1, 2]) for (const s of [1, 2]) all.push(q(c, t, s));
    for (const a of all)
      for (const b of all) {
        const ab = Math.sign(compareQueued(a, b));
        const ba = Math.sign(compareQueued(b, a));
        expect(ab).toBe(-ba || 0);
        if (a.ticketClass === b.ticketClass && a.issuedAt === b.issuedAt && a.seq === b.seq) expect(ab).toBe(0);
        else expect(ab).not.toBe(0);
      }
  });

  it('a full mixed queue in serving order', () => {
    const queue = [
      q('normal', 100, 1, 'A001'),
      q('normal', 200, 2, 'A002'),
      q('vip', 300, 3, 'A003'),
      q('green', 400, 4, 'V001'),
      q('normal', 500, 5, 'B001'),
      q('vip', 500, 6, 'A004'),
      q('green', 150, 7, 'V002'),
    ];
    expect([...queue].sort(compareQueued).map((t) => t.id)).toEqual(['V002', 'V001', 'A003', 'A004', 'A001', 'A002', 'B001']);
  });
});

describe('estimateWaitMinutes', () => {
  it('nobody ahead -> 0', () => {
    expect(estimateWaitMinutes(0, 6, 3)).toBe(0);
    expect(estimateWaitMinutes(-1, 6, 3)).toBe(0);
  });

  it('people ahead x average minutes, shared among open counters', () => {
    expect(estimateWaitMinutes(1, 6, 1)).toBe(6);
    expect(estimateWaitMinutes(3, 6, 2)).toBe(9);
    expect(estimateWaitMinutes(10, 6, 3)).toBe(20);
  });

  it('rounds up to whole minutes', () => {
    expect(estimateWaitMinutes(5, 6, 4)).toBe(8); // 7.5
    expect(estimateWaitMinutes(1, 6, 4)).toBe(2); // 1.5
    expect(estimateWaitMinutes(1, 0.5, 1)).toBe(1);
  });

  it('treats no open counter as one (never divides by zero)', () => {
    expect(estimateWaitMinutes(2, 6, 0)).toBe(12);
    expect(estimateWaitMinutes(2, 6, -1)).toBe(12);
  });

  it('grows with the queue and shrinks with more counters', () => {
    expect(estimateWaitMinutes(6, 5, 1)).toBeGreaterThan(estimateWaitMinutes(5, 5, 1));
    expect(estimateWaitMinutes(6, 5, 3)).toBeLessThan(estimateWaitMinutes(6, 5, 2));
  });
});
