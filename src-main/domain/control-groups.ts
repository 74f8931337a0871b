/**
 * Control groups for measuring the lobby's own uplift, assigned deterministically by a hash of
 * customer + period (+ the branch's salt): the same customer stays in the same arm for a whole
 * month (or quarter) and moves at random between periods.
 * - holdout: no pitch at all; the tablet says "control group, service only";
 * - random: one eligible offer chosen at random instead of the ranked ones (measures ranking quality);
 * - treatment: everybody else.
 */

export type ControlGroup = 'treatment' | 'holdout' | 'random';

export interface ControlGroupRules {
  holdoutPercent: number;
  randomPercent: number;
  period: 'month' | 'quarter';
  salt: string;
}

/** FNV-1a, 32 bits: small, stable across platforms, no dependencies. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // final avalanche so neighbouring ids spread evenly
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The assignment period of a business date: 2026-11 or 2026-Q4. */
export function periodOf(today: string, period: 'month' | 'quarter'): string {
  const y = today.slice(0, 4);
  const m = Number(today.slice(5, 7));
  return period === 'month' ? today.slice(0, 7) : `${y}-Q${Math.ceil(m / 3)}`;
}

/** A number in [0, 100) for this customer and period. */
export function bucketOf(customerRef: string, periodKey: string, salt: string): number {
  return (fnv1a(`${salt}|${periodKey}|${customerRef}`) / 0x1_0000_0000) * 100;
}

export function controlGroupOf(customerRef: string, today: string, rules: ControlGroupRules): ControlGroup {
  const b = bucketOf(customerRef, periodOf(today, rules.period), rules.salt);
  if (b < rules.holdoutPercent) return 'holdout';
  if (b < rules.holdoutPercent + rules.randomPercent) return 'random';
  return 'treatment';
}

/** Deterministic pick of one of `n` items for a key (the random arm's offer for a ticket). */
export function pickIndex(key: string, n: number): number {
  if (n <= 0) return -1;
  return fnv1a(key) % n;
}
