import { describe, expect, it } from 'vitest';
import { smoothedPropensity } from '@domain/propensity';
import { bucketOf, controlGroupOf, periodOf, pickIndex } from '@domain/control-groups';

describe('smoothed propensity P = (SE·P0 + accepted) / (SE + N), shrunk towards the prior', () => {
  it('is the formula', () => {
    expect(smoothedPropensity(0.1, { n: 10, accepted: 5 }, 20)).toBeCloseTo((20 * 0.1 + 5) / 30);
    expect(smoothedPropensity(0.1, { n: 10, accepted: 5 }, 0)).toBeCloseTo(0.5);
  });
  it('is the prior itself before any pitch, whatever the prior strength (never zero for a zero strength)', () => {
    expect(smoothedPropensity(0.1, undefined, 20)).toBe(0.1);
    expect(smoothedPropensity(0.1, { n: 0, accepted: 0 }, 0)).toBe(0.1);
    expect(smoothedPropensity(0.07, { n: 0, accepted: 0 }, 100_000)).toBe(0.07);
  });
  it('shrinks towards the prior, not towards zero: one decline barely moves a strong prior', () => {
    const p = smoothedPropensity(0.2, { n: 1, accepted: 0 }, 20);
    expect(p).toBeCloseTo((20 * 0.2) / 21);
    expect(p).toBeGreaterThan(0.18);
  });
  it('starts near the prior and follows the observed rate as outcomes accumulate', () => {
    const few = smoothedPropensity(0.05, { n: 2, accepted: 2 }, 20);
    const many = smoothedPropensity(0.05, { n: 10_000, accepted: 4_000 }, 20);
    expect(few).toBeLessThan(0.2);
    expect(many).toBeCloseTo(0.4, 2);
    expect(smoothedPropensity(0.3, { n: 1000, accepted: 0 }, 20)).toBeLessThan(0.01);
  });
});

describe('control groups by hash of customer + period', () => {
  const rules = { holdoutPercent: 3, randomPercent: 2, period: 'month' as const, salt: 'lobby-nba' };
  it('is deterministic and stable within a period', () => {
    expect(controlGroupOf('C42', '2026-11-03', rules)).toBe(controlGroupOf('C42', '2026-11-28', rules));
    expect(periodOf('2026-11-22', 'month')).toBe('2026-11');
    expect(periodOf('2026-11-22', 'quarter')).toBe('2026-Q4');
    expect(periodOf('2026-01-01', 'quarter')).toBe('2026-Q1');
  });

  it('gives about 3% holdout and 2% random arm, and reshuffles between periods', () => {
    const n = 20_000;
    const count = { holdout: 0, random: 0, treatment: 0 };
    let moved = 0;
    for (let i = 0; i < n; i++) {
      const g = controlGroupOf(`C${i}`, '2026-11-01', rules);
      count[g]++;
      if (g === 'holdout' && controlGroupOf(`C${i}`, '2026-12-01', rules) !== 'holdout') moved++;
    }
    expect(count.holdout / n).toBeGreaterThan(0.025);
    expect(count.holdout / n).toBeLessThan(0.035);
    expect(count.random / n).toBeGreaterThan(0.015);
    expect(count.random / n).toBeLessThan(0.025);
    expect(moved / count.holdout).toBeGreaterThan(0.9);
  });

  it('0% means nobody; buckets are in [0, 100)', () => {
    for (let i = 0; i < 1000; i++) {
      expect(controlGroupOf(`C${i}`, '2026-11-01', { ...rules, holdoutPercent: 0, randomPercent: 0 })).toBe('treatment');
      const b = bucketOf(`C${i}`, '2026-11', 's');
      expect(b).toBeGreaterThanOrEqual(0);
      expect(b).toBeLessThan(100);
    }
  });

  it('picks an index deterministically', () => {
    expect(pickIndex('t-1', 5)).toBe(pickIndex('t-1', 5));
    expect(pickIndex('t-1', 0)).toBe(-1);
    const seen = new Set(Array.from({ length: 200 }, (_, i) => pickIndex(`t-${i}`, 4)));
    expect([...seen].sort()).toEqual([0, 1, 2, 3]);
  });
});
