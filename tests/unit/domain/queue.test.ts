import { describe, expect, it } from 'vitest';
import { classFor, estimateWaitMinutes } from '@domain/queue';

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
